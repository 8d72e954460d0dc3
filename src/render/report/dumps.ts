// #tables: each input's RSDP → XSDT → tables tree (FADT → DSDT/FACS), every table opening into its
// dump as `dump` prints it; and the links into those dumps. A picture, finding or diff line asks for
// a field (by path, else byte offset) and gets the id of the dump line showing it; only lines asked
// for carry an id, so a 512-CPU MADT's dump costs its text and little more.
import type { Finding } from '../../layout/diagnostics.js';
import { hex } from '../../layout/diagnostics.js';
import type { EfiPart, TableEntry, TableSet } from '../../model/set.js';
import { allEntries, resolveLinks } from '../../model/tableset.js';
import { describeSignature, hasChecksumFault, tableRevision } from '../../tables/registry.js';
import { EFI_PARTS } from '../../efi/tables.js';
import { tableKeys } from '../../diff/set.js';
import { dumpEfiLines, dumpTableLines, type DumpLine } from '../text.js';
import { esc } from './html.js';

/** One input of the report. */
export interface Side {
  /** the input as given */
  name: string;
  set: TableSet;
  /** check's findings on it */
  findings: Finding[];
}

interface Dumped {
  id: string;
  /** the table's key (a signature; SSDT[…] and #n for repeats); an EFI part's structure name */
  key: string;
  entry?: TableEntry;
  efi?: EfiPart;
  lines: DumpLine[];
  /** the first line of each item (APIC.gicc[3]) and list element, and of each field outside every
   * item: worked out when a link first names a path in the table */
  byPath?: Map<string, number>;
  /** each byte offset a line starts at, in order, and the first line at it: worked out when a link
   * first names an offset */
  offsets?: { at: Int32Array; line: Int32Array };
  /** lines a link points at */
  targets: Set<number>;
}

function pathsOf(d: Dumped): Map<string, number> {
  if (d.byPath) return d.byPath;
  const byPath = new Map<string, number>();
  const lines = d.lines;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.starts) for (const p of l.starts) if (!byPath.has(p)) byPath.set(p, i);
    // a field outside every item, and an element of a list (SLIT.row[2]); a field of an item is found from the item's line
    const p = l.path;
    if (p !== undefined && (p.charCodeAt(p.length - 1) === 93 || !p.includes('[')) && !byPath.has(p)) byPath.set(p, i);
  }
  return (d.byPath = byPath);
}

function offsetsOf(d: Dumped): { at: Int32Array; line: Int32Array } {
  if (d.offsets) return d.offsets;
  const pairs: number[] = [];
  let last = -1;
  let sorted = true;
  d.lines.forEach((l, i) => {
    if (l.offset !== undefined && l.offset !== last) {
      if (l.offset < last) sorted = false;
      last = l.offset;
      pairs.push(l.offset, i);
    }
  });
  let order = Array.from({ length: pairs.length / 2 }, (_x, k) => k);
  // lines out of offset order (a table's parts placed by their offsets): the first at each offset
  if (!sorted)
    order = order
      .sort((x, y) => pairs[2 * x] - pairs[2 * y] || pairs[2 * x + 1] - pairs[2 * y + 1])
      .filter((k, j, all) => !j || pairs[2 * all[j - 1]] !== pairs[2 * k]);
  const at = new Int32Array(order.length);
  const line = new Int32Array(order.length);
  order.forEach((k, j) => {
    at[j] = pairs[2 * k];
    line[j] = pairs[2 * k + 1];
  });
  return (d.offsets = { at, line });
}

/** The line of a field: by the index, else from the first line of the innermost item the path is
 * in (APIC.gicc[3] for APIC.gicc[3].flags.enabled), reading on while the lines are that item's. */
function lineOf(d: Dumped, path: string): number | undefined {
  const byPath = pathsOf(d);
  const known = byPath.get(path);
  if (known !== undefined) return known;
  for (let cut = path.lastIndexOf(']'); cut > 0; cut = path.lastIndexOf(']', cut - 1)) {
    const item = path.slice(0, cut + 1);
    const from = byPath.get(item);
    if (from === undefined) continue;
    for (let i = from; i < d.lines.length; i++) {
      const p = d.lines[i].path;
      if (p === path) return i;
      if (p !== undefined && p !== item && !p.startsWith(`${item}.`)) return undefined;
    }
    return undefined;
  }
  return undefined;
}

const dumped = (id: string, key: string, lines: DumpLine[], what: { entry?: TableEntry; efi?: EfiPart }): Dumped => ({
  id,
  key,
  ...what,
  lines,
  targets: new Set(),
});

/** The dumps of every side, and links into them. */
export class Dumps {
  private readonly tables: Dumped[][];

  constructor(readonly sides: Side[]) {
    this.tables = sides.map((s, i) => {
      const entries = allEntries(s.set);
      const keys = tableKeys(entries);
      const out = entries.map((e, k) => dumped(`s${i}-t${k}`, keys.get(e)!, dumpTableLines(e), { entry: e }));
      (s.set.efi ?? []).forEach((p, k) => out.push(dumped(`s${i}-e${k}`, EFI_PARTS[p.kind].name, dumpEfiLines(p), { efi: p })));
      return out;
    });
  }

  /** The table of a side with this key, or this signature (the one read from `file` when several are). */
  private find(side: number, table: string, file?: string): Dumped | undefined {
    const all = this.tables[side] ?? [];
    const byKey = all.find((d) => d.key === table);
    if (byKey) return byKey;
    const bySig = all.filter((d) => d.entry?.table.signature === table);
    return bySig.find((d) => d.entry?.source === file) ?? bySig[0];
  }

  /** The key of the table a diff path starts with ("SSDT[CPUS].…" → "SSDT[CPUS]"), on either side. */
  keyOf(path: string): string | undefined {
    let best: string | undefined;
    for (const side of this.tables)
      for (const d of side) if ((path === d.key || path.startsWith(`${d.key}.`)) && d.key.length > (best?.length ?? 0)) best = d.key;
    return best;
  }

  /** A link (#id) to the dump line showing a field, or an item's first line: by path, else by the
   * byte offset (the line at it, or the last before it), else the table; undefined when the side
   * has no such table. A struct's path (a GAS) finds its first field by offset. */
  link(side: number, table: string, where: { path?: string; offset?: number; file?: string }): string | undefined {
    const d = this.find(side, table, where.file);
    if (!d) return undefined;
    let line = where.path ? lineOf(d, where.path) : undefined;
    if (line === undefined && where.offset !== undefined) {
      const { at, line: first } = offsetsOf(d);
      let lo = 0;
      let hi = at.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (at[mid] <= where.offset) lo = mid + 1;
        else hi = mid - 1;
      }
      if (hi >= 0) line = first[hi];
    }
    if (line === undefined) return `#${d.id}`;
    d.targets.add(line);
    return `#${d.id}-L${line}`;
  }

  /** #tables for one side: the tree from the RSDP, the tables nothing points at after it. */
  render(side: number): string {
    const set = this.sides[side].set;
    const mine = this.tables[side];
    const byEntry = new Map(mine.filter((d) => d.entry).map((d) => [d.entry!, d] as const));
    const children = new Map<TableEntry, { from: string; to: TableEntry }[]>();
    for (const l of resolveLinks(set)) if (l.to) children.set(l.source, [...(children.get(l.source) ?? []), { from: l.from, to: l.to }]);
    const shown = new Set<TableEntry>();
    const item = (e: TableEntry, via?: string): string => {
      const d = byEntry.get(e)!;
      if (shown.has(e))
        return (
          `<li data-sig="${esc(e.table.signature)}"><a href="#${d.id}">${esc(d.key)}</a> <span ` +
          `class="muted">(above${via ? `, also via ${esc(via)}` : ''})</span></li>`
        );
      shown.add(e);
      const kids = (children.get(e) ?? []).map((c) => item(c.to, c.from)).join('');
      return `<li data-sig="${esc(e.table.signature)}">${this.table(d, via)}${kids ? `<ul>${kids}</ul>` : ''}</li>`;
    };
    const root = set.rsdp ?? undefined;
    const tree = root ? item(root) : '';
    const rest = allEntries(set).filter((e) => !shown.has(e));
    const efi = mine.filter((d) => d.efi);
    const parts = [
      `<h3>${esc(this.sides[side].name)}</h3>`,
      `<p class="muted">${allEntries(set).length} table(s)${set.efi?.length ? `, ${set.efi.length} EFI structure(s)` : ''}; each opens into its dump.</p>`,
      tree ? `<div class="tree"><ul>${tree}</ul></div>` : '',
      rest.length
        ? `<h3>${root ? 'Not reached from the RSDP' : 'Tables (the input gives no RSDP)'}</h3><div ` +
          `class="tree"><ul>${rest.map((e) => item(e)).join('')}</ul></div>`
        : '',
      efi.length ? `<h3>EFI structures</h3><div class="tree"><ul>${efi.map((d) => `<li data-sig="EFI">${this.table(d)}</li>`).join('')}</ul></div>` : '',
    ];
    return parts.join('');
  }

  private table(d: Dumped, via?: string): string {
    const facts: string[] = [];
    let name: string;
    if (d.entry) {
      const e = d.entry;
      const desc = describeSignature(e.table.signature);
      name = `${d.key}${desc ? ` — ${desc}` : ''}`;
      facts.push(e.address === undefined ? 'no address' : `@${hex(e.address)}`, `${e.bytes.length} bytes`, `revision ${tableRevision(e.table)}`);
      facts.push(hasChecksumFault(e.table) ? '<span class="bad">checksum wrong</span>' : '<span class="ok">checksum ok</span>');
    } else {
      const p = d.efi!;
      name = EFI_PARTS[p.kind].label;
      facts.push(p.address === undefined ? 'no address' : `@${hex(p.address)}`, `${p.bytes.length} bytes`);
    }
    if (via) facts.push(`<span class="muted">via ${esc(via)}</span>`);
    // each line escaped on its own (a line end inside one is shown, not obeyed: markup.ts)
    const run = (from: number, to: number) => {
      let s = esc(d.lines[from].text);
      for (let i = from + 1; i < to; i++) s += `\n${esc(d.lines[i].text)}`;
      return s;
    };
    const parts: string[] = [];
    let at = 0;
    for (const i of [...d.targets].sort((x, y) => x - y)) {
      if (i > at) parts.push(run(at, i));
      parts.push(`<span id="${d.id}-L${i}">${esc(d.lines[i].text)}</span>`);
      at = i + 1;
    }
    if (at < d.lines.length) parts.push(run(at, d.lines.length));
    const body = parts.join('\n');
    return (
      `<details id="${d.id}"><summary><b>${esc(name)}</b> · ` +
      `${facts.map((f) => (f.startsWith('<') ? f : esc(f))).join(' · ')}</summary><pre>${body}</pre></details>`
    );
  }
}
