// NFIT, ACPI 6.5 §5.2.26: NVDIMM firmware interface structures — system physical address ranges,
// memory device to address range maps, interleave (with line offsets), SMBIOS management info,
// control regions, block data windows, flush hint addresses, platform capabilities. Structures:
// type u16, length u16.
import type { TableDef } from '../model/rules.js';
import { layout, u8, u16, u24, u32, u48, u64, bytes, type Field, type Layout, valueNames } from '../layout/schema.js';
import { family, type ContainerDef, type NamedFrom } from '../layout/codec.js';
import { headerField } from './common.js';

export const NFIT_TYPES = valueNames(
  {
    0: 'System Physical Address Range',
    1: 'Memory Range Map',
    2: 'Interleave Info',
    3: 'SMBIOS Information',
    4: 'NVDIMM Control Region',
    5: 'NVDIMM Block Data Window Region',
    6: 'Flush Hint Address',
    7: 'Platform Capabilities',
  },
  'Unknown Subtable Type',
);

const head = () => [u16('type', 'Subtable Type', { enum: NFIT_TYPES }), u16('length', 'Length', { derive: 'length' })] as const;
/** A structure: the common head, then its own fields; its keys and parts name those (typed). */
const structure = <const F extends readonly Field[]>(
  name: string,
  label: string,
  fields: F,
  extra: NamedFrom<Layout<readonly [...ReturnType<typeof head>, ...F]>> = {},
): ContainerDef => {
  const l = layout(`nfit_${name}`, [...head(), ...fields]);
  return { name, label, minLength: l.size, layout: l, ...extra };
};

const spa = structure(
  'spa',
  'System Physical Address Range',
  [
    u16('range_index', 'Range Index'),
    u16('flags', 'Flags', {
      bits: [
        { name: 'add_online_only', label: 'Add/Online Operation Only', bit: 0 },
        { name: 'proximity_valid', label: 'Proximity Domain Valid', bit: 1 },
      ],
    }),
    u32('reserved', 'Reserved'),
    u32('proximity_domain', 'Proximity Domain'),
    bytes('range_guid', 'Region Type GUID', 16, { show: 'guid' }),
    u64('address', 'Address Range Base'),
    u64('address_length', 'Address Range Length'),
    u64('memory_mapping', 'Memory Map Attribute'),
  ],
  { key: { range: 'range_index' } },
);

const memoryMap = structure(
  'memory_map',
  'Memory Range Map',
  [
    u32('device_handle', 'Device Handle'),
    u16('physical_id', 'Physical Id'),
    u16('region_id', 'Region Id'),
    u16('range_index', 'Range Index'),
    u16('region_index', 'Control Region Index'),
    u64('region_size', 'Region Size'),
    u64('region_offset', 'Region Offset'),
    u64('address', 'Address Region Base'),
    u16('interleave_index', 'Interleave Index'),
    u16('interleave_ways', 'Interleave Ways'),
    u16('flags', 'Flags', {
      flagsLabel: 'Flags',
      bits: [
        { name: 'save_failed', label: 'Save to device failed', bit: 0 },
        { name: 'restore_failed', label: 'Restore from device failed', bit: 1 },
        { name: 'flush_failed', label: 'Platform flush failed', bit: 2 },
        { name: 'not_armed', label: 'Device not armed', bit: 3 },
        { name: 'health_observed', label: 'Health events observed', bit: 4 },
        { name: 'health_enabled', label: 'Health events enabled', bit: 5 },
        { name: 'map_failed', label: 'Mapping failed', bit: 6 },
      ],
    }),
    u16('reserved', 'Reserved'),
  ],
  { key: { handle: 'device_handle', range: 'range_index' } },
);

const u32Record = (name: string, label: string): ContainerDef => ({ name, label, layout: layout(`nfit_${name}`, [u32('value', label)]) });
const u64Record = (name: string, label: string): ContainerDef => ({ name, label, layout: layout(`nfit_${name}`, [u64('value', label)]) });

const interleave = structure(
  'interleave',
  'Interleave Info',
  [u16('interleave_index', 'Interleave Index'), u16('reserved', 'Reserved'), u32('line_count', 'Line Count'), u32('line_size', 'Line Size')],
  {
    key: { index: 'interleave_index' },
    parts: [{ key: 'lines', label: 'Line Offsets', kind: 'records', record: u32Record('line_offset', 'Line Offset'), count: 'line_count' }],
  },
);

const smbios = structure('smbios', 'SMBIOS Information', [u32('reserved', 'Reserved')], {
  parts: [{ key: 'entries', label: 'SMBIOS Table Entries', kind: 'raw' }],
});

const control = structure(
  'control',
  'NVDIMM Control Region',
  [
    u16('region_index', 'Region Index'),
    u16('vendor_id', 'Vendor Id'),
    u16('device_id', 'Device Id'),
    u16('revision_id', 'Revision Id'),
    u16('subsystem_vendor_id', 'Subsystem Vendor Id'),
    u16('subsystem_device_id', 'Subsystem Device Id'),
    u16('subsystem_revision_id', 'Subsystem Revision Id'),
    u8('valid_fields', 'Valid Fields'),
    u8('manufacturing_location', 'Manufacturing Location'),
    u16('manufacturing_date', 'Manufacturing Date'),
    u16('reserved', 'Reserved'),
    u32('serial_number', 'Serial Number'),
    u16('code', 'Code'),
    u16('window_count', 'Window Count'),
    u64('window_size', 'Window Size', { optional: true }),
    u64('command_offset', 'Command Offset', { optional: true }),
    u64('command_size', 'Command Size', { optional: true }),
    u64('status_offset', 'Status Offset', { optional: true }),
    u64('status_size', 'Status Size', { optional: true }),
    u16('flags', 'Flags', { optional: true, flagsLabel: 'Flags', bits: [{ name: 'buffered', label: 'Windows buffered', bit: 0 }] }),
    u48('reserved1', 'Reserved1', { optional: true }),
  ],
  { key: { region: 'region_index' } },
);
control.minLength = 32; // without block windows the structure ends after Code (ACPI 6.5 Table 5.152)

const dataRegion = structure(
  'data_region',
  'NVDIMM Block Data Window Region',
  [
    u16('region_index', 'Region Index'),
    u16('window_count', 'Window Count'),
    u64('offset', 'Offset'),
    u64('size', 'Size'),
    u64('capacity', 'Capacity'),
    u64('start_address', 'Start Address'),
  ],
  { key: { region: 'region_index' } },
);

const flushHint = structure(
  'flush_hint',
  'Flush Hint Address',
  [u32('device_handle', 'Device Handle'), u16('hint_count', 'Hint Count'), u48('reserved', 'Reserved')],
  {
    key: { handle: 'device_handle' },
    parts: [{ key: 'hints', label: 'Hint Addresses', kind: 'records', record: u64Record('hint', 'Hint Address'), count: 'hint_count' }],
  },
);

const capabilities = structure('capabilities', 'Platform Capabilities', [
  u8('highest_capability', 'Highest Capability'),
  u24('reserved', 'Reserved'),
  u32('capabilities', 'Capabilities', {
    bits: [
      { name: 'cache_flush', label: 'Cache Flush to NVDIMM', bit: 0 },
      { name: 'memory_flush', label: 'Memory Flush to NVDIMM', bit: 1 },
      { name: 'mirroring', label: 'Memory Mirroring', bit: 2 },
    ],
  }),
  u32('reserved2', 'Reserved'),
]);

export const nfitFamily = family({
  typeWidth: 2,
  lengthOffset: 2,
  lengthWidth: 2,
  headerSize: 4,
  byType: { [0]: spa, [1]: memoryMap, [2]: interleave, [3]: smbios, [4]: control, [5]: dataRegion, [6]: flushHint, [7]: capabilities },
  unknown: { name: 'structure', label: 'Unknown Structure', tailLabel: 'Structure data (not decoded)', layout: layout('nfit_unknown', head()) },
});

export const nfit = {
  name: 'NFIT',
  label: 'NVDIMM Firmware Interface Table',
  minLength: 40,
  layout: layout('nfit', [headerField(), u32('reserved', 'Reserved')]),
  parts: [{ key: 'items', label: 'Structures', kind: 'subtables', family: nfitFamily }],
} satisfies TableDef;
