// What `build` tells the user about its input and its choices: every code, its severity (warning:
// the output may not behave as the user expects; info: a choice made for them, printed as a note),
// what it means and where the rule comes from. docs/checks.md lists them (npm run docs) and
// test/rewrite/warnings.test.ts produces each one from exactly its cause.
import type { Severity } from '../layout/diagnostics.js';

/** A code of the build's: its severity (warning: the output may not behave as expected; info: a choice made for the user), meaning and source. */
export interface BuildCodeInfo {
  severity: Severity;
  summary: string;
  source: string;
}

export const BUILD_CODES = {
  BUILD_EL2_TIMER_MASKED: {
    severity: 'warning',
    summary:
      'the design GTDT masks the EL2 timers dom0 cannot use (GSIV and flags 0): Linux ≥ 5.18 logs a harmless FW_BUG line, 5.10–5.17 without ' +
      'the stable fix reconfigure IPI0; Xen keeps the host GTDT',
    source: 'docs/consumers.md G4, X7',
  },
  BUILD_GTDT_SHORT: { severity: 'warning', summary: 'the GTDT is too short to hold the EL2 timer fields: nothing to mask', source: 'ACPI 6.5 §5.2.25' },
  BUILD_NO_GTDT: { severity: 'warning', summary: 'the input has no GTDT: the gtdt pass had nothing to mask', source: 'docs/consumers.md §3' },
  BUILD_NO_IORT: { severity: 'warning', summary: '--hide-smmu, but the input has no IORT: there is no SMMU to hide', source: 'IORT (Arm DEN 0049)' },
  BUILD_NO_SMMU: { severity: 'info', summary: '--hide-smmu, but the IORT has no SMMU node: it is passed on as it is', source: 'IORT (Arm DEN 0049)' },
  BUILD_IORT_UNROUTED: {
    severity: 'info',
    summary:
      '--hide-smmu: a device sends IDs to an SMMU that maps them to no ITS group (stream IDs for translation only, no MSIs): the host gives ' +
      'them no MSI route, and dom0 sees no mapping for them',
    source: 'Linux drivers/acpi/arm64/iort.c iort_node_map_id()',
  },
  BUILD_IORT_RMR_DROPPED: {
    severity: 'info',
    summary:
      '--hide-smmu left out an RMR node tied to a hidden SMMU: the hypervisor driving that SMMU must keep its reserved ranges mapped for ' +
      'the devices (dom0 no longer sees them)',
    source: 'IORT E.c RMR node; Linux drivers/acpi/arm64/iort.c iort_get_rmrs()',
  },
  BUILD_VCPUS_CAPPED: {
    severity: 'info',
    summary: 'the host has more enabled CPUs than Xen gives dom0 (128, or 8 on GICv2): the MADT keeps that many',
    source: 'Xen MAX_VIRT_CPUS (arm64) and the vGICv2 max_vcpus',
  },
  BUILD_MPIDR_NOT_VIRTUAL: {
    severity: 'warning',
    summary: "--host-mpidrs kept a host MPIDR that is not the vCPU's: under Xen, PSCI CPU_ON for it fails and that CPU stays down",
    source: 'Xen vcpuid_to_vaffinity(); docs/consumers.md X8',
  },
  BUILD_GICR_SHORT: {
    severity: 'warning',
    summary: 'the host redistributor regions hold fewer redistributors than dom0 has vCPUs',
    source: 'Linux drivers/irqchip/irq-gic-v3.c gic_populate_rdist()',
  },
  BUILD_STAO_NAME_KEPT: {
    severity: 'warning',
    summary:
      "a --stao-path name the build cannot make absent in dom0's DSDT/SSDTs (no such device, or one the tables need): Linux ignores the " +
      "STAO's name list, so dom0 still enumerates it if it is there",
    source: 'Linux drivers/acpi/scan.c acpi_scan_init() ("STAO Name List not yet supported")',
  },
  BUILD_STAO_NO_SPCR: {
    severity: 'warning',
    summary: 'the STAO asks dom0 to ignore the SPCR UART (xen profile, as Xen does) but the input has no SPCR: Linux warns and hides nothing',
    source: 'Linux drivers/acpi/scan.c; docs/consumers.md §4.2, X5',
  },
  BUILD_STAO_UART_ZERO: {
    severity: 'info',
    summary: 'the input has no SPCR, so the design STAO says UART = 0 (there is no UART for dom0 to ignore)',
    source: 'docs/consumers.md X5',
  },
  BUILD_NO_HVC_CONSOLE: {
    severity: 'warning',
    summary: 'the STAO hides the UART from dom0 and the boot arguments name no console=hvc0: dom0 prints nothing',
    source: 'Linux xen_early_init() adds hvc only for domUs; docs/consumers.md §4.2',
  },
  BUILD_POINTER_MISSING: {
    severity: 'warning',
    summary: 'with --relocate all, a pointer (FADT → DSDT or FACS) at a table the input does not have is set to 0 instead of pointing at nothing',
    source: 'ACPI 6.5 §5.2.9',
  },
  BUILD_XSDT_DANGLING: {
    severity: 'warning',
    summary: 'an XSDT entry points where the input has no table; it is kept as it is',
    source: 'ACPICA AcpiTbParseRootTable',
  },
  BUILD_XSDT_REPEAT: {
    severity: 'warning',
    summary: 'the input holds a second table of a signature dom0 must see once; the one the XSDT lists first is kept, the others are left out',
    source: 'ACPICA AcpiGetTable() takes the first; docs/consumers.md §6.3, X3',
  },
  BUILD_RAM_DEFAULTS: {
    severity: 'warning',
    summary:
      "the host describes no RAM (no SRAT, not a memory capture) and does not have QEMU virt's memory map (its GIC distributor is " +
      "elsewhere): dom0's RAM and region were placed by QEMU virt's map (0x40000000, 512 MiB), which this host may not have",
    source: 'QEMU hw/arm/virt.c base_memmap (VIRT_MEM, VIRT_GIC_DIST); Linux under Xen takes the EFI map as all its RAM (docs/consumers.md §7.2)',
  },
  BUILD_RAM_SMALL: {
    severity: 'warning',
    summary: "the --mem banks given hold less RAM than dom0's kernel needs (64 MiB): Linux under Xen sees only the EFI map's RAM and does not come up",
    source: 'Linux drivers/firmware/efi/efi-init.c reserve_regions(); docs/consumers.md §7.2',
  },
  BUILD_REUSED_CHECKSUM: {
    severity: 'warning',
    summary: 'a host table reused in place (--relocate none) has a wrong checksum: Linux only warns',
    source: 'Linux drivers/acpi/acpica/tbprint.c "Incorrect checksum"',
  },
} as const satisfies Record<string, BuildCodeInfo>;

export type BuildCode = keyof typeof BUILD_CODES;
