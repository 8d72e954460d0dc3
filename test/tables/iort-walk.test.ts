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
import { IdWalk } from '../../src/tables/iort-walk.js';

interface Spec {
  type: number;
  maps: { input: number; count: number; output: number; to: number; single: boolean }[];
}

/** Nodes at offsets 0x100, 0x200, …; a mapping's target may be an offset where no node is. */
function nodesOf(specs: Spec[]): { items: Node[]; at: Map<number, Node> } {
  const items = specs.map((s, i): Node => ({
    fields: { type: s.type },
    tail: new Uint8Array(0),
    parts: {
      mappings: s.maps.map((m) =>
        make(idMapping, { input_base: m.input, id_count: m.count, output_base: m.output, output_reference: (m.to + 1) * 0x100, flags: m.single ? 1 : 0 }),
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
 * workaround). -1: none. */
const pick = (n: Node, id: number) => {
  const honoured = n.fields.type === IORT_ROOT_COMPLEX || n.fields.type === IORT_NAMED_COMPONENT;
  const maps = mappingsOf(n).map((m) => fieldsOf(idMapping, m));
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

/** Whether Linux ever takes mapping j of n: not a skipped single mapping, not a range past 2^32. */
const usable = (n: Node, j: number) => {
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
        to: fc.integer({ min: 0, max: nodes }), // `nodes` is no node
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
