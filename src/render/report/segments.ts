// The report's PCI segments (in the IORT section): one table per side, a segment a row group — its
// ECAM windows and buses (MCFG), its host bridges with their buses and memory windows (DSDT/SSDTs),
// and its root complexes' requester IDs through the SMMUs (StreamIDs) to the ITS groups
// (DeviceIDs). Each part links to the dump line that describes it.
import { pciSegments, type PciSegment } from '../../tables/registry.js';
import { setAml } from '../../aml/set.js';
import { allEntries } from '../../model/tableset.js';
import type { Dumps } from './dumps.js';
import { esc } from './html.js';

const h = (v: bigint | number) => '0x' + v.toString(16).toUpperCase();
const span = (a: bigint | number, b: bigint | number) => (a === b ? h(a) : `${h(a)}-${h(b)}`);

/** The PCI segments of one side, as a table; empty when the side describes none. */
export function segmentsTable(d: Dumps, side: number): string {
  const set = d.sides[side].set;
  const segments: PciSegment[] = pciSegments(set, setAml(set));
  if (!segments.length) return '';
  const files = new Map(allEntries(set).map((e) => [e.table.signature, e.source]));
  // a part's path names its table first (MCFG.allocation[0], DSDT.\_SB.PCI0, IORT.smmu_v3[0])
  const linked = (path: string, text = path) => {
    const sig = path.slice(0, path.indexOf('.'));
    const href = d.link(side, sig, { path, file: files.get(sig) });
    return href ? `<a href="${esc(href)}">${esc(text)}</a>` : esc(text);
  };
  const rows = segments.map((s) => {
    const ecam = s.ecam.map((e) => `${linked(e.path)} ${h(e.base)}, buses ${span(e.startBus, e.endBus)}`).join('<br>') || '<span class="muted">none</span>';
    const bridges =
      s.bridges
        .map(
          (b) =>
            `${linked(b.path)} buses ${span(b.startBus, b.endBus)}` +
            `${b.windows.length ? `; windows ${b.windows.map((w) => span(w.base, w.base + w.size - 1n)).join(', ')}` : ''}`,
        )
        .join('<br>') || '<span class="muted">none</span>';
    const routes =
      s.rootComplexes
        .map((rc) => {
          if (rc.unreadable !== undefined) return `${linked(rc.path)}: ${esc(rc.unreadable)}`;
          const lines = rc.routes.map(
            (r) =>
              `RIDs ${span(r.rids[0], r.rids[1])}` +
              (r.smmu ? ` → ${linked(r.smmu.path)} StreamIDs ${span(r.smmu.streamIds[0], r.smmu.streamIds[1])}` : '') +
              ` → ${r.its ? `${linked(r.its.path)} DeviceIDs ${span(r.its.deviceIds[0], r.its.deviceIds[1])}` : 'no ITS group (no MSI)'}`,
          );
          return `${linked(rc.path)}<br>${lines.join('<br>')}`;
        })
        .join('<br>') || '<span class="muted">none</span>';
    return `<tr><td>${s.segment}</td><td>${ecam}</td><td>${bridges}</td><td>${routes}</td></tr>`;
  });
  return (
    `<h3>PCI segments</h3><table class="grid segments"><thead><tr><th>Segment</th><th>ECAM (MCFG)</th><th>Host bridges ` +
    `(DSDT/SSDT)</th><th>Requester IDs (IORT)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}
