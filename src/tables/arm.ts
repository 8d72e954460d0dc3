// Arm tables iasl 20200925 does not know, from their specifications: APMT (Arm DEN0117, PMU
// nodes) and AEST (Arm DEN0085 1.0: error nodes with
// their node-specific data, interface and interrupts, each part at its own offset; a revision 2
// table's interface beyond its header is kept raw).
import type { TableDef } from '../model/rules.js';
import { layout, u8, u16, u24, u32, u64, bytes, type Field, valueNames } from '../layout/schema.js';
import { family, container, type ContainerDef, type SubtableFamily } from '../layout/codec.js';
import { headerField } from './common.js';

// ---------------------------------------------------------------- APMT

export const APMT_TYPES = valueNames({ 0: 'Memory Controller', 1: 'SMMU', 2: 'PCIe Root Complex', 3: 'ACPI Device', 4: 'CPU Cache' }, 'Unknown Node Type');

const apmtNode = container({
  name: 'node',
  label: 'PMU Node',
  minLength: 56,
  key: { id: 'id' },
  layout: layout('apmt_node', [
    u16('length', 'Length', { derive: 'length' }),
    u8('flags', 'Flags', {
      bits: [
        { name: 'dual_page', label: 'Dual Page Extension', bit: 0 },
        { name: 'affinity', label: 'Processor Affinity Type', bit: 1 },
        { name: 'atomic', label: '64-bit Atomic', bit: 2 },
      ],
    }),
    u8('type', 'Node Type', { enum: APMT_TYPES }),
    u32('id', 'Unique Identifier'),
    u64('instance_primary', 'Primary Node Instance'),
    u32('instance_secondary', 'Secondary Node Instance'),
    u64('base_address0', 'Page 0 Base Address'),
    u64('base_address1', 'Page 1 Base Address'),
    u32('overflow_gsiv', 'Overflow Interrupt'),
    u32('reserved', 'Reserved'),
    u32('overflow_flags', 'Overflow Interrupt Flags', {
      bits: [
        { name: 'edge', label: 'Interrupt Mode', bit: 0 },
        { name: 'msi', label: 'Interrupt Type', bit: 1 },
      ],
    }),
    u32('processor_affinity', 'Processor Affinity'),
    u32('implementation_id', 'Implementation ID'),
  ]),
}) satisfies TableDef;
const apmtFamily = family({
  typeWidth: 0,
  lengthOffset: 0,
  lengthWidth: 2,
  headerSize: 4,
  byType: { [0]: apmtNode },
  unknown: apmtNode,
});

export const apmt = {
  name: 'APMT',
  label: 'Arm Performance Monitoring Unit Table',
  minLength: 36,
  layout: layout('apmt', [headerField()]),
  parts: [{ key: 'items', label: 'PMU Nodes', kind: 'subtables', family: apmtFamily }],
} satisfies TableDef;

// ---------------------------------------------------------------- AEST

export const AEST_TYPES = valueNames({ 0: 'Processor', 1: 'Memory', 2: 'SMMU', 3: 'Vendor Defined', 4: 'GIC', 5: 'PCIe', 6: 'Proxy' }, 'Unknown Node Type');
const AEST_RESOURCE_TYPES = valueNames({ 0: 'Cache', 1: 'TLB', 2: 'Generic' }, 'Unknown Resource Type');

/** The processor node's specific data: 16 bytes, then its resource substructure (cache and TLB:
 * 8 bytes, generic: 4). */
const RESOURCE_SIZE: Record<number, number> = { 0: 8, 1: 8, 2: 4 };
const processorData = {
  name: 'processor',
  label: 'Processor Error Node Data',
  minLength: 16,
  sizeAt: (buf, at) => 16 + (RESOURCE_SIZE[buf[at + 4]] ?? 0),
  layout: layout('aest_processor', [
    u32('processor_id', 'Processor ID'),
    u8('resource_type', 'Resource Type', { enum: AEST_RESOURCE_TYPES }),
    u8('reserved', 'Reserved'),
    u8('flags', 'Flags', {
      bits: [
        { name: 'global', label: 'Global', bit: 0 },
        { name: 'shared', label: 'Shared', bit: 1 },
      ],
    }),
    u8('revision', 'Revision'),
    u64('processor_affinity', 'Processor Affinity Level Indicator'),
    u32('resource', 'Resource Reference', {
      when: (g) => (g.read?.('resource_type') ?? 3) <= 2,
      labelFor: (g) => ['Cache Reference', 'TLB Level', 'Resource'][g.read?.('resource_type') ?? 2] ?? 'Resource',
    }),
    u32('resource_reserved', 'Reserved', { when: (g) => (g.read?.('resource_type') ?? 3) <= 1 }),
  ]),
} satisfies TableDef;
const one = (name: string, label: string, fields: Field[]): ContainerDef => {
  const l = layout(`aest_${name}`, fields);
  return { name, label, minLength: l.size, layout: l };
};
const specific: Record<number, ContainerDef> = {
  0: processorData,
  1: one('memory', 'Memory Error Node Data', [u32('proximity_domain', 'SRAT Proximity Domain')]),
  2: one('smmu', 'SMMU Error Node Data', [u32('iort_node_reference', 'IORT Node Reference'), u32('subcomponent_reference', 'SubComponent Reference')]),
  3: one('vendor', 'Vendor Error Node Data', [u32('hid', 'Hardware ID'), u32('uid', 'Unique ID'), bytes('data', 'Vendor Specific Data', 16)]),
  4: one('gic', 'GIC Error Node Data', [u32('interface_type', 'Interface Type'), u32('instance_id', 'Instance ID')]),
  5: one('pcie', 'PCIe Error Node Data', [u32('iort_node_reference', 'IORT Node Reference')]),
  6: one('proxy', 'Proxy Error Node Data', [u64('node_address', 'Node Address')]),
};

const nodeInterface = {
  name: 'interface',
  label: 'Node Interface',
  layout: layout('aest_interface', [
    u8('type', 'Interface Type', {
      enum: valueNames({ 0: 'System Register', 1: 'Memory Mapped', 2: 'Single Record Memory Mapped' }, 'Unknown Interface Type'),
    }),
    u24('reserved', 'Reserved'),
    u32('flags', 'Flags', {
      bits: [
        { name: 'private', label: 'Shared/Private', bit: 0 },
        { name: 'clear_mis', label: 'Clear MISCx', bit: 1 },
        { name: 'error_node_device_valid', label: 'Error Node Device Valid', bit: 2 },
        { name: 'affinity_type', label: 'Affinity Type', bit: 3 },
        { name: 'error_group_base_valid', label: 'Error Group Register Base Valid', bit: 4 },
        { name: 'fault_inject_base_valid', label: 'Fault Injection Register Base Valid', bit: 5 },
        { name: 'interrupt_config_base_valid', label: 'Interrupt Config Register Base Valid', bit: 6 },
      ],
    }),
    u64('address', 'Base Address'),
    u32('error_record_index', 'Error Record Index'),
    u32('error_record_count', 'Error Record Count'),
    u64('error_record_implemented', 'Error Record Implemented'),
    u64('error_status_reporting', 'Error Status Reporting'),
    u64('addressing_mode', 'Addressing Mode'),
  ]),
} satisfies TableDef;

const nodeInterrupt = {
  name: 'interrupt',
  label: 'Node Interrupt',
  layout: layout('aest_interrupt', [
    u8('type', 'Interrupt Type', { enum: valueNames({ 0: 'Fault Handling', 1: 'Error Recovery' }, 'Unknown Interrupt Type') }),
    u16('reserved', 'Reserved'),
    u8('flags', 'Flags', { bits: [{ name: 'level', label: 'Mode', bit: 0 }] }),
    u32('gsiv', 'GSIV'),
    u8('iort_id', 'IORT ID', { labelFor: (g) => (g.revision >= 2 ? 'Reserved' : 'IORT ID') }),
    u24('reserved1', 'Reserved'),
  ]),
} satisfies TableDef;

const specificFamily = (type: number): SubtableFamily => ({
  typeWidth: 0,
  headerSize: 4,
  types: new Map<number, ContainerDef>([[0, specific[type]]]),
  unknown: specific[type],
});

const aestHead = () =>
  [
    u8('type', 'Node Type', { enum: AEST_TYPES }),
    u16('length', 'Length', { derive: 'length' }),
    u8('reserved', 'Reserved'),
    u32('specific_offset', 'Node Specific Data Offset'),
    u32('interface_offset', 'Node Interface Offset'),
    u32('interrupt_offset', 'Node Interrupt Array Offset'),
    u32('interrupt_count', 'Node Interrupt Count'),
    u64('timestamp_rate', 'Timestamp Rate'),
    u64('reserved1', 'Reserved'),
    u64('error_injection_rate', 'Error Injection Countdown Rate'),
  ] as const;

const aestNode = (type: number): ContainerDef =>
  container({
    name: specific[type].name,
    label: `${AEST_TYPES.names[type]} Error Node`,
    minLength: 44,
    layout: layout(`aest_${specific[type].name}_node`, aestHead()),
    parts: [
      { key: 'data', label: 'Node Specific Data', kind: 'subtables', family: specificFamily(type), count: () => 1, offset: 'specific_offset' },
      {
        key: 'interface',
        label: 'Node Interface',
        kind: 'records',
        record: nodeInterface,
        count: () => 1,
        offset: 'interface_offset',
        when: (g) => g.revision < 2,
      },
      { key: 'interface_raw', label: 'Node Interface (revision 2, not decoded)', kind: 'raw', offset: 'interface_offset', when: (g) => g.revision >= 2 },
      { key: 'interrupts', label: 'Node Interrupts', kind: 'records', record: nodeInterrupt, count: 'interrupt_count', offset: 'interrupt_offset' },
    ],
  });

// the node types come from the table of node-specific data: one declaration each, by its type byte
const aestFamily = family({
  lengthOffset: 1,
  lengthWidth: 2,
  headerSize: 44,
  byType: Object.fromEntries(Object.keys(specific).map((t) => [Number(t), aestNode(Number(t))])) as Record<number, ContainerDef>,
  unknown: {
    name: 'node',
    label: 'Unknown Error Node',
    tailLabel: 'Node data (not decoded)',
    layout: layout('aest_unknown', [u8('type', 'Node Type', { enum: AEST_TYPES }), u16('length', 'Length', { derive: 'length' })]),
  },
});

export const aest = {
  name: 'AEST',
  label: 'Arm Error Source Table',
  minLength: 36,
  layout: layout('aest', [headerField()]),
  parts: [{ key: 'items', label: 'Error Nodes', kind: 'subtables', family: aestFamily }],
} satisfies TableDef;
