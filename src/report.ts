// A report page made from table sets, as `report` and `build` make it, and as the library makes
// it: each input checked (check's codes, with the dom0 rules and --xen-host's when asked), the diff
// of two, Graphviz loaded only when a graph is drawn, and the page made.
import { checkTables, catalogued } from './check/index.js';
import { diffTables } from './diff/set.js';
import type { Finding } from './layout/diagnostics.js';
import type { TableSet } from './model/set.js';
import type { XenRelease } from './model/xen.js';
import { renderReport, needsLayout, type GraphLayout, type Side } from './render/report/index.js';

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

export interface ReportOptions {
  /** judge each host set for this Xen release too (check --xen-host) */
  xenHost?: XenRelease;
  /** how the page says the inputs were checked ("checked with --dom0") */
  checked: string;
  /** the tool the page says made it (default "dom0-acpi") */
  tool?: string;
}

/** One self-contained HTML page (the report): one source, or two compared side by side. */
export async function makeReport(sources: ReportSource[], opts: ReportOptions): Promise<string> {
  const sides: Side[] = sources.map((s) => ({
    name: s.name,
    set: s.set,
    findings: [...catalogued(s.read), ...checkTables(s.set, { dom0: s.dom0, xenHost: opts.xenHost })],
  }));
  const changes = sides.length === 2 ? diffTables(sides[0].set, sides[1].set) : undefined;
  return renderReport({ sides, changes, checked: opts.checked, tool: opts.tool ?? 'dom0-acpi' }, needsLayout(sides) ? await layout() : undefined);
}
