// GTDT, ACPI 6.5 §5.2.25: rev 1 (80 bytes), rev 2 (96), rev 3 (104: virtual EL2 timer, present by
// revision as ACPICA decides). Platform timers (GT Block with its frames, SBSA watchdog) are read
// at PlatformTimerOffset; bytes between the fixed fields and that offset are kept.
import { layout, u8, u16, u32, u64, bytes, type Bit } from '../layout/schema.js';
import type { ContainerDef, SubtableFamily } from '../layout/codec.js';
import { headerField, TIMER_FLAG_BITS } from './common.js';

export const GTDT_TYPES: Record<number, string> = { 0: 'Generic Timer Block', 1: 'Generic Watchdog Timer' };

const rev3 = { when: (g: { revision: number }) => g.revision >= 3 };

const GT_FRAME_FLAG_BITS: Bit[] = TIMER_FLAG_BITS.slice(0, 2);

export const gtTimer: ContainerDef = {
  name: 'timer',
  label: 'Generic Timer Block Timer',
  layout: layout('gt_timer', [
    u8('frame_number', 'Frame Number'),
    bytes('reserved', 'Reserved', 3),
    u64('base_address', 'Base Address'),
    u64('el0_base_address', 'EL0 Base Address'),
    u32('timer_interrupt', 'Timer Interrupt'),
    u32('timer_flags', 'Timer Flags', { bits: GT_FRAME_FLAG_BITS }),
    u32('virtual_timer_interrupt', 'Virtual Timer Interrupt'),
    u32('virtual_timer_flags', 'Virtual Timer Flags', { bits: GT_FRAME_FLAG_BITS }),
    u32('common_flags', 'Common Flags', {
      bits: [
        { name: 'secure', label: 'Secure', bit: 0 },
        { name: 'always_on', label: 'Always On', bit: 1 },
      ],
    }),
  ]),
};

const typeField = () => u8('type', 'Subtable Type', { enum: GTDT_TYPES });
const lengthField = () => u16('length', 'Length', { derive: 'length' });

export const gtBlock: ContainerDef = {
  name: 'gt_block',
  label: 'Generic Timer Block',
  minLength: 20,
  layout: layout('gt_block', [
    typeField(),
    lengthField(),
    u8('reserved', 'Reserved'),
    u64('block_address', 'Block Address'),
    u32('timer_count', 'Timer Count'),
    u32('timer_offset', 'Timer Offset'),
  ]),
  parts: [{ key: 'items', label: 'Timers', kind: 'records', record: gtTimer, count: 'timer_count', offset: 'timer_offset' }],
};

export const watchdog: ContainerDef = {
  name: 'watchdog',
  label: 'Generic Watchdog Timer',
  minLength: 28,
  layout: layout('watchdog', [
    typeField(),
    lengthField(),
    u8('reserved', 'Reserved'),
    u64('refresh_frame_address', 'Refresh Frame Address'),
    u64('control_frame_address', 'Control Frame Address'),
    u32('timer_interrupt', 'Timer Interrupt'),
    u32('timer_flags', 'Timer Flags', {
      bits: [...TIMER_FLAG_BITS.slice(0, 2), { name: 'secure', label: 'Security', bit: 2 }],
    }),
  ]),
};

export const gtdtFamily: SubtableFamily = {
  lengthOffset: 1,
  lengthWidth: 2,
  headerSize: 3,
  types: new Map([
    [0, gtBlock],
    [1, watchdog],
  ]),
  unknown: { name: 'subtable', label: 'Unknown Platform Timer', tailLabel: 'Subtable data (not decoded)', layout: layout('gtdt_unknown', [typeField(), lengthField()]) },
};

export const GTDT_V1_SIZE = 80;
export const GTDT_V2_SIZE = 96;
export const GTDT_V3_SIZE = 104;

export const gtdt: ContainerDef = {
  name: 'GTDT',
  label: 'Generic Timer Description Table',
  minLength: GTDT_V1_SIZE,
  layout: layout('gtdt', [
    headerField(),
    u64('counter_block_address', 'Counter Block Address'),
    u32('reserved', 'Reserved'),
    u32('secure_el1_interrupt', 'Secure EL1 Interrupt'),
    u32('secure_el1_flags', 'EL1 Flags', { bits: TIMER_FLAG_BITS }),
    u32('non_secure_el1_interrupt', 'Non-Secure EL1 Interrupt'),
    u32('non_secure_el1_flags', 'NEL1 Flags', { bits: TIMER_FLAG_BITS }),
    u32('virtual_timer_interrupt', 'Virtual Timer Interrupt'),
    u32('virtual_timer_flags', 'VT Flags', { bits: TIMER_FLAG_BITS }),
    u32('non_secure_el2_interrupt', 'Non-Secure EL2 Interrupt'),
    u32('non_secure_el2_flags', 'NEL2 Flags', { bits: TIMER_FLAG_BITS }),
    u64('counter_read_block_address', 'Counter Read Block Address'),
    u32('platform_timer_count', 'Platform Timer Count'),
    u32('platform_timer_offset', 'Platform Timer Offset'),
    u32('virtual_el2_timer_gsiv', 'Virtual EL2 Timer GSIV', rev3),
    u32('virtual_el2_timer_flags', 'Virtual EL2 Timer Flags', { ...rev3, bits: TIMER_FLAG_BITS }),
  ]),
  parts: [{ key: 'items', label: 'Platform Timers', kind: 'subtables', family: gtdtFamily, count: 'platform_timer_count', offset: 'platform_timer_offset' }],
};
