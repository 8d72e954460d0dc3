// FADT ("FACP"), ACPI 6.5 §5.2.9. Every length from 116 (ACPI 1.0) to 276 (ACPI 6.x): the layout is
// chosen by length (a field exists when it fits), the revision is only reported on.
import { layout, u8, u16, u32, u64, type Bit, valueNames } from '../layout/schema.js';
import { fieldsOf, hasField, tablePath } from '../layout/codec.js';
import { type TableRule, type TableDef, rule, linux, xen, acpica, spec, table } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import { u64Text } from './common.js';
import { headerField, gasField } from './common.js';

export const PM_PROFILES = valueNames(
  {
    0: 'Unspecified',
    1: 'Desktop',
    2: 'Mobile',
    3: 'Workstation',
    4: 'Enterprise Server',
    5: 'SOHO Server',
    6: 'Appliance PC',
    7: 'Performance Server',
    8: 'Tablet',
  },
  'Unknown Profile Type',
);

const BOOT_FLAGS: Bit[] = [
  { name: 'legacy_devices', label: 'Legacy Devices Supported (V2)', bit: 0 },
  { name: 'i8042', label: '8042 Present on ports 60/64 (V2)', bit: 1 },
  { name: 'no_vga', label: 'VGA Not Present (V4)', bit: 2 },
  { name: 'no_msi', label: 'MSI Not Supported (V4)', bit: 3 },
  { name: 'no_aspm', label: 'PCIe ASPM Not Supported (V4)', bit: 4 },
  { name: 'no_cmos_rtc', label: 'CMOS RTC Not Present (V5)', bit: 5 },
];

export const FADT_HW_REDUCED = 1 << 20;

const FLAGS: Bit[] = [
  ['wbinvd', 'WBINVD instruction is operational (V1)'],
  ['wbinvd_flush', 'WBINVD flushes all caches (V1)'],
  ['c1_supported', 'All CPUs support C1 (V1)'],
  ['c2_mp_supported', 'C2 works on MP system (V1)'],
  ['power_button', 'Control Method Power Button (V1)'],
  ['sleep_button', 'Control Method Sleep Button (V1)'],
  ['fixed_rtc', 'RTC wake not in fixed reg space (V1)'],
  ['s4_rtc_wake', 'RTC can wake system from S4 (V1)'],
  ['tmr_val_ext', '32-bit PM Timer (V1)'],
  ['dock_capable', 'Docking Supported (V1)'],
  ['reset_reg_supported', 'Reset Register Supported (V2)'],
  ['sealed_case', 'Sealed Case (V3)'],
  ['headless', 'Headless - No Video (V3)'],
  ['cpu_sw_sleep', 'Use native instr after SLP_TYPx (V3)'],
  ['pci_exp_wak', 'PCIEXP_WAK Bits Supported (V4)'],
  ['use_platform_clock', 'Use Platform Timer (V4)'],
  ['s4_rtc_sts_valid', 'RTC_STS valid on S4 wake (V4)'],
  ['remote_power_on', 'Remote Power-on capable (V4)'],
  ['apic_cluster', 'Use APIC Cluster Model (V4)'],
  ['apic_physical', 'Use APIC Physical Destination Mode (V4)'],
  ['hw_reduced', 'Hardware Reduced (V5)'],
  ['low_power_s0', 'Low Power S0 Idle (V5)'],
].map(([name, label], bit) => ({ name, label, bit }));

export const ARM_PSCI_COMPLIANT = 0x1;
export const ARM_PSCI_USE_HVC = 0x2;

const ARM_BOOT_FLAGS: Bit[] = [
  { name: 'psci_compliant', label: 'PSCI Compliant', bit: 0 },
  { name: 'psci_use_hvc', label: 'Must use HVC for PSCI', bit: 1 },
];

export const FADT_V1_SIZE = 116;
export const FADT_V5_SIZE = 268;
export const FADT_V6_SIZE = 276;
/** the Arm boot flags end at byte 131 (offset 129, 2 bytes): a FADT shorter than that has none */
const ARM_BOOT_FLAGS_END = 131;

export const fadtLayout = layout('fadt', [
  headerField(),
  u32('facs', 'FACS Address', { pointer: true }),
  u32('dsdt', 'DSDT Address', { pointer: true }),
  u8('model', 'Model'),
  u8('preferred_profile', 'PM Profile', { enum: PM_PROFILES }),
  u16('sci_interrupt', 'SCI Interrupt'),
  u32('smi_command', 'SMI Command Port'),
  u8('acpi_enable', 'ACPI Enable Value'),
  u8('acpi_disable', 'ACPI Disable Value'),
  u8('s4_bios_request', 'S4BIOS Command'),
  u8('pstate_control', 'P-State Control'),
  u32('pm1a_event_block', 'PM1A Event Block Address'),
  u32('pm1b_event_block', 'PM1B Event Block Address'),
  u32('pm1a_control_block', 'PM1A Control Block Address'),
  u32('pm1b_control_block', 'PM1B Control Block Address'),
  u32('pm2_control_block', 'PM2 Control Block Address'),
  u32('pm_timer_block', 'PM Timer Block Address'),
  u32('gpe0_block', 'GPE0 Block Address'),
  u32('gpe1_block', 'GPE1 Block Address'),
  u8('pm1_event_length', 'PM1 Event Block Length'),
  u8('pm1_control_length', 'PM1 Control Block Length'),
  u8('pm2_control_length', 'PM2 Control Block Length'),
  u8('pm_timer_length', 'PM Timer Block Length'),
  u8('gpe0_block_length', 'GPE0 Block Length'),
  u8('gpe1_block_length', 'GPE1 Block Length'),
  u8('gpe1_base', 'GPE1 Base Offset'),
  u8('cst_control', '_CST Support'),
  u16('c2_latency', 'C2 Latency'),
  u16('c3_latency', 'C3 Latency'),
  u16('flush_size', 'CPU Cache Size'),
  u16('flush_stride', 'Cache Flush Stride'),
  u8('duty_offset', 'Duty Cycle Offset'),
  u8('duty_width', 'Duty Cycle Width'),
  u8('day_alarm', 'RTC Day Alarm Index'),
  u8('month_alarm', 'RTC Month Alarm Index'),
  u8('century', 'RTC Century Index'),
  u16('boot_flags', 'Boot Flags', { bits: BOOT_FLAGS }),
  u8('reserved', 'Reserved'),
  u32('flags', 'Flags', { bits: FLAGS }),
  gasField('reset_register', 'Reset Register', { optional: true }),
  u8('reset_value', 'Value to cause reset', { optional: true }),
  u16('arm_boot_flags', 'ARM Flags', { optional: true, bits: ARM_BOOT_FLAGS }),
  u8('minor_revision', 'FADT Minor Revision', { optional: true }),
  u64('x_facs', 'FACS Address', { optional: true, pointer: true }),
  u64('x_dsdt', 'DSDT Address', { optional: true, pointer: true }),
  gasField('x_pm1a_event_block', 'PM1A Event Block', { optional: true }),
  gasField('x_pm1b_event_block', 'PM1B Event Block', { optional: true }),
  gasField('x_pm1a_control_block', 'PM1A Control Block', { optional: true }),
  gasField('x_pm1b_control_block', 'PM1B Control Block', { optional: true }),
  gasField('x_pm2_control_block', 'PM2 Control Block', { optional: true }),
  gasField('x_pm_timer_block', 'PM Timer Block', { optional: true }),
  gasField('x_gpe0_block', 'GPE0 Block', { optional: true }),
  gasField('x_gpe1_block', 'GPE1 Block', { optional: true }),
  gasField('sleep_control', 'Sleep Control Register', { optional: true }),
  gasField('sleep_status', 'Sleep Status Register', { optional: true }),
  u64('hypervisor_id', 'Hypervisor ID', { optional: true, show: 'ascii64' }),
]);

/** Paths of the FADT's own fields, typed from its layout. */
const at = tablePath('FACP', fadtLayout);

const big = (v: unknown): bigint => BigInt((v as number | bigint | undefined) ?? 0);

const rules: TableRule[] = [
  rule({
    codes: {
      FADT_REVISION_LENGTH: {
        summary: 'a FADT shorter than its revision implies (5 ⇒ 268 bytes, ≥ 6 ⇒ 276): the missing fields read as 0',
        consumers: [
          acpica(
            'all',
            'workaround',
            'copies min(length, 276) bytes into a zeroed local FADT: the missing fields read as 0, silently',
            'tbfadt.c AcpiTbCreateLocalFadt()',
          ),
        ],
      },
      FADT_NO_BOOT_FLAGS: {
        summary: 'a FADT too short to hold the Arm boot flags (under 132 bytes): PSCI reads as absent',
        consumers: [
          linux(
            'all',
            'cpu-lost',
            'acpi_gbl_FADT.arm_boot_flags is 0: no PSCI, so no secondary CPU starts (and, below 5.1, ACPI is disabled)',
            'ACPICA tbfadt.c AcpiTbCreateLocalFadt(); arch/arm64/kernel/acpi.c acpi_psci_present(), acpi_fadt_sanity_check()',
          ),
        ],
      },
      FADT_LONGER: {
        summary: "a FADT longer than its revision needs, up to 276 bytes: ACPICA copies the extra bytes with the rest (read as the later revision's fields)",
        consumers: [
          acpica(
            'all',
            'unused',
            "copies min(length, 276) bytes into its zeroed local FADT: the bytes past the revision's length are copied too, as the fields a " +
              'later revision puts there',
            'tbfadt.c AcpiTbCreateLocalFadt()',
          ),
          spec('the revision says the length (5: 268 bytes, 6 and later: 276)', 'ACPI 6.5 §5.2.9'),
        ],
      },
      FADT_TOO_LONG: {
        summary: 'a FADT longer than 276 bytes (ACPI 6.x): ACPICA warns and truncates it',
        consumers: [
          acpica(
            'all',
            'fw-bug-logged',
            '"FADT (revision n) is longer than ACPI 6.1 (FADT version 6) length, truncating": the bytes past 276 are not read',
            'tbfadt.c AcpiTbCreateLocalFadt()',
          ),
        ],
      },
      FADT_DSDT_MISMATCH: {
        summary: 'FADT Dsdt and XDsdt both set and different (ACPICA uses XDsdt)',
        consumers: [acpica('all', 'workaround', 'warns "32/64X DSDT address mismatch in FADT" and uses XDsdt', 'tbfadt.c AcpiTbSelectAddress()')],
      },
    },
    run(c) {
      const f = fieldsOf({ layout: fadtLayout }, c.entry.table);
      const rev = Number(f.header.revision);
      const len = c.entry.bytes.length;
      const want = rev >= 6 ? FADT_V6_SIZE : rev === 5 ? FADT_V5_SIZE : undefined;
      if (len < ARM_BOOT_FLAGS_END)
        c.report(
          'FADT_NO_BOOT_FLAGS',
          at('header.length'),
          `the FADT is ${len} bytes, too short for the Arm boot flags (bytes 129-130): ACPICA reads them as 0, so Linux sees no PSCI and ` +
            `starts no secondary CPU`,
        );
      else if (want !== undefined && len < want)
        c.report(
          'FADT_REVISION_LENGTH',
          at('header.length'),
          `revision ${rev} FADT is ${len} bytes; revision ${rev >= 6 ? '6+' : 5} means ${want}: ACPICA zero-fills the fields from byte ${len} on`,
        );
      if (len > FADT_V6_SIZE)
        c.report(
          'FADT_TOO_LONG',
          at('header.length'),
          `revision ${rev} FADT is ${len} bytes: ACPICA warns that it is longer than ACPI 6.1's and copies only the first ${FADT_V6_SIZE}`,
        );
      else if (want !== undefined && len > want)
        c.report(
          'FADT_LONGER',
          at('header.length'),
          `revision ${rev} FADT is ${len} bytes; revision 5 means ${want}: ACPICA copies all ${len} (up to ${FADT_V6_SIZE}), so bytes ` +
            `${want}-${len - 1} are read as revision 6's fields`,
        );
      if (hasField({ layout: fadtLayout }, c.entry.table, 'x_dsdt') && c.set.tables.some((e) => e.address !== undefined)) {
        const x = big(f.x_dsdt);
        const d = big(f.dsdt);
        if (x !== 0n && d !== 0n && x !== d)
          c.report('FADT_DSDT_MISMATCH', at('dsdt'), `Dsdt ${hex(d)} and XDsdt ${hex(x)} differ; ACPICA warns "32/64X DSDT address mismatch" and uses XDsdt`);
      }
    },
  }),
  rule({
    codes: {
      FADT_HW_REDUCED: {
        summary: 'FADT HW_REDUCED flag clear: Linux disables ACPI (with --dom0 on a dom0 set, DOM0_HW_REDUCED)',
        consumers: [
          linux('all', 'acpi-disabled', '"FADT not ACPI hardware reduced compliant": ACPI is disabled', 'arch/arm64/kernel/acpi.c acpi_fadt_sanity_check()'),
        ],
      },
      DOM0_HW_REDUCED: {
        summary: "FADT HW_REDUCED flag clear in dom0's FADT: dom0's Linux disables ACPI (on a host set, FADT_HW_REDUCED says it: Xen copies the flags)",
        consumers: [
          linux('all', 'acpi-disabled', '"FADT not ACPI hardware reduced compliant": ACPI is disabled', 'arch/arm64/kernel/acpi.c acpi_fadt_sanity_check()'),
        ],
        dom0: true,
      },
    },
    run(c) {
      const f = fieldsOf({ layout: fadtLayout }, c.entry.table);
      if (Number(f.flags ?? 0) & FADT_HW_REDUCED) return;
      // one root cause, one finding: the host's flag is what dom0 inherits (the build copies it)
      if (c.dom0 && !c.hostSet)
        c.report('DOM0_HW_REDUCED', at('flags'), 'HW_REDUCED (bit 20) is clear: "FADT not ACPI hardware reduced compliant", dom0\'s Linux disables ACPI');
      else c.report('FADT_HW_REDUCED', at('flags'), 'HW_REDUCED (bit 20) is clear: "FADT not ACPI hardware reduced compliant", Linux disables ACPI');
    },
  }),
  rule({
    dom0: true,
    codes: {
      DOM0_FADT_REVISION: {
        summary: 'FADT older than 5.1 with Arm boot flags 0: Linux disables ACPI',
        consumers: [
          linux(
            'all',
            'acpi-disabled',
            '"Unsupported FADT revision": with Arm boot flags 0 ACPI is disabled (unless acpi=force)',
            'arch/arm64/kernel/acpi.c acpi_fadt_sanity_check(), acpi_boot_table_init()',
          ),
        ],
        dom0: true,
      },
      DOM0_FADT_REVISION_ASSUMED: {
        summary: 'FADT older than 5.1 with Arm boot flags set: Linux logs it and assumes 5.1',
        consumers: [
          linux(
            '5.2+',
            'fw-bug-logged',
            '"[Firmware Bug]: Unsupported FADT revision", then "FADT has ARM boot flags set, assuming 5.1": ACPI is used (before 5.2, and ' +
              'stable kernels without commit 2af22f3ec3ca, ACPI is disabled)',
            'arch/arm64/kernel/acpi.c acpi_fadt_sanity_check()',
          ),
        ],
        dom0: true,
      },
      DOM0_PSCI: {
        summary: 'FADT without PSCI_COMPLIANT: no secondary CPUs',
        consumers: [
          linux(
            'all',
            'cpu-lost',
            'no PSCI: the parking protocol, whose fields Xen zeroes, so no secondary CPU starts',
            'drivers/firmware/psci/psci.c psci_acpi_init(); arch/arm64/kernel/acpi.c acpi_psci_present()',
          ),
        ],
        dom0: true,
        buildFixes: 'the fadt pass sets PSCI_COMPLIANT | PSCI_USE_HVC',
      },
      DOM0_PSCI_HVC: {
        summary: 'FADT PSCI conduit is SMC; Xen gives dom0 PSCI_USE_HVC',
        consumers: [
          xen(
            '4.17+',
            'ignored',
            'dom0 calls PSCI over SMC; Xen answers it as over HVC, and its own FADT for dom0 says HVC',
            'xen/arch/arm/vsmc.c do_trap_smc(), vsmccc_handle_call(); xen/arch/arm/acpi/domain_build.c acpi_create_fadt()',
          ),
        ],
        dom0: true,
        buildFixes: 'the fadt pass sets PSCI_USE_HVC',
      },
    },
    run(c) {
      const f = fieldsOf({ layout: fadtLayout }, c.entry.table);
      const rev = Number(f.header.revision);
      const minor = hasField({ layout: fadtLayout }, c.entry.table, 'minor_revision') ? Number(f.minor_revision) : 0;
      const arm = Number(f.arm_boot_flags ?? 0);
      if ((rev < 5 || (rev === 5 && minor < 1)) && arm)
        c.report(
          'DOM0_FADT_REVISION_ASSUMED',
          at('header.revision'),
          `FADT ${rev}.${minor} is older than 5.1, and its Arm boot flags are ${hex(arm, 4)}: Linux logs "assuming 5.1" and goes on`,
        );
      else if (rev < 5 || (rev === 5 && minor < 1)) {
        // ACPI is off: what PSCI would do is moot (one root cause, one finding)
        c.report('DOM0_FADT_REVISION', at('header.revision'), `FADT ${rev}.${minor} is older than 5.1, and its Arm boot flags are 0: Linux disables ACPI`);
        return;
      }
      if (!(arm & ARM_PSCI_COMPLIANT))
        c.report('DOM0_PSCI', at('arm_boot_flags'), 'PSCI_COMPLIANT is clear: Linux falls back to the parking protocol, which Xen zeroes: no secondary CPUs');
      else if (!(arm & ARM_PSCI_USE_HVC)) c.report('DOM0_PSCI_HVC', at('arm_boot_flags'), 'PSCI conduit is SMC; Xen gives dom0 PSCI_USE_HVC (0x3)');
    },
  }),
];

const XEN_PSCI = 'xen/arch/arm/psci.c psci_init(); xen/arch/arm/acpi/boot.c acpi_map_gic_cpu_interface()';

/** What Xen's own boot code does with a host's FADT (--xen-host; docs/xen-host.md XH3, XH4, XH21, XH22). */
const xenHostRules: TableRule[] = [
  rule({
    xenHost: true,
    codes: {
      XEN_HOST_NO_FADT: {
        summary: 'the root table lists no FADT',
        consumers: [
          xen(
            '4.17+',
            'acpi-disabled',
            '"FADT not found": ACPI is disabled, and the empty device tree then panics before the console is up (XH3)',
            'xen/arch/arm/acpi/boot.c acpi_boot_table_init(); xen/arch/arm/time.c',
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_FADT_REVISION: {
        summary: 'a FADT older than 5.1 (revision below 5, or 5 with minor revision 0)',
        consumers: [
          xen(
            '4.17+',
            'acpi-disabled',
            '"Unsupported FADT revision": ACPI is disabled, and the empty device tree then panics before the console is up (XH4)',
            'xen/arch/arm/acpi/boot.c acpi_parse_fadt(), acpi_boot_table_init()',
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_PSCI: {
        summary: 'the Arm boot flags lack PSCI_COMPLIANT: under ACPI PSCI is the only way Xen starts CPUs, resets and powers off',
        consumers: [
          xen(
            '4.17+',
            'cpu-lost',
            '"PSCI not present, skipping CPU": one CPU runs; reset and power-off do nothing (XH21)',
            `${XEN_PSCI}; xen/arch/arm/shutdown.c`,
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_PSCI_HVC: {
        summary: 'the Arm boot flags say PSCI over HVC: Xen, running at EL2, calls PSCI over SMC only',
        consumers: [
          xen(
            '4.17+',
            'cpu-lost',
            '"PSCI conduit must be SMC, but is HVC": one CPU runs; reset and power-off do nothing (XH22)',
            `${XEN_PSCI}; xen/arch/arm/arm64/smpboot.c`,
          ),
        ],
        xenHost: true,
      },
    },
    run(c) {
      const f = fieldsOf({ layout: fadtLayout }, c.entry.table);
      const rev = Number(f.header.revision);
      // Xen reads ACPICA's copy of the FADT: a field past the table's length reads as 0
      const minor = Number(f.minor_revision ?? 0);
      const arm = Number(f.arm_boot_flags ?? 0);
      if (rev < 5 || (rev === 5 && minor === 0))
        c.report(
          'XEN_HOST_FADT_REVISION',
          at('header.revision'),
          `FADT ${rev}.${minor}: "Unsupported FADT revision ${rev}.${minor}, should be 6.0+, will disable ACPI"; Xen then panics before its console is up`,
        );
      if (!(arm & ARM_PSCI_COMPLIANT))
        c.report(
          'XEN_HOST_PSCI',
          at('arm_boot_flags'),
          `the Arm boot flags are ${hex(arm, 4)}, without PSCI_COMPLIANT: Xen starts no secondary CPU, and cannot reset or power off`,
        );
      else if (arm & ARM_PSCI_USE_HVC)
        c.report(
          'XEN_HOST_PSCI_HVC',
          at('arm_boot_flags'),
          `the Arm boot flags are ${hex(arm, 4)}, PSCI over HVC: Xen calls PSCI over SMC only, so it starts no secondary CPU and cannot reset or power off`,
        );
    },
  }),
];

export const fadt = table({
  name: 'FACP',
  label: 'Fixed ACPI Description Table (FADT)',
  layout: fadtLayout,
  minLength: FADT_V1_SIZE,
  once: true,
  dom0Required: true,
  xenHostRequired: 'XEN_HOST_NO_FADT',
  // each pointer once, its 64-bit field first (ACPICA's acpi_fadt_info)
  pointers: [
    { field: 'x_dsdt', narrow: 'dsdt', to: ['DSDT'], code: 'FADT_DSDT_UNRESOLVED' },
    { field: 'x_facs', narrow: 'facs', to: ['FACS'], code: 'FADT_DSDT_UNRESOLVED' },
  ],
  rules: [...rules, ...xenHostRules],
  summary: (e) => {
    const f = fieldsOf({ layout: fadtLayout }, e.table);
    const parts = [`rev ${f.header.revision}${hasField({ layout: fadtLayout }, e.table, 'minor_revision') ? `.${f.minor_revision}` : ''}`];
    parts.push(Number(f.flags ?? 0) & FADT_HW_REDUCED ? 'HW-reduced' : 'not HW-reduced');
    if (hasField({ layout: fadtLayout }, e.table, 'arm_boot_flags')) {
      const a = Number(f.arm_boot_flags);
      parts.push(a & 1 ? (a & 2 ? 'PSCI/HVC' : 'PSCI/SMC') : 'no PSCI');
    }
    if (f.hypervisor_id !== undefined && f.hypervisor_id !== 0n) parts.push(`hypervisor "${u64Text(f.hypervisor_id)}"`);
    return parts.join(', ');
  },
}) satisfies TableDef;
