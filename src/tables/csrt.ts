// CSRT, Microsoft "Core System Resource Table": resource groups (length u32 first), each with its
// shared information block (DMA controller info, sized by SharedInfoLength) and resource
// descriptors (length, type, subtype, UID, then resource-specific bytes).
import type { TableDef } from '../model/rules.js';
import { layout, u8, u16, u32 } from '../layout/schema.js';
import { family, container } from '../layout/codec.js';
import { headerField } from './common.js';

const sharedInfo = {
  name: 'shared_info',
  label: 'Shared Info',
  layout: layout('csrt_shared_info', [
    u16('major_version', 'Major Version'),
    u16('minor_version', 'Minor Version'),
    u32('mmio_base_low', 'MMIO Base Address Low'),
    u32('mmio_base_high', 'MMIO Base Address High'),
    u32('gsi_interrupt', 'GSI Interrupt'),
    u8('interrupt_polarity', 'Interrupt Polarity'),
    u8('interrupt_mode', 'Interrupt Mode'),
    u8('channel_count', 'Num Channels'),
    u8('dma_address_width', 'DMA Address Width'),
    u16('base_request_line', 'Base Request Line'),
    u16('handshake_signal_count', 'Num Handshake Signals'),
    u32('max_block_size', 'Max Block Size'),
  ]),
} satisfies TableDef;

const descriptor = container({
  name: 'descriptor',
  label: 'Resource Descriptor',
  minLength: 12,
  key: { type: 'type', subtype: 'subtype', uid: 'uid' },
  layout: layout('csrt_descriptor', [u32('length', 'Length', { derive: 'length' }), u16('type', 'Type'), u16('subtype', 'Subtype'), u32('uid', 'UID')]),
  parts: [{ key: 'info', label: 'ResourceInfo', kind: 'raw' }],
}) satisfies TableDef;
const descriptors = family({
  typeWidth: 0,
  lengthOffset: 0,
  lengthWidth: 4,
  headerSize: 12,
  byType: { [0]: descriptor },
  unknown: descriptor,
});

const group = container({
  name: 'group',
  label: 'Resource Group',
  minLength: 28,
  key: { vendor: 'vendor_id', device: 'device_id', uid: 'subdevice_id' },
  layout: layout('csrt_group', [
    u32('length', 'Length', { derive: 'length' }),
    u32('vendor_id', 'Vendor ID'),
    u32('subvendor_id', 'Subvendor ID'),
    u16('device_id', 'Device ID'),
    u16('subdevice_id', 'Subdevice ID'),
    u16('revision', 'Revision'),
    u16('reserved', 'Reserved'),
    u32('shared_info_length', 'Shared Info Length'),
  ]),
  parts: [
    { key: 'shared_info', label: 'Shared Info', kind: 'records', record: sharedInfo, size: 'shared_info_length' },
    { key: 'descriptors', label: 'Resource Descriptors', kind: 'subtables', family: descriptors },
  ],
}) satisfies TableDef;
const groups = family({
  typeWidth: 0,
  lengthOffset: 0,
  lengthWidth: 4,
  headerSize: 28,
  byType: { [0]: group },
  unknown: group,
});

export const csrt = {
  name: 'CSRT',
  label: 'Core System Resource Table',
  minLength: 36,
  layout: layout('csrt', [headerField()]),
  parts: [{ key: 'items', label: 'Resource Groups', kind: 'subtables', family: groups }],
} satisfies TableDef;
