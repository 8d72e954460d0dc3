// The IORT's ID walk as Linux maps IDs (drivers/acpi/arm64/iort.c iort_node_map_id(), iort_id_map()):
// which mapping of a node takes an ID (MappingChoice, shared by the check rules and --hide-smmu's
// composition), and the (node, ID) states walked by the check rules (IdWalk), each state once,
// whatever the number of mappings whose walks reach it; and how a long walk reads in a message.
import { fieldsOf, itemOf, type Node } from '../layout/codec.js';
import type { FieldsOf } from '../layout/schema.js';
import { IORT_ITS_GROUP, IORT_NAMED_COMPONENT, IORT_ROOT_COMPLEX, IORT_SMMU_V3, idMapping, iortFamily, mappingsOf } from './iort-nodes.js';
import { FirstHolding, components, firstAbove, type IdRange } from './id-index.js';

const SINGLE = 1;
const U32_MAX = 0xffff_ffff;

/** A mapping's input IDs as Linux matches them: none for a single mapping (it takes any ID where it
 * is honoured), and none for a range whose last ID passes 2^32 (Linux adds base and count in 32
 * bits: the sum wraps below the base, and no ID is both at least the base and at most the sum). */
export const idRange = (m: Node): IdRange | undefined => {
  const f = fieldsOf(idMapping, m);
  return f.flags & SINGLE || f.input_base + f.id_count > U32_MAX ? undefined : { lo: f.input_base, hi: f.input_base + f.id_count };
};

/** A range mapping whose last ID passes 2^32 (which Linux matches no ID of). */
export const wrapsPast32 = (m: Node): boolean => {
  const f = fieldsOf(idMapping, m);
  return !(f.flags & SINGLE) && f.input_base + f.id_count > U32_MAX;
};

/** Whether Linux takes a single mapping of this node for any ID: only on named components and root
 * complexes; elsewhere it logs FW_BUG "SINGLE MAPPING flag not allowed for node type" and skips it
 * (iort_id_map(), every Linux with IORT support). */
export const singleHonoured = (n: Node): boolean => n.fields.type === IORT_NAMED_COMPONENT || n.fields.type === IORT_ROOT_COMPLEX;

/** The mapping of a node Linux never uses to translate others' IDs: an SMMUv3's own (its MSIs'), by
 * the rules of iort_get_id_mapping_index() (node revision 1+; before revision 5 only when not every
 * interrupt is a GSIV, from 5 when DeviceID Valid is set; inside the list). */
export function ownMapping(n: Node): number | undefined {
  const it = itemOf(iortFamily, n);
  if (it?.type !== IORT_SMMU_V3 || it.fields.revision < 1) return undefined;
  const f = it.fields;
  if (f.revision < 5 ? f.event_gsiv && f.pri_gsiv && f.gerr_gsiv && f.sync_gsiv : !(f.flags & (1 << 4))) return undefined;
  return f.id_mapping_index < mappingsOf(n).length ? f.id_mapping_index : undefined;
}

/** Whether a node's first mapping has output reference 0: Linux's walk fails at such a node,
 * whatever the ID (iort_node_map_id(): FW_BUG "ID map has NULL parent reference"). */
export const nullParent = (n: Node): boolean => {
  const first = mappingsOf(n)[0];
  return first !== undefined && Number(fieldsOf(idMapping, first).output_reference) === 0;
};

/** The ID a mapping gives for `id`: its output base for a single mapping, else the output base plus
 * the offset into the range, in 32 bits as Linux computes it (iort_id_map()). */
export const idOut = (f: FieldsOf<typeof idMapping.layout>, id: number): number =>
  f.flags & SINGLE ? f.output_base : (f.output_base + (id - f.input_base)) >>> 0;

/** Where Linux's walk from `id` entering `n` stopped: the nodes it passed (n first), the ID it had
 * there, and why it stopped — at a node `stop` accepts, where no mapping took the ID or a mapping
 * named no node ('failed'), or having passed more nodes than the table has ('loops': it came back
 * to a node, and Linux would go round until the ID leaves the mappings, or for ever). */
export interface MapEnd {
  path: Node[];
  id: number;
  end: 'stopped' | 'failed' | 'loops';
}

/** Linux's iort_node_map_id(): from `id` entering `n`, node by node, each taking the mapping
 * MappingChoice picks and giving the ID that mapping gives, until a node of a type `stop` accepts.
 * `choiceOf` gives each node's MappingChoice (made once per node by the caller). */
export function iortMapId(n: Node, id: number, stop: (n: Node) => boolean, choiceOf: (n: Node) => MappingChoice, at: ReadonlyMap<number, Node>): MapEnd {
  const path: Node[] = [];
  for (let cur: Node | undefined = n; cur;) {
    path.push(cur);
    if (stop(cur)) return { path, id, end: 'stopped' };
    if (path.length > at.size) return { path, id, end: 'loops' };
    const j = choiceOf(cur).pick(id);
    if (j === undefined) return { path, id, end: 'failed' };
    const f = fieldsOf(idMapping, mappingsOf(cur)[j]);
    id = idOut(f, id);
    cur = at.get(Number(f.output_reference));
  }
  return { path, id, end: 'failed' };
}

/** Each node's MappingChoice, made when first asked for and kept for as long as the returned
 * function is (one walk, one check, one view: a node's mappings do not change meanwhile). */
export function choices(): (n: Node) => MappingChoice {
  const made = new Map<Node, MappingChoice>();
  return (n) => {
    let c = made.get(n);
    if (!c) made.set(n, (c = new MappingChoice(n)));
    return c;
  };
}

/** One node's mappings indexed for Linux's choice (built once per node, each question in O(log m)). */
export class MappingChoice {
  private readonly maps: FieldsOf<typeof idMapping.layout>[];
  /** the single mappings Linux honours on this node, by index (its own mapping left out) */
  private readonly singles: number[] = [];
  private readonly holding: FirstHolding;
  /** which mappings Linux can take for some ID */
  private readonly taken: boolean[];
  /** the ranges starting at each ID, by index */
  private readonly startsAt = new Map<number, number[]>();
  /** every ID where the mapping Linux chooses may change (ends of ranges stand alone: the workaround), sorted */
  readonly cuts: number[];

  constructor(n: Node) {
    const own = ownMapping(n);
    // a first mapping with output reference 0 fails every walk through the node: Linux checks it
    // before any other ("ID map has NULL parent reference")
    const all = nullParent(n) ? [] : mappingsOf(n);
    this.maps = all.map((m) => fieldsOf(idMapping, m));
    const ranges = all.map((m, i) => (i === own ? undefined : idRange(m)));
    this.taken = ranges.map((r) => r !== undefined);
    this.holding = new FirstHolding(ranges);
    const cuts = new Set<number>();
    const honoured = singleHonoured(n);
    this.maps.forEach((f, i) => {
      if (i === own) return;
      if (f.flags & SINGLE) {
        if (honoured) this.singles.push(i);
        this.taken[i] = honoured;
        return;
      }
      const r = ranges[i];
      if (!r) return;
      cuts
        .add(r.lo)
        .add(r.hi)
        .add(r.hi + 1);
      const list = this.startsAt.get(r.lo);
      if (list) list.push(i);
      else this.startsAt.set(r.lo, [i]);
    });
    this.cuts = [...cuts].sort((a, b) => a - b);
  }

  /** Whether Linux ever takes mapping i for an ID: not its own, not a single one where singles are
   * skipped, not a range past 2^32, none of a node whose first mapping's output reference is 0. */
  usable(i: number): boolean {
    return this.taken[i] === true;
  }

  /** The index of the mapping Linux takes for an ID entering the node (iort_node_map_id(),
   * iort_id_map()): the first in order that holds it (a single mapping, where honoured, holds any),
   * except that a match at the last ID of a multi-ID range yields to the next mapping that is single
   * or a range starting there (the off-by-one workaround); its own mapping never. */
  pick(id: number): number | undefined {
    const first = Math.min(this.singles[0] ?? Infinity, this.holding.at(id) ?? Infinity);
    if (!Number.isFinite(first)) return undefined;
    const f = this.maps[first];
    if (f.flags & SINGLE || f.id_count === 0 || id !== f.input_base + f.id_count) return first;
    const starts = this.startsAt.get(id) ?? [];
    const later = Math.min(this.singles[firstAbove(this.singles, first)] ?? Infinity, starts[firstAbove(starts, first)] ?? Infinity);
    return Number.isFinite(later) ? later : first;
  }
}

/** Node names along a walk, the middle left out when it is long: "A → B → … (3,990 more) → Z". */
export function shortChain(names: string[]): string {
  if (names.length <= 12) return names.join(' → ');
  return [...names.slice(0, 8), `… (${names.length - 11} more)`, ...names.slice(-3)].join(' → ');
}

/** One loop of the ID walk: the (node, ID) states from the node the walk came back to, each with
 * the mapping it takes, and the ID it came back with (the first state's own: a walk that never ends). */
export interface Loop {
  states: { node: Node; id: number; index: number }[];
  back: number;
}
/** Where a walk from a state ends: nowhere to loop (an ITS group, no mapping for the ID, no node),
 * or round a loop. */
type Outcome = 'ends' | Loop;

/**
 * The ID walk as Linux maps IDs (each node's first mapping holding the ID, a single mapping whatever
 * the ID; drivers/acpi/arm64/iort.c iort_node_map_id()), over (node, ID) states. A walk that comes
 * back to a node it passed, with any ID, has gone round a loop of nodes: Linux goes round it again,
 * until the ID leaves the mappings (one round per ID step: 2^32 of them for a mapping that shifts
 * every ID by one), or for ever when the ID repeats. So no walk is longer than the node count.
 *
 * What a walk from a state comes to is remembered, and a later walk that reaches the state takes it
 * from there: a loop, always (that walk goes round it too, unless it comes back to a node of its own
 * first); an end, only when the later walk enters the state's strongly connected component of nodes
 * there (a walk never comes back to a component it left, so only nodes of that one could be met
 * again). A node whose mappings lead to no cycle of nodes ends every walk at once, so an IORT
 * without a cycle costs one look per mapping.
 */
export class IdWalk {
  private readonly memo = new Map<Node, Map<number, Outcome>>();
  /** the nodes from which the mappings lead into a cycle of nodes (a self-loop included) */
  private readonly cyclic = new Set<Node>();
  /** each node's strongly connected component */
  private readonly component = new Map<Node, number>();

  constructor(
    items: readonly Node[],
    private readonly at: Map<number, Node>,
  ) {
    const next = (n: Node) =>
      n.fields.type === IORT_ITS_GROUP ? [] : mappingsOf(n).flatMap((m) => at.get(Number(fieldsOf(idMapping, m).output_reference)) ?? []);
    // components come after every component they reach: whether each reaches a cycle is known in one pass
    components(items, next).forEach((c, k) => {
      for (const n of c) this.component.set(n, k);
      const loops = c.length > 1 || next(c[0]).includes(c[0]);
      if (loops || c.some((n) => next(n).some((t) => this.cyclic.has(t)))) for (const n of c) this.cyclic.add(n);
    });
  }

  /** How Linux chooses among `n`'s mappings. */
  private readonly choiceOf = choices();

  /** The mapping the walk takes for `id` entering `n`, as Linux chooses it. */
  private pick(n: Node, id: number): number | undefined {
    return this.choiceOf(n).pick(id);
  }

  /** The next state from `id` entering `n` through mapping j (IDs are u32, as Linux computes them). */
  private through(n: Node, id: number, j: number): { node: Node; id: number } | undefined {
    const f = fieldsOf(idMapping, mappingsOf(n)[j]);
    const node = this.at.get(Number(f.output_reference));
    return node && { node, id: idOut(f, id) };
  }

  private known(n: Node, id: number): Outcome | undefined {
    return this.memo.get(n)?.get(id);
  }

  private remember(n: Node, id: number, o: Outcome): void {
    let m = this.memo.get(n);
    if (!m) this.memo.set(n, (m = new Map()));
    m.set(id, o);
  }

  /** Where the walk from `id` entering `n` goes: followed until a state whose outcome it may take
   * (see the class), a node met again on this walk (a new loop; looked for first) or the end. The states it passed are
   * remembered with what a walk from each of them comes to: all of them when it ends or takes a
   * known outcome; when it comes back to a node, those up to that node's first visit (from a later
   * one the walk would pass the node it came back to, and go on elsewhere), or all when it came back
   * with the same ID (each state of the loop then comes round again). */
  private resolve(n: Node, id: number): Outcome {
    const path: { node: Node; id: number; index: number }[] = [];
    const onPath = new Map<Node, number>();
    let cur: { node: Node; id: number } | undefined = { node: n, id };
    let outcome: Outcome = 'ends';
    let kept = -1;
    while (cur) {
      const back = onPath.get(cur.node);
      if (back !== undefined) {
        outcome = { states: path.slice(back), back: cur.id };
        if (cur.id !== path[back].id) kept = back + 1;
        break;
      }
      const k = this.known(cur.node, cur.id);
      if (k !== undefined && (k !== 'ends' || !path.length || this.component.get(path[path.length - 1].node) !== this.component.get(cur.node))) {
        outcome = k;
        break;
      }
      const j: number | undefined = cur.node.fields.type === IORT_ITS_GROUP || !this.cyclic.has(cur.node) ? undefined : this.pick(cur.node, cur.id);
      onPath.set(cur.node, path.length);
      path.push({ ...cur, index: j ?? -1 });
      cur = j === undefined ? undefined : this.through(cur.node, cur.id, j);
    }
    for (let i = 0; i < (kept < 0 ? path.length : kept); i++) this.remember(path[i].node, path[i].id, outcome);
    return outcome;
  }

  /** The loop the walk of the first ID of mapping j of `n` goes round, walked as Linux maps it;
   * undefined when the walk ends. */
  loopFrom(n: Node, j: number): Loop | undefined {
    if (n.fields.type === IORT_ITS_GROUP || !this.cyclic.has(n) || !this.choiceOf(n).usable(j)) return undefined;
    const id = fieldsOf(idMapping, mappingsOf(n)[j]).input_base;
    let o: Outcome;
    if (this.pick(n, id) === j) o = this.resolve(n, id);
    else {
      // an earlier mapping takes this ID (an overlap, reported as such): the walk through mapping j
      // itself starts one hop on
      const s = this.through(n, id, j);
      o = s ? this.resolve(s.node, s.id) : 'ends';
    }
    return o === 'ends' ? undefined : o;
  }
}
