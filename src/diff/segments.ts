// The PCI segments' composed routes compared: for each segment whose IORT root complex both sides
// have, where its requester IDs end (through the SMMUs, at which ITS group and DeviceIDs), keyed by
// segment — the effect of IORT edits that the node-by-node diff shows only as mappings (and the
// change --hide-smmu makes while keeping every DeviceID).
import { pciSegments, type PciRoute } from '../tables/registry.js';
import { setAml } from '../aml/set.js';
import type { TableSet } from '../model/tableset.js';
import type { Change } from './table.js';

const h = (v: number) => '0x' + v.toString(16).toUpperCase();
const span = ([a, b]: [number, number]) => (a === b ? h(a) : `${h(a)}-${h(b)}`);

/** A segment's routes on one line, in words (the diff's own arrow stands between old and new):
 * "RIDs 0x0-0xFF via smmu_v3[0] StreamIDs 0x0-0xFF to its_group[0] DeviceIDs 0x0-0xFF; …". */
const routesText = (routes: PciRoute[]) =>
  routes
    .map(
      (r) =>
        `RIDs ${span(r.rids)}${r.smmu ? ` via ${r.smmu.path.replace(/^IORT\./, '')} StreamIDs ${span(r.smmu.streamIds)}` : ''} to ` +
        `${r.its ? `${r.its.path.replace(/^IORT\./, '')} DeviceIDs ${span(r.its.deviceIds)}` : 'no ITS group'}`,
    )
    .join('; ');

/** Where each run of requester IDs ends, without the SMMUs it passes: what decides a device's MSIs. */
const endsText = (routes: PciRoute[]) => routes.map((r) => `${span(r.rids)}→${r.its ? `${r.its.path}:${span(r.its.deviceIds)}` : '-'}`).join(',');

export function diffSegments(a: TableSet, b: TableSet, selected: (key: string) => boolean): Change[] {
  if (!selected('IORT')) return [];
  const [sa, sb] = [pciSegments(a, setAml(a)), pciSegments(b, setAml(b))];
  const out: Change[] = [];
  for (const x of sa) {
    const y = sb.find((s) => s.segment === x.segment);
    const [rx, ry] = [x.rootComplexes[0], y?.rootComplexes[0]];
    if (!rx || !ry || rx.unreadable !== undefined || ry.unreadable !== undefined) continue;
    const [old, now] = [routesText(rx.routes), routesText(ry.routes)];
    if (old === now) continue;
    const same = endsText(rx.routes) === endsText(ry.routes);
    out.push({
      path: `IORT.pci_segment[${x.segment}].routes`,
      kind: 'changed',
      old,
      new: now,
      seat: { old: rx.path, new: ry.path },
      ...(same ? { note: 'every requester ID still ends at the same ITS group and DeviceID' } : {}),
    });
  }
  return out;
}
