// Regions the tables name that overlap: every MMIO region a declaration lists (GIC frames, ECAM
// windows, SMMUs and PMCGs, UARTs, PCC shared memory, error registers, …), the RAM the SRAT
// assigns to nodes, and the tables' own bytes. Two regions a Linux driver each requests as its
// resource cannot both be had: the second request fails its driver's probe (REGION_CONFLICT). Any
// other overlap is two descriptions of one address range that Linux maps without claiming it
// (REGION_OVERLAP). Regions of one kind (the same field of items of one type: the banked GICv2 CPU
// interface every GICC names, two ECAM windows) are left to that table's own rules.
import { defOf } from '../tables/registry.js';
import type { TableEntry } from '../model/set.js';
import { regionPath, type HostRange } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import type { CheckContext } from './context.js';
import { Heap } from '../layout/heap.js';

interface Placed {
  r: HostRange;
  entry: TableEntry;
  /** device registers, RAM, or a table's bytes: RAM and tables are held only against devices
   * (tables live in RAM; the SRAT's own rules compare its ranges) */
  space: 'mmio' | 'ram' | 'table';
  /** its path and kind, worked out the first time it overlaps another */
  named?: { path: string; kind: string };
}

const show = (r: { base: bigint; size: bigint }) => `${hex(r.base)}-${hex(r.base + r.size)}`;
const overlap = (a: { base: bigint; size: bigint }, b: { base: bigint; size: bigint }) => a.base < b.base + b.size && b.base < a.base + a.size;

/** A region's field path (the leading path of its description when it names one, else its
 * table), and its kind: the path without item indices. Worked out only for overlapping pairs. */
function pathOf(p: Placed): { path: string; kind: string } {
  if (p.named) return p.named;
  const sig = p.entry.table.signature;
  const path = regionPath(p.r.what, sig) ?? sig;
  return (p.named = { path, kind: path === sig ? `${path} ${p.r.what}` : path.replace(/\[\d+\]/g, '[]') });
}

/** Every region of the set: the declared MMIO, SRAT's RAM and, where addresses are known, the tables. */
function regionsOf(c: CheckContext): Placed[] {
  const out: Placed[] = [];
  for (const e of [...(c.set.rsdp ? [c.set.rsdp] : []), ...c.set.tables]) {
    const def = defOf(e.table);
    for (const r of def.regions?.(e.table) ?? []) if (r.size > 0n && !r.unused) out.push({ r, entry: e, space: r.memory ? 'ram' : 'mmio' });
    for (const r of def.ram?.(e.table) ?? []) if (r.size > 0n) out.push({ r: { ...r, what: `${r.what} (RAM)` }, entry: e, space: 'ram' });
    if (e.address !== undefined)
      out.push({ r: { base: e.address, size: BigInt(e.bytes.length), what: `the ${e.table.signature} table` }, entry: e, space: 'table' });
  }
  return out.sort((a, b) => (a.r.base < b.r.base ? -1 : a.r.base > b.r.base ? 1 : 0));
}

/** A region the sweep has met and not yet passed, with its place in the sweep. */
interface Open {
  p: Placed;
  i: number;
  end: bigint;
  group?: Group;
  closed?: boolean;
}
/** The open regions of one kind, and whether they are devices' (RAM and tables are held only against devices). */
interface Group {
  mmio: boolean;
  kind: string;
  open: Open[];
  live: number;
  /** how many open regions of the group have each base, size and space (an identical one adds nothing) */
  same: Map<string, number>;
}
const shape = (p: Placed) => `${p.r.base}:${p.r.size}:${p.space}`;

export function checkRegions(c: CheckContext): void {
  const all = regionsOf(c);
  const seen = new Set<string>();
  // a sweep by base: each region against the earlier ones still open at its base. The open ones are
  // held by kind (a region is compared only with other kinds, RAM and tables only with devices), with
  // a heap to close them by end, so thousands of nested regions of one kind (GICR regions growing
  // from one base) cost no scan per region; a region's kind is worked out when it meets another
  const closing = new Heap<Open>((x, y) => x.end < y.end);
  const groups = new Map<string, Group>();
  const active = new Set<Group>();
  let live = 0;
  let unnamed: Open | undefined; // opened when no other region was open
  const file = (o: Open) => {
    const { kind } = pathOf(o.p);
    const mmio = o.p.space === 'mmio';
    const key = `${mmio}|${kind}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { mmio, kind, open: [], live: 0, same: new Map() }));
    o.group = g;
    g.open.push(o);
    g.live++;
    g.same.set(shape(o.p), (g.same.get(shape(o.p)) ?? 0) + 1);
    active.add(g);
  };
  all.forEach((pb, i) => {
    const b = pb.r;
    while (closing.size && closing.peek()!.end <= b.base) {
      const o = closing.pop()!;
      o.closed = true;
      live--;
      const g = o.group;
      if (!g) continue;
      g.same.set(shape(o.p), g.same.get(shape(o.p))! - 1);
      if (--g.live === 0) {
        g.open.length = 0;
        active.delete(g);
      }
    }
    const mine: Open = { p: pb, i, end: b.base + b.size };
    if (live === 0) {
      unnamed = mine;
      closing.push(mine);
      live++;
      return;
    }
    if (unnamed && !unnamed.closed) file(unnamed);
    unnamed = undefined;
    const bt = pathOf(pb);
    // every region still open overlaps this one: those of other kinds, in the order they opened
    const others: Open[] = [];
    for (const g of active) {
      if (g.kind === bt.kind || (!g.mmio && pb.space !== 'mmio')) continue;
      g.open = g.open.filter((o) => !o.closed);
      for (const o of g.open) others.push(o);
    }
    others.sort((x, y) => x.i - y.i);
    for (const { p: pa } of others) {
      const a = pa.r;
      if (a.device !== undefined && a.device === b.device && a.base === b.base) continue; // one device, two tables
      const at = pathOf(pa);
      const key = `${at.path}|${bt.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const clash = (a.claims ?? []).flatMap((x) => (b.claims ?? []).filter((y) => overlap(x, y)).map((y) => [x, y] as const))[0];
      const other = `${pa.entry === pb.entry ? '' : `${pa.entry.table.signature}'s `}${a.what} at ${show(a)}`;
      if (clash)
        c.report(
          'REGION_CONFLICT',
          pb.entry,
          bt.path,
          `${b.what} at ${show(b)} overlaps ${other}, and Linux requests both as a driver's own: ${clash[1].by} (${show(clash[1])}) and ${clash[0].by} (${show(clash[0])}); whichever probes second fails with -EBUSY`,
        );
      else c.report('REGION_OVERLAP', pb.entry, bt.path, `${b.what} at ${show(b)} overlaps ${other}`);
    }
    // a region the same as one still open (every GICC naming the banked GICV frame) adds nothing
    // to the sweep: whatever overlaps it overlaps that one, and is reported once
    if (groups.get(`${pb.space === 'mmio'}|${bt.kind}`)?.same.get(shape(pb))) return;
    file(mine);
    closing.push(mine);
    live++;
  });
}
