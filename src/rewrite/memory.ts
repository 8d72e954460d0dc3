// Where dom0's RAM and the new region go when --mem / --base are not given: from what the host
// tables say. RAM is the SRAT's enabled memory ranges (or, for a memory image, the range the capture
// covers); everything any host table describes — GIC frames, UARTs, ECAM, SMMUs, PCC, error
// regions — and the host ACPI regions are carved out; the region goes at the top of the lowest
// piece of RAM that holds it (as Xen puts dom0's ACPI page in dom0's memory), and the rest are the
// RAM banks. Pure.
import type { TableSet } from '../model/tableset.js';
import { allEntries } from '../model/tableset.js';
import type { HostRange, RamRange } from '../model/rules.js';
import { defOf } from '../tables/registry.js';
import { EFI_PAGE_SIZE } from '../efi/tables.js';
import { type BuildOptions, type Range, DEFAULTS } from './types.js';

export type MemorySource = 'options' | 'SRAT' | 'image' | 'defaults';

export interface Placement {
  base: bigint;
  mem: Range[];
  /** which of the two were derived rather than given */
  derived: { base: boolean; mem: boolean };
  /** where the RAM picture came from */
  source: MemorySource;
  /** the RAM the host describes (empty when it describes none) */
  ram: Range[];
}

const LIMIT = 1n << 64n;
const end = (r: Range) => r.base + r.size;
const alignUp = (v: bigint) => (v + EFI_PAGE_SIZE - 1n) & ~(EFI_PAGE_SIZE - 1n);
const alignDown = (v: bigint) => v & ~(EFI_PAGE_SIZE - 1n);

/** Every address range the host tables describe (their declarations say which). */
export function hostRanges(host: TableSet): HostRange[] {
  return allEntries(host)
    .flatMap((e) => defOf(e.table).regions?.(e.table) ?? [])
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

/**
 * The region base and the RAM banks: the options' when given, else derived. `regionSize(n)` is the
 * region's size with n RAM banks in the EFI memory map.
 */
export function placeMemory(host: TableSet, opts: Pick<BuildOptions, 'base' | 'mem'>, acpiRegions: Range[], regionSize: (banks: number) => bigint): Placement {
  const { source, ram } = hostRam(host);
  const holes = [...hostRanges(host), ...hostTableRanges(host), ...acpiRegions];
  const free = subtract(ram, holes);
  const mem = opts.mem ?? (free.length ? free : DEFAULTS.mem);
  const derived = { base: opts.base === undefined, mem: opts.mem === undefined };
  const from: MemorySource = !derived.base && !derived.mem ? 'options' : free.length ? source : 'defaults';
  if (opts.base !== undefined) {
    // a given region comes out of derived RAM banks (one more bank at most, if it splits one)
    const banks = opts.mem || !free.length ? mem : subtract(mem, [{ base: opts.base, size: regionSize(mem.length + 1) }]);
    return { base: opts.base, mem: banks, derived, source: from, ram };
  }
  if (!free.length) return { base: DEFAULTS.base, mem, derived, source: 'defaults', ram };
  // the region at the top of the lowest piece of RAM that holds it, outside any given --mem bank
  const size = regionSize(mem.length);
  const candidates = opts.mem ? subtract(free, opts.mem) : free;
  const piece = candidates.find((p) => p.size >= size);
  if (!piece) return { base: DEFAULTS.base, mem, derived, source: 'defaults', ram };
  const base = alignDown(end(piece) - size);
  const banks = opts.mem ? mem : subtract(mem, [{ base, size }]);
  return { base, mem: banks, derived, source: from, ram };
}
