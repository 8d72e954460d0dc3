// The overlap sweep over address ranges that check's region findings (src/check/regions.ts) and the
// report's address map (src/render/report/address-map.ts) share. Ranges sorted by base are taken in
// turn, each held against the earlier ones still open at its base that it may meet. The open ranges
// are held in groups (ranges a caller holds alike: one kind, and what decides who may meet whom),
// each group's in the order they opened, and closed through a heap by end. So a range reaches the
// first few it meets, in the order they opened, by looking at the head of each group with an open
// range, and counts the rest from the groups' sizes: n nested GICR regions with n MSI frames inside
// them cost O(n log n) and what the caller takes, not the n² pairs (issue 27 §3).
import { Heap } from './heap.js';

/** How a caller's ranges are swept. */
export interface SweepOf<T> {
  base(t: T): bigint;
  end(t: T): bigint;
  /** the key of the group a range is held in; asked only once the range is open beside another */
  group(t: T): string;
  /** whether a range may meet the ranges of the group that `first` opened (ranges of one group are
   * alike in what decides it; a range never meets its own group's) */
  meets(t: T, first: T): boolean;
  /** ranges that never meet though their groups may (one device, named by two tables at one base):
   * those with the same key */
  twin?(t: T): string | undefined;
  /** ranges alike for the sweep (base, size, and whatever decides meeting): one like a range still
   * open in its group meets what that one meets, so it is not held open beside it */
  shape?(t: T): string;
}

/** What a range meets at its base: the open ranges of other groups it may meet (not its twins), in
 * the order they opened, to take as many of as wanted (each next one costs a look at each group it
 * may meet), and how many there are. */
export type Meet<T> = (t: T, others: Iterable<T>, count: number) => void;

interface Open<T> {
  t: T;
  /** its place in the sweep */
  seq: number;
  end: bigint;
  group?: Group<T>;
  prev?: Open<T>;
  next?: Open<T>;
  closed?: boolean;
  twin?: string;
  /** the group's meetings when it was filed (so, at its close: whether a later range met it) */
  hits: number;
  twinHits: number;
}

interface Group<T> {
  first: T;
  head?: Open<T>;
  tail?: Open<T>;
  live: number;
  /** open ranges by twin key and by shape */
  twins: Map<string, number>;
  shapes: Map<string, number>;
  /** how many later ranges met the group, and how many of those were twins of each key */
  hits: number;
  twinHits: Map<string, number>;
}

const bump = (m: Map<string, number>, k: string | undefined, by: number) => {
  if (k !== undefined) m.set(k, (m.get(k) ?? 0) + by);
};

/**
 * Sweeps `sorted` (by base; each range ending after its base) and calls `meet` for each range that
 * meets any earlier one. Returns every range that meets another, either way.
 */
export function sweepOverlaps<T>(sorted: readonly T[], of: SweepOf<T>, meet: Meet<T>): Set<T> {
  const met = new Set<T>();
  const groups = new Map<string, Group<T>>();
  const active = new Set<Group<T>>();
  const closing = new Heap<Open<T>>((x, y) => x.end < y.end);
  let live = 0;
  let unfiled: Open<T> | undefined; // opened when nothing else was open
  const file = (o: Open<T>, key = of.group(o.t)) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { first: o.t, live: 0, twins: new Map(), shapes: new Map(), hits: 0, twinHits: new Map() }));
    o.group = g;
    o.prev = g.tail;
    if (g.tail) g.tail.next = o;
    else g.head = o;
    g.tail = o;
    g.live++;
    bump(g.twins, o.twin, 1);
    bump(g.shapes, of.shape?.(o.t), 1);
    o.hits = g.hits;
    o.twinHits = o.twin === undefined ? 0 : (g.twinHits.get(o.twin) ?? 0);
    active.add(g);
  };
  const close = (o: Open<T>) => {
    o.closed = true;
    live--;
    const g = o.group;
    if (!g) return;
    if (o.prev) o.prev.next = o.next;
    else g.head = o.next;
    if (o.next) o.next.prev = o.prev;
    else g.tail = o.prev;
    bump(g.twins, o.twin, -1);
    bump(g.shapes, of.shape?.(o.t), -1);
    if (metSince(o)) met.add(o.t);
    if (--g.live === 0) active.delete(g);
  };
  // a later range met it: a meeting of its group that was not its twin's
  const metSince = (o: Open<T>) => o.group!.hits - o.hits - ((o.twin === undefined ? 0 : (o.group!.twinHits.get(o.twin) ?? 0)) - o.twinHits) > 0;
  sorted.forEach((t, seq) => {
    const base = of.base(t);
    while (closing.size && closing.peek()!.end <= base) close(closing.pop()!);
    const mine: Open<T> = { t, seq, end: of.end(t), twin: of.twin?.(t), hits: 0, twinHits: 0 };
    if (live === 0) {
      unfiled = mine;
      closing.push(mine);
      live++;
      return;
    }
    if (unfiled && !unfiled.closed) file(unfiled);
    unfiled = undefined;
    const key = of.group(t);
    const own = groups.get(key);
    const meeting = [...active].filter((g) => g !== own && of.meets(t, g.first));
    let count = 0;
    for (const g of meeting) {
      count += g.live - (mine.twin === undefined ? 0 : (g.twins.get(mine.twin) ?? 0));
      g.hits++;
      bump(g.twinHits, mine.twin, 1);
    }
    if (count > 0) {
      met.add(t);
      meet(t, inOrder(meeting, mine.twin), count);
    }
    const shape = of.shape?.(t);
    if (shape !== undefined && own?.shapes.get(shape)) return;
    file(mine, key);
    closing.push(mine);
    live++;
  });
  for (const g of active) for (let o = g.head; o; o = o.next) if (metSince(o)) met.add(o.t);
  return met;
}

/** The open ranges of these groups in the order they opened, twins of `twin` left out: each step
 * looks at the head of each group. */
function* inOrder<T>(groups: Group<T>[], twin: string | undefined): Generator<T> {
  const at = groups.map((g) => g.head);
  for (;;) {
    let best = -1;
    for (let k = 0; k < at.length; k++) {
      while (at[k] && twin !== undefined && at[k]!.twin === twin) at[k] = at[k]!.next;
      if (at[k] && (best < 0 || at[k]!.seq < at[best]!.seq)) best = k;
    }
    if (best < 0) return;
    yield at[best]!.t;
    at[best] = at[best]!.next;
  }
}
