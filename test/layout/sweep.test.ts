// The overlap sweep check's region findings and the report's address map share (src/layout/sweep.ts),
// held to the plain quadratic one on random ranges: each range meets the earlier ranges still open at
// its base, of other groups it may meet, not its twins, not one held back as like an open one of its
// group; in the order they opened, all of them, with their number; and the ranges that meet any
// other, either way.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sweepOverlaps, type SweepOf } from '../../src/layout/sweep.js';

interface R {
  base: bigint;
  end: bigint;
  kind: number;
  /** 0 or 1: ranges of class 0 meet only class 1 (as RAM and tables meet only devices) */
  cls: number;
  device?: number;
}

const of: SweepOf<R> = {
  base: (r) => r.base,
  end: (r) => r.end,
  group: (r) => `${r.cls}|${r.kind}`,
  meets: (r, g) => r.kind !== g.kind && (r.cls === 1 || g.cls === 1),
  twin: (r) => (r.device === undefined ? undefined : `${r.device}@${r.base}`),
  shape: (r) => `${r.base}:${r.end}`,
};

/** The plain sweep: every earlier range against every later one. */
function plain(rs: R[]): { meets: Map<R, R[]>; met: Set<R> } {
  const held: R[] = [];
  const meets = new Map<R, R[]>();
  const met = new Set<R>();
  for (const t of rs) {
    const open = held.filter((a) => a.end > t.base);
    const others = open.filter((a) => of.group(a) !== of.group(t) && of.meets(t, a) && !(of.twin!(a) !== undefined && of.twin!(a) === of.twin!(t)));
    if (others.length) {
      meets.set(t, others);
      met.add(t);
      for (const a of others) met.add(a);
    }
    if (!open.some((a) => of.group(a) === of.group(t) && of.shape!(a) === of.shape!(t))) held.push(t);
  }
  return { meets, met };
}

const ranges = fc
  .array(
    fc.record({
      base: fc.integer({ min: 0, max: 40 }),
      size: fc.integer({ min: 1, max: 16 }),
      kind: fc.integer({ min: 0, max: 3 }),
      cls: fc.integer({ min: 0, max: 1 }),
      device: fc.option(fc.integer({ min: 0, max: 1 }), { freq: 3 }),
    }),
    { maxLength: 40 },
  )
  .map((xs) =>
    xs
      .map((x): R => ({ base: BigInt(x.base), end: BigInt(x.base + x.size), kind: x.kind, cls: x.cls, device: x.device ?? undefined }))
      .sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0)),
  );

describe('sweepOverlaps', () => {
  it('gives each range what the plain sweep does: every range it meets, in order, their count, and who met whom', () => {
    fc.assert(
      fc.property(ranges, (rs) => {
        const want = plain(rs);
        const got = new Map<R, R[]>();
        const met = sweepOverlaps(rs, of, (t, others, count) => {
          const all = [...others];
          expect(all.length).toBe(count);
          got.set(t, all);
        });
        expect(got).toEqual(want.meets);
        expect([...met].sort((a, b) => rs.indexOf(a) - rs.indexOf(b))).toEqual([...want.met].sort((a, b) => rs.indexOf(a) - rs.indexOf(b)));
      }),
      { numRuns: 3000, seed: 27 },
    );
  });

  it('gives only what is taken: n nested ranges around n small ones, the first three each, the rest counted', () => {
    const n = 20_000;
    const rs: R[] = [];
    for (let i = 0; i < n; i++) rs.push({ base: 0n, end: BigInt(0x10000 * (i + 1)), kind: 0, cls: 1 });
    for (let i = 0; i < n; i++) rs.push({ base: BigInt(i * 16), end: BigInt(i * 16 + 0x1000), kind: 1, cls: 1 });
    let taken = 0;
    let counted = 0;
    sweepOverlaps(rs, of, (_t, others, count) => {
      counted += count;
      for (const _x of others) if (++taken % 3 === 0) break;
    });
    // small range i (at 16i) lies in every nested range but the first 16i / 64 KiB: about n² pairs, counted, not listed
    let pairs = 0;
    for (let i = 0; i < n; i++) pairs += n - Math.floor((16 * i) / 0x10000);
    expect(counted).toBe(pairs);
    expect(taken).toBe(3 * n);
  });
});
