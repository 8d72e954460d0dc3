// The PCI segments of a set, end to end, one view per segment: its ECAM windows and bus ranges
// (MCFG), its host bridges with their bus ranges and memory windows (the DSDT/SSDTs, read as
// acpi_pci_root_add() reads them), and its IORT root complexes with the requester IDs of each on
// their way through the SMMUs (as StreamIDs) to the ITS groups (as DeviceIDs), composed by the walk
// --hide-smmu composes dom0's mappings with (iort-compose.ts).
import { fieldsOf, type Node } from '../layout/codec.js';
import type { FieldsOf } from '../layout/schema.js';
import type { TableEntry, TableSet } from '../model/set.js';
import type { SetAml } from '../model/rules.js';
import { HOST_BRIDGE_IDS, busRange, devicesOf, hasId, memoryWindows } from '../aml/devices.js';
import { mcfgAllocation } from './mcfg.js';
import { mappingsOf, IORT_ITS_GROUP, IORT_ROOT_COMPLEX, IORT_SMMU, IORT_SMMU_V3, nodePathsOf } from './iort-nodes.js';
import { Nodes, follow, type Unrouted } from './iort-compose.js';
import { firstAbove } from './id-index.js';
import { idOut, idRange } from './iort-walk.js';

/** A run of a root complex's requester IDs, where it goes: through an SMMU (its StreamIDs) to an ITS
 * group (its DeviceIDs); no ITS group when the SMMU sends it to none. Ranges are first and last. */
export interface PciRoute {
  rids: [number, number];
  smmu?: { path: string; streamIds: [number, number] };
  its?: { path: string; deviceIds: [number, number] };
}

export interface PciSegment {
  segment: number;
  ecam: { path: string; base: bigint; startBus: number; endBus: number }[];
  bridges: { path: string; startBus: number; endBus: number; windows: { base: bigint; size: bigint }[] }[];
  rootComplexes: { path: string; routes: PciRoute[]; unreadable?: string }[];
}

/** Why a walk stopped (a cycle, a reference to no node): the view says so instead of the routes. */
class Stopped extends Error {}

/** The routes of a root complex's ranges of requester IDs. */
function routesOf(rc: Node, nodes: Nodes, paths: Map<Node, string>): PciRoute[] {
  const ranges = mappingsOf(rc).flatMap((m) => idRange(m) ?? []);
  if (!ranges.length) return [];
  const lo = ranges.reduce((x, r) => Math.min(x, r.lo), Infinity);
  const hi = ranges.reduce((x, r) => Math.max(x, r.hi), -Infinity);
  const cuts = nodes.of(rc).cuts;
  const points = [lo, ...cuts.slice(firstAbove(cuts, lo), firstAbove(cuts, hi)), hi + 1];
  const out: PciRoute[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const [a, b] = [points[k], points[k + 1] - 1];
    const m = nodes.pick(rc, a);
    const next = m && nodes.byAt.get(m.output_reference);
    if (!m || !next) continue;
    const single = (m.flags & 1) !== 0;
    const s = idOut(m, a);
    const e = single ? s : s + (b - a);
    const type = Number(next.fields.type);
    if (type === IORT_ITS_GROUP) {
      out.push({ rids: [a, b], its: { path: paths.get(next) ?? '', deviceIds: [s, e] } });
      continue;
    }
    if (type !== IORT_SMMU && type !== IORT_SMMU_V3) continue;
    const lost: Unrouted[] = [];
    const smmu = paths.get(next) ?? '';
    const rid = (sid: number) => (single ? a : a + (sid - s));
    for (const p of follow(next, s, e, nodes, [rc], lost)) {
      const group = nodes.byAt.get(p.group);
      out.push({
        rids: [rid(p.from), single ? b : rid(p.to)],
        smmu: { path: smmu, streamIds: [p.from, p.to] },
        its: { path: group ? (paths.get(group) ?? '') : '', deviceIds: [p.out, p.single ? p.out : p.out + (p.to - p.from)] },
      });
    }
    for (const l of lost) out.push({ rids: [rid(l.from), single ? b : rid(l.to)], smmu: { path: smmu, streamIds: [l.from, l.to] } });
  }
  // runs that continue each other (the same nodes, IDs in step) read as one
  const merged: PciRoute[] = [];
  for (const r of out.sort((x, y) => x.rids[0] - y.rids[0])) {
    const last = merged[merged.length - 1];
    const step = (x?: [number, number], y?: [number, number]) => (!x && !y) || (!!x && !!y && x[1] + 1 === y[0] && y[0] - x[0] === r.rids[0] - last!.rids[0]);
    if (
      last &&
      last.rids[1] + 1 === r.rids[0] &&
      last.smmu?.path === r.smmu?.path &&
      last.its?.path === r.its?.path &&
      step(last.smmu?.streamIds, r.smmu?.streamIds) &&
      step(last.its?.deviceIds, r.its?.deviceIds)
    ) {
      last.rids[1] = r.rids[1];
      if (last.smmu && r.smmu) last.smmu.streamIds[1] = r.smmu.streamIds[1];
      if (last.its && r.its) last.its.deviceIds[1] = r.its.deviceIds[1];
    } else merged.push(r);
  }
  return merged;
}

/** The dump path of a namespace object's line (`DSDT.\_SB.PCI0`), by the block that declares it. */
const objectPath = (blocks: ReadonlyMap<TableEntry, { table: string }>, table: string, path: string) =>
  `${[...blocks].find(([, b]) => b.table === table)?.[0].table.signature ?? 'DSDT'}.${path}`;

/** Every PCI segment the set describes, by number (`aml`: the set's AML, read once per set). */
export function pciSegments(set: TableSet, aml: SetAml): PciSegment[] {
  const segments = new Map<number, PciSegment>();
  const of = (n: number) => {
    let s = segments.get(n);
    if (!s) segments.set(n, (s = { segment: n, ecam: [], bridges: [], rootComplexes: [] }));
    return s;
  };
  for (const mcfg of set.tables.filter((e) => e.table.signature === 'MCFG'))
    (mcfg.table.items ?? []).forEach((n, i) => {
      // an allocation cut short (a table shorter than its entries) has fields missing: left out
      const f: Partial<FieldsOf<typeof mcfgAllocation.layout>> = fieldsOf(mcfgAllocation, n);
      if (f.base_address === undefined || f.segment === undefined || f.start_bus === undefined || f.end_bus === undefined) return;
      of(Number(f.segment)).ecam.push({
        path: `MCFG.allocation[${i}]`,
        base: BigInt(f.base_address),
        startBus: Number(f.start_bus),
        endBus: Number(f.end_bus),
      });
    });
  // host bridges: a set of one machine's (one DSDT), each present, with its segment and buses known
  if (set.tables.filter((e) => e.table.signature === 'DSDT').length === 1) {
    const { blocks } = aml;
    for (const d of devicesOf(aml.aml.namespace)) {
      if (d.absent || !hasId(d, ...HOST_BRIDGE_IDS)) continue;
      const bus = busRange(d);
      const seg = d.seg === undefined ? 0n : d.seg.is === 'constant' ? d.seg.value & 0xffffn : undefined;
      if (!bus || seg === undefined) continue;
      of(Number(seg)).bridges.push({
        path: objectPath(blocks, d.object.table, d.path),
        startBus: bus.start,
        endBus: bus.end,
        windows: memoryWindows(d).map(({ base, size }) => ({ base, size })),
      });
    }
  }
  for (const iort of set.tables.filter((e) => e.table.signature === 'IORT')) {
    const paths = nodePathsOf(iort);
    const items = iort.table.items ?? [];
    const nodes = new Nodes(new Map(items.filter((n) => n.at !== undefined).map((n) => [n.at!, n] as const)), (reason) => {
      throw new Stopped(reason);
    });
    for (const n of items) {
      if (n.fields.type !== IORT_ROOT_COMPLEX || n.fields.pci_segment === undefined) continue;
      const rc = { path: paths.get(n) ?? 'IORT', routes: [] as PciRoute[], unreadable: undefined as string | undefined };
      try {
        rc.routes = routesOf(n, nodes, paths);
      } catch (e) {
        if (!(e instanceof Stopped)) throw e;
        rc.unreadable = e.message;
      }
      of(Number(n.fields.pci_segment)).rootComplexes.push(rc.unreadable === undefined ? { path: rc.path, routes: rc.routes } : rc);
    }
  }
  return [...segments.values()].sort((a, b) => a.segment - b.segment);
}
