// The IORT ID walk IORT_MAPPING_CYCLE follows (src/tables/iort-walk.ts), held to the plain walk it
// stands for, on random small IORT graphs: from each mapping's first ID, Linux's choice at each node
// (iort_id_map()'s: single mappings only on root complexes and named components, ranges in u32,
// the off-by-one workaround), IDs as u32, until an ITS group, no mapping, no
// node, or a node met again with any ID. Its memo of what each state comes to must never change that
// answer, whatever the order the walks come in.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fieldsOf, make, type Node } from '../../src/layout/codec.js';
import { idMapping, mappingsOf, IORT_ITS_GROUP, IORT_NAMED_COMPONENT, IORT_ROOT_COMPLEX, IORT_SMMU_V3 } from '../../src/tables/iort-nodes.js';
import { IdWalk, MappingChoice, iortMapId, type MapEnd } from '../../src/tables/iort-walk.js';
import { Nodes, follow, type Unrouted } from '../../src/tables/iort-compose.js';

interface Spec {
  type: number;
  maps: { input: number; count: number; output: number; to: number; single: boolean }[];
}

/** Nodes at offsets 0x100, 0x200, …; a mapping's target may be an offset where no node is, or 0
 * (`to` -1: a NULL reference). */
function nodesOf(specs: Spec[]): { items: Node[]; at: Map<number, Node> } {
  const items = specs.map((s, i): Node => ({
    fields: { type: s.type },
    tail: new Uint8Array(0),
    parts: {
      mappings: s.maps.map((m) =>
        make(idMapping, {
          input_base: m.input,
          id_count: m.count,
          output_base: m.output,
          output_reference: m.to < 0 ? 0 : (m.to + 1) * 0x100,
          flags: m.single ? 1 : 0,
        }),
      ),
    },
    at: (i + 1) * 0x100,
  }));
  return { items, at: new Map(items.map((n) => [n.at!, n])) };
}

/** Linux's choice for `id` entering n, mapping by mapping as iort_node_map_id() and iort_id_map()
 * make it: a single mapping takes any ID on a root complex or named component and is skipped
 * elsewhere; a range holds base..base + count in u32 (past 2^32 it holds nothing); a match at a
 * range's last ID yields to a later single mapping or range starting there (the off-by-one
 * workaround). A first mapping with output reference 0 fails the node for every ID. -1: none. */
const pick = (n: Node, id: number) => {
  const honoured = n.fields.type === IORT_ROOT_COMPLEX || n.fields.type === IORT_NAMED_COMPONENT;
  const maps = mappingsOf(n).map((m) => fieldsOf(idMapping, m));
  if (maps.length && maps[0].output_reference === 0) return -1;
  let atEnd = -1;
  for (let k = 0; k < maps.length; k++) {
    const f = maps[k];
    if (f.flags & 1) {
      if (honoured) return k;
      continue;
    }
    const last = (f.input_base + f.id_count) >>> 0;
    if (id < f.input_base || id > last) continue;
    if (atEnd >= 0) {
      if (id === f.input_base) return k;
    } else if (f.id_count > 0 && id === last) atEnd = k;
    else return k;
  }
  return atEnd;
};

/** Whether Linux ever takes mapping j of n: not a skipped single mapping, not a range past 2^32,
 * none of a node whose first mapping has output reference 0. */
const usable = (n: Node, j: number) => {
  if (fieldsOf(idMapping, mappingsOf(n)[0]).output_reference === 0) return false;
  const f = fieldsOf(idMapping, mappingsOf(n)[j]);
  return f.flags & 1 ? n.fields.type === IORT_ROOT_COMPLEX || n.fields.type === IORT_NAMED_COMPONENT : f.input_base + f.id_count <= 0xffffffff;
};

/** The plain walk of the first ID of mapping j of n: whether it comes back to a node. Where an earlier
 * mapping takes that ID (an overlap), the walk through mapping j starts at the node it leads to. */
function plainLoops(at: Map<number, Node>, n: Node, j: number): boolean {
  const step = (node: Node, id: number, k: number) => {
    const f = fieldsOf(idMapping, mappingsOf(node)[k]);
    return { node: at.get(f.output_reference), id: f.flags & 1 ? f.output_base : (f.output_base + (id - f.input_base)) >>> 0 };
  };
  if (!usable(n, j)) return false;
  let id = fieldsOf(idMapping, mappingsOf(n)[j]).input_base;
  let cur: Node | undefined = n;
  if (pick(n, id) !== j) ({ node: cur, id } = step(n, id, j));
  const seen = new Set<Node>();
  while (cur) {
    if (seen.has(cur)) return true;
    seen.add(cur);
    if (cur.fields.type === IORT_ITS_GROUP) return false;
    const k = pick(cur, id);
    if (k < 0) return false;
    ({ node: cur, id } = step(cur, id, k));
  }
  return false;
}

const spec = (nodes: number) =>
  fc.record({
    type: fc.constantFrom(IORT_ITS_GROUP, IORT_SMMU_V3, IORT_SMMU_V3, IORT_ROOT_COMPLEX, IORT_NAMED_COMPONENT),
    maps: fc.array(
      fc.record({
        input: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constant(0xfffffffe)),
        count: fc.integer({ min: 0, max: 4 }),
        output: fc.integer({ min: 0, max: 8 }),
        to: fc.integer({ min: -1, max: nodes }), // `nodes` is no node, -1 a NULL reference
        single: fc.integer({ min: 0, max: 7 }).map((x) => x === 0),
      }),
      { maxLength: 3 },
    ),
  });

describe('IdWalk', () => {
  it('finds a loop from a mapping exactly when the plain walk of its first ID comes back to a node', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((k) => fc.array(spec(k), { minLength: k, maxLength: k })),
        (specs) => {
          const { items, at } = nodesOf(specs);
          const walk = new IdWalk(items, at);
          for (const n of items)
            mappingsOf(n).forEach((_m, j) => {
              if (n.fields.type === IORT_ITS_GROUP) return expect(walk.loopFrom(n, j)).toBeUndefined();
              expect(walk.loopFrom(n, j) !== undefined, `${n.at}.mapping[${j}]`).toBe(plainLoops(at, n, j));
            });
        },
      ),
      { numRuns: 2000, seed: 27 },
    );
  });

  it('a walk that passed a node meets it again through a state an earlier walk saw end: still a loop', () => {
    // C's walk (first): C(5) → A(20) → the ITS group. A's walk: A(0) → B(10) → C(5), which ended
    // before, but from here the walk comes back to A (with ID 20): Linux applies A's mappings twice
    const { items, at } = nodesOf([
      { type: IORT_ITS_GROUP, maps: [] },
      { type: IORT_SMMU_V3, maps: [{ input: 5, count: 0, output: 20, to: 2, single: false }] }, // C
      {
        type: IORT_SMMU_V3, // A
        maps: [
          { input: 0, count: 0, output: 10, to: 3, single: false },
          { input: 20, count: 0, output: 0, to: 0, single: false },
        ],
      },
      { type: IORT_SMMU_V3, maps: [{ input: 10, count: 0, output: 5, to: 1, single: false }] }, // B
    ]);
    const walk = new IdWalk(items, at);
    expect(walk.loopFrom(items[1], 0)).toBeUndefined();
    const loop = walk.loopFrom(items[2], 0);
    expect(loop?.states.map((s) => [s.node.at, s.id])).toEqual([
      [0x300, 0],
      [0x400, 10],
      [0x200, 5],
    ]);
    expect(loop?.back).toBe(20);
  });

  it('a mapping shifting every ID by one back into its own node: one step, whatever the count', () => {
    const { items, at } = nodesOf([{ type: IORT_SMMU_V3, maps: [{ input: 0, count: 0xffffffff, output: 1, to: 0, single: false }] }]);
    const loop = new IdWalk(items, at).loopFrom(items[0], 0);
    expect(loop?.states.map((s) => s.id)).toEqual([0]);
    expect(loop?.back).toBe(1);
  });
});

/** Linux's iort_node_map_id() written plainly, with the reference pick: from `id` entering n, until
 * an ITS group; a walk passing more nodes than there are has come back to one. */
function plainMapId(at: Map<number, Node>, n: Node, id: number): MapEnd {
  const path: Node[] = [];
  for (let cur: Node | undefined = n; cur;) {
    path.push(cur);
    if (cur.fields.type === IORT_ITS_GROUP) return { path, id, end: 'stopped' };
    if (path.length > at.size) return { path, id, end: 'loops' };
    const k = pick(cur, id);
    if (k < 0) return { path, id, end: 'failed' };
    const f = fieldsOf(idMapping, mappingsOf(cur)[k]);
    id = f.flags & 1 ? f.output_base : (f.output_base + (id - f.input_base)) >>> 0;
    cur = at.get(f.output_reference);
  }
  return { path, id, end: 'failed' };
}

describe('iortMapId: one model of Linux’s walk for the summary, the checks and --hide-smmu', () => {
  it('walks as iort_node_map_id() does, and where the range walk --hide-smmu composes from gets through, it gets to the same ITS group and ID', () => {
    class Refused extends Error {}
    let compared = 0;
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((k) => fc.tuple(fc.array(spec(k), { minLength: k, maxLength: k }), fc.nat(k - 1), fc.integer({ min: 0, max: 12 }))),
        ([specs, start, id]) => {
          const { items, at } = nodesOf(specs);
          const choices = new Map<Node, MappingChoice>();
          const choiceOf = (n: Node) => choices.get(n) ?? choices.set(n, new MappingChoice(n)).get(n)!;
          const n = items[start];
          const ours = iortMapId(n, id, (x) => x.fields.type === IORT_ITS_GROUP, choiceOf, at);
          const plain = plainMapId(at, n, id);
          expect({ ...ours, path: ours.path.map((x) => x.at) }).toEqual({ ...plain, path: plain.path.map((x) => x.at) });
          const lost: Unrouted[] = [];
          let pieces;
          try {
            pieces = follow(
              n,
              id,
              id,
              new Nodes(at, (reason) => {
                throw new Refused(reason);
              }),
              [],
              lost,
            );
          } catch (e) {
            if (e instanceof Refused) return;
            throw e;
          }
          compared++;
          if (ours.end === 'stopped') expect(pieces.map((p) => [p.group, p.out])).toEqual([[ours.path[ours.path.length - 1].at, ours.id]]);
          else {
            expect(ours.end).toBe('failed');
            expect(pieces).toEqual([]);
            // IDs that an SMMU on the way sends nowhere are the ones the range walk records as lost
            expect(lost.length).toBe(ours.path.length > 1 ? 1 : 0);
          }
        },
      ),
      { numRuns: 3000, seed: 31 },
    );
    expect(compared).toBeGreaterThan(1000);
  });

  it('skips an SMMUv3’s own mapping and single mappings where Linux does, and fails a node whose first mapping’s reference is 0', () => {
    const { items, at } = nodesOf([
      { type: IORT_ITS_GROUP, maps: [] },
      // an SMMU whose single mapping Linux skips: ID 3 goes through the range after it
      {
        type: IORT_SMMU_V3,
        maps: [
          { input: 0, count: 0, output: 9, to: 0, single: true },
          { input: 0, count: 7, output: 0x40, to: 0, single: false },
        ],
      },
      // a root complex whose single mapping Linux takes for every ID
      { type: IORT_ROOT_COMPLEX, maps: [{ input: 0, count: 0, output: 3, to: 1, single: true }] },
      // a root complex whose first mapping names offset 0: no ID gets through it
      {
        type: IORT_ROOT_COMPLEX,
        maps: [
          { input: 0, count: 0, output: 0, to: -1, single: false },
          { input: 0, count: 0xff, output: 0, to: 1, single: false },
        ],
      },
    ]);
    const choiceOf = (n: Node) => new MappingChoice(n);
    const its = (x: Node) => x.fields.type === IORT_ITS_GROUP;
    const rc = iortMapId(items[2], 0x55, its, choiceOf, at);
    expect([rc.end, rc.path.map((x) => x.at), rc.id]).toEqual(['stopped', [0x300, 0x200, 0x100], 0x43]);
    expect(iortMapId(items[3], 5, its, choiceOf, at)).toMatchObject({ end: 'failed', id: 5 });
  });
});
