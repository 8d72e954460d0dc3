// The ID-range index and the graph components the IORT rules and --hide-smmu use (src/tables/id-index.ts),
// held to the plain scans they replace, on random lists of ranges and random graphs.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FirstHolding, earlierOverlaps, components, type IdRange } from '../../src/tables/id-index.js';

/** Ranges over a small ID space (so they meet), some entries no range at all. */
const rangeList = fc.array(
  fc.option(
    fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 12 })).map(([lo, n]): IdRange => ({ lo, hi: lo + n })),
    { freq: 5 },
  ),
  { maxLength: 40 },
);
const some = (rs: (IdRange | null)[]) => rs.map((r) => r ?? undefined);

describe('FirstHolding', () => {
  it('names the first range holding each ID, as a scan in order does', () => {
    fc.assert(
      fc.property(rangeList, (list) => {
        const ranges = some(list);
        const index = new FirstHolding(ranges);
        for (let id = -2; id <= 60; id++) {
          const scan = ranges.findIndex((r) => r !== undefined && r.lo <= id && id <= r.hi);
          expect(index.at(id)).toBe(scan < 0 ? undefined : scan);
        }
      }),
      { numRuns: 300, seed: 27 },
    );
  });

  it('IDs at the ends of the 32-bit space, and past them (a base plus a count)', () => {
    const index = new FirstHolding([
      { lo: 0xffff_fff0, hi: 0xffff_ffff + 0x10 },
      { lo: 0, hi: 0xffff_ffff },
    ]);
    expect(index.at(0)).toBe(1);
    expect(index.at(0xffff_fff0)).toBe(0);
    expect(index.at(0x1_0000_000f)).toBe(0);
    expect(index.at(0x1_0000_0010)).toBeUndefined();
  });
});

describe('earlierOverlaps', () => {
  it('names, for each range, the first range before it that overlaps it, as a scan does', () => {
    fc.assert(
      fc.property(rangeList, (list) => {
        const ranges = some(list);
        const scan = ranges.map((a, j) => {
          if (!a) return undefined;
          const k = ranges.findIndex((x, i) => i < j && x !== undefined && x.lo <= a.hi && a.lo <= x.hi);
          return k < 0 ? undefined : k;
        });
        expect(earlierOverlaps(ranges)).toEqual(scan);
      }),
      { numRuns: 500, seed: 27 },
    );
  });
});

describe('components', () => {
  /** Which vertices reach which, by a plain search from each. */
  const reach = (n: number, edges: number[][]) =>
    Array.from({ length: n }, (_x, v) => {
      const seen = new Set([v]);
      const todo = [v];
      while (todo.length)
        for (const w of edges[todo.pop()!])
          if (!seen.has(w)) {
            seen.add(w);
            todo.push(w);
          }
      return seen;
    });

  it('splits a graph into its strongly connected components, each after every component it reaches', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 14 })
          .chain((n) => fc.tuple(fc.constant(n), fc.array(fc.array(fc.nat({ max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }))),
        ([n, edges]) => {
          const vs = Array.from({ length: n }, (_x, i) => i);
          const comps = components(vs, (v) => edges[v]);
          const r = reach(n, edges);
          expect(comps.flat().sort((a, b) => a - b)).toEqual(vs);
          const compOf = new Map(comps.flatMap((c, i) => c.map((v) => [v, i] as const)));
          for (const a of vs)
            for (const b of vs) {
              // one component exactly when each reaches the other
              expect(compOf.get(a) === compOf.get(b)).toBe(r[a].has(b) && r[b].has(a));
              // a component comes after every component it reaches
              if (r[a].has(b)) expect(compOf.get(a)!).toBeGreaterThanOrEqual(compOf.get(b)!);
            }
        },
      ),
      { numRuns: 300, seed: 27 },
    );
  });

  it('a chain of 100,000 vertices without overflowing the stack', () => {
    const n = 100_000;
    const comps = components(
      Array.from({ length: n }, (_x, i) => i),
      (v) => (v + 1 < n ? [v + 1] : []),
    );
    expect(comps.length).toBe(n);
    expect(comps[0]).toEqual([n - 1]);
  });
});
