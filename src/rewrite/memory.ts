// Where dom0's RAM and the new region go when --mem / --base are not given: from what the host
// tables say. RAM is the SRAT's enabled memory ranges (or, for a memory image, the range the capture
// covers); everything any host table describes — GIC frames, UARTs, ECAM, SMMUs, PCC, error
// regions — the host tables, the host ACPI regions and the ACPI area around them are carved out;
// the region goes at the top of the lowest piece of RAM that holds it (as Xen puts dom0's ACPI page
// in dom0's memory), and the rest are the RAM banks. Pure.
import type { TableSet } from '../model/tableset.js';
import { allEntries, findTable } from '../model/tableset.js';
import type { HostRange, RamRange } from '../model/rules.js';
import { defOf } from '../tables/registry.js';
import { EFI_PAGE_SIZE, MIN_DOM0_RAM } from '../efi/tables.js';
import { hex } from '../layout/diagnostics.js';
import { fieldsOf } from '../layout/codec.js';
import { MADT_GICD, gicd } from '../tables/madt-subtables.js';
import { type BuildOptions, type Range, type MemorySource, type Placement, BuildError, DEFAULTS } from './types.js';

const LIMIT = 1n << 64n;
const end = (r: Range) => r.base + r.size;
const alignUp = (v: bigint) => (v + EFI_PAGE_SIZE - 1n) & ~(EFI_PAGE_SIZE - 1n);
const alignDown = (v: bigint) => v & ~(EFI_PAGE_SIZE - 1n);

/** Every address range the host tables describe (their declarations say which). */
export function hostRanges(host: TableSet): HostRange[] {
  return allEntries(host)
    .flatMap((e) => defOf(e.table).regions?.(e.table, e) ?? [])
    .filter((r) => r.size > 0n);
}

/** The host tables themselves, where the input says they are (the ones the build replaces too:
 * they stay the firmware's). */
export function hostTableRanges(host: TableSet): HostRange[] {
  return allEntries(host)
    .filter((e) => e.address !== undefined)
    .map((e) => ({ base: e.address!, size: BigInt(e.bytes.length), what: `the host ${e.table.signature}` }));
}

/** The RAM the host describes: the SRAT's ranges, else a memory image's span. */
export function hostRam(host: TableSet): { source: MemorySource; ram: RamRange[] } {
  const ram = allEntries(host).flatMap((e) => defOf(e.table).ram?.(e.table) ?? []);
  if (ram.length) return { source: 'SRAT', ram };
  if (host.memory?.length) return { source: 'image', ram: host.memory.map((r) => ({ ...r, what: 'the memory image' })) };
  return { source: 'defaults', ram: [] };
}

/** Sorted, merged ranges. */
function merge(rs: Range[]): Range[] {
  const out: Range[] = [];
  for (const r of [...rs].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0))) {
    const last = out[out.length - 1];
    if (last && r.base <= end(last)) last.size = (end(r) > end(last) ? end(r) : end(last)) - last.base;
    else out.push({ base: r.base, size: r.size });
  }
  return out;
}

/** `ram` minus `holes`, each piece page-aligned inward (pieces smaller than a page dropped). */
export function subtract(ram: Range[], holes: Range[]): Range[] {
  const out: Range[] = [];
  const hs = merge(holes.map((h) => ({ base: alignDown(h.base), size: alignUp(end(h)) - alignDown(h.base) })));
  for (const r of merge(ram)) {
    let lo = alignUp(r.base);
    const hi = alignDown(end(r) > LIMIT ? LIMIT : end(r));
    for (const h of hs) {
      if (end(h) <= lo || h.base >= hi) continue;
      if (h.base > lo) out.push({ base: lo, size: h.base - lo });
      lo = end(h) > lo ? end(h) : lo;
    }
    if (hi > lo) out.push({ base: lo, size: hi - lo });
  }
  return out;
}

/** The host's ACPI area: from the page of the lowest host table to the end of the page of the
 * highest. The gaps between tables there are firmware memory, never RAM (a capture of that area
 * alone must not make them dom0's RAM). */
export function hostAcpiArea(host: TableSet): Range[] {
  const placed = hostTableRanges(host);
  if (!placed.length) return [];
  const lo = placed.reduce((m, r) => (r.base < m ? r.base : m), placed[0].base);
  const hi = placed.reduce((m, r) => (end(r) > m ? end(r) : m), 0n);
  return [{ base: alignDown(lo), size: alignUp(hi) - alignDown(lo) }];
}

/** Whether the host has QEMU virt's memory map, which the RAM defaults are: its GIC distributor
 * where QEMU virt puts it. */
export function qemuVirtMap(host: TableSet): boolean {
  const madt = findTable(host, 'APIC');
  const dist = (madt?.table.items ?? []).find((s) => s.fields.type === MADT_GICD);
  return dist !== undefined && fieldsOf(gicd, dist).base_address === DEFAULTS.qemuGicd;
}

const total = (rs: Range[]) => rs.reduce((n, r) => n + r.size, 0n);
const mib = (n: bigint) => (n >= 1n << 20n ? `${n >> 20n} MiB` : `${n >> 10n} KiB`);

/**
 * The region base and the RAM banks. The RAM is the --mem banks when given, else the host's RAM
 * less everything the host tables describe, the tables and the ACPI area, else (a host that
 * describes no RAM) QEMU virt's defaults. Without --base the region goes at the top of the lowest
 * piece of that RAM that holds it, clear of the host's ranges, and the banks are the RAM less the
 * region (Xen puts dom0's ACPI page inside dom0's memory, typed ACPIReclaim). `regionSize(n)` is the
 * region's size with n RAM banks in the EFI memory map. Host RAM too small for a kernel is refused,
 * naming --mem; given banks that small are the caller's choice (the build warns, check reports it).
 */
export function placeMemory(host: TableSet, opts: Pick<BuildOptions, 'base' | 'mem'>, acpiRegions: Range[], regionSize: (banks: number) => bigint): Placement {
  const { source: hostSource, ram } = hostRam(host);
  const holes = [...hostRanges(host), ...hostTableRanges(host), ...acpiRegions, ...hostAcpiArea(host)];
  const free = subtract(ram, holes);
  const derived = { base: opts.base === undefined, mem: opts.mem === undefined };
  const source: MemorySource = opts.mem ? 'options' : ram.length ? hostSource : 'defaults';
  if (source !== 'options' && source !== 'defaults' && total(free) < MIN_DOM0_RAM) {
    const what = hostSource === 'image' ? 'the memory capture covers' : 'the SRAT describes';
    throw new BuildError(
      `the RAM ${what}, less the host tables, the host ACPI area and everything the tables describe, is ${mib(total(free))}` +
        `${
          free.length
            ? ` (${free
                .slice(0, 3)
                .map((r) => `${hex(r.base)}+${hex(r.size)}`)
                .join(', ')}${free.length > 3 ? ', …' : ''})`
            : ''
        }` +
        `: too little for dom0's kernel (at least ${mib(MIN_DOM0_RAM)}); give dom0's RAM with --mem BASE:SIZE`,
    );
  }
  const pool = opts.mem ?? (source === 'defaults' ? DEFAULTS.mem : free);
  if (opts.base !== undefined) {
    // a given region comes out of derived RAM banks (one more bank at most, if it splits one)
    const banks = opts.mem ? pool : subtract(pool, [{ base: opts.base, size: regionSize(pool.length + 1) }]);
    return { base: opts.base, mem: banks, derived, source, ram };
  }
  // the region at the top of the lowest piece of RAM that holds it, clear of what the host describes
  const size = regionSize(pool.length);
  const piece = subtract(pool, holes).find((p) => p.size >= size);
  if (!piece)
    throw new BuildError(
      `no piece of dom0's RAM (${pool.map((r) => `${hex(r.base)}+${hex(r.size)}`).join(', ')}` +
        `${derived.mem ? `, ${source === 'defaults' ? 'the default' : `from the ${source}`}` : ''}) holds the new region of ${mib(size)} ` +
        `clear of the host's tables and devices: give --base`,
    );
  const base = alignDown(end(piece) - size);
  return { base, mem: subtract(pool, [{ base, size }]), derived, source, ram };
}
