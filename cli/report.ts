// What `report` and `build` share: each input checked (check's codes, with --dom0/--xen-host when
// asked), the diff of two, Graphviz loaded only when a graph is drawn, and the page made.
import { checkTables, catalogued } from '../src/check/index.js';
import { diffTables } from '../src/diff/set.js';
import type { Finding } from '../src/layout/diagnostics.js';
import type { TableSet } from '../src/model/set.js';
import type { XenRelease } from '../src/model/xen.js';
import { renderReport, needsLayout, type GraphLayout, type Side } from '../src/render/report/index.js';
import { VERSION } from './version.js';

export interface ReportSource {
  name: string;
  set: TableSet;
  /** what reading it found (malformed tables are findings here, as in check) */
  read: Finding[];
  /** add the dom0 consumer rules (a build's dom0 side, or report --dom0) */
  dom0?: boolean;
}

/** Graphviz compiled to WebAssembly: loaded on first use (the bundle keeps it in a file of its own,
 * dist/graphviz.cjs, so no other command pays for it). */
let graphviz: Promise<GraphLayout> | undefined;
const layout = () => (graphviz ??= import('@viz-js/viz').then((m) => m.instance()));

export async function makeReport(sources: ReportSource[], opts: { xenHost?: XenRelease; checked: string }): Promise<string> {
  const sides: Side[] = sources.map((s) => ({
    name: s.name,
    set: s.set,
    findings: [...catalogued(s.read), ...checkTables(s.set, { dom0: s.dom0, xenHost: opts.xenHost })],
  }));
  const changes = sides.length === 2 ? diffTables(sides[0].set, sides[1].set) : undefined;
  return renderReport({ sides, changes, checked: opts.checked, tool: `dom0-acpi ${VERSION}` }, needsLayout(sides) ? await layout() : undefined);
}
