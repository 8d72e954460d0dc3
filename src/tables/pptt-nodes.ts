// PPTT, ACPI 6.5 §5.2.30, its subtables declared: processor hierarchy nodes (with private
// resources), cache type structures (revision 3 adds the cache ID) and ID structures, and each
// processor node's place in the topology (pptt.ts holds the table's rules, pptt-picture.ts its pictures).
import { layout, u8, u16, u32, u64, type Bit, valueNames } from '../layout/schema.js';
import { family, container, type FieldName, type Node, type PartFields } from '../layout/codec.js';
import { type TableDef } from '../model/rules.js';
import { headerRevision } from './common.js';

export const PPTT_TYPES = valueNames({ 0: 'Processor Hierarchy Node', 1: 'Cache Type', 2: 'ID' }, 'Unknown Subtable Type');
export const PPTT_PROCESSOR = 0;
export const PPTT_CACHE = 1;
export const PPTT_ID = 2;

export const PPTT_PHYSICAL_PACKAGE = 1 << 0;
export const PPTT_ID_VALID = 1 << 1;
export const PPTT_THREAD = 1 << 2;
export const PPTT_LEAF = 1 << 3;

export const typeField = () => u8('type', 'Subtable Type', { enum: PPTT_TYPES });
export const lengthField = () => u8('length', 'Length', { derive: 'length' });

export const PROCESSOR_FLAGS: Bit[] = [
  { name: 'physical_package', label: 'Physical package', bit: 0 },
  { name: 'id_valid', label: 'ACPI Processor ID valid', bit: 1 },
  { name: 'thread', label: 'Processor is a thread', bit: 2 },
  { name: 'leaf', label: 'Node is a leaf', bit: 3 },
  { name: 'identical', label: 'Identical Implementation', bit: 4 },
];

export const privateResource = {
  name: 'private_resource',
  label: 'Private Resource',
  layout: layout('pptt_private_resource', [u32('reference', 'Private Resource', { ref: 'items' })]),
} satisfies TableDef;

/** How many levels Linux climbs from a CPU's leaf looking for its package before it gives up and
 * takes the node it reached (drivers/acpi/pptt.c PPTT_ABORT_PACKAGE): deeper, no consumer follows. */
export const PPTT_PACKAGE_LEVELS = 255;

/** Each processor node's place in the topology: its ordinal among the processor nodes under the same
 * parent, from the root down ("0/1/3": the first package's second cluster's fourth core). The IDs of
 * packages and clusters are often all 0, so they cannot pair nodes; a node in a parent cycle, or more
 * than PPTT_PACKAGE_LEVELS below a root (its place would be as long as the chain), has no place (it
 * pairs by ordinal). Worked out once per list, with an explicit stack. */
export function topology(list: readonly Node[]): Map<Node, string> {
  const procs = list.filter((n) => n.fields.type === 0);
  const byAt = new Map(procs.filter((n) => n.at !== undefined).map((n) => [n.at!, n] as const));
  const children = new Map<Node | undefined, Node[]>();
  for (const n of procs) {
    const parent = Number(n.fields.parent ?? 0) === 0 ? undefined : byAt.get(Number(n.fields.parent));
    const kids = children.get(parent);
    if (kids) kids.push(n);
    else children.set(parent, [n]);
  }
  const out = new Map<Node, string>();
  const stack: { parent: Node | undefined; prefix: string; depth: number }[] = [{ parent: undefined, prefix: '', depth: 0 }];
  while (stack.length) {
    const { parent, prefix, depth } = stack.pop()!;
    (children.get(parent) ?? []).forEach((n, i) => {
      if (out.has(n)) return;
      out.set(n, `${prefix}${i}`);
      if (depth < PPTT_PACKAGE_LEVELS) stack.push({ parent: n, prefix: `${prefix}${i}/`, depth: depth + 1 });
    });
  }
  return out;
}
export const places = new WeakMap<readonly Node[], Map<Node, string>>();
export const placeIn = (n: Node, list: readonly Node[]): string | undefined => {
  if (!places.has(list)) places.set(list, topology(list));
  return places.get(list)!.get(n);
};

const processorLayout = layout('pptt_processor', [
  typeField(),
  lengthField(),
  u16('reserved', 'Reserved'),
  u32('flags', 'Flags', { bits: PROCESSOR_FLAGS }),
  u32('parent', 'Parent', { ref: 'items' }),
  u32('acpi_processor_id', 'ACPI Processor ID'),
  u32('private_resource_count', 'Private Resource Number'),
]);

/** A processor hierarchy node's private resources: references to cache (and other) structures. */
export const resourcesPart = {
  key: 'resources',
  label: 'Private Resources',
  kind: 'records',
  record: privateResource,
  count: 'private_resource_count',
} as const satisfies PartFields<FieldName<typeof processorLayout>>;

export const ppttProcessor = container({
  name: 'processor',
  label: 'Processor Hierarchy Node',
  minLength: 20,
  key: placeIn,
  layout: processorLayout,
  parts: [resourcesPart],
}) satisfies TableDef;

export const rev3 = { when: (g: { revision: number }) => g.revision >= 3 };

export const ppttCache = {
  name: 'cache',
  label: 'Cache Type',
  minLength: 24,
  layout: layout('pptt_cache', [
    typeField(),
    lengthField(),
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
      flagsLabel: 'Attributes',
      bits: [
        { name: 'allocation', label: 'Allocation Type', bit: 0, width: 2 },
        { name: 'cache_type', label: 'Cache Type', bit: 2, width: 2 },
        { name: 'write_policy', label: 'Write Policy', bit: 4 },
      ],
    }),
    u16('line_size', 'Line Size'),
    u32('cache_id', 'Cache ID', rev3),
  ]),
} satisfies TableDef;

export const ppttId = {
  name: 'id',
  label: 'ID',
  minLength: 30,
  layout: layout('pptt_id', [
    typeField(),
    lengthField(),
    u16('reserved', 'Reserved'),
    u32('vendor_id', 'Vendor ID'),
    u64('level1_id', 'Level1 ID'),
    u64('level2_id', 'Level2 ID'),
    u16('major_revision', 'Major revision'),
    u16('minor_revision', 'Minor revision'),
    u16('spin_revision', 'Spin revision'),
  ]),
} satisfies TableDef;

export const ppttFamily = family({
  lengthOffset: 1,
  lengthWidth: 1,
  headerSize: 2,
  byType: { [PPTT_PROCESSOR]: ppttProcessor, [PPTT_CACHE]: ppttCache, [PPTT_ID]: ppttId },
  unknown: {
    name: 'subtable',
    label: 'Unknown Subtable',
    tailLabel: 'Subtable data (not decoded)',
    layout: layout('pptt_unknown', [typeField(), lengthField()]),
  },
});

/** The leaf processor nodes: flagged so from revision 2 (ACPI 6.3); before it, those no node
 * names as its parent (as Linux's acpi_pptt_leaf_node() decides). */
export function ppttLeaves(t: Node): Node[] {
  const proc = (t.items ?? []).filter((n) => n.fields.type === PPTT_PROCESSOR);
  if (headerRevision(t) >= 2) return proc.filter((n) => Number(n.fields.flags) & PPTT_LEAF);
  const parents = new Set(proc.map((n) => Number(n.fields.parent)));
  return proc.filter((n) => n.at === undefined || !parents.has(n.at));
}
