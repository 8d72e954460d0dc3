// The IORT's nodes, Arm DEN 0049 (the table and its rules are in iort.ts): ITS groups, named
// components, root complexes, SMMUv1/v2, SMMUv3, PMCGs and RMRs, each with its own revision byte
// (the layouts it selects are declared as variants), its node data and its ID mappings.
import { layout, u8, u16, u24, u32, u64, struct, type Bit, type Field, type Layout } from '../layout/schema.js';
import { container, family, partIn, partOf, withPart, type ContainerDef, type Node, type PartFields, type FieldName, segmentName } from '../layout/codec.js';
import { type RuleContext, type TableDef } from '../model/rules.js';
import type { TableEntry } from '../model/set.js';
import { itemPaths } from './topology-rules.js';

export const IORT_TYPES: Record<number, string> = {
  0: 'ITS Group',
  1: 'Named Component',
  2: 'Root Complex',
  3: 'SMMUv1/v2',
  4: 'SMMUv3',
  5: 'PMCG',
  6: 'RMR',
};
export const IORT_ITS_GROUP = 0;
export const IORT_NAMED_COMPONENT = 1;
export const IORT_ROOT_COMPLEX = 2;
export const IORT_SMMU = 3;
export const IORT_SMMU_V3 = 4;
export const IORT_PMCG = 5;
export const IORT_RMR = 6;

const SINGLE: Bit[] = [{ name: 'single_mapping', label: 'Single Mapping', bit: 0 }];

export const idMapping = container({
  name: 'mapping',
  label: 'ID Mapping',
  key: { input: 'input_base' },
  layout: layout('iort_id_mapping', [
    u32('input_base', 'Input base'),
    u32('id_count', 'ID Count'),
    u32('output_base', 'Output Base'),
    u32('output_reference', 'Output Reference', { ref: 'items' }),
    u32('flags', 'Flags', { bits: SINGLE }),
  ]),
}) satisfies TableDef;

const memoryAccess = layout('iort_memory_access', [
  u32('cache_coherency', 'Cache Coherency'),
  u8('hints', 'Hints', {
    bits: [
      { name: 'transient', label: 'Transient', bit: 0 },
      { name: 'write_allocate', label: 'Write Allocate', bit: 1 },
      { name: 'read_allocate', label: 'Read Allocate', bit: 2 },
      { name: 'override', label: 'Override', bit: 3 },
    ],
  }),
  u16('reserved', 'Reserved'),
  u8('memory_flags', 'Memory Flags', {
    bits: [
      { name: 'coherency', label: 'Coherency', bit: 0 },
      { name: 'device_attribute', label: 'Device Attribute', bit: 1 },
    ],
  }),
]);
const memoryProperties = () => struct('memory_properties', 'Memory Properties', memoryAccess, { title: 'IORT Memory Access Properties' });

/** The 16-byte header every node starts with. Identifier is node revision 3's (earlier: Reserved). */
const header = () =>
  [
    u8('type', 'Type'),
    u16('length', 'Length', { derive: 'length' }),
    u8('revision', 'Revision'),
    u32('identifier', 'Identifier', { labelFor: (g) => (g.revision >= 3 ? 'Identifier' : 'Reserved') }),
    u32('mapping_count', 'Mapping Count'),
    u32('mapping_offset', 'Mapping Offset'),
  ] as const;

const mappings = {
  key: 'mappings',
  label: 'ID Mappings',
  kind: 'records',
  record: idMapping,
  count: 'mapping_count',
  offset: 'mapping_offset',
} as const satisfies NodePart<[]>;

const u32Record = (name: string, label: string): ContainerDef => ({ name, label, layout: layout(`iort_${name}`, [u32('value', label)]) });
const u64Record = (name: string, label: string): ContainerDef => ({ name, label, layout: layout(`iort_${name}`, [u64('value', label)]) });

/** Nodes pair in diff by their identifier (node revision 3 and later), else by type and ordinal. */
const nodeKey = (n: Node): string | undefined =>
  Number(n.fields.revision) >= 3 && n.fields.identifier !== undefined ? `id=0x${Number(n.fields.identifier).toString(16)}` : undefined;

/** A node's declaration: the header, then its own fields (their names kept in its type). */
type NodeField<F extends readonly Field[]> = FieldName<Layout<ReturnType<typeof header>>> | FieldName<Layout<F>>;
/** A part of a node, its offset, count and size fields named from the node's own fields. */
type NodePart<F extends readonly Field[]> = PartFields<NodeField<F>>;
const node = <const F extends readonly Field[], const P extends readonly NodePart<F>[] = readonly [typeof mappings]>(
  name: string,
  label: string,
  minLength: number,
  fields: F,
  parts: P = [mappings] as unknown as P,
) => ({
  name,
  label,
  minLength,
  revision: 'revision',
  key: nodeKey,
  layout: layout(`iort_${name}`, [...header(), ...fields]),
  parts,
});

export const itsGroup = node(
  'its_group',
  'ITS Group',
  20,
  [u32('its_count', 'ItsCount')],
  [{ key: 'identifiers', label: 'ITS Identifiers', kind: 'records', record: u32Record('identifier', 'Identifiers'), count: 'its_count' }, mappings],
);

export const namedComponent = node(
  'named_component',
  'Named Component',
  30,
  [u32('node_flags', 'Node Flags'), memoryProperties(), u8('memory_address_limit', 'Memory Size Limit')],
  [
    { key: 'device_name', label: 'Device Name', kind: 'string' },
    { ...mappings, padLabel: 'Padding' },
  ],
);

const rcFields = () =>
  [
    memoryProperties(),
    u32('ats_attribute', 'ATS Attribute'),
    u32('pci_segment', 'PCI Segment Number'),
    u8('memory_address_limit', 'Memory Size Limit'),
  ] as const;
export const rootComplex = {
  ...node('root_complex', 'Root Complex', 36, [...rcFields(), u24('reserved', 'Reserved')]),
  // node revision 4 (IORT E.d) names the first two reserved bytes: the PASID width the RC supports
  variants: [
    {
      minRevision: 4,
      def: node('root_complex', 'Root Complex', 36, [...rcFields(), u16('pasid_capabilities', 'PASID Capabilities'), u8('reserved', 'Reserved')]),
    },
  ],
} satisfies TableDef;

const smmuInterrupt = (flagLabel: string): Bit[] => [{ name: 'edge', label: flagLabel, bit: 0 }];
const smmuGlobal = {
  name: 'global_interrupts',
  label: 'SMMU Global Interrupts',
  layout: layout('iort_smmu_global', [
    u32('nsg_irpt', 'NSgIrpt'),
    u32('nsg_irpt_flags', 'NSgIrpt Flags', { bits: smmuInterrupt('Edge Triggered') }),
    u32('nsg_cfg_irpt', 'NSgCfgIrpt'),
    u32('nsg_cfg_irpt_flags', 'NSgCfgIrpt Flags', { bits: smmuInterrupt('Edge Triggered') }),
  ]),
} satisfies TableDef;
export const smmu = node(
  'smmu',
  'SMMUv1/v2',
  76,
  [
    u64('base_address', 'Base Address'),
    u64('span', 'Span'),
    u32('model', 'Model'),
    u32('flags', 'Flags', {
      bits: [
        { name: 'dvm', label: 'DVM Supported', bit: 0 },
        { name: 'coherent_walk', label: 'Coherent Walk', bit: 1 },
      ],
    }),
    u32('global_interrupt_offset', 'Global Interrupt Offset'),
    u32('context_interrupt_count', 'Context Interrupt Count'),
    u32('context_interrupt_offset', 'Context Interrupt Offset'),
    u32('pmu_interrupt_count', 'PMU Interrupt Count'),
    u32('pmu_interrupt_offset', 'PMU Interrupt Offset'),
  ],
  [
    { key: 'global_interrupts', label: 'Global Interrupts', kind: 'records', record: smmuGlobal, count: () => 1, offset: 'global_interrupt_offset' },
    {
      key: 'context_interrupts',
      label: 'Context Interrupts',
      kind: 'records',
      record: u64Record('context_interrupt', 'Context Interrupt'),
      count: 'context_interrupt_count',
      offset: 'context_interrupt_offset',
    },
    {
      key: 'pmu_interrupts',
      label: 'PMU Interrupts',
      kind: 'records',
      record: u64Record('pmu_interrupt', 'PMU Interrupt'),
      count: 'pmu_interrupt_count',
      offset: 'pmu_interrupt_offset',
    },
    mappings,
  ],
);

export const smmuV3 = node('smmu_v3', 'SMMUv3', 68, [
  u64('base_address', 'Base Address'),
  u32('flags', 'Flags', {
    bits: [
      { name: 'cohacc_override', label: 'COHACC Override', bit: 0 },
      { name: 'httu_override', label: 'HTTU Override', bit: 1, width: 2 },
      { name: 'proximity_domain_valid', label: 'Proximity Domain Valid', bit: 3 },
      { name: 'device_id_valid', label: 'DeviceID Valid', bit: 4, minRevision: 4 },
    ],
  }),
  u32('reserved', 'Reserved'),
  u64('vatos_address', 'VATOS Address'),
  u32('model', 'Model'),
  u32('event_gsiv', 'Event GSIV'),
  u32('pri_gsiv', 'PRI GSIV'),
  u32('gerr_gsiv', 'GERR GSIV'),
  u32('sync_gsiv', 'Sync GSIV'),
  u32('proximity_domain', 'Proximity Domain'),
  u32('id_mapping_index', 'Device ID Mapping Index'),
]);

export const pmcg = node('pmcg', 'PMCG', 40, [
  u64('page0_base_address', 'Page 0 Base Address'),
  u32('overflow_gsiv', 'Overflow Interrupt GSIV'),
  u32('node_reference', 'Node Reference', { ref: 'items' }),
  u64('page1_base_address', 'Page 1 Base Address'),
]);

const rmrRange = container({
  name: 'range',
  label: 'Memory Range',
  key: { base: 'base_address' },
  layout: layout('iort_rmr_range', [u64('base_address', 'Base Address'), u64('length', 'Length'), u32('reserved', 'Reserved')]),
}) satisfies TableDef;
export const rmr = node(
  'rmr',
  'RMR',
  28,
  [
    u32('flags', 'Flags', {
      bits: [
        { name: 'remap_permitted', label: 'Remapping Permitted', bit: 0 },
        { name: 'access_privileged', label: 'Access Privileged', bit: 1 },
        { name: 'access_attributes', label: 'Access Attributes', bit: 2, width: 8 },
      ],
    }),
    u32('range_count', 'Number of RMR Descriptors'),
    u32('range_offset', 'RMR Descriptor Offset'),
  ],
  [mappings, { key: 'ranges', label: 'Memory Ranges', kind: 'records', record: rmrRange, count: 'range_count', offset: 'range_offset' }],
);

export const iortFamily = family({
  lengthOffset: 1,
  lengthWidth: 2,
  headerSize: 16,
  byType: {
    [IORT_ITS_GROUP]: itsGroup,
    [IORT_NAMED_COMPONENT]: namedComponent,
    [IORT_ROOT_COMPLEX]: rootComplex,
    [IORT_SMMU]: smmu,
    [IORT_SMMU_V3]: smmuV3,
    [IORT_PMCG]: pmcg,
    [IORT_RMR]: rmr,
  },
  unknown: {
    name: 'node',
    label: 'Unknown Node',
    tailLabel: 'Node data (not decoded)',
    layout: layout('iort_unknown', [u8('type', 'Type'), u16('length', 'Length', { derive: 'length' })]),
  },
});

export const nodePathsOf = (e: TableEntry) => itemPaths(e, (n) => segmentName(iortFamily, Number(n.fields.type)));
export const nodePaths = (c: RuleContext) => nodePathsOf(c.entry);
export const mappingsOf = (n: Node): Node[] => partOf(mappings, n) ?? [];
/** A copy of a node with other ID mappings. */
export const withMappings = (n: Node, list: Node[]): Node => withPart(n, mappings, list);
export const itsIds = (n: Node): number[] => (partIn(itsGroup, 'identifiers', n) ?? []).map((x) => Number(x.fields.value));
/** An RMR node's memory ranges. */
export const rmrRangesOf = (n: Node): Node[] => partIn(rmr, 'ranges', n) ?? [];
