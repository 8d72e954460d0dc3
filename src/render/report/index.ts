// `report`: one self-contained HTML file of one input, or of two side by side with their diff. Every
// part is a <section id> (tables, address-map, iort, topology, findings, diff) that tests find it by;
// pictures are drawn here, when the report is made, so the page reads without its script.
import type { Severity } from '../../layout/diagnostics.js';
import type { Change } from '../../diff/table.js';
import type { Json } from '../../layout/values.js';
import type { PerCpuPicture, Picture, PictureSection } from '../../model/picture.js';
import type { AcpiTable, TableEntry } from '../../model/set.js';
import { allEntries } from '../../model/tableset.js';
import { defOf } from '../../tables/registry.js';
import { Dumps, type Side } from './dumps.js';
import { addressMap, addressLegend } from './address-map.js';
import { drawGraph, type GraphLayout } from './graph.js';
import { drawCpus, drawDomains, drawMatrix, drawNamespace, drawPerCpu, drawTree } from './pictures.js';
import { Colours, esc, legend, page, section, sides } from './html.js';
import { segmentsTable } from './segments.js';

export type { Side } from './dumps.js';
export type { GraphLayout } from './graph.js';

export interface ReportInput {
  /** one input, or two (the first the old side of the diff: a host, then its dom0 build) */
  sides: Side[];
  /** the diff from the first side to the second */
  changes?: Change[];
  /** the check that made the findings, as a command line ("check --dom0") */
  checked: string;
  /** the tool and version that made it */
  tool: string;
}

const NAV: [string, string][] = [
  ['tables', 'Tables'],
  ['address-map', 'Address map'],
  ['iort', 'IORT'],
  ['topology', 'Topology'],
  ['namespace', 'Namespace'],
  ['findings', 'Findings'],
  ['diff', 'Diff'],
];

/** What a table declares to be drawn, worked out once per decoded table (a table the host and
 * dom0 share is drawn on both sides from one result). */
const declared = new WeakMap<AcpiTable, Picture[]>();
function picturesOfEntry(e: TableEntry): Picture[] {
  let p = declared.get(e.table);
  if (!p) declared.set(e.table, (p = defOf(e.table).pictures?.(e) ?? []));
  return p;
}

/** The pictures the tables of one side declare for a section. */
function picturesOf(d: Dumps, side: number, where: PictureSection): { sig: string; file: string; p: Picture }[] {
  return allEntries(d.sides[side].set).flatMap((e) =>
    picturesOfEntry(e)
      .filter((p) => p.section === where)
      .map((p) => ({ sig: e.table.signature, file: e.source, p })),
  );
}

/** Pictures in one order whatever the tables' order: the CPUs joined, graphs, trees, CPU grids, domains, matrices. */
const ORDER: Picture['kind'][] = ['per-cpu', 'graph', 'tree', 'cpus', 'domains', 'matrix', 'namespace'];

function drawPictures(d: Dumps, side: number, where: PictureSection, layout: GraphLayout | undefined, colours: Colours, none: string): string {
  const all = picturesOf(d, side, where).sort((x, y) => ORDER.indexOf(x.p.kind) - ORDER.indexOf(y.p.kind));
  const perCpu = all.filter((x): x is typeof x & { p: PerCpuPicture } => x.p.kind === 'per-cpu').sort((x, y) => x.p.rank - y.p.rank);
  const list = all.filter((x): x is typeof x & { p: Exclude<Picture, PerCpuPicture> } => x.p.kind !== 'per-cpu');
  const joined = perCpu.length ? drawPerCpu(perCpu.map(({ sig, file, p }) => ({ p, link: (path: string) => d.link(side, sig, { path, file }) }))) : '';
  const body = list.map(({ sig, file, p }) => {
    const link = (path: string) => d.link(side, sig, { path, file });
    const drawn =
      p.kind === 'graph'
        ? `<figure>${layout ? drawGraph(p, layout, `data-${where}-node`, colours, link) : ''}</figure>`
        : p.kind === 'tree'
          ? drawTree(p, link)
          : p.kind === 'cpus'
            ? drawCpus(p, link)
            : p.kind === 'domains'
              ? drawDomains(p, link)
              : p.kind === 'namespace'
                ? drawNamespace(p, link)
                : drawMatrix(p, link);
    return `<h4>${esc(p.title)}</h4>${drawn}`;
  });
  return `<h3>${esc(d.sides[side].name)}</h3>${joined + body.join('') || `<p class="muted">${esc(none)}</p>`}`;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function findingsSection(d: Dumps, checked: string): string {
  const rows: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  d.sides.forEach((s, side) => {
    const sorted = [...s.findings].sort((x, y) => RANK[x.severity] - RANK[y.severity]);
    for (const f of sorted) {
      counts[f.severity]++;
      const href = f.table ? d.link(side, f.table, { path: f.path || undefined, offset: f.offset, file: f.file }) : undefined;
      const where = f.path || f.table || f.file || '(input)';
      rows.push(
        `<tr data-sev="${f.severity}">${d.sides.length > 1 ? `<td>${esc(s.name)}</td>` : ''}<td class="sev sev-${f.severity}">${f.severity}` +
          `</td><td><code>${esc(f.code)}` +
          `</code></td><td>${href ? `<a href="${esc(href)}" data-finding="${esc(f.code)}">${esc(where)}</a>` : esc(where)}` +
          `${f.offset !== undefined ? ` <span class="muted">@0x${f.offset.toString(16).toUpperCase()}</span>` : ''}` +
          `</td><td>${esc(f.message)}${f.baselined ? ' <span class="muted">(in the baseline)</span>' : ''}</td></tr>`,
      );
    }
  });
  const filters = `<div class="filters" role="group" aria-label="show findings of severity">${(['error', 'warning', 'info'] as const)
    .map((s) => `<label><input type="checkbox" data-sev="${s}" checked> ${s} (${counts[s]})</label>`)
    .join('')}</div>`;
  const head = `<tr>${d.sides.length > 1 ? '<th>Input</th>' : ''}<th>Severity</th><th>Code</th><th>Field</th><th>What a consumer does with it</th></tr>`;
  return (
    `<p class="muted">From <code>${esc(checked)}</code>: each finding links to its field's dump line (docs/checks.md names the consumers of every code).</p>` +
    (rows.length ? `${filters}<table class="grid findings"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>` : '<p class="ok">No findings.</p>')
  );
}

const SIGN = { added: '+', removed: '−', changed: '~' } as const;
const shown = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** How many of an added or removed item's fields its summary names. */
const ITEM_FIELDS = 6;
const num = (v: Json) => (typeof v === 'number' ? `0x${v.toString(16).toUpperCase()}` : typeof v === 'string' ? v : String(v));

/** An added or removed item in a line: its first fields by name (an address for a GAS, a count for
 * a list), leaving out what follows from the rest (lengths, offsets) and reserved bytes; the rest
 * counted. The whole item is its dump's, a link away. */
function itemSummary(v: Json | undefined): string {
  if (v === undefined || v === null || typeof v !== 'object' || Array.isArray(v)) return shown(v).slice(0, 300);
  const named: string[] = [];
  let rest = 0;
  for (const [k, x] of Object.entries(v)) {
    if (/^reserved|^length$|_offset$/.test(k)) continue;
    const text = Array.isArray(x)
      ? `${x.length} item${x.length === 1 ? '' : 's'}`
      : x !== null && typeof x === 'object'
        ? 'address' in x
          ? num(x.address)
          : `${Object.keys(x).length} fields`
        : num(x);
    if (named.length < ITEM_FIELDS) named.push(`${k} ${text}`);
    else rest++;
  }
  return named.join(' · ') + (rest ? ` · +${rest} more field${rest === 1 ? '' : 's'}` : '');
}

function diffSection(d: Dumps, changes: Change[] | undefined): string {
  if (d.sides.length < 2 || !changes) return '<p class="muted">Give two inputs (or build, which compares the host with its dom0 set) for a diff.</p>';
  if (!changes.length) return `<p class="ok">${esc(d.sides[0].name)} and ${esc(d.sides[1].name)}: no differences.</p>`;
  const rows = changes.map((c) => {
    const key = d.keyOf(c.path) ?? c.path.split('.')[0];
    const whole = c.path === key;
    // each side's line by the change's path there (items numbered as dump numbers them), else its offset
    const side = (i: 0 | 1, path: string | undefined, offset: number | undefined) => {
      const has = i === 0 ? c.kind !== 'added' : c.kind !== 'removed';
      if (!has) return '';
      const href = d.link(i, key, whole ? {} : { path, offset: offset ?? 0 });
      return href ? `<a href="${esc(href)}">${i === 0 ? 'old' : 'new'}</a>` : '';
    };
    const old = c.text?.old ?? (c.kind === 'removed' ? itemSummary(c.old) : shown(c.old));
    const now = c.text?.new ?? (c.kind === 'added' ? itemSummary(c.new) : shown(c.new));
    const tags = [c.derived ? 'derived' : '', c.pointer ? 'address' : '', c.note ?? ''].filter(Boolean).join('; ');
    return (
      `<tr class="${c.kind}"><td class="sign" aria-label="${c.kind}">${SIGN[c.kind]}</td><td><code>${esc(c.path)}` +
      `</code>${tags ? ` <span class="muted">(${esc(tags)})</span>` : ''}</td><td ` +
      `class="old">${esc(whole && c.kind === 'removed' ? 'table removed' : old.slice(0, 300))}</td><td ` +
      `class="new">${esc(whole && c.kind === 'added' ? 'table added' : now.slice(0, 300))}` +
      `</td><td>${[side(0, c.seat?.old, c.at?.old), side(1, c.seat?.new, c.at?.new)].filter(Boolean).join(' ')}</td></tr>`
    );
  });
  return (
    `<p>${changes.length} change(s) from <b>${esc(d.sides[0].name)}</b> to <b>${esc(d.sides[1].name)}</b>; items pair by their declared ` +
    `keys (GICCs by MPIDR), so a trimmed MADT shows removed CPUs.</p>` +
    legend([
      ['+ added', '#009E73'],
      ['− removed', '#D55E00'],
      ['~ changed', '#0072B2'],
    ]) +
    `<table class="grid diff"><colgroup><col class="sign"><col class="path"><col><col><col ` +
    `class="dump"></colgroup><thead><tr><th></th><th>Field</th><th>Old</th><th>New</th><th>Dump</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

/** Whether a report of these inputs draws a graph (and so needs Graphviz loaded). */
export const needsLayout = (list: Side[]): boolean => list.some((s) => allEntries(s.set).some((e) => picturesOfEntry(e).some((p) => p.kind === 'graph')));

/** The report as one HTML document; `layout` is Graphviz, when needsLayout() says a graph is drawn. */
export function renderReport(r: ReportInput, layout?: GraphLayout): string {
  const d = new Dumps(r.sides);
  const n = r.sides.length;
  const each = (f: (side: number) => string) => sides(r.sides.map((_, i) => `<div>${f(i)}</div>`));
  const regionColours = new Colours();
  const nodeColours = new Colours();
  // the dumps last: the other sections ask for the lines they link to
  const map = addressMap(d, regionColours);
  const iort = each((i) => drawPictures(d, i, 'iort', layout, nodeColours, 'The input has no IORT.') + segmentsTable(d, i));
  const topology = each((i) => drawPictures(d, i, 'topology', layout, nodeColours, 'The input has no PPTT, GICC, SRAT or SLIT to draw.'));
  const namespace = each((i) => drawPictures(d, i, 'namespace', layout, nodeColours, 'The input has no DSDT or SSDT.'));
  const findings = findingsSection(d, r.checked);
  const diff = diffSection(d, r.changes);
  const tables =
    `<div class="filters"><label>Show tables whose signature holds <input id="table-filter" type="search" size="8" ` +
    `aria-label="filter tables by signature"></label></div>${each((i) => d.render(i))}`;
  const body = [
    section('tables', 'Tables', tables),
    section('address-map', 'Address map', `${addressLegend(regionColours)}${map}`),
    section('iort', 'IORT: who maps IDs to whom, and the PCI segments', `${nodeColours.entries().length ? legend(nodeColours.entries()) : ''}${iort}`),
    section('topology', 'Topology', topology),
    section('namespace', 'Namespace: what the DSDT and SSDTs declare', namespace),
    section('findings', 'Findings', findings),
    section('diff', 'Diff', diff),
  ].join('\n');
  const title = n > 1 ? `${r.sides[0].name} → ${r.sides[1].name}` : r.sides[0].name;
  return page(`ACPI report: ${title}`, `Made by ${r.tool}; pictures drawn when it was made; nothing here is fetched.`, NAV, body);
}
