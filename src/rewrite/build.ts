// buildDom0(hostSet, options) → { tables, image, dtb, manifest }: the pipeline plus the manifest that
// describes the result (no timestamps or paths: identical inputs give identical output).
import { hasChecksumFault, checksumAt, decodedFrom, encodeTable } from '../tables/registry.js';
import { EncodeError } from '../layout/backends.js';
import { encoded } from './encoded.js';
import type { TableSet, TableEntry } from '../model/tableset.js';
import { tableFileNames, setOf, allEntries } from '../model/tableset.js';
import { hex, type Finding } from '../layout/diagnostics.js';
import type { Json } from '../layout/values.js';
import { EFI_MEMORY_DESC_SIZE, EFI_MEMORY_DESC_VERSION, systemTableCrc, memoryRangeJson } from '../efi/tables.js';
import { type BuildOptions, type Dom0Table, type PlacedSet, type Range, BuildError } from './types.js';
import { runPipeline, defaultOptions, type PassLog } from './pipeline.js';
import { EFI_SYSTAB_ID, EFI_MMAP_ID } from './layout.js';
import { gicInfo } from '../tables/madt.js';
import { dtProperties } from './dt.js';

export const MANIFEST_FORMAT = 'dom0-acpi build manifest v1';

/** A range as the manifest writes it. */
export interface ManifestRange {
  base: string;
  size: string;
}

/** One table of the output, as manifest.json lists it (and a reader of the folder finds it). */
export interface ManifestTable {
  signature: string;
  /** tables/<name>.dat */
  file: string;
  address: string | null;
  length: number;
  checksum: number;
  checksum_ok: boolean;
  origin: Dom0Table['origin'];
}

/** manifest.json: what the build wrote and why (docs/design.md describes each field). */
export interface Manifest {
  format: string;
  profile: BuildOptions['profile'];
  passes: string[];
  options: {
    vcpus: number | null;
    vcpus_given: boolean;
    host_mpidrs: boolean;
    base: string;
    mem: ManifestRange[];
    acpi_regions: ManifestRange[];
    acpi_regions_given: boolean;
    bootargs: string | null;
    initrd: { start: string; size: string } | null;
    stao_paths: string[];
    xen_version: string;
    its: boolean;
    hide_smmu: boolean;
    hide_devices: string[];
    relocate: BuildOptions['relocate'];
  };
  region: ManifestRange & { file: string };
  memory: { source: string; derived: boolean; base_derived: boolean; mem_derived: boolean; host_ram: ManifestRange[] };
  tables: ManifestTable[];
  efi: {
    system_table: { address: string; size: number; crc32: string; acpi20_rsdp: string };
    memory_map: { address: string; size: number; descriptor_size: number; descriptor_version: number; entries: ReturnType<typeof memoryRangeJson>[] };
  } | null;
  dt: { file: string; size: number; properties: Record<string, Json> } | null;
  changes: { pass: string; changes: Json }[];
  warnings: { code: string; severity: string; table: string; path: string; message: string }[];
}

export interface Dom0Output {
  /** every table dom0 sees (RSDP first), with its final address */
  tables: TableSet;
  origins: Map<TableEntry, Dom0Table['origin']>;
  image: Uint8Array;
  dtb?: Uint8Array;
  manifest: Manifest;
  log: PassLog[];
  warnings: Finding[];
  region: Range;
}

const range = (r: Range): ManifestRange => ({ base: hex(r.base), size: hex(r.size) });

/** Options not given take their documented defaults (defaultOptions()). */
/** What cannot be built is a BuildError naming why: a caller-made input table whose field cannot
 * hold its value is one, found before the build starts. Anything else thrown — an encoder's refusal
 * of a table a pass made included — is a bug of ours and comes out unchanged, never dressed as a
 * fault of the input. */
export function buildDom0(host: TableSet, options: Partial<BuildOptions> = {}): Dom0Output {
  for (const e of allEntries(host)) if (!decodedFrom(e.table)) writable(e);
  return build(host, { ...defaultOptions(), ...options });
}

/** A table the caller made (not one decodeTable read from bytes, which encode back to them) can be
 * written: each field holds what its kind can. */
function writable(e: TableEntry): void {
  try {
    encodeTable(e.table);
  } catch (x) {
    if (x instanceof EncodeError) throw new BuildError(`${e.table.signature} (${e.source}): ${x.message}`);
    throw x;
  }
}

/** The options a build ran with, as the manifest records them (the vCPUs as the MADT has them). */
function manifestOptions(set: PlacedSet, opts: BuildOptions): Manifest['options'] {
  const madt = set.tables.find((t) => t.id === 'APIC');
  const gic = madt ? gicInfo(madt.table.items ?? []) : undefined;
  return {
    vcpus: gic?.enabled.length ?? null,
    vcpus_given: opts.vcpus !== undefined,
    host_mpidrs: opts.hostMpidrs === true,
    base: hex(set.region.base),
    mem: set.memory.mem.map(range),
    acpi_regions: (set.acpiRegions ?? []).map(range),
    acpi_regions_given: opts.acpiRegions !== undefined,
    bootargs: opts.bootargs ?? null,
    initrd: opts.initrd ? { start: hex(opts.initrd.start), size: hex(opts.initrd.size) } : null,
    stao_paths: opts.staoPaths,
    xen_version: opts.xenVersion,
    its: opts.its,
    hide_smmu: opts.hideSmmu === true,
    hide_devices: opts.hideDevices ?? [],
    relocate: opts.relocate,
  };
}

/** Where the EFI system table and memory map went, as the manifest records them. */
function manifestEfi(efi: NonNullable<PlacedSet['efi']>, addr: Map<string, bigint>): NonNullable<Manifest['efi']> {
  return {
    system_table: {
      address: hex(addr.get(EFI_SYSTAB_ID)!),
      size: efi.systab.length,
      crc32: hex(systemTableCrc(efi.systab)),
      acpi20_rsdp: hex(addr.get('RSDP')!),
    },
    memory_map: {
      address: hex(addr.get(EFI_MMAP_ID)!),
      size: efi.mmapBytes.length,
      descriptor_size: EFI_MEMORY_DESC_SIZE,
      descriptor_version: EFI_MEMORY_DESC_VERSION,
      entries: efi.mmap.map(memoryRangeJson),
    },
  };
}

function build(host: TableSet, opts: BuildOptions): Dom0Output {
  const r = runPipeline(host, opts);
  const set = r.set;
  const addr = set.addresses;
  // RSDP first, then the new region in address order, then the reused host tables in host order
  const rank = (t: Dom0Table) => (t.id === 'RSDP' ? -1 : t.origin === 'reused' ? 1 : 0);
  const ordered = [...set.tables].sort((a, b) => rank(a) - rank(b) || (rank(a) === 0 ? Number(addr.get(a.id)! - addr.get(b.id)!) : 0));
  const entries = ordered.map((t) => ({
    table: t.table,
    bytes: encoded(t.table),
    address: addr.get(t.id),
    source: t.origin === 'reused' ? 'host' : 'built',
  }));
  const tables: TableSet = setOf('dom0', 'build', entries);
  const origins = new Map(entries.map((e, i) => [e, ordered[i].origin] as const));
  const names = tableFileNames(tables);
  const efi = set.efi;
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    profile: opts.profile,
    passes: r.passes,
    options: manifestOptions(set, opts),
    region: { ...range(set.region), file: 'acpi.img' },
    memory: {
      source: set.memory.source,
      derived: set.memory.derived.base || set.memory.derived.mem,
      base_derived: set.memory.derived.base,
      mem_derived: set.memory.derived.mem,
      host_ram: set.memory.ram.map(range),
    },
    tables: entries.map((e) => ({
      signature: e.table.signature,
      file: `tables/${names.get(e)}`,
      address: e.address === undefined ? null : hex(e.address),
      length: e.bytes.length,
      checksum: e.bytes[checksumAt(e.table)],
      checksum_ok: !hasChecksumFault(e.table),
      origin: origins.get(e)!,
    })),
    efi: efi ? manifestEfi(efi, addr) : null,
    dt:
      r.dtb && set.dt
        ? {
            file: 'dom0.dtb',
            size: r.dtb.length,
            properties: Object.fromEntries(dtProperties(set.dt).map((p) => [p.path, p.value])),
          }
        : null,
    changes: r.log.map((l) => ({ pass: l.pass, changes: l.changes as unknown as Json })),
    warnings: set.warnings.map((w) => ({ code: w.code, severity: w.severity, table: w.table, path: w.path, message: w.message })),
  };
  return { tables, origins, image: r.image, dtb: r.dtb, manifest, log: r.log, warnings: set.warnings, region: set.region };
}
