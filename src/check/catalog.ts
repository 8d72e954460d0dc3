// Every finding code `check` can report: severity, what it means, where the rule comes from.
// docs/checks.md is checked against this list by a test, and each code has a test that injects
// exactly its fault.
import type { CodeInfo } from '../model/rules.js';
import { decodedSignatures, defFor } from '../tables/registry.js';

export type { CodeInfo };

/** Codes of the generic checks and of reading and decoding; each table's rules add theirs below. */
const GENERIC: Record<string, CodeInfo> = {
  // reading and decoding (also what every command reports; check lists them like any other finding)
  INPUT_NO_TABLES: { severity: 'error', summary: 'the input holds no tables', source: 'dom0-acpi inputs (README)', whole: true },
  INPUT_EMPTY: { severity: 'error', summary: 'an empty file', source: 'dom0-acpi inputs (README)', whole: true },
  INPUT_NOT_TABLE: {
    severity: 'warning',
    summary: 'files in a folder input that are neither ACPI tables nor acpidump text, skipped (one finding lists them)',
    source: 'dom0-acpi inputs (README)',
    whole: true,
  },
  INPUT_SOURCE: {
    severity: 'info',
    summary: 'a folder holding both acpidump text and binary tables: which one was read (text, which has addresses, when there is one)',
    source: 'dom0-acpi inputs (README)',
    whole: true,
  },
  INPUT_DISASSEMBLY: {
    severity: 'error',
    summary: "a file of iasl's disassembly (iasl -d output) given as an input: it is not acpidump text; its tables are the binaries it was made from",
    source: 'dom0-acpi inputs (README)',
    whole: true,
  },
  INPUT_EXCLUDE: {
    severity: 'error',
    summary: '--exclude names a file the folder input does not hold, or is given for an input that is not a folder of tables',
    source: 'dom0-acpi inputs (README)',
    whole: true,
  },
  INPUT_TEXT_OFFSET: { severity: 'error', summary: 'an acpidump hex line out of sequence', source: 'acpidump format' },
  INPUT_EMPTY_BLOCK: { severity: 'warning', summary: 'an acpidump header line without hex lines', source: 'acpidump format', whole: true },
  INPUT_MANIFEST: {
    severity: 'error',
    summary: 'a build output folder whose manifest.json is unreadable or lists missing files',
    source: 'dom0-acpi build output',
    whole: true,
  },
  IMAGE_NO_RSDP: {
    severity: 'error',
    summary: 'no RSDP with valid checksums on any 8-byte boundary of a memory image',
    source: 'ACPI 6.5 §5.2.5.1; dom0-acpi inputs (README)',
    whole: true,
  },
  IMAGE_FORMAT: {
    severity: 'error',
    summary: 'a memory capture that cannot be read: a malformed or truncated ELF core, an ELF that is not a little-endian core, a kdump-compressed dump',
    source: 'ELF (System V ABI); makedumpfile',
  },
  INPUT_TOO_LARGE: {
    severity: 'error',
    summary: 'a file over 64 MiB that is neither acpidump text nor an ELF core, read without --image-base',
    source: 'dom0-acpi inputs (README)',
    whole: true,
  },
  IMAGE_RSDP_OUTSIDE: { severity: 'error', summary: '--rsdp lies outside the memory image', source: 'dom0-acpi inputs (README)', whole: true },
  IMAGE_RSDP_SIGNATURE: { severity: 'error', summary: 'no "RSD PTR " signature at --rsdp', source: 'ACPI 6.5 §5.2.5.3' },
  IMAGE_POINTER_OUTSIDE: { severity: 'error', summary: 'a pointer leads outside the memory image', source: 'dom0-acpi inputs (README)' },
  IMAGE_TABLE_OUTSIDE: { severity: 'error', summary: 'a table in the image runs past its end', source: 'dom0-acpi inputs (README)' },
  DECODE_TRUNCATED: { severity: 'error', summary: 'fewer bytes than the declared length', source: 'ACPI 6.5 §5.2.6' },
  DECODE_TRAILING_DATA: { severity: 'error', summary: 'more bytes than the declared length', source: 'ACPI 6.5 §5.2.6' },
  DECODE_LENGTH: { severity: 'error', summary: 'a declared length below the header size', source: 'ACPI 6.5 §5.2.6' },
  DECODE_SIGNATURE: { severity: 'error', summary: 'a signature that is not 4 printable ASCII characters without spaces', source: 'ACPICA AcpiUtValidNameseg' },
  DECODE_TOO_SHORT: {
    severity: 'error',
    summary: 'a table shorter than its minimum (FADT 116, MADT 44, GTDT 80, SPCR 80, STAO 37)',
    source: 'ACPI 6.5 §5.2.9, §5.2.12, §5.2.25',
  },
  DECODE_SUBTABLE_LENGTH_ZERO: {
    severity: 'error',
    summary: 'a subtable of length 0 (Linux: "Invalid zero length"; the walk stops)',
    source: 'Linux drivers/acpi/tables.c acpi_parse_entries_array(); docs/consumers.md X12',
  },
  DECODE_SUBTABLE_TOO_SHORT: {
    severity: 'error',
    summary: "a subtable shorter than its header or its type's minimum (GICC 76)",
    source: 'Linux BAD_MADT_ENTRY / BAD_MADT_GICC_ENTRY; docs/consumers.md X12',
  },
  DECODE_SUBTABLE_OVERRUN: {
    severity: 'error',
    summary: 'a subtable running past the end of the table',
    source: 'Linux acpi_parse_entries_array(); docs/consumers.md X12',
  },
  DECODE_COUNT_OVERRUN: {
    severity: 'error',
    summary: 'a count promising more entries than fit (GTDT timers, GT Block frames)',
    source: 'Linux drivers/acpi/arm64/gtdt.c; docs/consumers.md G1, G7',
  },
  DECODE_BODY_OFFSET: {
    severity: 'error',
    summary: 'an offset pointing outside the space after the fixed fields (GTDT platform timers, GT Block frames, SPCR namespace string)',
    source: 'Linux gtdt.c; docs/consumers.md X6',
  },
  DECODE_BODY_SIZE: { severity: 'error', summary: 'a size running past the end (SPCR namespace string)', source: 'SPCR 1.10' },
  DECODE_OFFSET_INSIDE: {
    severity: 'warning',
    summary:
      'an offset pointing back inside the fixed fields (a revision 3 GTDT whose PlatformTimerOffset predates its virtual EL2 fields): the list is read right after them, as ACPICA does',
    source: 'ACPICA AcpiDmDumpGtdt',
  },
  DECODE_REVISION_LAYOUT: {
    severity: 'warning',
    summary: "a table read with an older revision's layout than it declares (a revision 3 GTDT whose platform timers start at 0x60)",
    source: 'ACPI 6.3 / 6.4 §5.2.24; ACPICA AcpiDmDumpGtdt',
  },
  DECODE_TRAILING_BYTES: {
    severity: 'warning',
    summary: 'bytes after the last subtable, too few for a subtable',
    source: 'Linux acpi_parse_entries_array() stops when < 3 bytes remain',
  },

  // structure (always)
  CHECKSUM: { severity: 'error', summary: 'the table bytes do not sum to zero', source: 'ACPI 6.5 §5.2.6; ACPICA AcpiUtVerifyChecksum (Linux only warns)' },
  RSDP_XSDT_UNRESOLVED: {
    severity: 'error',
    summary: 'the RSDP points at an XSDT (or RSDT) address where the input has no table, or at another kind of table',
    source: 'ACPICA AcpiTbParseRootTable; docs/consumers.md X4',
  },
  XSDT_ENTRY_UNRESOLVED: {
    severity: 'error',
    summary: 'an XSDT/RSDT entry points where the input has no table, or at a DSDT, FACS or root table',
    source: 'ACPICA AcpiTbInstallStandardTable; docs/consumers.md X4',
  },
  FADT_DSDT_UNRESOLVED: {
    severity: 'error',
    summary: 'the FADT points at a DSDT (or FACS) address where the input has no table, or at another kind of table',
    source: 'ACPICA AcpiTbParseFadt; docs/consumers.md X4',
  },
  TABLE_OVERLAP: { severity: 'error', summary: 'two tables whose bytes overlap in memory', source: 'ACPI 6.5 §5.2; docs/consumers.md X4' },
  DUPLICATE_TABLE: {
    severity: 'error',
    summary: 'more than one FACP, APIC, GTDT or STAO (in the XSDT when addresses are known)',
    source: 'docs/consumers.md §6.3, X3',
  },

  // what a Xen dom0 Linux enforces (--dom0)
  DOM0_NO_TABLE: { severity: 'error', summary: 'an RSDP, XSDT, FACP or APIC is missing', source: 'docs/consumers.md §0', dom0: true, whole: true },
  DOM0_NO_ADDRESSES: {
    severity: 'error',
    summary: 'the input has no table addresses, so the links dom0 follows cannot be checked',
    source: 'docs/consumers.md X4',
    dom0: true,
    whole: true,
  },
  DOM0_DT_INVALID: {
    severity: 'error',
    summary: 'dom0.dtb is not a valid FDT (Linux: "Invalid device tree blob")',
    source: 'Linux fixmap_remap_fdt(); docs/consumers.md §5.1',
    dom0: true,
  },
  DOM0_DT_NODE: {
    severity: 'error',
    summary: 'a depth-1 DT node other than chosen and hypervisor: Linux boots with DT, not ACPI',
    source: 'Linux dt_scan_depth1_nodes(); docs/consumers.md X10',
    dom0: true,
  },
  DOM0_DT_COMPATIBLE: {
    severity: 'error',
    summary: '/hypervisor compatible does not start with "xen,xen-<ver>" and contain "xen,xen"',
    source: 'Linux xen_early_init(); docs/consumers.md §5.1, X10',
    dom0: true,
  },
  DOM0_DT_UEFI: {
    severity: 'error',
    summary: '/hypervisor/uefi or one of its five properties is missing or not 4/8 bytes',
    source: 'Linux efi_get_fdt_params(); docs/consumers.md §5.2',
    dom0: true,
  },
  DOM0_EFI_SYSTAB: {
    severity: 'error',
    summary: 'the EFI system table the DT names is not in the image or has no "IBI SYST" signature',
    source: 'Linux efi_systab_check_header(); docs/consumers.md §7.1',
    dom0: true,
  },
  DOM0_EFI_CRC: {
    severity: 'warning',
    summary: 'the EFI system table CRC-32 does not verify (Linux does not check it)',
    source: 'UEFI 2.x; docs/consumers.md §7.1',
    dom0: true,
  },
  DOM0_EFI_CONFIG: {
    severity: 'error',
    summary: 'no ACPI 2.0 configuration table entry pointing at the RSDP',
    source: 'Linux efi_config_parse_tables(); docs/consumers.md §0, X4',
    dom0: true,
  },
  DOM0_MMAP: {
    severity: 'error',
    summary: 'EFI memory map descriptor size/version/total size wrong or outside the image',
    source: 'Linux efi_init(), __efi_memmap_init(); docs/consumers.md §7.2',
    dom0: true,
  },
  DOM0_MMAP_RAM: {
    severity: 'error',
    summary: 'the EFI memory map gives dom0 less Conventional RAM than an arm64 kernel needs (64 MiB): under Xen it is all the RAM Linux sees',
    source: 'Linux drivers/firmware/efi/efi-init.c reserve_regions(); docs/consumers.md §7.2',
    dom0: true,
  },
  DOM0_MMAP_COVERAGE: {
    severity: 'error',
    summary: 'a table dom0 reaches is not inside exactly one ACPIReclaim descriptor, or lies in Conventional RAM',
    source: 'Linux arm64 acpi_os_ioremap(); docs/consumers.md §7.3, X4',
    dom0: true,
  },
};

/** Every code: the generic ones, then each decoded table's, in registry order. */
export const CODES: Record<string, CodeInfo> = { ...GENERIC };
for (const sig of decodedSignatures()) {
  const def = defFor(sig);
  for (const rule of [...(def.rules ?? []), ...(def.variants ?? []).flatMap((v) => v.def.rules ?? [])]) {
    for (const [code, info] of Object.entries(rule.codes)) {
      if (CODES[code] && CODES[code] !== info) throw new Error(`finding code ${code} is declared twice`);
      CODES[code] = info;
    }
  }
}

export type Code = keyof typeof CODES;

export function severityOf(code: string): CodeInfo['severity'] {
  return CODES[code]?.severity ?? 'error';
}
