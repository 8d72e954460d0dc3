// iort (design, --hide-smmu): dom0's IORT without the SMMUs the hypervisor drives. Every root
// complex's and named component's ID mapping is followed through the SMMUs to the ITS groups, the
// way Linux's walk (drivers/acpi/arm64/iort.c iort_node_map_id()) follows it, and written as
// mappings straight to the ITS groups: a range splits where the SMMU's mappings split, each piece
// keeping its own ITS group. SMMUv1/v2 and SMMUv3 nodes go, with the PMCGs that count for them and
// the RMRs tied to them (a note: the hypervisor must honour those reserved ranges). Offsets and
// references are re-derived when the table is encoded.
import { type Pass, type PassDef, BuildError, tableById, withTable, warn } from './types.js';
import { defOfItem, derivedLeaves, fieldsOf, itemOf, nodeSize, withFields, make, type Node } from '../layout/codec.js';
import { hex } from '../layout/diagnostics.js';
import {
  IORT_ITS_GROUP,
  IORT_NAMED_COMPONENT,
  IORT_ROOT_COMPLEX,
  IORT_SMMU,
  IORT_SMMU_V3,
  IORT_PMCG,
  IORT_RMR,
  idMapping,
  iortFamily,
  itsIds,
  mappingsOf,
} from '../tables/iort.js';
import { idRange } from '../tables/iort-walk.js';
import { Nodes, follow, ids, named, type Unrouted } from '../tables/iort-compose.js';
import { MADT_ITS, madtFamily } from '../tables/madt-subtables.js';
import { withMappings, rmrRangesOf } from '../tables/iort-nodes.js';

const SINGLE = 1;

/** The width of a node's length field, in bits (16 for every IORT node). */
function lengthBits(n: Node): number {
  return 8 * (derivedLeaves(defOfItem(iortFamily, n).layout).find((l) => l.derive === 'length')?.width ?? 4);
}

/** How many ID mappings a node can hold: what its length field leaves after the rest of it. */
function mappingRoom(n: Node): number {
  const bare = nodeSize(defOfItem(iortFamily, n), withMappings(n, []));
  return Math.floor((2 ** lengthBits(n) - 1 - bare) / idMapping.layout.size);
}

/** A device node's mappings, composed through the SMMUs to the ITS groups: a single mapping stays
 * one (its ID followed through), in its place; the ranges are replaced, where the first of them
 * was, by the runs Linux's walk gives every ID they hold, each straight to its ITS group. */
function composed(n: Node, nodes: Nodes, lost: Unrouted[]): Node[] {
  const maps = mappingsOf(n);
  // the ranges Linux can match (one whose last ID passes 2^32 matches none, and goes)
  const ranged = maps.filter((m) => idRange(m)).map((m) => fieldsOf(idMapping, m));
  // the node's length field bounds its mappings: the ranges' runs are counted as they come, and
  // refused as soon as more are certain than fit beside the single mappings before them, before
  // they are all worked out (m ranges each split m ways by an SMMU are m² runs). (A single mapping
  // after a range of several IDs takes its last ID, as Linux's off-by-one workaround has it, and
  // that is refused below; after one-ID ranges, which never split, the node keeps its count.)
  const room = mappingRoom(n);
  const over = (): never => {
    throw new BuildError(
      `--hide-smmu: the ${named(n)} would need more than ${room} ID mappings straight to the ITS groups (its ranges split where the SMMUs ` +
        `split them), and its ${lengthBits(n)}-bit length holds no more: it cannot be composed`,
    );
  };
  const firstRange = maps.findIndex((x) => idRange(x));
  const out: Node[] = [];
  maps.forEach((m, i) => {
    const f = fieldsOf(idMapping, m);
    if (f.flags & SINGLE) {
      const target = nodes.byAt.get(f.output_reference);
      if (!target) throw new BuildError(`--hide-smmu: the ${named(n)} maps to offset ${hex(f.output_reference)}, where no node is`);
      const [p] = follow(target, f.output_base, f.output_base, nodes, [n], lost);
      if (p) out.push(withFields(idMapping, m, { output_base: p.out, output_reference: p.group }));
      return;
    }
    if (i !== firstRange) return; // the ranges go in once, here
    const lo = ranged.reduce((x, r) => Math.min(x, r.input_base), Infinity);
    const hi = ranged.reduce((x, r) => Math.max(x, r.input_base + r.id_count), -Infinity);
    for (const p of follow(n, lo, hi, nodes, [], lost, room - out.length, over)) {
      if (p.single)
        throw new BuildError(
          `--hide-smmu: ${ids(p.from, p.to)} of the ${named(n)} reach a single mapping (all to ID ${hex(p.out)}); a mapping of this node ` +
            `cannot say that without catching every other ID`,
        );
      const flags = nodes.pick(n, p.from)!.flags & ~SINGLE;
      out.push(make(idMapping, { input_base: p.from, id_count: p.to - p.from, output_base: p.out, output_reference: p.group, flags }));
    }
  });
  return out;
}

const run: Pass = (set, opts) => {
  if (!opts.hideSmmu) return { set, changes: [] };
  const host = tableById(set, 'IORT');
  if (!host) return { set: warn(set, 'BUILD_NO_IORT', 'IORT', 'IORT', '--hide-smmu: the input has no IORT, so there is no SMMU to hide'), changes: [] };
  const items = host.table.items ?? [];
  const byAt = new Map(items.filter((n) => n.at !== undefined).map((n) => [n.at!, n] as const));
  const smmus = new Set(items.filter((n) => [IORT_SMMU, IORT_SMMU_V3].includes(Number(n.fields.type))));
  if (!smmus.size) return { set: warn(set, 'BUILD_NO_SMMU', 'IORT', 'IORT', '--hide-smmu: the IORT has no SMMU node: it is passed on as it is'), changes: [] };
  let next = set;
  const dropped = new Set(smmus);
  for (const n of items) {
    const it = itemOf(iortFamily, n);
    if (it?.type === IORT_PMCG && smmus.has(byAt.get(it.fields.node_reference)!)) dropped.add(n);
    if (it?.type === IORT_RMR && mappingsOf(n).some((m) => smmus.has(byAt.get(fieldsOf(idMapping, m).output_reference)!))) {
      dropped.add(n);
      const ranges = rmrRangesOf(n);
      next = warn(
        next,
        'BUILD_IORT_RMR_DROPPED',
        'IORT',
        'IORT',
        `--hide-smmu: the RMR node at offset ${hex(n.at ?? 0)} (${ranges.length} reserved range(s)) is tied to a hidden SMMU and is left ` +
          `out: the hypervisor driving that SMMU must keep those ranges mapped for the devices`,
      );
    }
  }
  const lost: Unrouted[] = [];
  const nodes = new Nodes(byAt, (reason) => {
    throw new BuildError(`--hide-smmu: ${reason}`);
  });
  const kept = items
    .filter((n) => !dropped.has(n))
    .map((n) => ([IORT_ROOT_COMPLEX, IORT_NAMED_COMPONENT].includes(Number(n.fields.type)) ? withMappings(n, composed(n, nodes, lost)) : n));
  for (const device of [...new Set(lost.map((l) => l.device))]) {
    const mine = lost.filter((l) => l.device === device);
    next = warn(
      next,
      'BUILD_IORT_UNROUTED',
      'IORT',
      'IORT',
      `--hide-smmu: the ${named(device)} sends ${mine.map((l) => ids(l.from, l.to)).join(', ')} to the ${named(mine[0].smmu)}, which sends ` +
        `them to no ITS group: they have no MSI route on the host, and dom0's IORT does not map them`,
    );
  }
  // nothing left may point at a node that went
  for (const n of kept) {
    const it = itemOf(iortFamily, n);
    const refs = [...mappingsOf(n).map((m) => fieldsOf(idMapping, m).output_reference), ...(it?.type === IORT_PMCG ? [it.fields.node_reference] : [])];
    const gone = refs.map((r) => byAt.get(r)).find((t) => t && dropped.has(t));
    if (gone) throw new BuildError(`--hide-smmu: the ${named(n)} still refers to the ${named(gone)}, which is hidden: it cannot be composed`);
  }
  // every ITS group the devices now reach names ITSes dom0's MADT has (Linux: iort_find_domain_token())
  const madtIts = new Set(
    (tableById(next, 'APIC')?.table.items ?? []).flatMap((s) => {
      const it = itemOf(madtFamily, s);
      return it?.type === MADT_ITS ? [it.fields.translation_id] : [];
    }),
  );
  for (const g of kept.filter((n) => n.fields.type === IORT_ITS_GROUP)) {
    const missing = itsIds(g).filter((id) => !madtIts.has(id));
    if (missing.length)
      throw new BuildError(
        `--hide-smmu: the ITS group at offset ${hex(g.at ?? 0)} names ITS ID ${missing.join(', ')}, which dom0's MADT does not have: the ` +
          `devices mapped to it would get no MSIs`,
      );
  }
  return { set: withTable(next, { ...host, table: { ...host.table, items: kept }, origin: 'new' }), changes: [] };
};

export const iortPass: PassDef = {
  name: 'iort',
  stage: 'tables',
  summary: 'design, --hide-smmu: SMMUs (and their PMCGs and RMRs) left out, device mappings composed straight to the ITS groups',
  after: ['madt'],
  before: ['xsdt'],
  run,
};
