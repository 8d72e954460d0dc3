// FADT ("FACP"), ACPI 6.5 §5.2.9. Every length from 116 (ACPI 1.0) to 276 (ACPI 6.x): the layout is
// chosen by length (a field exists when it fits), the revision is only reported on.
import { layout, u8, u16, u32, u64, type Bit } from '../layout/schema.js';
import type { ContainerDef } from '../layout/codec.js';
import { headerField, gasField } from './common.js';

export const PM_PROFILES: Record<number, string> = {
  0: 'Unspecified', 1: 'Desktop', 2: 'Mobile', 3: 'Workstation', 4: 'Enterprise Server',
  5: 'SOHO Server', 6: 'Appliance PC', 7: 'Performance Server', 8: 'Tablet',
};

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
  gasField('reset_register', 'Reset Register'),
  u8('reset_value', 'Value to cause reset'),
  u16('arm_boot_flags', 'ARM Flags', { bits: ARM_BOOT_FLAGS }),
  u8('minor_revision', 'FADT Minor Revision'),
  u64('x_facs', 'FACS Address', { pointer: true }),
  u64('x_dsdt', 'DSDT Address', { pointer: true }),
  gasField('x_pm1a_event_block', 'PM1A Event Block'),
  gasField('x_pm1b_event_block', 'PM1B Event Block'),
  gasField('x_pm1a_control_block', 'PM1A Control Block'),
  gasField('x_pm1b_control_block', 'PM1B Control Block'),
  gasField('x_pm2_control_block', 'PM2 Control Block'),
  gasField('x_pm_timer_block', 'PM Timer Block'),
  gasField('x_gpe0_block', 'GPE0 Block'),
  gasField('x_gpe1_block', 'GPE1 Block'),
  gasField('sleep_control', 'Sleep Control Register'),
  gasField('sleep_status', 'Sleep Status Register'),
  u64('hypervisor_id', 'Hypervisor ID', { show: 'ascii64' }),
]);

export const fadt = {
  name: 'FACP',
  label: 'Fixed ACPI Description Table (FADT)',
  layout: fadtLayout,
  minLength: FADT_V1_SIZE,
} satisfies ContainerDef;
