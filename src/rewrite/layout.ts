// The layout stage: the only place addresses are decided. New (and relocated) tables go into the
// region at --base, each 8-byte aligned, in the order FADT, MADT, GTDT, STAO, XSDT, RSDP, relocated
// tables, EFI system table blob, EFI memory map; the total is rounded up to 4 KiB. Reused tables
// stay at their host addresses. Then every reference is resolved and the ranges are checked.
import type { AcpiTable } from '../tables/registry.js';
import { encoded } from './encoded.js';
import { hex } from '../layout/diagnostics.js';
import { type BuildOptions, type Dom0Set, type Dom0Table, type PlacedSet, type Range, BuildError, DEFAULTS, warn } from './types.js';
import { EFI_SYSTAB_SIZE, EFI_CONFIG_ENTRY_SIZE, EFI_MEMORY_DESC_SIZE, FIRMWARE_VENDOR, EFI_PAGE_SIZE } from '../efi/tables.js';
import { placeMemory, hostRanges, hostTableRanges, qemuVirtMap } from './memory.js';

export const REGION_ORDER = ['FACP', 'APIC', 'GTDT', 'STAO', 'XSDT', 'RSDP'];
export const EFI_SYSTAB_ID = 'EFI_SYSTAB';
export const EFI_MMAP_ID = 'EFI_MMAP';
export const EFI_SYSTAB_BLOB = EFI_SYSTAB_SIZE + (FIRMWARE_VENDOR.length + 1) * 2 + EFI_CONFIG_ENTRY_SIZE;

const align = (v: bigint, a: bigint) => (v + a - 1n) & ~(a - 1n);

/** Encoded size of a table (pointer values never change it). */
const sizeOf = (t: AcpiTable): bigint => BigInt(encoded(t).length);
const end = (r: Range) => r.base + r.size;
const overlaps = (a: Range, b: Range) => a.base < end(b) && b.base < end(a);
const show = (r: Range) => `${hex(r.base)}-${hex(end(r))}`;

/** Page-aligned spans covering the reused host tables, merged when they touch. */
export function hostAcpiRegions(tables: Dom0Table[]): Range[] {
  const spans = tables
    .filter((t) => t.origin === 'reused' && t.hostAddress !== undefined)
    .map((t) => {
      const lo = t.hostAddress! & ~(EFI_PAGE_SIZE - 1n);
      return { base: lo, size: align(t.hostAddress! + sizeOf(t.table), EFI_PAGE_SIZE) - lo };
    })
    .sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const out: Range[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.base <= end(last)) last.size = (end(s) > end(last) ? end(s) : end(last)) - last.base;
    else out.push({ ...s });
  }
  return out;
}

export function mmapEntryCount(banks: number, acpiRegions: Range[]): number {
  return banks + acpiRegions.length + 1;
}

const LIMIT = 1n << 64n;

function resolve(t: Dom0Table, addr: Map<string, bigint>): AcpiTable {
  if (!t.refs?.length) return t.table;
  const fields = { ...t.table.fields };
  const items = t.table.items ? [...t.table.items] : undefined;
  for (const r of t.refs) {
    const a = addr.get(r.to);
    if (a === undefined) throw new BuildError(`${t.id} points at ${r.to}, which has no address`);
    if (typeof r.at === 'number') items![r.at] = { ...items![r.at], fields: { address: a } };
    else if (typeof fields[r.at] === 'bigint' || a < 1n << 32n) fields[r.at] = typeof fields[r.at] === 'bigint' ? a : Number(a);
    else if (t.refs.some((o) => o !== r && o.to === r.to && typeof o.at === 'string' && typeof fields[o.at] === 'bigint'))
      fields[r.at] = 0; // its 64-bit twin holds it
    else throw new BuildError(`${t.id}.${r.at} is a 32-bit pointer and cannot hold ${hex(a)}, where the ${r.to} was placed: give a --base below 4 GiB`);
  }
  return { ...t.table, fields, items };
}

/** What goes into the region, in order, with sizes (the memory map's depends on the RAM banks). */
function plan(set: Dom0Set, withEfi: boolean, banks: number, acpiRegions: Range[]): { id: string; size: bigint }[] {
  const placed: { id: string; size: bigint }[] = [];
  for (const id of REGION_ORDER) {
    const t = set.tables.find((x) => x.id === id && x.origin !== 'reused');
    if (t) placed.push({ id, size: sizeOf(t.table) });
  }
  // a table a pass made anew or moved that the fixed order does not name (--hide-smmu's IORT)
  for (const t of set.tables) {
    if (t.origin !== 'reused' && !REGION_ORDER.includes(t.id)) placed.push({ id: t.id, size: sizeOf(t.table) });
  }
  if (withEfi) {
    placed.push({ id: EFI_SYSTAB_ID, size: BigInt(EFI_SYSTAB_BLOB) });
    placed.push({ id: EFI_MMAP_ID, size: BigInt(mmapEntryCount(banks, acpiRegions) * EFI_MEMORY_DESC_SIZE) });
  }
  return placed;
}

/** Offsets of the planned items from a page-aligned base (8-byte aligned), and the page-rounded size. */
function pack(placed: { id: string; size: bigint }[]): { offsets: Map<string, bigint>; size: bigint } {
  const offsets = new Map<string, bigint>();
  let at = 0n;
  for (const p of placed) {
    at = align(at, 8n);
    offsets.set(p.id, at);
    at += p.size;
  }
  return { offsets, size: align(at, EFI_PAGE_SIZE) };
}

export function layoutRegion(set: Dom0Set, opts: BuildOptions, withEfi: boolean): PlacedSet {
  const acpiRegions = opts.acpiRegions ?? hostAcpiRegions(set.tables);
  const memory = placeMemory(set.host, opts, acpiRegions, (banks) => pack(plan(set, withEfi, banks, acpiRegions)).size);
  const { offsets, size } = pack(plan(set, withEfi, memory.mem.length, acpiRegions));
  const region: Range = { base: memory.base, size };
  // how to name the two in a refusal: given, derived from the host, or today's defaults
  const whence = (derived: boolean) =>
    !derived
      ? ''
      : memory.source === 'defaults'
        ? ' (a default: the input describes no memory; give --mem and --base)'
        : ` (derived from the ${memory.source})`;
  const R = `the new region ${show(region)} (--base)${whence(memory.derived.base)}`;
  const M = (m: Range) => `the --mem bank ${show(m)}${whence(memory.derived.mem)}`;
  if (end(region) >= LIMIT) throw new BuildError(`the new region ${show(region)} (--base) runs past the 64-bit address space`);
  for (const m of memory.mem) if (end(m) >= LIMIT) throw new BuildError(`the --mem bank ${show(m)} runs past the 64-bit address space`);
  const addresses = new Map<string, bigint>();
  for (const [id, off] of offsets) addresses.set(id, region.base + off);
  for (const t of set.tables) if (t.origin === 'reused' && t.hostAddress !== undefined) addresses.set(t.id, t.hostAddress);

  // ranges that cannot work together
  for (const t of set.tables) {
    if (t.origin !== 'reused' || t.hostAddress === undefined) continue;
    const r = { base: t.hostAddress, size: sizeOf(t.table) };
    if (overlaps(region, r)) throw new BuildError(`${R} overlaps the host ${t.id} at ${show(r)}`);
    if (!acpiRegions.some((a) => r.base >= a.base && end(r) <= end(a))) {
      throw new BuildError(
        `the host ${t.id} at ${show(r)} is not inside any --acpi-region (${acpiRegions.map(show).join(', ') || 'none'}); dom0 could not map it`,
      );
    }
  }
  // given banks are named as given (the region may have been carved out of one)
  const banks = opts.mem ?? memory.mem;
  for (const m of memory.mem) if (overlaps(region, m)) throw new BuildError(`${R} overlaps ${M(m)}`);
  for (const m of banks) for (const a of acpiRegions) if (overlaps(m, a)) throw new BuildError(`${M(m)} overlaps the host ACPI region ${show(a)}`);
  for (const a of acpiRegions) if (overlaps(region, a)) throw new BuildError(`${R} overlaps the host ACPI region ${show(a)}`);
  // nothing dom0 is given may overlap what the host tables describe (GIC, UARTs, ECAM, SMMUs, PCC, …)
  for (const h of [...hostRanges(set.host), ...(set.tables.some((t) => t.origin === 'reused') ? hostTableRanges(set.host) : [])]) {
    if (overlaps(region, h)) throw new BuildError(`${R} overlaps ${h.what} at ${show(h)}`);
    for (const m of banks) if (overlaps(m, h)) throw new BuildError(`${M(m)} overlaps ${h.what} at ${show(h)}`);
  }

  const tables = set.tables.map((t) => ({ ...t, table: resolve(t, addresses) }));
  const placed: PlacedSet = { ...set, tables, addresses, region, acpiRegions, memory };
  if (memory.source !== 'defaults' || !(memory.derived.mem || memory.derived.base) || qemuVirtMap(set.host)) return placed;
  return warn(
    placed,
    'BUILD_RAM_DEFAULTS',
    '',
    'memory',
    `the input describes no RAM (no SRAT, not a memory capture) and its GIC distributor is not at QEMU virt's ${hex(DEFAULTS.qemuGicd)}: ` +
      `dom0's RAM ${DEFAULTS.mem.map(show).join(', ')} and the region at ${hex(region.base)} are QEMU virt's ` +
      `map${memory.derived.base ? '' : ' (the region as given)'}, which this host may not have; give --mem and --base for it`,
  );
}

/** Apply resolved addresses to a table snapshot (used to show pass changes with real addresses). */
export function resolveSnapshot(t: Dom0Table, addresses: Map<string, bigint>): AcpiTable {
  return resolve(t, addresses);
}
