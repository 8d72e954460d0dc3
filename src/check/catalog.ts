// Every finding code `check` can report: severity, what it means, where the rule comes from.
// docs/checks.md is checked against this list by a test, and each code has a test that injects
// exactly its fault.
import { type CodeInfo, severityFrom, tool, linux, xen, acpica, spec } from '../model/rules.js';
import type { Severity } from '../layout/diagnostics.js';
import { decodedSignatures, defFor } from '../tables/registry.js';

export type { CodeInfo };

/** Codes of the generic checks and of reading and decoding; each table's rules add theirs below. */
const GENERIC: Record<string, CodeInfo> = {
  // reading and decoding (also what every command reports; check lists them like any other finding)
  INPUT_NO_TABLES: { summary: 'the input holds no tables', consumers: [tool('unreadable', 'nothing to check, dump or build')], whole: true },
  INPUT_EMPTY: { summary: 'an empty file', consumers: [tool('unreadable', 'nothing to read')], whole: true },
  INPUT_NOT_TABLE: {
    summary: 'files in a folder input that are neither ACPI tables nor acpidump text, skipped (one finding lists them)',
    consumers: [tool('skipped', 'the files are left out of the set')],
    whole: true,
  },
  INPUT_SOURCE: {
    summary: 'a folder holding both acpidump text and binary tables: which one was read (text, which has addresses, when there is one)',
    consumers: [tool('note', 'which files made the set')],
    whole: true,
  },
  INPUT_DISASSEMBLY: {
    summary: "a file of iasl's disassembly (iasl -d output) given as an input: it is not acpidump text; its tables are the binaries it was made from",
    consumers: [tool('unreadable', 'a text for people, not tables')],
    whole: true,
  },
  INPUT_EXCLUDE: {
    summary: '--exclude names a file the folder input does not hold, or is given for an input that is not a folder of tables',
    consumers: [tool('unreadable', 'the option names nothing to leave out')],
    whole: true,
  },
  INPUT_TEXT_OFFSET: {
    summary: 'an acpidump hex line out of sequence',
    consumers: [
      tool('unreadable', 'the bytes of that table cannot be placed'),
      acpica('all', 'function-lost', 'acpixtract stops at the line', 'source/tools/acpixtract axutils.c AxConvertLine()'),
    ],
  },
  INPUT_EMPTY_BLOCK: { summary: 'an acpidump header line without hex lines', consumers: [tool('skipped', 'the block is left out')], whole: true },
  INPUT_MANIFEST: {
    summary: 'a build output folder whose manifest.json is unreadable or lists missing files',
    consumers: [tool('unreadable', 'the build output cannot be read back')],
    whole: true,
  },
  INPUT_RAM_DEFAULTS: {
    summary:
      "a build output whose manifest says dom0's RAM was placed by QEMU virt's map (BUILD_RAM_DEFAULTS): the host described no RAM and has " +
      "another memory map, so dom0's EFI memory map may name RAM the host does not have",
    consumers: [tool('skipped', "the build had no RAM description of this host and gave dom0 QEMU virt's (give build --mem and --base)")],
    whole: true,
  },
  IMAGE_NO_RSDP: {
    summary: 'no RSDP with valid checksums on any 8-byte boundary of a memory image',
    consumers: [tool('unreadable', 'nothing leads to the tables (give --rsdp)')],
    whole: true,
  },
  IMAGE_FORMAT: {
    summary: 'a memory capture that cannot be read: a malformed or truncated ELF core, an ELF that is not a little-endian core, a kdump-compressed dump',
    consumers: [tool('unreadable', 'the capture cannot be read')],
  },
  INPUT_TOO_LARGE: {
    summary:
      'an input past what is read whole: a file or table file over 64 MiB that is neither acpidump text nor an ELF core, read without ' +
      '--image-base; acpidump text over 64 MiB; a stream (standard input, a pipe, /dev/fd/N) past its limit',
    consumers: [tool('unreadable', 'no table is that large (give --image-base for a memory image, and a capture as a file)')],
    whole: true,
  },
  IMAGE_RSDP_OUTSIDE: { summary: '--rsdp lies outside the memory image', consumers: [tool('unreadable', 'the option points nowhere')], whole: true },
  IMAGE_RSDP_SIGNATURE: { summary: 'no "RSD PTR " signature at --rsdp', consumers: [tool('unreadable', 'the option points at no RSDP')] },
  IMAGE_POINTER_OUTSIDE: {
    summary: 'a pointer leads outside the memory image',
    consumers: [tool('unreadable', 'the capture does not hold the table the pointer names')],
  },
  IMAGE_TABLE_OUTSIDE: { summary: 'a table in the image runs past its end', consumers: [tool('unreadable', 'the capture holds only part of the table')] },
  IMAGE_TABLE_TOO_LARGE: {
    summary: 'a table in a memory capture declares a length over 64 MiB (no real table comes near)',
    consumers: [tool('unreadable', 'the table is not read: its length field is wrong, or the pointer leads to something else')],
  },
  DECODE_TRUNCATED: {
    summary: 'fewer bytes than the declared length',
    consumers: [tool('unreadable', 'the input holds only part of the table (a consumer maps the declared length and reads what follows it)')],
  },
  DECODE_TRAILING_DATA: {
    summary: 'more bytes than the declared length',
    consumers: [tool('unreadable', 'the file is not one table (a memory image, or tables one after another)')],
  },
  DECODE_LENGTH: {
    summary: 'a declared length below the header size',
    consumers: [
      acpica(
        'all',
        'function-lost',
        'the table is not installed ("Invalid table length")',
        'tbdata.c AcpiTbVerifyTempTable(), tbinstal.c AcpiTbInstallStandardTable()',
      ),
    ],
  },
  DECODE_SIGNATURE: {
    summary: 'a signature that is not 4 printable ASCII characters without spaces',
    consumers: [
      acpica('all', 'function-lost', 'the table is not installed ("Table has invalid signature")', 'tbdata.c AcpiTbVerifyTempTable() → AcpiUtValidNameseg()'),
    ],
  },
  DECODE_TOO_SHORT: {
    summary: 'a table shorter than its minimum (FADT 116, MADT 44, GTDT 80, SPCR 80, STAO 37)',
    consumers: [
      linux(
        'all',
        'function-lost',
        'the fields past the end are read from what follows the table, or the table is refused',
        'acpi_parse_madt(), acpi_gtdt_init(), acpi_parse_spcr(); ACPICA tbfadt.c AcpiTbCreateLocalFadt() zero-fills a short FADT',
      ),
    ],
  },
  DECODE_SUBTABLE_LENGTH_ZERO: {
    summary: 'a subtable of length 0 (Linux: "Invalid zero length"; the walk stops)',
    consumers: [
      linux(
        'all',
        'function-lost',
        'the MADT walk stops there: the CPUs, GIC parts and ITSes after it are lost',
        'drivers/acpi/tables.c acpi_parse_entries_array()',
      ),
      xen('4.17+', 'function-lost', 'the same walk stops there', 'xen/drivers/acpi/tables.c acpi_parse_entries()'),
    ],
  },
  DECODE_SUBTABLE_TOO_SHORT: {
    summary:
      "a subtable shorter than its header (the walk stops there) or its type's minimum (GICC 76: the walk goes on past it by its length, as " +
      "Linux's does, and dump shows it as short_subtable raw bytes)",
    consumers: [
      linux(
        'all',
        'function-lost',
        'the handler refuses it (BAD_MADT_ENTRY) and that walk handles no later entry of its kind (a short GICC: it and every later CPU are ' +
          "not started); the walk goes on by length, so other kinds' walks (the ITSes) still find theirs",
        'arch/arm64/kernel/smp.c acpi_parse_gic_cpu_interface(); drivers/acpi/tables.c acpi_parse_entries_array()',
      ),
      xen('4.17+', 'panic', 'a GICD or GICC that is too short panics GIC init (XH8, XH10)', 'xen/arch/arm/gic-v2.c, gic-v3.c BAD_MADT_ENTRY'),
    ],
  },
  DECODE_SUBTABLE_OVERRUN: {
    summary: 'a subtable running past the end of the table',
    consumers: [
      linux(
        'all',
        'function-lost',
        'the handler refuses an entry past the table end (BAD_MADT_ENTRY), and the walk stops',
        'drivers/acpi/tables.c acpi_parse_entries_array()',
      ),
    ],
  },
  DECODE_COUNT_OVERRUN: {
    summary: 'a count promising more entries than fit (GTDT timers, GT Block frames)',
    consumers: [
      linux(
        '4.12+',
        'function-lost',
        'the platform timers past the table end are refused: GT blocks and the SBSA watchdog are lost',
        'drivers/acpi/arm64/gtdt.c acpi_gtdt_init(), platform_timer_valid()',
      ),
    ],
  },
  DECODE_BODY_OFFSET: {
    summary: 'an offset pointing outside the space after the fixed fields (GTDT platform timers, GT Block frames, SPCR namespace string)',
    consumers: [linux('4.12+', 'function-lost', 'the platform timers (GT blocks, SBSA watchdog) are not found', 'drivers/acpi/arm64/gtdt.c acpi_gtdt_init()')],
  },
  DECODE_BODY_SIZE: {
    summary: 'a size running past the end (SPCR namespace string)',
    consumers: [linux('all', 'ignored', 'the SPCR namespace string is not read', 'drivers/acpi/spcr.c acpi_parse_spcr()')],
  },
  DECODE_OFFSET_INSIDE: {
    summary:
      'an offset pointing back inside the fixed fields (a revision 3 GTDT whose PlatformTimerOffset predates its virtual EL2 fields): the ' +
      'list is read right after them, as ACPICA does',
    consumers: [acpica('all', 'workaround', 'the list is read right after the fixed fields', 'dmtbdump2.c AcpiDmDumpGtdt()')],
  },
  DECODE_REVISION_LAYOUT: {
    summary: "a table read with an older revision's layout than it declares (a revision 3 GTDT whose platform timers start at 0x60)",
    consumers: [acpica('all', 'workaround', "the table is read with the older revision's layout", 'dmtbdump2.c AcpiDmDumpGtdt()')],
  },
  DECODE_TRAILING_BYTES: {
    summary: 'bytes after the last subtable, too few for a subtable',
    consumers: [linux('all', 'ignored', 'the walk stops when fewer bytes than a subtable header remain', 'drivers/acpi/tables.c acpi_parse_entries_array()')],
  },

  // structure (always)
  CHECKSUM: {
    summary: 'the table bytes do not sum to zero',
    consumers: [
      acpica('all', 'fw-bug-logged', '"Incorrect checksum in table"; the table is used (ACPI_CHECKSUM_ABORT is FALSE)', 'utcksum.c AcpiUtVerifyChecksum()'),
      xen('4.17+', 'fw-bug-logged', 'the same warning; the table is used', 'xen/drivers/acpi/tables/tbutils.c acpi_tb_verify_checksum()'),
    ],
  },
  RSDP_XSDT_UNRESOLVED: {
    summary: 'the RSDP points at an XSDT (or RSDT) address where the input has no table, or at another kind of table',
    consumers: [
      linux(
        'all',
        'acpi-disabled',
        'no root table: acpi_table_init() fails and ACPI stays off',
        'ACPICA tbutils.c AcpiTbParseRootTable(); arch/arm64/kernel/acpi.c acpi_boot_table_init()',
      ),
      xen(
        '4.17+',
        'panic',
        'ACPI off, then the empty device tree panics (XH2)',
        'xen/drivers/acpi/tables/tbutils.c; xen/arch/arm/acpi/boot.c acpi_boot_table_init()',
      ),
    ],
  },
  XSDT_ENTRY_UNRESOLVED: {
    summary: 'an XSDT/RSDT entry points where the input has no table, or at a DSDT, FACS or root table',
    consumers: [
      acpica(
        'all',
        'fw-bug-logged',
        'the entry is not installed (its header does not map to a valid table)',
        'tbinstal.c AcpiTbInstallStandardTable(), tbdata.c AcpiTbVerifyTempTable()',
      ),
    ],
  },
  FADT_DSDT_UNRESOLVED: {
    summary: 'the FADT points at a DSDT (or FACS) address where the input has no table, or at another kind of table',
    consumers: [
      linux(
        'all',
        'function-lost',
        'no DSDT: the namespace does not load ("No DSDT"), so no device is enumerated from it',
        'ACPICA tbfadt.c AcpiTbParseFadt(), tbxfload.c AcpiTbLoadNamespace()',
      ),
    ],
  },
  REGION_CONFLICT: {
    summary: 'two regions the tables name overlap where Linux drivers request both as their own (ECAM, SMMU, PMCG, a PL011 or SBSA console UART)',
    consumers: [
      linux(
        'all',
        'function-lost',
        'the second driver to request the bytes fails its probe with -EBUSY ("can\'t claim ECAM area … address conflict"): that PCI ' +
          'segment, SMMU or PMU is lost',
        'drivers/pci/ecam.c pci_ecam_create(); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c arm_smmu_device_probe(); ' +
          'drivers/perf/arm_smmuv3_pmu.c smmu_pmu_probe(); kernel/resource.c request_resource_conflict()',
      ),
    ],
  },
  REGION_GIC_CLAIMED: {
    summary:
      "a region overlapping the GICD or a GICR range, which Linux's GICv3 driver requests before any device probes: the ECAM's PCI segment, " +
      'the SMMU, PMCG or console UART there is lost; a redistributor range over the distributor leaves the GIC without it',
    consumers: [
      linux(
        '5.19+',
        'function-lost',
        'the GIC driver requests the GICD (64 KiB) and every GICR range as it comes up; a device that requests any of those bytes later ' +
          'fails with -EBUSY ("can\'t claim ECAM area … address conflict with GICD"): that PCI segment, SMMU, PMU or console is lost; a ' +
          'GICR request over the GICD fails ("GICR region … has overlapping address"), and the frames read there are the distributor\'s',
        'drivers/irqchip/irq-gic-v3.c gic_acpi_init(), gic_request_region(); drivers/pci/ecam.c pci_ecam_create(); kernel/resource.c __request_region()',
      ),
    ],
  },
  REGION_OVERLAP: {
    summary: 'two regions the tables name overlap (MMIO frames, UARTs, PCC memory, SRAT RAM, the tables), where no driver claims both',
    consumers: [
      spec(
        'each device, memory range and table has its own addresses; Linux maps such regions (ioremap) without claiming them, so both ' +
          'descriptions are used and their accesses reach the same bytes',
        'ACPI 6.5 §5.2',
      ),
    ],
  },
  TABLE_OVERLAP: {
    summary: 'two tables whose bytes overlap in memory',
    consumers: [spec("each table occupies its own bytes (the later one overwrites the earlier one's tail)", 'ACPI 6.5 §5.2')],
  },
  DUPLICATE_TABLE: {
    summary: 'more than one FACP, APIC, GTDT or STAO (in the XSDT when addresses are known)',
    consumers: [
      linux(
        'all',
        'ignored',
        'the first is used for some checks and the last for others (the FADT: sanity checks read the first, acpi_gbl_FADT the last); the ' +
          'others of a kind are not read',
        'arch/arm64/kernel/acpi.c acpi_fadt_sanity_check(); ACPICA tbutils.c AcpiTbParseRootTable()',
      ),
    ],
  },

  // what a Xen dom0 Linux enforces (--dom0)
  DOM0_NO_TABLE: {
    summary: 'an RSDP, XSDT, FACP or APIC is missing',
    consumers: [
      linux(
        'all',
        'acpi-disabled',
        'no ACPI boot: no root table, no FADT, or no GIC and CPUs',
        'arch/arm64/kernel/acpi.c acpi_boot_table_init(); smp.c acpi_parse_and_init_cpus()',
      ),
    ],
    dom0: true,
    whole: true,
  },
  INPUT_NO_ADDRESSES: {
    summary: 'with --dom0: the input form gives no table addresses (binary tables, acpidump text without them), so the links dom0 follows are not checked',
    consumers: [tool('note', 'the pointers between tables are not followed; the rules that need them are left out')],
    dom0: true,
    whole: true,
  },
  INPUT_NO_ROOT: {
    summary:
      'with --dom0: the input form has neither table addresses nor the RSDP and XSDT (a copy of /sys/firmware/acpi/tables): their absence ' +
      'is not a finding, and the rules about them and the links from them are left out',
    consumers: [tool('note', 'the RSDP and XSDT are not checked: the input form does not carry them')],
    dom0: true,
    whole: true,
  },
  DOM0_DT_INVALID: {
    summary: 'dom0.dtb is not a valid FDT (Linux: "Invalid device tree blob")',
    consumers: [
      linux(
        'all',
        'hang',
        '"Invalid device tree blob" and the CPU spins',
        'arch/arm64/kernel/setup.c setup_machine_fdt(); arch/arm64/mm/mmu.c fixmap_remap_fdt()',
      ),
    ],
    dom0: true,
  },
  DOM0_DT_NODE: {
    summary: 'a depth-1 DT node other than chosen and hypervisor: Linux boots with DT, not ACPI',
    consumers: [
      linux('all', 'acpi-disabled', 'the device tree is used and ACPI ignored', 'arch/arm64/kernel/acpi.c dt_scan_depth1_nodes(), acpi_boot_table_init()'),
    ],
    dom0: true,
  },
  DOM0_DT_COMPATIBLE: {
    summary: '/hypervisor compatible does not start with "xen,xen-<ver>" and contain "xen,xen"',
    consumers: [
      linux(
        'all',
        'function-lost',
        'Xen is not detected: no event channels, grant tables or hvc console',
        'arch/arm/xen/enlighten.c xen_early_init(), fdt_find_hyper_node()',
      ),
    ],
    dom0: true,
  },
  DOM0_DT_UEFI: {
    summary: '/hypervisor/uefi or one of its five properties is missing or not 4/8 bytes',
    consumers: [linux('5.7+', 'acpi-disabled', 'no EFI, so no RSDP: ACPI stays off', 'drivers/firmware/efi/fdtparams.c efi_get_fdt_params()')],
    dom0: true,
  },
  DOM0_EFI_SYSTAB: {
    summary: 'the EFI system table the DT names is not in the image or has no "IBI SYST" signature',
    consumers: [
      linux(
        'all',
        'acpi-disabled',
        '"System table signature incorrect": no EFI, so no RSDP',
        'drivers/firmware/efi/efi.c efi_systab_check_header(); efi-init.c uefi_init()',
      ),
    ],
    dom0: true,
  },
  DOM0_EFI_CRC: {
    summary: 'the EFI system table CRC-32 does not verify (Linux does not check it)',
    consumers: [
      linux('all', 'ignored', 'the CRC-32 is not checked', 'drivers/firmware/efi/efi.c efi_systab_check_header()'),
      spec('the header CRC covers HeaderSize bytes', 'UEFI 2.10 §4.2'),
    ],
    dom0: true,
  },
  DOM0_EFI_CONFIG: {
    summary: 'no ACPI 2.0 configuration table entry pointing at the RSDP',
    consumers: [
      linux(
        'all',
        'acpi-disabled',
        'no RSDP (arm64 has no memory scan): ACPI stays off',
        'drivers/firmware/efi/efi.c efi_config_parse_tables(); drivers/acpi/osl.c acpi_os_get_root_pointer()',
      ),
    ],
    dom0: true,
  },
  DOM0_MMAP: {
    summary: 'EFI memory map descriptor size/version/total size wrong or outside the image',
    consumers: [
      linux(
        'all',
        'panic',
        'no memory map: no RAM is known ("Failed to … EFI memory map")',
        'drivers/firmware/efi/efi-init.c efi_init(); memmap.c __efi_memmap_init()',
      ),
    ],
    dom0: true,
  },
  DOM0_MMAP_RAM: {
    summary: 'the EFI memory map gives dom0 less Conventional RAM than an arm64 kernel needs (64 MiB): under Xen it is all the RAM Linux sees',
    consumers: [
      linux(
        'all',
        'panic',
        'too little memory for the kernel and its early allocations',
        'drivers/firmware/efi/efi-init.c reserve_regions(); arch/arm64/mm/init.c arm64_memblock_init()',
      ),
    ],
    dom0: true,
  },
  DOM0_MMAP_COVERAGE: {
    summary: 'a table dom0 reaches is not inside exactly one ACPIReclaim descriptor, or lies in Conventional RAM',
    consumers: [linux('all', 'function-lost', 'the table cannot be mapped, or its memory is handed out as RAM', 'arch/arm64/kernel/acpi.c acpi_os_ioremap()')],
    dom0: true,
  },
  // --xen-host on a set that is not a host's
  XEN_HOST_NOT_HOST: {
    summary: "--xen-host on a dom0 set (a build output, or a set with an STAO): Xen boots from the host's tables, so no XEN_HOST rule applies",
    consumers: [tool('note', 'the Xen host rules are left out for this input')],
    whole: true,
    xenHost: true,
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

/** A code's severity, from what its consumers do (severityFrom); an unknown code is an error. */
export function severityOf(code: string): Severity {
  const info = CODES[code];
  return info ? severityFrom(info.consumers) : 'error';
}
