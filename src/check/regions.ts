// Regions the tables name that overlap: every MMIO region a declaration lists (GIC frames, ECAM
// windows, SMMUs and PMCGs, UARTs, PCC shared memory, error registers, …), the RAM the SRAT
// assigns to nodes, and the tables' own bytes. Two regions a Linux driver each requests as its
// resource cannot both be had: the second request fails its driver's probe (REGION_CONFLICT). Any
// other overlap is two descriptions of one address range that Linux maps without claiming it
// (REGION_OVERLAP). Regions of one kind (the same field of items of one type: the banked GICv2 CPU
// interface every GICC names, two ECAM windows) are left to that table's own rules. A region is
// reported against the first three it overlaps (in address order), the last of those findings
// counting the rest: n GICR regions nested around n MSI frames give 3n findings, not n² (issue 27 §3).
import { defOf } from '../tables/registry.js';
import type { TableEntry } from '../model/set.js';
import { regionPath, type HostRange } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import type { CheckContext } from './context.js';
import { sweepOverlaps } from '../layout/sweep.js';

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
    for (const r of def.regions?.(e.table, e) ?? []) if (r.size > 0n && !r.unused) out.push({ r, entry: e, space: r.memory ? 'ram' : 'mmio' });
    for (const r of def.ram?.(e.table) ?? []) if (r.size > 0n) out.push({ r: { ...r, what: `${r.what} (RAM)` }, entry: e, space: 'ram' });
    if (e.address !== undefined)
      out.push({ r: { base: e.address, size: BigInt(e.bytes.length), what: `the ${e.table.signature} table` }, entry: e, space: 'table' });
  }
  return out.sort((a, b) => (a.r.base < b.r.base ? -1 : a.r.base > b.r.base ? 1 : 0));
}

/** How many of the regions a region overlaps are reported, each pair a finding; the last of them
 * counts the rest ("… and 997 more regions overlap it"). */
export const REGIONS_NAMED = 3;
/** How many open regions a region looks at for those it reports (a pair of paths already reported is
 * passed over: two regions of one item against one region), so that its cost stays bounded. */
const LOOKED_AT = 32;

type Claim = NonNullable<HostRange['claims']>[number];

/** What becomes of two requests of the same bytes when one is made as the interrupt controller
 * comes up: the later device's fails; when both are (a redistributor over the distributor), the
 * second one's frames are the first one's registers. */
function claimedFirst(x: Claim, y: Claim): string {
  if (x.early && y.early)
    return (
      `Linux's GIC driver requests both (${show(x)}, ${show(y)}): the second request fails ("has overlapping address"), and the ` +
      `redistributor frames read there are the distributor's registers`
    );
  const [gic, dev] = x.early ? [x, y] : [y, x];
  return `${gic.by} requests ${show(gic)} before any device probes, so ${dev.by} fails to request ${show(dev)} (-EBUSY) and that device is lost`;
}

export function checkRegions(c: CheckContext): void {
  const seen = new Set<string>();
  // a sweep by base (src/layout/sweep.ts): each region against the earlier ones still open at its
  // base, those of other kinds (RAM and tables only against devices), in the order they opened; a
  // region's path and kind are worked out when it meets another. Each region is reported against
  // the first three it overlaps, the last finding counting the rest
  sweepOverlaps(
    regionsOf(c),
    {
      base: (p) => p.r.base,
      end: (p) => p.r.base + p.r.size,
      group: (p) => `${p.space === 'mmio'}|${pathOf(p).kind}`,
      meets: (p, g) => pathOf(p).kind !== pathOf(g).kind && (g.space === 'mmio' || p.space === 'mmio'),
      twin: (p) => (p.r.device === undefined ? undefined : `${p.r.device}@${p.r.base}`), // one device, two tables
      // a region the same as one still open (every GICC naming the banked GICV frame) adds nothing
      shape: (p) => `${p.r.base}:${p.r.size}:${p.space}`,
    },
    (pb, others, count) => {
      const b = pb.r;
      const bt = pathOf(pb);
      const pairs: { code: 'REGION_CONFLICT' | 'REGION_GIC_CLAIMED' | 'REGION_OVERLAP'; message: string; at?: Placed }[] = [];
      let looked = 0;
      for (const pa of others) {
        if (pairs.length === REGIONS_NAMED || looked === LOOKED_AT) break;
        looked++;
        const a = pa.r;
        const key = `${pathOf(pa).path}|${bt.path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const clash = (a.claims ?? []).flatMap((x) => (b.claims ?? []).filter((y) => overlap(x, y)).map((y) => [x, y] as const))[0];
        const other = `${pa.entry === pb.entry ? '' : `${pa.entry.table.signature}'s `}${a.what} at ${show(a)}`;
        if (clash && (clash[0].early || clash[1].early)) {
          // said where the device that loses is (the GIC's own pair: where the later region is)
          const [at, them] = clash[0].early && !clash[1].early ? [pb, pa] : clash[1].early && !clash[0].early ? [pa, pb] : [pb, pa];
          const whose = `${them.entry === at.entry ? '' : `${them.entry.table.signature}'s `}${them.r.what} at ${show(them.r)}`;
          pairs.push({ code: 'REGION_GIC_CLAIMED', message: `${at.r.what} at ${show(at.r)} overlaps ${whose}: ${claimedFirst(clash[0], clash[1])}`, at });
        } else
          pairs.push(
            clash
              ? {
                  code: 'REGION_CONFLICT',
                  message:
                    `${b.what} at ${show(b)} overlaps ${other}, and Linux requests both as a driver's own: ${clash[1].by} ` +
                    `(${show(clash[1])}) and ${clash[0].by} (${show(clash[0])}); whichever probes second fails with -EBUSY`,
                }
              : { code: 'REGION_OVERLAP', message: `${b.what} at ${show(b)} overlaps ${other}` },
          );
      }
      const more = count - looked;
      if (!pairs.length && more > 0) pairs.push({ code: 'REGION_OVERLAP', message: `${b.what} at ${show(b)} overlaps regions reported with it before` });
      pairs.forEach((p, i) => {
        const rest = i === pairs.length - 1 && more > 0 ? `; … and ${more} more region${more === 1 ? '' : 's'} overlap it (not listed)` : '';
        const at = p.at ?? pb;
        c.report(p.code, at.entry, pathOf(at).path, p.message + rest, at.r.offset);
      });
    },
  );
}
