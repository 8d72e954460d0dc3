// Where a range of IDs entering an IORT node ends, run by run, as Linux's walk takes each ID
// (drivers/acpi/arm64/iort.c iort_node_map_id()): through the SMMUs to the ITS groups, with the
// mapping MappingChoice picks at each node. --hide-smmu composes dom0's mappings from it, and the
// PCI segment view shows each root complex's requester IDs on their way to the ITS.
import { fieldsOf, type Node } from '../layout/codec.js';
import type { FieldsOf } from '../layout/schema.js';
import { hex } from '../layout/diagnostics.js';
import { IORT_TYPES, IORT_ITS_GROUP, IORT_SMMU, IORT_SMMU_V3, idMapping, mappingsOf } from './iort-nodes.js';
import { firstAbove } from './id-index.js';
import { choices, idOut, type MappingChoice } from './iort-walk.js';

type Mapping = FieldsOf<typeof idMapping.layout>;
const SINGLE = 1;
const U32_MAX = 0xffff_ffff;

/** A node as a message names it: its type and offset. */
export const named = (n: Node): string => `${IORT_TYPES[Number(n.fields.type)] ?? `type ${Number(n.fields.type)}`} node at offset ${hex(n.at ?? 0)}`;
export const ids = (a: number, b: number): string => (a === b ? `ID ${hex(a)}` : `IDs ${hex(a)}-${hex(b)}`);

/** Each node's MappingChoice, made when first asked for; `fail` says why a walk cannot go on (the
 * caller's words around the reason: a refusal of the build, a note in a view). */
export class Nodes {
  readonly of: (n: Node) => MappingChoice = choices();
  constructor(
    readonly byAt: Map<number, Node>,
    readonly fail: (reason: string) => never,
  ) {}
  /** The mapping Linux takes for `id` entering `n`. */
  pick(n: Node, id: number): Mapping | undefined {
    const j = this.of(n).pick(id);
    return j === undefined ? undefined : fieldsOf(idMapping, mappingsOf(n)[j]);
  }
}

/** A run of IDs entering a node, where they end: an ITS group and the ID there (of the run's first;
 * one ID for all when a single mapping collapsed them). */
export interface Piece {
  from: number;
  to: number;
  group: number;
  out: number;
  single: boolean;
}

/** IDs an SMMU sends to no ITS group: they had no MSI route on the host, and get none in dom0. */
export interface Unrouted {
  device: Node;
  smmu: Node;
  from: number;
  to: number;
}

/** One node of a walk in progress: the IDs entering it cut into runs, the run it is at, what the
 * runs so far came to, and the run whose IDs the node above it is following. */
interface Frame {
  n: Node;
  points: number[];
  k: number;
  out: Piece[];
  waiting?: { a: number; b: number; single: boolean; start: number };
}

/** Adds a run to a node's runs, as one with the last when they continue each other (the same ITS
 * group, IDs and outputs in step). */
function append(out: Piece[], p: Piece): void {
  const last = out[out.length - 1];
  if (last && !last.single && !p.single && last.group === p.group && last.to + 1 === p.from && last.out + (p.from - last.from) === p.out) last.to = p.to;
  else out.push(p);
}

/** Where IDs lo..hi entering node `start` end, piece by piece, following Linux's walk with an
 * explicit stack (a chain of SMMUs may be as long as the table). `from` are the nodes before it (the
 * device, when `start` is what its single mapping names). IDs that no mapping of an SMMU holds are
 * recorded in `lost` (the host routes them nowhere either); at the device node they are simply not
 * mapped, as before. At most `room` pieces may come out: `over` is called (and throws) as soon as
 * more are certain, before they are all worked out. A node's pieces reach the node before it one
 * for one, but for the first, which may continue that node's last: so a node d deep on the stack
 * with more than room + d pieces means more than `room` at the start. */
export function follow(
  start: Node,
  lo: number,
  hi: number,
  nodes: Nodes,
  from: readonly Node[],
  lost: Unrouted[],
  room = Infinity,
  over?: () => never,
): Piece[] {
  const frames: Frame[] = [];
  const onPath = new Set<Node>(from);
  const enter = (n: Node, a: number, b: number): Piece[] | undefined => {
    if (Number(n.fields.type) === IORT_ITS_GROUP) return [{ from: a, to: b, group: n.at!, out: a, single: false }];
    if (onPath.has(n)) nodes.fail(`the IORT's mappings run in a cycle: ${[...from, ...frames.map((f) => f.n), n].map(named).join(' → ')}`);
    onPath.add(n);
    const cuts = nodes.of(n).cuts;
    const inside = cuts.slice(firstAbove(cuts, a), firstAbove(cuts, b));
    frames.push({ n, points: [a, ...inside, b + 1], k: 0, out: [] });
    return undefined;
  };
  let done = enter(start, lo, hi);
  while (frames.length) {
    const f = frames[frames.length - 1];
    if (done && f.waiting) {
      const { a, b, single, start: s } = f.waiting;
      for (const p of done) {
        if (single || p.single)
          append(f.out, { from: single ? a : a + (p.from - s), to: single ? b : a + (p.to - s), group: p.group, out: p.out, single: true });
        else append(f.out, { from: a + (p.from - s), to: a + (p.to - s), group: p.group, out: p.out, single: false });
        if (f.out.length > room + frames.length - 1) over!();
      }
      f.waiting = undefined;
    }
    done = undefined;
    if (f.k + 1 >= f.points.length) {
      frames.pop();
      onPath.delete(f.n);
      done = f.out;
      continue;
    }
    const [a, b] = [f.points[f.k], f.points[f.k + 1] - 1];
    f.k++;
    const m = nodes.pick(f.n, a);
    if (!m) {
      // the nodes before this one: none at the device itself
      const before = from.length + frames.length - 1;
      const device = from[0] ?? frames[0].n;
      const last = lost[lost.length - 1];
      if (before && last?.smmu === f.n && last.device === device && last.to + 1 === a) last.to = b;
      else if (before) lost.push({ device, smmu: f.n, from: a, to: b });
      continue;
    }
    const next = nodes.byAt.get(m.output_reference);
    const range = m.flags & SINGLE ? `the single mapping to ID ${hex(m.output_base)}` : `${ids(m.input_base, m.input_base + m.id_count)}`;
    if (!next) return nodes.fail(`the ${named(f.n)} maps ${range} to offset ${hex(m.output_reference)}, where no node is`);
    if (![IORT_ITS_GROUP, IORT_SMMU, IORT_SMMU_V3].includes(Number(next.fields.type)))
      nodes.fail(`the ${named(f.n)} maps ${range} to the ${named(next)}, which is not an ITS group: the mapping has no ITS output`);
    const single = (m.flags & SINGLE) !== 0;
    // Linux computes the output ID in 32 bits: a run whose outputs pass 0xFFFFFFFF goes on from 0,
    // so it is cut there and the rest taken as the next run
    const s = idOut(m, a);
    const end = single ? b : Math.min(b, a + (U32_MAX - s));
    if (end < b) f.points.splice(f.k, 0, end + 1);
    f.waiting = { a, b: end, single, start: s };
    done = enter(next, s, single ? s : s + (end - a));
  }
  return done!;
}
