// The dom0 build model. Passes are pure functions Dom0Set → { set, changes }. A pass never
// computes an address: pointer fields it creates are recorded as references to table ids, and the
// layout stage (layout.ts) assigns addresses and resolves them.
import { BUILD_CODES, type BuildCode } from './codes.js';
import type { AcpiTable } from '../tables/registry.js';
import type { TableSet } from '../model/tableset.js';
import type { Change } from '../diff/table.js';
import { type Finding, Refusal } from '../layout/diagnostics.js';
import type { FdtNode } from '../fdt/writer.js';
import type { MemoryRange } from '../efi/tables.js';
import type { FieldName } from '../layout/codec.js';
import type { Layout } from '../layout/schema.js';

export type Profile = 'design' | 'xen';

export interface Range {
  base: bigint;
  size: bigint;
}

export interface BuildOptions {
  profile: Profile;
  /** dom0 vCPUs; default: the enabled host GICCs, capped at Xen's limit (128; 8 on GICv2) */
  vcpus?: number;
  /** design profile: keep the host MPIDRs in the kept GICCs instead of Xen's vCPU MPIDRs */
  hostMpidrs?: boolean;
  /** guest-physical address of the new region; default: derived from dom0's RAM (rewrite/memory.ts) */
  base?: bigint;
  /** dom0 RAM banks (EFI map Conventional entries); default: derived from the host's memory */
  mem?: Range[];
  /** host ACPI regions (EFI map ACPIReclaim entries); default: page spans of the reused tables */
  acpiRegions?: Range[];
  bootargs?: string;
  initrd?: { start: bigint; size: bigint };
  /** extra ACPI namespace paths for the STAO name list (design profile) */
  staoPaths: string[];
  xenVersion: string;
  /** copy the host ITS entries into the xen-profile MADT (Xen built with HAS_ITS) */
  its: boolean;
  /** design profile: leave the SMMUs (and their PMCGs and RMRs) out of dom0's IORT, device mappings
   * composed straight to the ITS groups (a hypervisor that drives the SMMUs itself) */
  hideSmmu?: boolean;
  /** design profile: devices of the DSDT/SSDTs (ACPI paths, `\\_SB.FWCF`) the hypervisor owns, made
   * absent in dom0's (their _STA returns Zero) */
  hideDevices?: string[];
  /** place every table, reused ones too, in the new region with fresh addresses */
  relocate: 'none' | 'all';
  skip: string[];
  only?: string[];
}

/** For an input that describes no RAM: QEMU virt's (its RAM starts at 1 GiB; 512 MiB, the region at
 * its top). `qemuGicd` is where QEMU virt puts its GIC distributor (hw/arm/virt.c VIRT_GIC_DIST): a
 * host whose distributor is elsewhere has another memory map, so the defaults are only a guess. */
export const DEFAULTS = {
  mem: [{ base: 0x40000000n, size: 0x20000000n }] as Range[],
  qemuGicd: 0x08000000n,
  xenVersion: '4.20',
};

/** Where a table comes from: made by a pass, reused in place at its host address, or moved. */
export type Origin = 'new' | 'reused' | 'relocated';

/** A pointer field to fill with the address of another table once the layout is known. */
export interface Ref {
  /** item index for XSDT entries, or a field name (RSDP xsdt_address, FADT x_dsdt/dsdt) */
  at: number | string;
  to: string;
}

/** A reference from a declared pointer field of a table (`fieldRef(rsdp, 'xsdt_address', 'XSDT')`):
 * a name the declaration lacks is a compile error. */
export const fieldRef = <L extends Layout>(_def: { layout: L }, at: FieldName<L>, to: string): Ref => ({ at, to });

export interface Dom0Table {
  /** "FACP", "APIC", "STAO", "XSDT", "RSDP", or a host table's signature (+ "#n" for repeats) */
  id: string;
  table: AcpiTable;
  origin: Origin;
  /** the host address: where a reused table stays, or what a new table replaces */
  hostAddress?: bigint;
  refs?: Ref[];
}

export interface Dom0Set {
  host: TableSet;
  /** every table dom0 sees, the RSDP included */
  tables: Dom0Table[];
  /** addresses once laid out, by table id (and "EFI_SYSTAB", "EFI_MMAP") */
  addresses?: Map<string, bigint>;
  region?: Range;
  /** host ACPI regions the EFI map describes (given or derived by the layout) */
  acpiRegions?: Range[];
  efi?: { systab: Uint8Array; mmap: MemoryRange[]; mmapBytes: Uint8Array };
  /** where the region and dom0's RAM went, and whether that was given or derived (layout stage) */
  memory?: Placement;
  dt?: FdtNode;
  warnings: Finding[];
}

/** A set after the layout stage: every table and EFI blob has its address in the region. */
export interface PlacedSet extends Dom0Set {
  addresses: Map<string, bigint>;
  region: Range;
  acpiRegions: Range[];
  memory: Placement;
}

export interface PassResult<S extends Dom0Set = Dom0Set> {
  set: S;
  changes: Change[];
}

export type Pass = (set: Dom0Set, opts: BuildOptions) => PassResult;
export type PlacedPass = (set: PlacedSet, opts: BuildOptions) => PassResult<PlacedSet>;

/** A build step, declared: its stage (`tables` before the layout gives addresses, `placed` after),
 * the passes whose output it reads when they run (`after`), those that read its output (`before`:
 * every pass that changes tables comes before xsdt, which lists them), those it cannot run without
 * (`needs`), and whether it follows every other (`last`: checksums, derived from the bytes they
 * all wrote). The pipeline orders and validates every profile from these. */
export type PassDef = {
  name: string;
  /** one line for --help and docs */
  summary: string;
  after?: string[];
  before?: string[];
  needs?: string[];
  last?: true;
} & ({ stage: 'tables'; run: Pass } | { stage: 'placed'; run: PlacedPass });

/** What cannot be built from this input with these options, said in words (a Refusal: never a bug). */
export class BuildError extends Refusal {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}

export function tableById(set: Dom0Set, id: string): Dom0Table | undefined {
  return set.tables.find((t) => t.id === id);
}

/** Replace (or add) the table with `t.id`, keeping the order. */
/** The set with `t` in place of the table of the same id. A table a pass makes anew replaces the
 * host's: it inherits the host address it replaces (what the XSDT's host entry pointed at), so the
 * xsdt pass lists it there whether or not the pass carried the field over. */
export function withTable<S extends Dom0Set>(set: S, t: Dom0Table): S {
  const i = set.tables.findIndex((x) => x.id === t.id);
  const tables = [...set.tables];
  if (i >= 0) tables[i] = t.hostAddress === undefined && tables[i].hostAddress !== undefined ? { ...t, hostAddress: tables[i].hostAddress } : t;
  else tables.push(t);
  return { ...set, tables };
}

/** A warning or a note (the catalogue decides which) about the input or a choice the build made. */
export function warn<S extends Dom0Set>(set: S, code: BuildCode, table: string, path: string, message: string): S {
  return { ...set, warnings: [...set.warnings, { code, severity: BUILD_CODES[code].severity, table, path, message }] };
}

/** Where dom0's RAM picture came from: the options, the host's SRAT, a memory image, or the defaults. */
export type MemorySource = 'options' | 'SRAT' | 'image' | 'defaults';

/** Where the region goes and what RAM dom0 is given (memory.ts placeMemory works it out). */
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
