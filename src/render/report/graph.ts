// A declared graph (the IORT's) laid out by Graphviz (@viz-js/viz: Graphviz compiled to
// WebAssembly, chosen over elkjs by measurement, docs/report.md) and drawn here as SVG from the
// positions it computes, so every node can carry its offset, a link to its dump line and a
// keyboard focus, and the colours are the report's.
import type { GraphPicture } from '../../model/picture.js';
import { hex } from '../../layout/diagnostics.js';
import { Colours, esc, ink } from './html.js';

/** What the report needs of a Graphviz instance: a DOT graph in, a layout out. */
export interface GraphLayout {
  renderString(dot: string, options: { format: 'json0' }): string;
}

interface Laid {
  bb: string;
  objects?: { name: string; pos?: string; width?: string; height?: string; _gvid: number }[];
  edges?: { tail: number; head: number; pos?: string; lp?: string; label?: string; id?: string }[];
}

/** Parallel edges (one node's mappings to one other node) are drawn as one edge, whose label names
 * the first few: Graphviz lays out a labelled edge as a node of its own, and thousands of them
 * between two nodes take it minutes (issue 27 §3), where one edge per pair of nodes keeps the layout
 * as large as the graph. */
const LABELLED = 3;

/** The picture's edges, one per pair of nodes in the order each pair first comes; each with the
 * lines of its label and the edge (its field path) each line names. */
function bundles(p: GraphPicture): { from: number; to: number; lines: { text: string; path: string }[] }[] {
  const out = new Map<string, { from: number; to: number; edges: GraphPicture['edges'] }>();
  for (const e of p.edges) {
    const key = `${e.from}>${e.to}`;
    const b = out.get(key);
    if (b) b.edges.push(e);
    else out.set(key, { from: e.from, to: e.to, edges: [e] });
  }
  return [...out.values()].map(({ from, to, edges }) => {
    const lines = edges.slice(0, LABELLED).map((e) => ({ text: e.label, path: e.path }));
    if (edges.length > LABELLED) lines.push({ text: `+ ${edges.length - LABELLED} more (${edges.length} in all)`, path: edges[LABELLED].path });
    return { from, to, lines };
  });
}

const dotString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
const pt = (s: string) => s.split(',').map(Number) as [number, number];

/** The graph in Graphviz's language: a node per picture node, the kinds of `ranks` side by side,
 * an edge per bundle of mappings (its id its index, for finding it in the layout). */
function dotSource(p: GraphPicture, drawn: ReturnType<typeof bundles>): string {
  const lines = [
    'digraph{rankdir=LR;nodesep=0.25;ranksep=0.9;node[shape=box,fontname="Helvetica",fontsize=10,margin="0.12,0.06"];edge[fontname="Helvetica",fontsize=9];',
  ];
  for (const n of p.nodes) lines.push(`n${n.at}[label=${dotString(n.lines.join('\n'))}];`);
  for (const kind of p.ranks) {
    const same = p.nodes.filter((n) => n.kind === kind);
    if (same.length > 1) lines.push(`{rank=same;${same.map((n) => `n${n.at}`).join(';')}}`);
  }
  drawn.forEach((e, i) => lines.push(`n${e.from}->n${e.to}[label=${dotString(e.lines.map((l) => l.text).join('\n'))},id="e${i}"];`));
  lines.push('}');
  return lines.join('\n');
}

/**
 * The graph as SVG. `attribute` names the data attribute every node element carries (its offset:
 * data-iort-node="0x30"); `link` gives a node's or an edge's dump line.
 */
export function drawGraph(p: GraphPicture, layout: GraphLayout, attribute: string, colours: Colours, link: (path: string) => string | undefined): string {
  const drawn = bundles(p);
  const g = JSON.parse(layout.renderString(dotSource(p, drawn), { format: 'json0' })) as Laid;
  const [, , W, H] = g.bb.split(',').map(Number);
  const pad = 8;
  const X = (x: number) => (x + pad).toFixed(1);
  const Y = (y: number) => (H - y + pad).toFixed(1);
  const byName = new Map<string, GraphPicture['nodes'][number]>(p.nodes.map((n) => [`n${n.at}`, n]));
  const gvid = new Map<number, number>();
  const out: string[] = [];
  for (const o of g.objects ?? []) {
    const n = byName.get(o.name);
    if (!n || !o.pos) continue;
    gvid.set(o._gvid, n.at);
    const [x, y] = pt(o.pos);
    const w = Number(o.width) * 72;
    const h = Number(o.height) * 72;
    const fill = colours.of(n.kind);
    const text = n.lines
      .map(
        (l, i) =>
          `<text x="${X(x)}" y="${(H - y + pad - ((n.lines.length - 1) * 12) / 2 + i * 12 + 3.5).toFixed(1)}" text-anchor="middle" ` +
          `fill="${ink(fill)}"${i ? '' : ' font-weight="bold"'}>${esc(l)}</text>`,
      )
      .join('');
    const href = link(n.path);
    const body =
      `<title>${esc(`${n.kind} at offset ${hex(n.at)}: ${n.lines.join(', ')}`)}</title><rect x="${X(x - w / 2)}" ` +
      `y="${Y(y + h / 2)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" rx="4" fill="${fill}" stroke="#222"/>${text}`;
    const linked = href ? `<a href="${esc(href)}" aria-label="${esc(`${n.lines.join(', ')}: open its dump`)}">${body}</a>` : body;
    out.push(`<g class="node" ${attribute}="${hex(n.at)}" data-at="${n.at}">${linked}</g>`);
  }
  for (const e of g.edges ?? []) {
    const i = Number(e.id?.slice(1));
    const d = drawn[i];
    if (!d || !e.pos) continue;
    const tokens = e.pos.split(' ');
    const end = tokens.find((t) => t.startsWith('e,'));
    const pts = tokens.filter((t) => !t.startsWith('e,') && !t.startsWith('s,')).map(pt);
    let path = `M${X(pts[0][0])} ${Y(pts[0][1])}`;
    for (let k = 1; k + 2 < pts.length; k += 3) {
      path += ` C${X(pts[k][0])} ${Y(pts[k][1])} ${X(pts[k + 1][0])} ${Y(pts[k + 1][1])} ${X(pts[k + 2][0])} ${Y(pts[k + 2][1])}`;
    }
    if (end) {
      const [ex, ey] = pt(end.slice(2));
      path += ` L${X(ex)} ${Y(ey)}`;
    }
    out.unshift(
      `<path class="edge" d="${path}" fill="none" stroke="#444" stroke-width="1.3" marker-end="url(#arrow)" data-from="${gvid.get(e.tail)}" ` +
        `data-to="${gvid.get(e.head)}"/>`,
    );
    if (e.lp) {
      const [lx, ly] = pt(e.lp);
      d.lines.forEach((l, k) => {
        const href = link(l.path);
        const y = H - ly + pad + 3 + (k - (d.lines.length - 1) / 2) * 11;
        const label = `<text x="${X(lx)}" y="${y.toFixed(1)}" text-anchor="middle" font-size="9" class="edge-label">${esc(l.text)}</text>`;
        out.push(href ? `<a href="${esc(href)}" aria-label="${esc(`${l.text}: open the mapping`)}">${label}</a>` : label);
      });
    }
  }
  const w = W + 2 * pad;
  const h = H + 2 * pad;
  return `<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="${w.toFixed(0)}" height="${h.toFixed(0)}"
 viewBox="0 0 ${w.toFixed(1)} ${h.toFixed(1)}" role="img" aria-label="${esc(p.title)}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
<path d="M0 0L10 5L0 10z" fill="#444"/></marker></defs>
${out.join('\n')}</svg>`;
}
