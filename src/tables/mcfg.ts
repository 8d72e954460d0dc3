// MCFG, PCI Firmware Specification 3.3 §4.1.2: 8 reserved bytes, then one 16-byte allocation per
// ECAM window (base, segment, start and end bus).
import { layout, u8, u16, u32, u64 } from '../layout/schema.js';
import type { ContainerDef } from '../layout/codec.js';
import { headerField } from './common.js';

export const mcfgAllocation = {
  name: 'allocation',
  label: 'Configuration Space Allocation',
  key: { segment: 'segment', bus: 'start_bus' },
  layout: layout('mcfg_allocation', [
    u64('base_address', 'Base Address'),
    u16('segment', 'Segment Group Number'),
    u8('start_bus', 'Start Bus Number'),
    u8('end_bus', 'End Bus Number'),
    u32('reserved', 'Reserved'),
  ]),
} satisfies ContainerDef;

export const mcfg = {
  name: 'MCFG',
  label: 'Memory Mapped Configuration Table',
  minLength: 44,
  layout: layout('mcfg', [headerField(), u64('reserved', 'Reserved')]),
  parts: [{ key: 'items', label: 'Allocations', kind: 'records', record: mcfgAllocation }],
} satisfies ContainerDef;
