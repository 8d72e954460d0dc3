// HMAT, ACPI 6.5 §5.2.28: memory proximity domain attributes, system locality latency and
// bandwidth information (initiator and target domain lists and the entries matrix between them),
// memory side cache information (with SMBIOS handles). Structures: type u16, length u32.
import { layout, u16, u32, u64, u8, valueNames } from '../layout/schema.js';
import { partOf, family, container, type ContainerDef, type FieldName, type PartFields, segmentName, fieldsOf, fieldPath, hasField } from '../layout/codec.js';
import { type TableRule, type TableDef, rule, linux } from '../model/rules.js';
import { headerField } from './common.js';
import { itemPaths } from './topology-rules.js';
import { sratDomains } from './srat.js';

export const HMAT_TYPES = valueNames(
  {
    0: 'Memory Proximity Domain Attributes',
    1: 'System Locality Latency and Bandwidth Information',
    2: 'Memory Side Cache Information',
  },
  'Unknown Structure Type',
);

const head = () => [u16('type', 'Structure Type', { enum: HMAT_TYPES }), u16('reserved', 'Reserved'), u32('length', 'Length', { derive: 'length' as const })];
const u32Record = (name: string, label: string): ContainerDef => ({ name, label, layout: layout(`hmat_${name}`, [u32('domain', label)]) });

const attributes = container({
  name: 'proximity',
  label: 'Memory Proximity Domain Attributes',
  minLength: 40,
  key: { memory: 'memory_pd' },
  layout: layout('hmat_proximity', [
    ...head(),
    u16('flags', 'Flags', { bits: [{ name: 'initiator_valid', label: 'Processor Proximity Domain Valid', bit: 0 }] }),
    u16('reserved1', 'Reserved1'),
    u32('initiator_pd', 'Attached Initiator Proximity Domain'),
    u32('memory_pd', 'Memory Proximity Domain'),
    u32('reserved2', 'Reserved2'),
    u64('reserved3', 'Reserved3'),
    u64('reserved4', 'Reserved4'),
  ]),
}) satisfies TableDef;

const localityLayout = layout('hmat_locality', [
  ...head(),
  u8('flags', 'Flags', { bits: [{ name: 'memory_hierarchy', label: 'Memory Hierarchy', bit: 0, width: 4 }] }),
  u8('data_type', 'Data Type'),
  u16('reserved1', 'Reserved1'),
  u32('initiator_count', 'Initiator Proximity Domains #'),
  u32('target_count', 'Target Proximity Domains #'),
  u32('reserved2', 'Reserved2'),
  u64('entry_base_unit', 'Entry Base Unit'),
]);

/** A locality structure's initiator and target proximity domains (the rows and columns of its
 * matrix). */
const initiators = {
  key: 'initiators',
  label: 'Initiator Proximity Domain List',
  kind: 'records',
  record: u32Record('initiator', 'Initiator Proximity Domain List'),
  count: 'initiator_count',
} as const satisfies PartFields<FieldName<typeof localityLayout>>;
const targets = {
  key: 'targets',
  label: 'Target Proximity Domain List',
  kind: 'records',
  record: u32Record('target', 'Target Proximity Domain List'),
  count: 'target_count',
} as const satisfies PartFields<FieldName<typeof localityLayout>>;

const locality = container({
  name: 'locality',
  label: 'System Locality Latency and Bandwidth Information',
  minLength: 32,
  layout: localityLayout,
  parts: [
    initiators,
    targets,
    { key: 'entry', label: 'Entry', kind: 'matrix', width: 2, count: (f) => Number(f.initiator_count ?? 0), cols: 'target_count', perCell: true },
  ],
}) satisfies TableDef;

const cache = container({
  name: 'cache',
  label: 'Memory Side Cache Information',
  minLength: 32,
  layout: layout('hmat_cache', [
    ...head(),
    u32('memory_pd', 'Memory Proximity Domain'),
    u32('reserved1', 'Reserved1'),
    u64('cache_size', 'Memory Side Cache Size'),
    u32('attributes', 'Cache Attributes', {
      bits: [
        { name: 'total_levels', label: 'Total Cache Levels', bit: 0, width: 4 },
        { name: 'level', label: 'Cache Level', bit: 4, width: 4 },
        { name: 'associativity', label: 'Cache Associativity', bit: 8, width: 4 },
        { name: 'write_policy', label: 'Write Policy', bit: 12, width: 4 },
        { name: 'line_size', label: 'Cache Line Size', bit: 16, width: 16 },
      ],
    }),
    u16('reserved2', 'Reserved2'),
    u16('smbios_handle_count', 'SMBIOS Handle #'),
  ]),
  parts: [
    {
      key: 'handles',
      label: 'SMBIOS Handles',
      kind: 'records',
      record: { name: 'handle', label: 'SMBIOS Handle', layout: layout('hmat_handle', [u16('handle', 'SMBIOS Handle')]) },
      count: 'smbios_handle_count',
    },
  ],
}) satisfies TableDef;

export const hmatFamily = family({
  typeWidth: 2,
  lengthOffset: 4,
  lengthWidth: 4,
  headerSize: 8,
  byType: { [0]: attributes, [1]: locality, [2]: cache },
  unknown: { name: 'structure', label: 'Unknown Structure', tailLabel: 'Structure data (not decoded)', layout: layout('hmat_unknown', head()) },
});

const rules: TableRule[] = [
  rule({
    codes: {
      HMAT_DOMAIN: {
        summary: 'a proximity domain the SRAT does not declare',
        consumers: [
          linux(
            'all',
            'ignored',
            'entries for a proximity domain no SRAT entry declares are not used',
            'drivers/acpi/numa/hmat.c hmat_parse_proximity_domain(), hmat_parse_locality()',
          ),
        ],
      },
    },
    run(c) {
      const domains = sratDomains(c);
      if (!domains) return;
      const paths = itemPaths(c.entry, (n) => segmentName(hmatFamily, Number(n.fields.type)));
      for (const n of c.entry.table.items ?? []) {
        const p = paths.get(n)!;
        const named: [string, number][] = [];
        if (n.fields.type === 0 && hasField(attributes, n, 'memory_pd')) named.push([fieldPath(p, attributes, 'memory_pd'), fieldsOf(attributes, n).memory_pd]);
        if (n.fields.type === 2 && hasField(cache, n, 'memory_pd')) named.push([fieldPath(p, cache, 'memory_pd'), fieldsOf(cache, n).memory_pd]);
        if (n.fields.type === 0 && Number(n.fields.flags) & 1) named.push([fieldPath(p, attributes, 'initiator_pd'), fieldsOf(attributes, n).initiator_pd]);
        (partOf(initiators, n) ?? []).forEach((x, i) => named.push([`${p}.initiator[${i}].domain`, Number(x.fields.domain)]));
        (partOf(targets, n) ?? []).forEach((x, i) => named.push([`${p}.target[${i}].domain`, Number(x.fields.domain)]));
        const bad = named.find(([, d]) => !domains.has(d));
        if (bad)
          c.report('HMAT_DOMAIN', bad[0], `proximity domain ${bad[1]} is not in the SRAT (its domains: ${[...domains].sort((a, b) => a - b).join(', ')})`);
      }
    },
  }),
];

export const hmat = {
  rules,
  summary: (e) => {
    const n = (t: number) => (e.table.items ?? []).filter((x) => x.fields.type === t).length;
    return `${n(0)} proximity domain attribute(s), ${n(1)} latency/bandwidth matri(ces), ${n(2)} memory-side cache(s)`;
  },
  name: 'HMAT',
  label: 'Heterogeneous Memory Attributes Table',
  minLength: 40,
  layout: layout('hmat', [headerField(), u32('reserved', 'Reserved')]),
  parts: [{ key: 'items', label: 'Structures', kind: 'subtables', family: hmatFamily }],
} satisfies TableDef;
