// What `report` draws of an IORT: every node, and every ID mapping as an edge from the node that
// maps to the node it names, labelled with the IDs it carries (a PMCG's edge is its node reference);
// and the line `dump --summary` gives it.
import { partIn, itemOf, fieldsOf, type Node } from '../layout/codec.js';
import { hex } from '../layout/diagnostics.js';
import { choices, iortMapId } from './iort-walk.js';
import type { TableEntry } from '../model/set.js';
import type { GraphPicture } from '../model/picture.js';
import { rmrRangesOf, namedComponent, IORT_TYPES, idMapping, iortFamily, itsIds, mappingsOf, nodePathsOf } from './iort-nodes.js';
import { IORT_ITS_GROUP, IORT_NAMED_COMPONENT, IORT_ROOT_COMPLEX, IORT_SMMU, IORT_SMMU_V3, IORT_PMCG, IORT_RMR } from './iort-nodes.js';

/** Left to right: what maps to what (devices, then translation, then the ITS). */
const RANKS = ['Root Complex', 'Named Component', 'RMR', 'PMCG', 'SMMUv1/v2', 'SMMUv3', 'ITS Group'];

/** An ID range as a mapping declares it (ID Count is the number of IDs less one). */
const range = (base: number, count: number) => (count === 0 ? hex(base) : `${hex(base)}-${hex(base + count)}`);

function lines(n: Node): string[] {
  const it = itemOf(iortFamily, n);
  const id = Number(n.fields.revision) >= 3 && n.fields.identifier !== undefined ? [`identifier ${hex(Number(n.fields.identifier))}`] : [];
  const at = `@${hex(n.at ?? 0)}`;
  switch (it?.type) {
    case IORT_ITS_GROUP:
      return [`ITS group ${at}`, `ITS ID${itsIds(n).length === 1 ? '' : 's'} ${itsIds(n).join(', ') || 'none'}`, ...id];
    case IORT_NAMED_COMPONENT:
      return [`${partIn(namedComponent, 'device_name', n) || 'named component'} ${at}`, ...id];
    case IORT_ROOT_COMPLEX:
      return [`Root complex ${at}`, `PCI segment ${it.fields.pci_segment}`, ...id];
    case IORT_SMMU:
      return [`SMMUv1/v2 ${at}`, `base ${hex(it.fields.base_address)}`, ...id];
    case IORT_SMMU_V3:
      return [`SMMUv3 ${at}`, `base ${hex(it.fields.base_address)}`, ...id];
    case IORT_PMCG:
      return [`PMCG ${at}`, `page 0 ${hex(it.fields.page0_base_address)}`, ...id];
    case IORT_RMR:
      return [`RMR ${at}`, `${rmrRangesOf(n).length} memory range(s)`, ...id];
    default:
      return [`node type ${Number(n.fields.type)} ${at}`];
  }
}

export function iortPictures(e: TableEntry): GraphPicture[] {
  const items = e.table.items ?? [];
  const paths = nodePathsOf(e);
  const placed = new Set(items.map((n) => n.at));
  const nodes: GraphPicture['nodes'] = items
    .filter((n) => n.at !== undefined)
    .map((n) => ({ at: n.at!, kind: IORT_TYPES[Number(n.fields.type)] ?? 'Unknown', lines: lines(n), path: paths.get(n)! }));
  const edges: GraphPicture['edges'] = [];
  for (const n of items) {
    if (n.at === undefined) continue;
    mappingsOf(n).forEach((m, i) => {
      const f = fieldsOf(idMapping, m);
      if (!placed.has(f.output_reference)) return; // a dangling reference: check reports it
      const single = (f.flags & 1) !== 0;
      const label = single ? `single → ${hex(f.output_base)}` : `${range(f.input_base, f.id_count)} → ${range(f.output_base, f.id_count)}`;
      edges.push({ from: n.at!, to: f.output_reference, label, path: `${paths.get(n)}.mapping[${i}]` });
    });
    const it = itemOf(iortFamily, n);
    if (it?.type === IORT_PMCG && placed.has(it.fields.node_reference))
      edges.push({ from: n.at, to: it.fields.node_reference, label: 'counts for', path: `${paths.get(n)}.node_reference` });
  }
  const groups = items.filter((n) => n.fields.type === IORT_ITS_GROUP).length;
  return [
    { section: 'iort', kind: 'graph', title: `IORT: ${nodes.length} node(s), ${groups} ITS group(s), ${edges.length} mapping(s)`, nodes, edges, ranks: RANKS },
  ];
}

/** One line of IORT topology: node counts by type, and each root complex's paths to its ITS groups
 * as Linux walks them (iortMapId): the first ID of each mapping Linux takes, walked; where a root
 * complex has several paths, each with the IDs that take it (`RC0 0x0-0xFF → SMMUv3 → ITS0`). */
export function iortSummary(t: Node): string {
  const items = t.items ?? [];
  const byAt = new Map(items.filter((n) => n.at !== undefined).map((n) => [n.at!, n]));
  const counts = new Map<string, number>();
  for (const n of items) {
    const type = IORT_TYPES[Number(n.fields.type)] ?? `type ${n.fields.type}`;
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  const name = (n: Node) =>
    n.fields.type === IORT_ROOT_COMPLEX
      ? `RC${Number(n.fields.pci_segment)}`
      : n.fields.type === IORT_ITS_GROUP
        ? `ITS${itsIds(n).join('/')}`
        : (IORT_TYPES[Number(n.fields.type)] ?? '?');
  const choiceOf = choices();
  const chains: string[] = [];
  for (const rc of items.filter((n) => n.fields.type === IORT_ROOT_COMPLEX)) {
    // each path after the root complex, with the ID ranges that take it
    const paths = new Map<string, string[]>();
    mappingsOf(rc).forEach((m, j) => {
      if (!choiceOf(rc).usable(j)) return;
      const f = fieldsOf(idMapping, m);
      const { path, end } = iortMapId(rc, f.input_base, (n) => n.fields.type === IORT_ITS_GROUP, choiceOf, byAt);
      // a real path is RC → SMMU → ITS: a longer one is cut short (check reports SMMUs in series)
      const names = path.length > 8 ? [...path.slice(1, 8).map(name), '…'] : path.slice(1).map(name);
      if (end === 'failed') names.push('nowhere');
      const key = names.join(' → ');
      const ids = f.flags & 1 ? 'any ID' : f.id_count ? `${hex(f.input_base)}-${hex(f.input_base + f.id_count)}` : hex(f.input_base);
      paths.set(key, [...(paths.get(key) ?? []), ids]);
    });
    for (const [key, ids] of paths) chains.push(`${name(rc)}${paths.size > 1 ? ` ${ids.join(',')}` : ''} → ${key}`);
  }
  return [[...counts].map(([k, v]) => `${v} ${k}`).join(', '), ...chains].filter(Boolean).join('; ');
}
