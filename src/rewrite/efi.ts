// efi: the EFI system table (one configuration entry: ACPI 2.0 GUID → the new RSDP) and the memory
// map: one Conventional/WB entry per --mem bank, one ACPIReclaim/WB entry per host ACPI region, one
// ACPIReclaim/WB entry for the new region — in that order, as Xen builds them.
import {
  buildSystemTable,
  buildMemoryMap,
  EFI_CONVENTIONAL_MEMORY,
  EFI_ACPI_RECLAIM_MEMORY,
  EFI_MEMORY_WB,
  EFI_PAGE_SIZE,
  systemTableCrc,
  MIN_DOM0_RAM,
  type MemoryRange,
  memoryRangeJson,
} from '../efi/tables.js';
import { hex } from '../layout/diagnostics.js';
import { type PlacedPass, type PassDef, BuildError, warn } from './types.js';
import { EFI_SYSTAB_ID } from './layout.js';

const run: PlacedPass = (set) => {
  const at = set.addresses.get(EFI_SYSTAB_ID);
  const rsdp = set.addresses.get('RSDP');
  if (at === undefined || rsdp === undefined) throw new BuildError('the efi pass needs an RSDP to point at (the rsdp pass, or one in the input)');
  const pages = (size: bigint) => size / EFI_PAGE_SIZE;
  const entries: MemoryRange[] = [
    ...set.memory.mem.map((m) => ({ type: EFI_CONVENTIONAL_MEMORY, physical_start: m.base, number_of_pages: pages(m.size), attribute: EFI_MEMORY_WB })),
    ...set.acpiRegions.map((r) => ({ type: EFI_ACPI_RECLAIM_MEMORY, physical_start: r.base, number_of_pages: pages(r.size), attribute: EFI_MEMORY_WB })),
    { type: EFI_ACPI_RECLAIM_MEMORY, physical_start: set.region.base, number_of_pages: pages(set.region.size), attribute: EFI_MEMORY_WB },
  ];
  const ram = set.memory.mem.reduce((n, m) => n + m.size, 0n);
  const next =
    ram < MIN_DOM0_RAM
      ? warn(
          set,
          'BUILD_RAM_SMALL',
          'EFI',
          'EFI.memory_map',
          `dom0's RAM is ${ram >> 10n} KiB in ${set.memory.mem.length} bank(s): an arm64 kernel needs at least ${MIN_DOM0_RAM >> 20n} MiB`,
        )
      : set;
  const systab = buildSystemTable(at, rsdp);
  const mmapBytes = buildMemoryMap(entries);
  const changes = [
    { path: 'EFI.system_table', kind: 'added' as const, new: { address: hex(at), size: systab.length, crc32: hex(systemTableCrc(systab)), rsdp: hex(rsdp) } },
    ...entries.map((e, i) => ({ path: `EFI.memory_map[${i}]`, kind: 'added' as const, new: memoryRangeJson(e) })),
  ];
  return { set: { ...next, efi: { systab, mmap: entries, mmapBytes } }, changes };
};

export const efiPass: PassDef = {
  name: 'efi',
  stage: 'placed',
  summary: 'the EFI system table (ACPI 2.0 entry → RSDP) and memory map',
  run,
};
