// PPTT, ACPI 6.5 §5.2.30: processor hierarchy nodes (with private resources), cache type
// structures (revision 3 adds the cache ID) and ID structures. Parents, private resources and
// next-level caches are offsets of other nodes from the table start: references, re-derived at
// encode so nodes may be inserted or removed.
import { layout, u8, u16, u32, u64, type Bit } from '../layout/schema.js';
import type { ContainerDef, SubtableFamily } from '../layout/codec.js';
import { headerField } from './common.js';

export const PPTT_TYPES: Record<number, string> = { 0: 'Processor Hierarchy Node', 1: 'Cache Type', 2: 'ID' };
export const PPTT_PROCESSOR = 0;
export const PPTT_CACHE = 1;
export const PPTT_ID = 2;

export const PPTT_PHYSICAL_PACKAGE = 1 << 0;
export const PPTT_ID_VALID = 1 << 1;
export const PPTT_THREAD = 1 << 2;
export const PPTT_LEAF = 1 << 3;

const typeField = () => u8('type', 'Subtable Type', { enum: PPTT_TYPES });
const lengthField = () => u8('length', 'Length', { derive: 'length' });

const PROCESSOR_FLAGS: Bit[] = [
  { name: 'physical_package', label: 'Physical package', bit: 0 },
  { name: 'id_valid', label: 'ACPI Processor ID valid', bit: 1 },
  { name: 'thread', label: 'Processor is a thread', bit: 2 },
  { name: 'leaf', label: 'Node is a leaf', bit: 3 },
  { name: 'identical', label: 'Identical Implementation', bit: 4 },
];

const privateResource = {
  name: 'private_resource',
  label: 'Private Resource',
  layout: layout('pptt_private_resource', [u32('reference', 'Private Resource', { ref: 'items' })]),
} satisfies ContainerDef;

export const ppttProcessor = {
  name: 'processor',
  label: 'Processor Hierarchy Node',
  minLength: 20,
  key: { id: 'acpi_processor_id' },
  layout: layout('pptt_processor', [
    typeField(), lengthField(),
    u16('reserved', 'Reserved'),
    u32('flags', 'Flags', { bits: PROCESSOR_FLAGS }),
    u32('parent', 'Parent', { ref: 'items' }),
    u32('acpi_processor_id', 'ACPI Processor ID'),
    u32('private_resource_count', 'Private Resource Number'),
  ]),
  parts: [{ key: 'resources', label: 'Private Resources', kind: 'records', record: privateResource, count: 'private_resource_count' }],
} satisfies ContainerDef;

const rev3 = { when: (g: { revision: number }) => g.revision >= 3 };

export const ppttCache = {
  name: 'cache',
  label: 'Cache Type',
  minLength: 24,
  layout: layout('pptt_cache', [
    typeField(), lengthField(),
    u16('reserved', 'Reserved'),
    u32('flags', 'Flags', {
      bits: [
        { name: 'size_valid', label: 'Size valid', bit: 0 },
        { name: 'sets_valid', label: 'Number of Sets valid', bit: 1 },
        { name: 'associativity_valid', label: 'Associativity valid', bit: 2 },
        { name: 'allocation_valid', label: 'Allocation Type valid', bit: 3 },
        { name: 'type_valid', label: 'Cache Type valid', bit: 4 },
        { name: 'write_policy_valid', label: 'Write Policy valid', bit: 5 },
        { name: 'line_size_valid', label: 'Line Size valid', bit: 6 },
        { name: 'cache_id_valid', label: 'Cache ID valid', bit: 7, minRevision: 3 },
      ],
    }),
    u32('next_level', 'Next Level of Cache', { ref: 'items' }),
    u32('size', 'Size'),
    u32('sets', 'Number of Sets'),
    u8('associativity', 'Associativity'),
    u8('attributes', 'Attributes', {
      bits: [
        { name: 'allocation', label: 'Allocation Type', bit: 0, width: 2 },
        { name: 'cache_type', label: 'Cache Type', bit: 2, width: 2 },
        { name: 'write_policy', label: 'Write Policy', bit: 4 },
      ],
    }),
    u16('line_size', 'Line Size'),
    u32('cache_id', 'Cache ID', rev3),
  ]),
} satisfies ContainerDef;

export const ppttId = {
  name: 'id',
  label: 'ID',
  minLength: 30,
  layout: layout('pptt_id', [
    typeField(), lengthField(),
    u16('reserved', 'Reserved'),
    u32('vendor_id', 'Vendor ID'),
    u64('level1_id', 'Level1 ID'),
    u64('level2_id', 'Level2 ID'),
    u16('major_revision', 'Major revision'),
    u16('minor_revision', 'Minor revision'),
    u16('spin_revision', 'Spin revision'),
  ]),
} satisfies ContainerDef;

export const ppttFamily: SubtableFamily = {
  lengthOffset: 1,
  lengthWidth: 1,
  headerSize: 2,
  types: new Map<number, ContainerDef>([
    [PPTT_PROCESSOR, ppttProcessor],
    [PPTT_CACHE, ppttCache],
    [PPTT_ID, ppttId],
  ]),
  unknown: { name: 'subtable', label: 'Unknown Subtable', tailLabel: 'Subtable data (not decoded)', layout: layout('pptt_unknown', [typeField(), lengthField()]) },
};

export const pptt = {
  name: 'PPTT',
  label: 'Processor Properties Topology Table',
  minLength: 36,
  layout: layout('pptt', [headerField()]),
  parts: [{ key: 'items', label: 'Nodes', kind: 'subtables', family: ppttFamily, target: true }],
} satisfies ContainerDef;
