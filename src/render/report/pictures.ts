// The declared pictures that need no layout engine: a tree as nested boxes (the PPTT), CPUs on an
// affinity grid (the MADT's GICCs), proximity domains as a table (the SRAT), a matrix as a heat map
// (the SLIT), a namespace as collapsible levels (the DSDT's and SSDTs'). Each element links to the
// dump line of the item it draws.
import type { CpuGridPicture, DomainsPicture, MatrixPicture, NamespacePicture, PerCpuPicture, TreePicture } from '../../model/picture.js';
import { hex } from '../../layout/diagnostics.js';
import { esc, ink, legend } from './html.js';

export type Linker = (path: string) => string | undefined;

const a = (href: string | undefined, text: string) => (href ? `<a href="${esc(href)}">${text}</a>` : text);

/** Boxes nested deeper than this are not drawn inside their parents (two elements a level, well
 * inside the 512 a browser's HTML parser nests before it flattens the rest); a real topology has
 * six levels at most (package, die, cluster, core, thread). */
export const TREE_DEPTH = 64;

/** Nested boxes, roots first, built with an explicit stack (a parent chain may be as long as the
 * table); a node in a parent cycle (never reached from a root), or deeper than TREE_DEPTH, is listed apart. */
export function drawTree(p: TreePicture, link: Linker): string {
  type TreeNode = TreePicture['nodes'][number];
  const byAt = new Set(p.nodes.map((n) => n.at));
  const kids = new Map<number | undefined, TreeNode[]>();
  for (const n of p.nodes) {
    const parent = n.parent !== undefined && byAt.has(n.parent) ? n.parent : undefined;
    const list = kids.get(parent);
    if (list) list.push(n);
    else kids.set(parent, [n]);
  }
  const drawn = new Set<number>();
  const deep: TreeNode[] = [];
  const chip = (c: string) => `<span class="chip" title="cache">${esc(c)}</span>`;
  const chipsOf = (n: TreeNode) => n.chips.join('|');
  const out: string[] = [];
  // an open box to draw (with its depth, and whether its parent shows its caches) or a close tag to write
  type Step = { node: TreeNode; shared: boolean; depth: number } | string;
  const stack: Step[] = (kids.get(undefined) ?? []).map((node) => ({ node, shared: false, depth: 0 })).reverse();
  while (stack.length) {
    const s = stack.pop()!;
    if (typeof s === 'string') {
      out.push(s);
      continue;
    }
    const n = s.node;
    if (drawn.has(n.at)) continue;
    drawn.add(n.at);
    // children that are all leaves with the same caches (the usual core): the caches once, here
    const children = kids.get(n.at) ?? [];
    const same = children.length > 1 && children.every((k) => !kids.has(k.at) && chipsOf(k) === chipsOf(children[0]) && k.chips.length > 0);
    const chips = (s.shared ? [] : n.chips.map(chip))
      .concat(same ? [`<span class="muted">each ${esc(children[0].kind)}:</span> ${children[0].chips.map(chip).join('')}`] : [])
      .join('');
    out.push(`<div class="box ${esc(n.kind)}"><div class="head">${a(link(n.path), esc(n.label))} ${chips}</div>`);
    if (!children.length || s.depth + 1 >= TREE_DEPTH) {
      for (const k of children) deep.push(k);
      out.push('</div>');
      continue;
    }
    out.push('<div class="kids">');
    stack.push('</div></div>');
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], shared: same, depth: s.depth + 1 });
  }
  // what is below a node too deep to draw is not drawn either
  const apart = new Set(deep.map((n) => n.at));
  for (let i = 0; i < deep.length; i++)
    for (const k of kids.get(deep[i].at) ?? [])
      if (!drawn.has(k.at) && !apart.has(k.at)) {
        apart.add(k.at);
        deep.push(k);
      }
  const lost = p.nodes.filter((n) => !drawn.has(n.at) && !apart.has(n.at));
  const kinds = [...new Set(p.nodes.map((n) => n.kind))];
  const listed = (ns: TreeNode[]) =>
    ns
      .slice(0, 20)
      .map((n) => a(link(n.path), esc(n.label)))
      .join(', ') + (ns.length > 20 ? ` and ${ns.length - 20} more` : '');
  return (
    `<div class="topology-tree" role="tree" aria-label="${esc(p.title)}">${out.join('')}</div>` +
    (lost.length ? `<p class="bad">${lost.length} node(s) in a parent cycle: ${listed(lost)}</p>` : '') +
    (deep.length ? `<p class="bad">${deep.length} node(s) deeper than the first ${TREE_DEPTH} levels, not drawn: ${listed(deep)}</p>` : '') +
    `<p class="muted">Boxes: ${kinds.map(esc).join(', ')}; chips are private caches (size and type, then the next level).</p>`
  );
}

const STATE = { enabled: '#009E73', 'online-capable': '#56B4E9', disabled: '#ffffff' } as const;
const aff = (m: bigint, n: number) => Number((n === 3 ? m >> 32n : m >> BigInt(8 * n)) & 0xffn);

/** The widest a CPU grid is drawn (the page is 1240 px wide at 1280), and the fewest rows a block
 * of it has before another block is begun beside it. */
const GRID_WIDTH = 1100;
const BLOCK_ROWS = 16;

/** GICCs on a grid: a row per Aff3.Aff2.Aff1, a column per Aff0 in use. A server's many rows (128
 * CPUs, one per Aff1 each) are laid out in blocks side by side, each with its own headings, so the
 * grid reads as columns rather than one column of 128 rows. */
export function drawCpus(p: CpuGridPicture, link: Linker): string {
  const rowKey = (m: bigint) => `${aff(m, 3)}.${aff(m, 2)}.${aff(m, 1)}`;
  const rows = [...new Set(p.cpus.map((c) => rowKey(c.mpidr)))].sort((x, y) => {
    const [a1, b1] = [x.split('.').map(Number), y.split('.').map(Number)];
    return a1[0] - b1[0] || a1[1] - b1[1] || a1[2] - b1[2];
  });
  const cols = [...new Set(p.cpus.map((c) => aff(c.mpidr, 0)))].sort((x, y) => x - y);
  const cell = cols.length > 48 ? 10 : 16;
  const left = 70;
  const top = 40;
  const blockW = left + cols.length * cell + 16;
  const blocks = Math.max(1, Math.min(Math.floor(GRID_WIDTH / blockW), Math.ceil(rows.length / BLOCK_ROWS)));
  const perBlock = Math.ceil(rows.length / blocks);
  const W = blocks * blockW;
  const H = top + perBlock * cell + 10;
  const out: string[] = [`<text x="4" y="12" font-weight="bold">Aff3.Aff2.Aff1 ↓  Aff0 →</text>`];
  const every = Math.max(1, Math.ceil(cols.length / 16));
  for (let k = 0; k < blocks; k++)
    cols.forEach((c, i) => {
      if (i % every === 0) out.push(`<text x="${k * blockW + left + i * cell + cell / 2}" y="${top - 3}" text-anchor="middle">${c}</text>`);
    });
  const labelEvery = Math.max(1, Math.ceil(perBlock / 64));
  rows.forEach((r, i) => {
    const k = Math.floor(i / perBlock);
    const j = i % perBlock;
    if (j % labelEvery === 0) out.push(`<text x="${k * blockW + left - 4}" y="${top + j * cell + cell - 4}" text-anchor="end">${r}</text>`);
  });
  const rowOf = new Map(rows.map((r, i) => [r, i]));
  const colOf = new Map(cols.map((c, i) => [c, i]));
  for (const c of p.cpus) {
    const i = rowOf.get(rowKey(c.mpidr))!;
    const x = Math.floor(i / perBlock) * blockW + left + colOf.get(aff(c.mpidr, 0))! * cell;
    const y = top + (i % perBlock) * cell;
    const title = `UID ${c.uid}, MPIDR ${hex(c.mpidr)}, ${c.state}`;
    const rect =
      `<rect x="${x}" y="${y}" width="${cell - 2}" height="${cell - 2}" fill="${STATE[c.state]}" stroke="#333" ` +
      `stroke-width="0.6"${c.state === 'disabled' ? ' stroke-dasharray="2 1"' : ''}><title>${esc(title)}</title></rect>`;
    const href = link(c.path);
    out.push(href ? `<a href="${esc(href)}" aria-label="${esc(title)}">${rect}</a>` : rect);
  }
  const svg =
    `<svg class="cpu-grid" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" ` +
    `aria-label="${esc(p.title)}">${out.join('')}</svg>`;
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
    return (
      `<tr><td class="num">${d.domain}</td><td>${mem || '—'}</td><td>${d.cpus.length ? `${d.cpus.length}: UID ${ranges(d.cpus)}` : '—'}` +
      `</td><td>${d.its.length ? ranges(d.its) : '—'}</td><td>${d.other.map((o) => a(link(o), esc(o))).join('<br>') || '—'}</td></tr>`
    );
  });
  return (
    `<table class="grid"><thead><tr><th>Domain</th><th>RAM</th><th>CPUs (GICC affinity)</th><th>ITS IDs</th><th>Other ` +
    `initiators</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
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
        `<tr><th scope="row">${a(link(p.paths[i]), esc(p.labels[i]))}` +
        `</th>${r.map((v) => `<td class="num" style="background:${shade(v)};color:${ink(shade(v))}">${v}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table class="grid heat">${head}${body}</table><p class="muted">Darker is farther (${lo} to ${hi}).</p>`;
}

/** How many CPUs the joined table shows (a MADT of 130,000 GICCs is input too). */
const CPU_ROWS = 1024;

/** One row per CPU, by ACPI processor UID: each table's columns side by side (the MADT's MPIDR, the
 * PPTT's place and caches, the SRAT's node), each cell linked to the item that says it; a CPU a
 * table does not name has a dash there. */
export function drawPerCpu(tables: { p: PerCpuPicture; link: Linker }[]): string {
  const uids = new Set<number>();
  // a UID two items of one table name (a duplicate the MADT's rules report) shows the first
  const byUid = tables.map(({ p }) => {
    const m = new Map<number, PerCpuPicture['cpus'][number]>();
    for (const c of p.cpus) {
      if (!m.has(c.uid)) m.set(c.uid, c);
      uids.add(c.uid);
    }
    return m;
  });
  const order = [...uids].sort((x, y) => x - y);
  const head = `<tr><th scope="col">UID</th>${tables.flatMap(({ p }) => p.columns.map((c) => `<th scope="col">${esc(c)}</th>`)).join('')}</tr>`;
  const rows = order.slice(0, CPU_ROWS).map((uid) => {
    const cells = tables.flatMap(({ p, link }, k) => {
      const c = byUid[k].get(uid);
      if (!c) return p.columns.map(() => '<td class="muted">—</td>');
      const href = link(c.path);
      return c.cells.map((t, i) => `<td>${i === 0 ? a(href, esc(t)) : esc(t)}</td>`);
    });
    return `<tr data-uid="${uid}"><td class="num">${uid}</td>${cells.join('')}</tr>`;
  });
  const more = order.length > CPU_ROWS ? `<p class="muted">… and ${order.length - CPU_ROWS} more CPUs (in the dumps).</p>` : '';
  return (
    `<h4>One row per CPU: ${order.length} by UID, from ${tables.map(({ p }) => esc(p.title)).join(', ')}</h4><div ` +
    `class="scroll"><table class="grid per-cpu"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>${more}`
  );
}

/** A namespace as nested <details> (collapsible without script): an object with children opens a
 * level, the top two levels open at first; each name links to the dump line that declares it.
 * Levels past TREE_DEPTH are shown flat under the last one drawn (the HTML parser's own limit). */
export function drawNamespace(p: NamespacePicture, link: Linker): string {
  const out: string[] = ['<div class="namespace"><ul>'];
  let open = 0; // <details> levels open
  p.objects.forEach((o, i) => {
    const depth = Math.min(o.depth, TREE_DEPTH);
    while (open > depth) {
      out.push('</ul></details></li>');
      open--;
    }
    const line = `${a(link(o.path), esc(o.name))} <span class="muted">${esc(o.kind)}</span>${o.facts ? ` ${esc(o.facts)}` : ''}`;
    const next = p.objects[i + 1];
    if (next && Math.min(next.depth, TREE_DEPTH) > depth) {
      out.push(`<li><details${depth < 2 ? ' open' : ''}><summary>${line}</summary><ul>`);
      open++;
    } else out.push(`<li>${line}</li>`);
  });
  while (open-- > 0) out.push('</ul></details></li>');
  out.push('</ul></div>');
  return out.join('');
}
