// #address-map: the physical address space as the tables describe it. A 48-bit space is mostly
// empty, so the scale is broken: every address where a region starts or ends is a mark on the axis,
// each stretch between two marks gets a height that grows with the logarithm of its size (a 4 KiB
// UART and a 256 GiB ECAM window both read), and a stretch no region covers is drawn as a short break
// saying how much is left out. Every region's start is labelled on the axis. Two inputs (a diff, a
// build's host and dom0) share one SVG and one axis, side by side, so an address is at one height in
// both. Columns: RAM by node (and what a capture holds), the EFI memory map and dom0's region (a build
// output), the tables' own bytes, and every MMIO region a declaration names, coloured by the table
// naming it. Overlaps are check's (its REGION_ findings on that input), hatched and listed.
import { hex } from '../../layout/diagnostics.js';
import type { TableEntry } from '../../model/set.js';
import { allEntries } from '../../model/tableset.js';
import { defOf } from '../../tables/registry.js';
import { regionPath } from '../../model/rules.js';
import { decodeEfiPart, memoryTypeName, EFI_PAGE_SIZE } from '../../efi/tables.js';
import { Colours, esc, ink, legend, sides } from './html.js';
import { Heap } from '../../layout/heap.js';
import type { Finding } from '../../layout/diagnostics.js';
import type { Dumps } from './dumps.js';

type Column = 'RAM' | 'EFI map' | 'tables' | 'MMIO';
const COLUMNS: Column[] = ['RAM', 'EFI map', 'tables', 'MMIO'];

interface Band {
  base: bigint;
  end: bigint;
  label: string;
  column: Column;
  /** what colours it: the table naming it, the memory type, "RAM node 1" */
  colour: string;
  link?: string;
  /** regions folded into it (identical or back to back, of one kind) */
  count: number;
  /** the same field of items of one type ("APIC.gicc[].gicr_base_address (GICR)"), for folding */
  kind: string;
  faded?: string;
  /** the field paths of the regions folded into it, as check names them in its findings */
  paths: string[];
  lane?: number;
  overlaps?: boolean;
}

const size = (n: bigint) => {
  for (const [unit, shift] of [
    ['TiB', 40n],
    ['GiB', 30n],
    ['MiB', 20n],
    ['KiB', 10n],
  ] as const)
    if (n >= 1n << shift) {
      const v = Number((n * 100n) >> shift) / 100;
      return `${v % 1 ? v.toFixed(2).replace(/0$/, '') : v} ${unit}`;
    }
  return `${n} B`;
};

/** Every band of one input. */
function bands(side: number, dumps: Dumps, colours: Colours): Band[] {
  const set = dumps.sides[side].set;
  const out: Band[] = [];
  const add = (b: Omit<Band, 'count' | 'kind' | 'paths'> & { kind?: string; path?: string }) => {
    const { path, ...rest } = b;
    if (b.end > b.base) out.push({ count: 1, ...rest, kind: b.kind ?? b.label, paths: path ? [path] : [] });
  };
  const link = (e: TableEntry, what: string) => dumps.link(side, e.table.signature, { path: regionPath(what, e.table.signature), file: e.source });
  for (const e of allEntries(set)) {
    const def = defOf(e.table);
    const sig = e.table.signature;
    for (const r of def.regions?.(e.table, e) ?? []) {
      const what = r.what;
      add({
        base: r.base,
        end: r.base + r.size,
        label: r.memory ? `${what} (firmware memory)` : what,
        column: 'MMIO',
        colour: colours.of(sig),
        link: link(e, what),
        kind: what.replace(/\[\d+\]/g, '[]'),
        faded: r.unused,
        path: regionPath(what, sig),
      });
    }
    for (const r of def.ram?.(e.table) ?? [])
      add({
        base: r.base,
        end: r.base + r.size,
        label: r.what,
        column: 'RAM',
        colour: colours.of(`RAM ${/node \d+/.exec(r.what)?.[0] ?? ''}`.trim()),
        link: link(e, r.what),
        path: regionPath(r.what, sig),
      });
    if (e.address !== undefined)
      add({
        base: e.address,
        end: e.address + BigInt(e.bytes.length),
        label: sig,
        column: 'tables',
        colour: '#999999',
        link: dumps.link(side, sig, { file: e.source, path: `${sig}.@address` }),
        kind: 'table',
        path: sig,
      });
  }
  for (const m of set.memory ?? [])
    add({ base: m.base, end: m.base + m.size, label: 'memory the capture holds', column: 'RAM', colour: colours.of('captured memory'), kind: 'capture' });
  for (const p of set.efi ?? []) {
    if (p.kind !== 'memory-map') continue;
    const items = decodeEfiPart(p.kind, p.bytes).node.items ?? [];
    items.forEach((d, i) => {
      const start = BigInt(d.fields.physical_start as bigint);
      const type = memoryTypeName(Number(d.fields.type));
      add({
        base: start,
        end: start + BigInt(d.fields.number_of_pages as bigint) * EFI_PAGE_SIZE,
        label: `EFI ${type}`,
        column: 'EFI map',
        colour: colours.of(`EFI ${type}`),
        link: dumps.link(side, 'EFI_MMAP', { path: `EFI_MMAP.descriptor[${i}]` }),
        kind: `efi ${i}`,
      });
    });
  }
  const img = set.boot?.image;
  if (img)
    add({
      base: img.base,
      end: img.base + BigInt(img.bytes.length),
      label: 'the dom0 region (acpi.img)',
      column: 'EFI map',
      colour: colours.of('dom0 region'),
      kind: 'dom0',
    });
  return fold(out);
}

/** Identical regions of one kind (each GICC naming the banked GICV frame), and runs of them back to
 * back (per-CPU redistributors), drawn as one band. */
function fold(list: Band[]): Band[] {
  const sorted = [...list].sort((a, b) =>
    a.column !== b.column ? COLUMNS.indexOf(a.column) - COLUMNS.indexOf(b.column) : a.base < b.base ? -1 : a.base > b.base ? 1 : 0,
  );
  const out: Band[] = [];
  const lastOf = new Map<string, Band>();
  for (const b of sorted) {
    const key = `${b.column}|${b.kind}|${b.colour}`;
    const last = lastOf.get(key);
    const same = last !== undefined && last.base === b.base && last.end === b.end;
    const next = last !== undefined && b.column === 'MMIO' && b.kind.includes('[]') && b.base === last.end;
    if (last && (same || next)) {
      last.end = b.end;
      last.count++;
      for (const p of b.paths) last.paths.push(p);
      continue;
    }
    const mine = { ...b };
    out.push(mine);
    lastOf.set(key, mine);
  }
  for (const b of out) if (b.count > 1) b.label = `${b.kind} ×${b.count}`;
  return out;
}

/** The table a finding's other region belongs to, as check words it ("overlaps IORT's IORT.smmu_v3[0]
 * (SMMUv3) at …", "overlaps the MCFG table at …"), and that region's path. */
const OTHER = /overlaps (?:(?:[A-Z0-9_]{4})'s )?(?:the ([A-Z0-9_]{4}) table|(\S+))/;

/** Overlaps as check finds them (src/check/regions.ts, the one rule: its REGION_ findings on this
 * input, which it words as "<region> at … overlaps <other> at …"): each finding's two regions are
 * hatched, and the findings are the list under the map. */
function overlapsOf(list: Band[], findings: Finding[]): Finding[] {
  const mine = findings.filter((f) => f.code.startsWith('REGION_'));
  if (!mine.length) return mine;
  const named = new Set<string>();
  for (const f of mine) {
    named.add(f.path);
    const m = OTHER.exec(f.message);
    if (m) named.add(m[1] ?? m[2]);
  }
  for (const b of list) if (b.paths.some((p) => named.has(p))) b.overlaps = true;
  return mine;
}

/** Each band's lane inside its column: the first lane free at its base (the lowest-numbered lane
 * whose last band ended at or before it), found through two heaps rather than a scan of every lane:
 * the lanes in use by where they end, the free ones by number. The number of lanes per column. */
function placeLanes(byBase: Band[]): Map<Column, number> {
  const lanes = new Map<Column, { count: number; busy: Heap<{ end: bigint; lane: number }>; free: Heap<number> }>();
  for (const b of byBase) {
    let c = lanes.get(b.column);
    if (!c) lanes.set(b.column, (c = { count: 0, busy: new Heap((x, y) => x.end < y.end), free: new Heap((x, y) => x < y) }));
    while (c.busy.size && c.busy.peek()!.end <= b.base) c.free.push(c.busy.pop()!.lane);
    const lane = c.free.size ? c.free.pop()! : c.count++;
    c.busy.push({ end: b.end, lane });
    b.lane = lane;
  }
  return new Map([...lanes].map(([c, l]) => [c, l.count]));
}

/** The axis labels' width; the widest map at 1280 px wide (the page's 1240 px less a scroll bar):
 * drawn at its own size there, its text stays 11 px. */
const AXIS = 112;
const WIDTH = 1200;
const LANE_MAX = 210;
const LANE_MIN = 36;
const TABLE_LANE = 60;
/** the width of a character of its 11 px text (html.ts's style) */
const CHAR = 6.4;
/** the least distance between two labels on the axis */
const LABEL_H = 13;
/** an undescribed stretch smaller than this is a thin space, not a labelled break */
const SMALL_GAP = 0x10000n;
const GAP_H = 18;
const TOP = 44;

/** The height of a stretch of the axis: at least a line of text, growing with log2 of its size. */
const stretch = (n: bigint) => Math.min(64, Math.max(15, Math.round(6 + 2.4 * Math.log2(Math.max(1, Number(n) / 4096)))));

/** How many of check's overlap findings the list under a map shows. */
const LINES_SHOWN = 50;

/** The broken axis of every band drawn (both inputs' on one axis): a mark at every start and end,
 * each stretch between two marks as high as its size calls for when a band covers it, a short
 * break when none does. Every start is labelled: a start closer to the last label than a line of
 * text is moved down to make room (an end is labelled only where there is room). */
function axisOf(list: Band[], width: number): { ys: Map<bigint, number>; axis: string[]; height: number } {
  const marks = [...new Set(list.flatMap((b) => [b.base, b.end]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const starts = new Set(list.map((b) => b.base));
  // how many bands cover the stretch from each mark to the next: one sweep over where bands start and end
  const markAt = new Map(marks.map((m, i) => [m, i] as const));
  const covering = new Int32Array(marks.length + 1);
  for (const b of list) {
    covering[markAt.get(b.base)!]++;
    covering[markAt.get(b.end)!]--;
  }
  for (let i = 1; i < marks.length; i++) covering[i] += covering[i - 1];
  const ys = new Map<bigint, number>();
  let y = TOP;
  const axis: string[] = [];
  let lastLabel = -100;
  for (let i = 0; i < marks.length; i++) {
    if (starts.has(marks[i]) && y - lastLabel < LABEL_H) y = lastLabel + LABEL_H;
    ys.set(marks[i], y);
    if (y - lastLabel >= LABEL_H) {
      axis.push(
        `<text x="${AXIS - 6}" y="${y + 4}" text-anchor="end">${hex(marks[i])}</text><line x1="${AXIS - 3}" x2="${width}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      );
      lastLabel = y;
    }
    if (i === marks.length - 1) break;
    const from = marks[i];
    const to = marks[i + 1];
    if (covering[i] > 0) y += stretch(to - from);
    else if (to - from < SMALL_GAP) y += 4;
    else {
      axis.push(
        `<path d="M${AXIS - 10} ${y + 5} l6 -3 l6 6 l6 -6 l6 6 l6 -3" fill="none" stroke="#888"/><text x="${AXIS + 40}" ` +
          `y="${y + GAP_H / 2 + 4}" class="gap" fill="#666">${size(to - from)} not described</text>`,
      );
      y += GAP_H;
    }
  }
  return { ys, axis, height: y + 10 };
}

/** One band's box, its label inside when it fits, its full description as its title. */
function rectOf(b: Band, top: number, h: number, left: number, w: number): string {
  const text =
    `${b.label}: ${hex(b.base)}-${hex(b.end - 1n)} (${size(b.end - b.base)})${b.faded ? `; not mapped: ${b.faded}` : ''}` +
    `${b.overlaps ? '; overlaps another region' : ''}`;
  const chars = Math.floor((w - 6) / CHAR);
  const short = brief(b.label);
  const shown = short.length > chars ? `${short.slice(0, Math.max(0, chars - 1))}…` : short;
  const body =
    `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="${b.colour}" fill-opacity="${b.faded ? 0.25 : 0.85}" ` +
    `stroke="${b.overlaps ? '#D55E00' : '#333'}" stroke-width="${b.overlaps ? 2.5 : 0.6}"${b.faded ? ' stroke-dasharray="4 2"' : ''}/>` +
    (b.overlaps ? `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="url(#hatch)"/>` : '') +
    (h >= 13 && chars > 3 ? `<text x="${left + 3}" y="${top + Math.min(h / 2 + 4, 12)}" fill="${b.faded ? '#000' : ink(b.colour)}">${esc(shown)}</text>` : '');
  const title = `<title>${esc(text)}</title>`;
  return b.link ? `<a href="${esc(b.link)}" aria-label="${esc(text)}">${title}${body}</a>` : `<g>${title}${body}</g>`;
}

/** The list under a map: check's overlap findings, each linked to its region's line. */
function overlapList(side: number, dumps: Dumps, found: Finding[]): string {
  if (!found.length) return '<p class="muted">check finds no two regions that overlap.</p>';
  const items = found.slice(0, LINES_SHOWN).map((f) => {
    const href = dumps.link(side, f.table, { path: f.path, offset: f.offset, file: f.file });
    return (
      `<li><span class="sev sev-${f.severity}">${f.severity}</span> <code>${esc(f.code)}</code> ` +
      `${href ? `<a href="${esc(href)}">${esc(f.path)}</a>` : esc(f.path)}: ${esc(f.message)}</li>`
    );
  });
  const rest = found.length > LINES_SHOWN ? `<li>… and ${found.length - LINES_SHOWN} more (under Findings)</li>` : '';
  return `<p><b>${found.length} overlap(s)</b> as <code>check</code> finds them (hatched):</p><ul class="overlaps">${items.join('')}${rest}</ul>`;
}

/** The address maps of every input: one SVG, one axis, the inputs' columns side by side; under it
 * each input's overlaps. */
export function addressMap(dumps: Dumps, colours: Colours): string {
  const n = dumps.sides.length;
  const per = dumps.sides.map((_, side) => {
    const list = bands(side, dumps, colours);
    const byBase = [...list].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
    const found = overlapsOf(list, dumps.sides[side].findings);
    const lanes = placeLanes(byBase);
    return { list: byBase, found, lanes, columns: COLUMNS.filter((c) => lanes.has(c)) };
  });
  const all = per.flatMap((p) => p.list);
  const lists = sides(per.map((p, side) => `<div><h3>${esc(dumps.sides[side].name)}</h3>${p.list.length ? overlapList(side, dumps, p.found) : ''}</div>`));
  if (!all.length) return '<p class="muted">The input names no address: binary tables carry none, and no region or RAM is declared.</p>';
  // the tables' lanes hold a signature; every other lane is as wide as fits WIDTH
  const count = (c: Column | undefined) =>
    per.reduce((t, p) => t + [...p.lanes].reduce((x, [k, y]) => x + (c === undefined ? (k === 'tables' ? 0 : y) : k === c ? y : 0), 0), 0);
  const gaps = per.reduce((t, p) => t + p.columns.length * 8, 0) + (n - 1) * 24;
  const free = WIDTH - AXIS - 10 - gaps - count('tables') * TABLE_LANE;
  const wide = Math.max(LANE_MIN, Math.min(LANE_MAX, Math.floor(free / Math.max(1, count(undefined)))));
  const laneOf = (c: Column) => (c === 'tables' ? TABLE_LANE : wide);
  const x0 = per.map(() => new Map<Column, number>());
  const heads: string[] = [];
  let x = AXIS;
  per.forEach((p, side) => {
    if (side) {
      x += 16;
      heads.push(`<line x1="${x - 8}" x2="${x - 8}" y1="4" y2="100%" stroke="#888" stroke-dasharray="3 3"/>`);
    }
    const from = x;
    for (const c of p.columns) {
      x0[side].set(c, x);
      const w = p.lanes.get(c)! * laneOf(c);
      const head = c === 'MMIO' && w > 200 ? 'MMIO (by the table naming it)' : c;
      heads.push(
        `<text x="${x}" y="${TOP - 10}" ` +
          `font-weight="bold">${esc(head.length * CHAR > w ? `${head.slice(0, Math.max(1, Math.floor(w / CHAR) - 1))}…` : head)}</text>`,
      );
      x += w + 8;
    }
    if (n > 1) {
      const name = dumps.sides[side].name;
      const room = Math.floor((x - from) / CHAR);
      heads.push(`<text x="${from}" y="14" font-weight="bold">${esc(name.length > room ? `${name.slice(0, Math.max(1, room - 1))}…` : name)}</text>`);
    }
  });
  const width = x + 10;
  const { ys, axis, height } = axisOf(all, width);
  const groups = per.map((p, side) => {
    const rects = p.list.map((b) => {
      const top = ys.get(b.base)!;
      return rectOf(b, top, Math.max(3, ys.get(b.end)! - top), x0[side].get(b.column)! + b.lane! * laneOf(b.column), laneOf(b.column) - 4);
    });
    return `<g data-side="${side}">${rects.join('\n')}</g>`;
  });
  const names = dumps.sides.map((s) => s.name).join(' and ');
  const svg = `<svg class="address-map" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"
 role="img" aria-label="physical address map of ${esc(names)}${n > 1 ? ', on one axis' : ''}">
<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<line x1="0" y1="0" x2="0" y2="6" stroke="#D55E00" stroke-width="2"/></pattern></defs>
${heads.join('')}${axis.join('')}${groups.join('\n')}</svg>`;
  return `<figure>${svg}</figure>${lists}`;
}

/** A band's label for its box: what it is first ("GICR region · APIC.gicr[0]"), the path after. */
function brief(label: string): string {
  const m = /^(\S+) \((.+)\)( ×\d+)?$/.exec(label);
  return m ? `${m[2]}${m[3] ?? ''} · ${m[1]}` : label;
}

/** The legend of every colour the maps used. */
export const addressLegend = (colours: Colours) => legend([...colours.entries(), ['ACPI table bytes', '#999999']]);
