// #address-map: the physical address space as the tables describe it, one SVG per input. A 48-bit
// space is mostly empty, so the scale is broken: every address where a region starts or ends is a
// mark on the axis, each stretch between two marks gets a height that grows with the logarithm of
// its size (a 4 KiB UART and a 256 GiB ECAM window both read), and a stretch no region covers is
// drawn as a short break saying how much is left out. Columns: RAM by node (and what a capture
// holds), the EFI memory map and dom0's region (a build output), the tables' own bytes, and every
// MMIO region a declaration names, coloured by the table naming it. Overlaps are hatched.
import { hex } from '../../layout/diagnostics.js';
import type { TableEntry } from '../../model/set.js';
import { allEntries } from '../../model/tableset.js';
import { defOf } from '../../tables/registry.js';
import { regionPath } from '../../model/rules.js';
import { decodeEfiPart, memoryTypeName, EFI_PAGE_SIZE } from '../../efi/tables.js';
import { Colours, esc, ink, legend } from './html.js';
import { Heap } from '../../layout/heap.js';
import { sweepOverlaps } from '../../layout/sweep.js';
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
  device?: string;
  /** firmware memory in RAM (PCC, error status blocks): held against devices only, as check does */
  memory?: boolean;
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
  const add = (b: Omit<Band, 'count' | 'kind'> & { kind?: string }) => {
    if (b.end > b.base) out.push({ count: 1, ...b, kind: b.kind ?? b.label });
  };
  const link = (e: TableEntry, what: string) => dumps.link(side, e.table.signature, { path: regionPath(what, e.table.signature), file: e.source });
  for (const e of allEntries(set)) {
    const def = defOf(e.table);
    const sig = e.table.signature;
    for (const r of def.regions?.(e.table) ?? []) {
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
        device: r.device,
        memory: r.memory,
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
      continue;
    }
    const mine = { ...b };
    out.push(mine);
    lastOf.set(key, mine);
  }
  for (const b of out) if (b.count > 1) b.label = `${b.kind} ×${b.count}`;
  return out;
}

/** Whether two bands that overlap describe one address range for different reasons a reader must
 * look at: a device against anything of another kind; firmware memory (in RAM) against devices
 * only. (A faded band never clashes, nor two tables naming one device at one base: see overlapsOf.) */
const mayClash = (a: Band, b: Band) =>
  a.kind !== b.kind && (a.column === 'MMIO' || b.column === 'MMIO') && !(a.memory && b.column !== 'MMIO') && !(b.memory && a.column !== 'MMIO');

const AXIS = 132;
const LANE = 210;
/** an undescribed stretch smaller than this is a thin space, not a labelled break */
const SMALL_GAP = 0x10000n;
const GAP_H = 18;

/** The height of a stretch of the axis: at least a line of text, growing with log2 of its size. */
const stretch = (n: bigint) => Math.min(64, Math.max(14, Math.round(6 + 2.4 * Math.log2(Math.max(1, Number(n) / 4096)))));

/** How many of the bands a band overlaps the list names; a line counts the rest. */
const BANDS_NAMED = 3;
/** How many lines the overlap list shows. */
const LINES_SHOWN = 50;

/** Bands that overlap others they must be read against (mayClash; never a faded one, nor a twin: one
 * device two tables name at one base), by a sweep over the bands in order of base
 * (src/layout/sweep.ts): each against those still open at its base, the first three of them named
 * and the rest counted, so the list grows with the bands, not their pairs. Marks every such band,
 * on either side of a pair, as overlapping. */
function overlapsOf(byBase: Band[]): { lines: { band: Band; others: Band[]; more: number }[]; total: number } {
  const lines: { band: Band; others: Band[]; more: number }[] = [];
  let total = 0;
  const met = sweepOverlaps(
    byBase.filter((b) => !b.faded),
    {
      base: (b) => b.base,
      end: (b) => b.end,
      group: (b) => `${b.column === 'MMIO'}|${b.memory === true}|${b.kind}`,
      meets: (b, g) => mayClash(g, b),
      twin: (b) => (b.device === undefined ? undefined : `${b.device}@${b.base}`), // one device, two tables
    },
    (band, others, count) => {
      total += count;
      const named: Band[] = [];
      for (const a of others) if (named.push(a) === BANDS_NAMED) break;
      lines.push({ band, others: named, more: count - named.length });
    },
  );
  for (const b of met) b.overlaps = true;
  return { lines, total };
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

/** The broken axis: a mark at every start and end, each stretch between two marks as high as its
 * size calls for when a band covers it, a short break when none does. Where each mark is drawn. */
function axisOf(list: Band[], width: number): { ys: Map<bigint, number>; axis: string[]; height: number } {
  const marks = [...new Set(list.flatMap((b) => [b.base, b.end]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // how many bands cover the stretch from each mark to the next: one sweep over where bands start and end
  const markAt = new Map(marks.map((m, i) => [m, i] as const));
  const covering = new Int32Array(marks.length + 1);
  for (const b of list) {
    covering[markAt.get(b.base)!]++;
    covering[markAt.get(b.end)!]--;
  }
  for (let i = 1; i < marks.length; i++) covering[i] += covering[i - 1];
  const ys = new Map<bigint, number>();
  let y = 28;
  const axis: string[] = [];
  let lastLabel = -100;
  for (let i = 0; i < marks.length; i++) {
    ys.set(marks[i], y);
    if (y - lastLabel >= 11) {
      axis.push(
        `<text x="${AXIS - 6}" y="${y + 3}" text-anchor="end">${hex(marks[i])}</text><line x1="${AXIS - 3}" x2="${width}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
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
        `<path d="M${AXIS - 10} ${y + 5} l6 -3 l6 6 l6 -6 l6 6 l6 -3" fill="none" stroke="#888"/><text x="${AXIS + 40}" y="${y + GAP_H / 2 + 3}" class="gap" fill="#666">${size(to - from)} not described</text>`,
      );
      y += GAP_H;
    }
  }
  return { ys, axis, height: y + 10 };
}

/** One band's box, its label inside when it fits, its full description as its title. */
function rectOf(b: Band, top: number, h: number, left: number, w: number): string {
  const text = `${b.label}: ${hex(b.base)}-${hex(b.end - 1n)} (${size(b.end - b.base)})${b.faded ? `; not mapped: ${b.faded}` : ''}${b.overlaps ? '; overlaps another region' : ''}`;
  const chars = Math.floor((w - 6) / 5.6);
  const short = brief(b.label);
  const shown = short.length > chars ? `${short.slice(0, Math.max(0, chars - 1))}…` : short;
  const body =
    `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="${b.colour}" fill-opacity="${b.faded ? 0.25 : 0.85}" stroke="${b.overlaps ? '#D55E00' : '#333'}" stroke-width="${b.overlaps ? 2.5 : 0.6}"${b.faded ? ' stroke-dasharray="4 2"' : ''}/>` +
    (b.overlaps ? `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="url(#hatch)"/>` : '') +
    (h >= 12 && chars > 3 ? `<text x="${left + 3}" y="${top + Math.min(h / 2 + 3, 12)}" fill="${b.faded ? '#000' : ink(b.colour)}">${esc(shown)}</text>` : '');
  const title = `<title>${esc(text)}</title>`;
  return b.link ? `<a href="${esc(b.link)}" aria-label="${esc(text)}">${title}${body}</a>` : `<g>${title}${body}</g>`;
}

/** The list under the map: each pair, the earlier band first, a band's rest counted after its last. */
function overlapList({ lines, total }: ReturnType<typeof overlapsOf>): string {
  if (!lines.length) return '<p class="muted">No two regions of different kinds overlap.</p>';
  const items = lines.flatMap(({ band, others, more }) => [
    ...others.map((a) => `<li>${name(a)} overlaps ${name(band)}</li>`),
    ...(more ? [`<li>… and ${more} more region${more === 1 ? '' : 's'} overlap ${name(band)}</li>`] : []),
  ]);
  return `<p><b>${total} overlap(s)</b> (hatched):</p><ul>${items.slice(0, LINES_SHOWN).join('')}</ul>`;
}

export function addressMap(side: number, dumps: Dumps, colours: Colours): string {
  const list = bands(side, dumps, colours);
  if (!list.length) return '<p class="muted">The input names no address: binary tables carry none, and no region or RAM is declared.</p>';
  const byBase = [...list].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const overlaps = overlapsOf(byBase);
  const lanes = placeLanes(byBase);
  const columns = COLUMNS.filter((c) => lanes.has(c));
  const x0 = new Map<Column, number>();
  const laneWidth = (c: Column) => (lanes.get(c)! > 1 ? LANE * 0.75 : LANE);
  let x = AXIS;
  for (const c of columns) {
    x0.set(c, x);
    x += lanes.get(c)! * laneWidth(c) + 10;
  }
  const width = x + 10;
  const { ys, axis, height } = axisOf(list, width);
  const rects = byBase.map((b) => {
    const top = ys.get(b.base)!;
    return rectOf(b, top, Math.max(3, ys.get(b.end)! - top), x0.get(b.column)! + b.lane! * laneWidth(b.column), laneWidth(b.column) - 4);
  });
  const heads = columns.map((c) => `<text x="${x0.get(c)}" y="16" font-weight="bold">${c === 'MMIO' ? 'MMIO (by the table naming it)' : c}</text>`);
  const svg = `<svg class="address-map" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="physical address map of ${esc(dumps.sides[side].name)}">
<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#D55E00" stroke-width="2"/></pattern></defs>
${heads.join('')}${axis.join('')}${rects.join('\n')}</svg>`;
  return `<h3>${esc(dumps.sides[side].name)}</h3><figure>${svg}</figure>${overlapList(overlaps)}`;
}

/** A band's label for its box: what it is first ("GICR region · APIC.gicr[0]"), the path after. */
function brief(label: string): string {
  const m = /^(\S+) \((.+)\)( ×\d+)?$/.exec(label);
  return m ? `${m[2]}${m[3] ?? ''} · ${m[1]}` : label;
}

const name = (b: Band) => `${b.link ? `<a href="${esc(b.link)}">${esc(b.label)}</a>` : esc(b.label)} (${hex(b.base)}-${hex(b.end - 1n)})`;

/** The legend of every colour the maps used. */
export const addressLegend = (colours: Colours) => legend([...colours.entries(), ['ACPI table bytes', '#999999']]);
