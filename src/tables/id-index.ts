// Questions about a list of ID ranges (an IORT node's ID mappings) and about a graph of references
// (IORT nodes and the nodes their mappings name), each answered without rescanning the list or
// re-walking the graph: the ranges are indexed once in O(m log m) and looked up in O(log m), and the
// graph is split into its strongly connected components once, with an explicit stack. A node may
// hold thousands of mappings and a table thousands of nodes (issue 27 §3).

/** An inclusive range of IDs. */
export interface IdRange {
  lo: number;
  hi: number;
}

/** The first index of `xs` (sorted ascending) whose value is above `v`, or its length. */
export function firstAbove(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (xs[m] <= v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** The last index of `xs` (sorted ascending) whose value is at most `v`, or -1. */
const lastAtMost = (xs: readonly number[], v: number) => firstAbove(xs, v) - 1;

/** For any ID, the first range of a list (the lowest index) that holds it; an undefined entry is no
 * range. Built by painting the stretches between range ends, each painted once, by the ranges in
 * index order (the first to reach a stretch owns it). */
export class FirstHolding {
  private readonly cuts: number[];
  private readonly owner: (number | undefined)[];

  constructor(ranges: readonly (IdRange | undefined)[]) {
    const cuts = new Set<number>();
    for (const r of ranges) if (r && r.lo <= r.hi) cuts.add(r.lo).add(r.hi + 1);
    this.cuts = [...cuts].sort((a, b) => a - b);
    const index = new Map(this.cuts.map((c, k) => [c, k] as const));
    this.owner = new Array<number | undefined>(this.cuts.length).fill(undefined);
    // next[k]: the first stretch at or after k not painted yet (path-halving union-find)
    const next = Int32Array.from({ length: this.cuts.length + 1 }, (_x, k) => k);
    const find = (k: number) => {
      while (next[k] !== k) k = next[k] = next[next[k]];
      return k;
    };
    ranges.forEach((r, i) => {
      if (!r || r.lo > r.hi) return;
      const end = index.get(r.hi + 1)!;
      for (let k = find(index.get(r.lo)!); k < end; k = find(k)) {
        this.owner[k] = i;
        next[k] = k + 1;
      }
    });
  }

  /** The lowest index of a range holding `id`. */
  at(id: number): number | undefined {
    const k = lastAtMost(this.cuts, id);
    return k < 0 ? undefined : this.owner[k];
  }
}

/** Range minimum over a fixed array of numbers (a sparse table). */
class MinTable {
  private readonly levels: Int32Array[];

  constructor(values: readonly number[]) {
    this.levels = [Int32Array.from(values)];
    for (let w = 1; 2 * w <= values.length; w *= 2) {
      const prev = this.levels[this.levels.length - 1];
      const cur = new Int32Array(prev.length - w);
      for (let i = 0; i < cur.length; i++) cur[i] = Math.min(prev[i], prev[i + w]);
      this.levels.push(cur);
    }
  }

  /** The least value in [from, to) (to > from). */
  min(from: number, to: number): number {
    const k = 31 - Math.clz32(to - from);
    return Math.min(this.levels[k][from], this.levels[k][to - (1 << k)]);
  }
}

/** For each range, the first range before it in the list (the lowest index) that overlaps it, or
 * undefined; an undefined entry is no range and overlaps nothing. A range overlapping `a` either
 * holds a.lo, or starts inside a after a.lo. */
export function earlierOverlaps(ranges: readonly (IdRange | undefined)[]): (number | undefined)[] {
  const holding = new FirstHolding(ranges);
  const byLo = ranges
    .map((r, i) => ({ r, i }))
    .filter((x): x is { r: IdRange; i: number } => x.r !== undefined)
    .sort((x, y) => x.r.lo - y.r.lo || x.i - y.i);
  const los = byLo.map((x) => x.r.lo);
  const first = byLo.length ? new MinTable(byLo.map((x) => x.i)) : undefined;
  return ranges.map((r, i) => {
    if (!r) return undefined;
    const a = holding.at(r.lo) ?? Infinity;
    const from = lastAtMost(los, r.lo) + 1;
    const to = lastAtMost(los, r.hi) + 1;
    const b = first && from < to ? first.min(from, to) : Infinity;
    const m = Math.min(a, b);
    return m < i ? m : undefined;
  });
}

/**
 * The strongly connected components of a graph (Tarjan's, with an explicit stack), in the order
 * Tarjan's finds them: every component after each component it reaches. `edges(v)` lists v's
 * successors (unknown vertices are ignored).
 */
export function components<V>(vertices: readonly V[], edges: (v: V) => readonly V[]): V[][] {
  const known = new Set(vertices);
  const index = new Map<V, number>();
  const low = new Map<V, number>();
  const onStack = new Set<V>();
  const stack: V[] = [];
  const out: V[][] = [];
  let counter = 0;
  for (const root of vertices) {
    if (index.has(root)) continue;
    // each frame: a vertex and how far through its successors the search is
    const frames: { v: V; next: readonly V[]; k: number }[] = [];
    const open = (v: V) => {
      index.set(v, counter);
      low.set(v, counter++);
      stack.push(v);
      onStack.add(v);
      frames.push({ v, next: edges(v).filter((w) => known.has(w)), k: 0 });
    };
    open(root);
    while (frames.length) {
      const f = frames[frames.length - 1];
      if (f.k < f.next.length) {
        const w = f.next[f.k++];
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(f.v, Math.min(low.get(f.v)!, index.get(w)!));
        continue;
      }
      frames.pop();
      if (frames.length) {
        const up = frames[frames.length - 1].v;
        low.set(up, Math.min(low.get(up)!, low.get(f.v)!));
      }
      if (low.get(f.v) === index.get(f.v)) {
        const c: V[] = [];
        let w: V;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          c.push(w);
        } while (w !== f.v);
        out.push(c);
      }
    }
  }
  return out;
}
