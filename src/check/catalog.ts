// Every finding code `check` can report: severity, what it means, where the rule comes from.
// docs/checks.md is checked against this list by a test, and each code has a test that injects
// exactly its fault.
import type { Severity } from '../model/diagnostics.js';

export interface CodeInfo {
  severity: Severity;
  summary: string;
  source: string;
  /** reported only with --dom0 */
  dom0?: boolean;
  /** what `build` does about it: on a host set (not a dom0 set) the finding is then info */
  buildFixes?: string;
}

export const CODES: Record<string, CodeInfo> = {
  // reading and decoding (also what every command reports; check lists them like any other finding)
  INPUT_NO_TABLES: { severity: 'error', summary: 'the input holds no tables', source: 'SPEC §2' },
  INPUT_EMPTY: { severity: 'error', summary: 'an empty file', source: 'SPEC §9' },
  INPUT_TEXT_OFFSET: { severity: 'error', summary: 'an acpidump hex line out of sequence', source: 'acpidump format' },
  INPUT_EMPTY_BLOCK: { severity: 'warning', summary: 'an acpidump header line without hex lines', source: 'acpidump format' },
  INPUT_MANIFEST: { severity: 'error', summary: 'a build output folder whose manifest.json is unreadable or lists missing files', source: 'dom0-acpi build output' },
  IMAGE_NO_RSDP: { severity: 'error', summary: 'no RSDP with valid checksums on any 8-byte boundary of a memory image', source: 'ACPI 6.5 §5.2.5.1; SPEC §2' },
  IMAGE_RSDP_OUTSIDE: { severity: 'error', summary: '--rsdp lies outside the memory image', source: 'SPEC §2' },
  IMAGE_RSDP_SIGNATURE: { severity: 'error', summary: 'no "RSD PTR " signature at --rsdp', source: 'ACPI 6.5 §5.2.5.3' },
  IMAGE_POINTER_OUTSIDE: { severity: 'error', summary: 'a pointer leads outside the memory image', source: 'SPEC §2' },
  IMAGE_TABLE_OUTSIDE: { severity: 'error', summary: 'a table in the image runs past its end', source: 'SPEC §2' },
  DECODE_TRUNCATED: { severity: 'error', summary: 'fewer bytes than the declared length', source: 'ACPI 6.5 §5.2.6' },
  DECODE_TRAILING_DATA: { severity: 'error', summary: 'more bytes than the declared length', source: 'ACPI 6.5 §5.2.6' },
  DECODE_LENGTH: { severity: 'error', summary: 'a declared length below the header size', source: 'ACPI 6.5 §5.2.6' },
  DECODE_SIGNATURE: { severity: 'error', summary: 'a signature that is not printable ASCII', source: 'ACPICA AcpiUtValidNameseg' },
  DECODE_TOO_SHORT: { severity: 'error', summary: 'a table shorter than its minimum (FADT 116, MADT 44, GTDT 80, SPCR 80, STAO 37)', source: 'ACPI 6.5 §5.2.9, §5.2.12, §5.2.25' },
  DECODE_SUBTABLE_LENGTH_ZERO: { severity: 'error', summary: 'a subtable of length 0 (Linux: "Invalid zero length"; the walk stops)', source: 'Linux drivers/acpi/tables.c acpi_parse_entries_array(); CONSUMER-RULES X12' },
  DECODE_SUBTABLE_TOO_SHORT: { severity: 'error', summary: 'a subtable shorter than its header or its type\'s minimum (GICC 76)', source: 'Linux BAD_MADT_ENTRY / BAD_MADT_GICC_ENTRY; CONSUMER-RULES X12' },
  DECODE_SUBTABLE_OVERRUN: { severity: 'error', summary: 'a subtable running past the end of the table', source: 'Linux acpi_parse_entries_array(); CONSUMER-RULES X12' },
  DECODE_COUNT_OVERRUN: { severity: 'error', summary: 'a count promising more entries than fit (GTDT timers, GT Block frames)', source: 'Linux drivers/acpi/arm64/gtdt.c; CONSUMER-RULES G1, G7' },
  DECODE_BODY_OFFSET: { severity: 'error', summary: 'an offset pointing outside the space after the fixed fields (GTDT platform timers, GT Block frames, SPCR namespace string)', source: 'Linux gtdt.c; CONSUMER-RULES X6' },
  DECODE_BODY_SIZE: { severity: 'error', summary: 'a size running past the end (SPCR namespace string)', source: 'SPCR 1.10' },
  DECODE_OFFSET_INSIDE: { severity: 'warning', summary: 'an offset pointing back inside the fixed fields (a revision 3 GTDT whose PlatformTimerOffset predates its virtual EL2 fields): the list is read right after them, as ACPICA does', source: 'ACPICA AcpiDmDumpGtdt' },
  DECODE_REVISION_LAYOUT: { severity: 'warning', summary: 'a table read with an older revision\'s layout than it declares (a revision 3 GTDT whose platform timers start at 0x60)', source: 'ACPI 6.3 / 6.4 §5.2.24; ACPICA AcpiDmDumpGtdt' },
  DECODE_TRAILING_BYTES: { severity: 'warning', summary: 'bytes after the last subtable, too few for a subtable', source: 'Linux acpi_parse_entries_array() stops when < 3 bytes remain' },

  // structure (always)
  CHECKSUM: { severity: 'error', summary: 'the table bytes do not sum to zero', source: 'ACPI 6.5 §5.2.6; ACPICA AcpiUtVerifyChecksum (Linux only warns)' },
  RSDP_CHECKSUM: { severity: 'error', summary: 'RSDP bytes 0-19 do not sum to zero', source: 'ACPI 6.5 §5.2.5.3; ACPICA AcpiTbValidateRsdp' },
  RSDP_EXT_CHECKSUM: { severity: 'error', summary: 'RSDP bytes 0-35 do not sum to zero', source: 'ACPI 6.5 §5.2.5.3; ACPICA AcpiTbValidateRsdp' },
  RSDP_LENGTH: { severity: 'error', summary: 'a revision 2 RSDP whose Length is not 36', source: 'ACPI 6.5 §5.2.5.3; CONSUMER-RULES X11' },
  RSDP_REVISION: { severity: 'warning', summary: 'an RSDP revision other than 0 or 2', source: 'ACPI 6.5 §5.2.5.3' },
  RSDP_XSDT_UNRESOLVED: { severity: 'error', summary: 'the RSDP points at an XSDT (or RSDT) address where the input has no table, or at another kind of table', source: 'ACPICA AcpiTbParseRootTable; CONSUMER-RULES X4' },
  XSDT_ENTRY_UNRESOLVED: { severity: 'error', summary: 'an XSDT/RSDT entry points where the input has no table, or at a DSDT, FACS or root table', source: 'ACPICA AcpiTbInstallStandardTable; CONSUMER-RULES X4' },
  XSDT_ENTRY_NULL: { severity: 'warning', summary: 'a NULL XSDT/RSDT entry (ACPICA skips it)', source: 'ACPICA AcpiTbParseRootTable' },
  FADT_DSDT_UNRESOLVED: { severity: 'error', summary: 'the FADT points at a DSDT (or FACS) address where the input has no table, or at another kind of table', source: 'ACPICA AcpiTbParseFadt; CONSUMER-RULES X4' },
  FADT_DSDT_MISMATCH: { severity: 'warning', summary: 'FADT Dsdt and XDsdt both set and different (ACPICA uses XDsdt)', source: 'ACPICA AcpiTbSelectAddress; CONSUMER-RULES F8' },
  TABLE_OVERLAP: { severity: 'error', summary: 'two tables whose bytes overlap in memory', source: 'ACPI 6.5 §5.2; CONSUMER-RULES X4' },
  DUPLICATE_TABLE: { severity: 'error', summary: 'more than one FACP, APIC, GTDT or STAO (in the XSDT when addresses are known)', source: 'CONSUMER-RULES §6.3, X3' },
  FADT_REVISION_LENGTH: { severity: 'error', summary: 'FADT revision and length disagree (5 ⇒ 268 bytes, ≥ 6 ⇒ 276)', source: 'ACPICA tbfadt.c; CONSUMER-RULES F5, F6, X2' },
  GICC_LENGTH_FADT_REVISION: { severity: 'warning', summary: 'GICC length is not 76 (FADT rev < 6) or 80 (rev ≥ 6): Xen and Linux 4.2-4.20 reject it', source: 'Linux/Xen BAD_MADT_GICC_ENTRY; CONSUMER-RULES §2.2, X1' },
  GTDT_REVISION_LENGTH: { severity: 'error', summary: 'GTDT shorter than its revision implies (rev 2 ⇒ 96, rev ≥ 3 ⇒ 104)', source: 'ACPICA AcpiDmDumpGtdt; CONSUMER-RULES G5, X6' },
  MADT_DUPLICATE_MPIDR: { severity: 'error', summary: 'two GICCs with one MPIDR (Linux skips the second: "duplicate CPU MPIDR")', source: 'Linux arch/arm64/kernel/smp.c acpi_map_gic_cpu_interface(); CONSUMER-RULES §2.3' },
  MADT_DUPLICATE_UID: { severity: 'error', summary: 'two GICCs with one processor UID', source: 'Linux drivers/acpi/processor_core.c; CONSUMER-RULES X8' },
  MADT_GICD_COUNT: { severity: 'error', summary: 'not exactly one GICD', source: 'Linux irq-gic-v3.c acpi_validate_gic_table(); CONSUMER-RULES §2.4, X9' },

  // what a Xen dom0 Linux enforces (--dom0)
  DOM0_NO_TABLE: { severity: 'error', summary: 'an RSDP, XSDT, FACP or APIC is missing', source: 'CONSUMER-RULES §0', dom0: true },
  DOM0_NO_ADDRESSES: { severity: 'error', summary: 'the input has no table addresses, so the links dom0 follows cannot be checked', source: 'CONSUMER-RULES X4', dom0: true },
  DOM0_RSDP_REVISION: { severity: 'error', summary: 'RSDP revision is not 2 or XsdtAddress is 0: Linux would use the RSDT', source: 'ACPICA AcpiTbParseRootTable; CONSUMER-RULES §6.1, X11', dom0: true },
  DOM0_XSDT_TOO_MANY: { severity: 'error', summary: 'more than 128 tables: Linux\'s early root table list holds 128', source: 'Linux drivers/acpi/tables.c ACPI_MAX_TABLES; CONSUMER-RULES §6.2', dom0: true },
  DOM0_FADT_REVISION: { severity: 'error', summary: 'FADT older than 5.1 (Linux: ACPI disabled, or "assuming 5.1" with boot flags)', source: 'Linux arch/arm64/kernel/acpi.c acpi_fadt_sanity_check(); CONSUMER-RULES F1', dom0: true },
  DOM0_HW_REDUCED: { severity: 'error', summary: 'FADT HW_REDUCED flag clear: Linux disables ACPI', source: 'Linux acpi_fadt_sanity_check(); CONSUMER-RULES F2', dom0: true },
  DOM0_PSCI: { severity: 'error', summary: 'FADT without PSCI_COMPLIANT: no secondary CPUs', source: 'Linux psci_acpi_init(); CONSUMER-RULES F3', dom0: true, buildFixes: 'the fadt pass sets PSCI_COMPLIANT | PSCI_USE_HVC' },
  DOM0_PSCI_HVC: { severity: 'warning', summary: 'FADT PSCI conduit is SMC; Xen gives dom0 PSCI_USE_HVC', source: 'Xen acpi_create_fadt(); CONSUMER-RULES F3', dom0: true, buildFixes: 'the fadt pass sets PSCI_USE_HVC' },
  DOM0_GICC_LENGTH: { severity: 'error', summary: 'GICC length is not 76 (FADT rev < 6) or 80 (rev ≥ 6); with --dom0 this replaces GICC_LENGTH_FADT_REVISION', source: 'Xen/Linux 4.2-4.20 BAD_MADT_GICC_ENTRY; CONSUMER-RULES X1', dom0: true, buildFixes: 'the madt pass sizes every GICC from the output FADT revision' },
  DOM0_STAO_NO_SPCR: { severity: 'warning', summary: 'STAO ignores the UART but there is no SPCR: Linux warns and hides nothing (Xen sets the flag whatever the host has)', source: 'Linux drivers/acpi/scan.c acpi_scan_init(); CONSUMER-RULES X5', dom0: true },
  DOM0_STAO_UART_NOT_FOUND: { severity: 'warning', summary: 'no memory resource in the DSDT/SSDTs starts at the SPCR UART address, so no device is hidden', source: 'Linux acpi_device_should_be_hidden(); CONSUMER-RULES X5', dom0: true },
  DOM0_GTDT_VIRT_PPI: { severity: 'error', summary: 'GTDT virtual EL1 timer GSIV is not a PPI (16-31): dom0 has no timer', source: 'Linux arch_timer_select_ppi(); CONSUMER-RULES G2, X7', dom0: true },
  DOM0_GTDT_EL2_ZERO: { severity: 'warning', summary: 'GTDT EL2 timer GSIV 0: "[Firmware Bug]: Illegal GSI0" on Linux ≥ 5.18, IPI0 broken on 5.10-5.17 without the fix', source: 'CONSUMER-RULES G4, X7', dom0: true },
  DOM0_MPIDR_INVALID: { severity: 'error', summary: 'a GICC MPIDR with bits outside Aff3..Aff0 (Linux: "skipping CPU entry with invalid MPIDR")', source: 'Linux acpi_map_gic_cpu_interface(); CONSUMER-RULES §2.3, X8', dom0: true, buildFixes: 'the madt pass gives every GICC its vCPU\'s MPIDR' },
  DOM0_MPIDR_NOT_VCPU: { severity: 'error', summary: 'GICC i\'s MPIDR is not vCPU i\'s under Xen ((i & 0xF) | (i >> 4) << 8): its CPU never comes up', source: 'Xen vcpuid_to_vaffinity(); CONSUMER-RULES §2.3, X8', dom0: true, buildFixes: 'the madt pass gives every GICC its vCPU\'s MPIDR' },
  DOM0_NO_BOOT_CPU: { severity: 'error', summary: 'no GICC with vCPU 0\'s MPIDR 0 ("missing boot CPU MPIDR, not enabling secondaries")', source: 'Linux smp.c; CONSUMER-RULES X8', dom0: true, buildFixes: 'the madt pass gives every GICC its vCPU\'s MPIDR' },
  DOM0_GICC_DISABLED: { severity: 'warning', summary: 'a GICC without the Enabled flag: dom0 skips that vCPU', source: 'CONSUMER-RULES §2.3, X8', dom0: true, buildFixes: 'the madt pass keeps enabled GICCs only' },
  DOM0_GICR_MIXED: { severity: 'error', summary: 'GICR subtables and GICC GICR base addresses both present', source: 'ACPI 6.5 §5.2.12.14; CONSUMER-RULES §2.4, X9', dom0: true, buildFixes: 'the madt pass clears the GICC GICR bases when GICR subtables exist' },
  DOM0_GICR_MISSING: { severity: 'error', summary: 'GICv3 without GICR subtables and an enabled GICC with GICR base 0: GICv3 not probed', source: 'Linux gic_acpi_match_gicc(); CONSUMER-RULES X9', dom0: true },
  DOM0_GICV2_BASES: { severity: 'error', summary: 'GICv2 GICCs with different CPU-interface base addresses', source: 'Linux irq-gic.c gic_acpi_parse_madt_cpu(); CONSUMER-RULES X9', dom0: true },
  DOM0_GICD_VERSION: { severity: 'error', summary: 'GICD version out of range or contradicting the MADT (v2 with GICR subtables, v3 with only GICv2-style GICCs)', source: 'Linux irq-gic-v3.c / irq-gic.c ACPI probing; CONSUMER-RULES §2.4', dom0: true },
  DOM0_DT_INVALID: { severity: 'error', summary: 'dom0.dtb is not a valid FDT (Linux: "Invalid device tree blob")', source: 'Linux fixmap_remap_fdt(); CONSUMER-RULES §5.1', dom0: true },
  DOM0_DT_NODE: { severity: 'error', summary: 'a depth-1 DT node other than chosen and hypervisor: Linux boots with DT, not ACPI', source: 'Linux dt_scan_depth1_nodes(); CONSUMER-RULES X10', dom0: true },
  DOM0_DT_COMPATIBLE: { severity: 'error', summary: '/hypervisor compatible does not start with "xen,xen-<ver>" and contain "xen,xen"', source: 'Linux xen_early_init(); CONSUMER-RULES §5.1, X10', dom0: true },
  DOM0_DT_UEFI: { severity: 'error', summary: '/hypervisor/uefi or one of its five properties is missing or not 4/8 bytes', source: 'Linux efi_get_fdt_params(); CONSUMER-RULES §5.2', dom0: true },
  DOM0_EFI_SYSTAB: { severity: 'error', summary: 'the EFI system table the DT names is not in the image or has no "IBI SYST" signature', source: 'Linux efi_systab_check_header(); CONSUMER-RULES §7.1', dom0: true },
  DOM0_EFI_CRC: { severity: 'warning', summary: 'the EFI system table CRC-32 does not verify (Linux does not check it)', source: 'UEFI 2.x; CONSUMER-RULES §7.1', dom0: true },
  DOM0_EFI_CONFIG: { severity: 'error', summary: 'no ACPI 2.0 configuration table entry pointing at the RSDP', source: 'Linux efi_config_parse_tables(); CONSUMER-RULES §0, X4', dom0: true },
  DOM0_MMAP: { severity: 'error', summary: 'EFI memory map descriptor size/version/total size wrong or outside the image', source: 'Linux efi_init(), __efi_memmap_init(); CONSUMER-RULES §7.2', dom0: true },
  DOM0_MMAP_COVERAGE: { severity: 'error', summary: 'a table dom0 reaches is not inside exactly one ACPIReclaim descriptor, or lies in Conventional RAM', source: 'Linux arm64 acpi_os_ioremap(); CONSUMER-RULES §7.3, X4', dom0: true },
};

export type Code = keyof typeof CODES;

export function severityOf(code: string): CodeInfo['severity'] {
  return CODES[code]?.severity ?? 'error';
}
