// The declared pictures that need no layout engine: a tree as nested boxes (the PPTT), CPUs on an
// affinity grid (the MADT's GICCs), proximity domains as a table (the SRAT), a matrix as a heat map
// (the SLIT). Each element links to the dump line of the item it draws.
import type { CpuGridPicture, DomainsPicture, MatrixPicture, TreePicture } from '../../model/picture.js';
import { hex } from '../../layout/diagnostics.js';
import { esc, ink, legend } from './html.js';

export type Linker = (path: string) => string | undefined;

const a = (href: string | undefined, text: string) => (href ? `<a href="${esc(href)}">${text}</a>` : text);

/** Nested boxes, roots first; a node in a parent cycle (never reached from a root) is listed apart. */
export function drawTree(p: TreePicture, link: Linker): string {
  const byAt = new Set(p.nodes.map((n) => n.at));
  const kids = new Map<number | undefined, TreePicture['nodes']>();
  for (const n of p.nodes) {
    const parent = n.parent !== undefined && byAt.has(n.parent) ? n.parent : undefined;
    kids.set(parent, [...(kids.get(parent) ?? []), n]);
  }
  const drawn = new Set<number>();
  const chip = (c: string) => `<span class="chip" title="cache">${esc(c)}</span>`;
  const box = (n: TreePicture['nodes'][number], shared = false): string => {
    if (drawn.has(n.at)) return '';
    drawn.add(n.at);
    // children that are all leaves with the same caches (the usual core): the caches once, here
    const children = kids.get(n.at) ?? [];
    const same = children.length > 1 && children.every((k) => !kids.has(k.at) && k.chips.join('|') === children[0].chips.join('|') && k.chips.length > 0);
    const chips = (shared ? [] : n.chips.map(chip))
      .concat(same ? [`<span class="muted">each ${esc(children[0].kind)}:</span> ${children[0].chips.map(chip).join('')}`] : [])
      .join('');
    const inner = children.map((k) => box(k, same)).join('');
    return `<div class="box ${esc(n.kind)}"><div class="head">${a(link(n.path), esc(n.label))} ${chips}</div>${inner ? `<div class="kids">${inner}</div>` : ''}</div>`;
  };
  const body = (kids.get(undefined) ?? []).map((n) => box(n)).join('');
  const lost = p.nodes.filter((n) => !drawn.has(n.at));
  const kinds = [...new Set(p.nodes.map((n) => n.kind))];
  return (
    `<div class="topology-tree" role="tree" aria-label="${esc(p.title)}">${body}</div>` +
    (lost.length ? `<p class="bad">${lost.length} node(s) in a parent cycle: ${lost.map((n) => a(link(n.path), esc(n.label))).join(', ')}</p>` : '') +
    `<p class="muted">Boxes: ${kinds.map(esc).join(', ')}; chips are private caches (size and type, then the next level).</p>`
  );
}

const STATE = { enabled: '#009E73', 'online-capable': '#56B4E9', disabled: '#ffffff' } as const;
const aff = (m: bigint, n: number) => Number((n === 3 ? m >> 32n : m >> BigInt(8 * n)) & 0xffn);

/** GICCs on a grid: a row per Aff3.Aff2.Aff1, a column per Aff0 in use. */
export function drawCpus(p: CpuGridPicture, link: Linker): string {
  const rowKey = (m: bigint) => `${aff(m, 3)}.${aff(m, 2)}.${aff(m, 1)}`;
  const rows = [...new Set(p.cpus.map((c) => rowKey(c.mpidr)))].sort((x, y) => {
    const [a1, b1] = [x.split('.').map(Number), y.split('.').map(Number)];
    return a1[0] - b1[0] || a1[1] - b1[1] || a1[2] - b1[2];
  });
  const cols = [...new Set(p.cpus.map((c) => aff(c.mpidr, 0)))].sort((x, y) => x - y);
  const cell = cols.length > 48 ? 10 : 16;
  const left = 70;
  const top = 26;
  const W = left + cols.length * cell + 10;
  const H = top + rows.length * cell + 10;
  const out: string[] = [`<text x="4" y="12" font-weight="bold">Aff3.Aff2.Aff1 ↓  Aff0 →</text>`];
  const every = Math.max(1, Math.ceil(cols.length / 16));
  cols.forEach((c, i) => {
    if (i % every === 0) out.push(`<text x="${left + i * cell + cell / 2}" y="${top - 3}" text-anchor="middle">${c}</text>`);
  });
  rows.forEach((r, i) => {
    if (rows.length <= 64 || i % Math.ceil(rows.length / 64) === 0)
      out.push(`<text x="${left - 4}" y="${top + i * cell + cell - 4}" text-anchor="end">${r}</text>`);
  });
  const rowOf = new Map(rows.map((r, i) => [r, i]));
  const colOf = new Map(cols.map((c, i) => [c, i]));
  for (const c of p.cpus) {
    const x = left + colOf.get(aff(c.mpidr, 0))! * cell;
    const y = top + rowOf.get(rowKey(c.mpidr))! * cell;
    const title = `UID ${c.uid}, MPIDR ${hex(c.mpidr)}, ${c.state}`;
    const rect = `<rect x="${x}" y="${y}" width="${cell - 2}" height="${cell - 2}" fill="${STATE[c.state]}" stroke="#333" stroke-width="0.6"${c.state === 'disabled' ? ' stroke-dasharray="2 1"' : ''}><title>${esc(title)}</title></rect>`;
    const href = link(c.path);
    out.push(href ? `<a href="${esc(href)}" aria-label="${esc(title)}">${rect}</a>` : rect);
  }
  const svg = `<svg class="cpu-grid" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(p.title)}">${out.join('')}</svg>`;
  return (
    svg +
    legend([
      ['enabled', STATE.enabled],
      ['online capable', STATE['online-capable']],
      ['disabled', STATE.disabled],
    ])
  );
}

/** UIDs as ranges: 0-63, 128, 130-131. */
function ranges(ns: number[]): string {
  const s = [...new Set(ns)].sort((x, y) => x - y);
  const out: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    out.push(i === j ? `${s[i]}` : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

export function drawDomains(p: DomainsPicture, link: Linker): string {
  const rows = p.domains.map((d) => {
    const mem = d.memory.map((m) => a(link(m.path), `${hex(m.base)}-${hex(m.base + m.size - 1n)}`)).join('<br>');
    return `<tr><td class="num">${d.domain}</td><td>${mem || '—'}</td><td>${d.cpus.length ? `${d.cpus.length}: UID ${ranges(d.cpus)}` : '—'}</td><td>${d.its.length ? ranges(d.its) : '—'}</td><td>${d.other.map((o) => a(link(o), esc(o))).join('<br>') || '—'}</td></tr>`;
  });
  return `<table class="grid"><thead><tr><th>Domain</th><th>RAM</th><th>CPUs (GICC affinity)</th><th>ITS IDs</th><th>Other initiators</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** One hue, light to dark (ColorBrewer "Blues"): read alike with every colour-vision deficiency. */
const BLUES = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];

export function drawMatrix(p: MatrixPicture, link: Linker): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of p.rows)
    for (const v of r) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  const shade = (v: number) => BLUES[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (BLUES.length - 1))];
  const head = `<tr><th scope="col">from \\ to</th>${p.labels.map((l) => `<th scope="col">${esc(l)}</th>`).join('')}</tr>`;
  const body = p.rows
    .map(
      (r, i) =>
        `<tr><th scope="row">${a(link(p.paths[i]), esc(p.labels[i]))}</th>${r.map((v) => `<td class="num" style="background:${shade(v)};color:${ink(shade(v))}">${v}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table class="grid heat">${head}${body}</table><p class="muted">Darker is farther (${lo} to ${hi}).</p>`;
}
