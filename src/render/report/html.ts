// The report's HTML: escaping, the palette (Okabe and Ito's eight colours, told apart with every
// common colour-vision deficiency), the page's style and its script. The pictures are drawn when the
// report is made; the script only opens what a link points into, filters and highlights.
import { escapeMarkup } from '../markup.js';
import { pageScript } from './page-script.js';

/** Text or a (double-quoted) attribute value, escaped for HTML and SVG. */
export const esc = escapeMarkup;

/** Okabe & Ito (2008), "Color Universal Design": distinguishable under protanopia, deuteranopia and tritanopia. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;

/** A colour for each name, in the order names are first asked for (the same name, the same colour). */
export class Colours {
  private readonly given = new Map<string, string>();
  of(name: string): string {
    if (!this.given.has(name)) this.given.set(name, PALETTE[this.given.size % PALETTE.length]);
    return this.given.get(name)!;
  }
  entries(): [string, string][] {
    return [...this.given];
  }
}

/** Black or white text, whichever reads on this fill. */
export function ink(fill: string): string {
  const n = parseInt(fill.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? '#000' : '#fff';
}

/** A legend: a swatch and a name each. */
export const legend = (items: [string, string][]): string =>
  `<ul class="legend">${items.map(([name, colour]) => `<li><span class="swatch" style="background:${colour}"></span>${esc(name)}</li>`).join('')}</ul>`;

export const section = (id: string, title: string, body: string): string =>
  `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${body}</section>`;

/** Side-by-side columns, one per input (a single input takes the width). */
export const sides = (columns: string[]): string => `<div class="sides n${columns.length}">${columns.join('')}</div>`;

const STYLE = `
:root{--fg:#111;--muted:#555;--line:#ccc;--bg:#fff;--panel:#f6f6f6;--err:#D55E00;--warn:#E69F00;--info:#0072B2;--add:#009E73;--del:#D55E00;--chg:#0072B2}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0}
header{padding:12px 20px;border-bottom:1px solid var(--line)}
header h1{font-size:20px;margin:0 0 4px}
.search{margin-top:6px}#search-results ul{list-style:none;margin:4px 0;padding:0}
#search-results button{font:12px/1.35 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;background:none;border:0;padding:1px 4px;
 text-align:left;cursor:pointer;white-space:pre-wrap;overflow-wrap:anywhere}#search-results button:hover{background:var(--panel)}
nav ul{list-style:none;margin:6px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px}
main{padding:0 20px 40px}
section{margin-top:28px}
h2{font-size:17px;border-bottom:2px solid var(--fg);padding-bottom:2px}
h3{font-size:15px;margin:16px 0 6px}
a{color:#005a8e}
a:focus-visible,summary:focus-visible,[tabindex]:focus-visible{outline:3px solid #E69F00;outline-offset:2px}
.muted{color:var(--muted)}
.sides{display:grid;gap:20px}
.sides.n2{grid-template-columns:repeat(2,minmax(0,1fr))}
.sides>div{min-width:0;overflow-x:auto}
pre{font:12px/1.35 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;margin:4px 0 8px;padding:8px;background:var(--panel);overflow-x:auto}
pre span{display:inline-block;min-width:100%}
:target,.hit{background:#ffe9a8!important;outline:2px solid #E69F00}
svg text{font:10px sans-serif}
svg.address-map text{font-size:11px}
figure{margin:8px 0}
svg.graph,svg.address-map,svg.cpu-grid{max-width:100%;height:auto}
.tree ul{list-style:none;margin:0;padding-left:18px;border-left:1px dotted var(--line)}
.tree>ul{padding-left:0;border:0}
details>summary{cursor:pointer}
.bad{color:var(--err);font-weight:600}
.ok{color:var(--add)}
.legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:11.5px}
.swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;border:1px solid #0006}
table.grid{border-collapse:collapse;font-size:13px;max-width:100%}
table.grid td{overflow-wrap:anywhere}
table.diff{width:100%;table-layout:fixed}
.scroll{max-height:420px;overflow:auto}
.diff col.sign{width:2em}.diff col.path{width:34%}.diff col.dump{width:7em}
table.grid th,table.grid td{border:1px solid var(--line);padding:2px 6px;text-align:left;vertical-align:top}
table.grid td.num{text-align:right;font-variant-numeric:tabular-nums}
.sev{font-weight:600;white-space:nowrap}
.sev-error{color:var(--err)}.sev-warning{color:#8a5a00}.sev-info{color:var(--info)}
.filters{margin:6px 0;display:flex;gap:12px;flex-wrap:wrap;align-items:center}
.box{border:1px solid #888;border-radius:3px;padding:2px 4px;margin:2px;display:inline-flex;flex-direction:column;vertical-align:top;background:#fff}
.box>.kids{display:flex;flex-wrap:wrap}
.box.package{background:#e8f1f8}.box.group{background:#eee}.box.cluster{background:#fdf3e1}.box.core{background:#e6f5ef}.box.thread{background:#f7eaf2}
.box .head{font-size:12px;white-space:nowrap}
.chip{display:inline-block;font-size:10px;border:1px solid #999;border-radius:8px;padding:0 4px;margin:1px;background:#fff}
.namespace ul{list-style:none;margin:0;padding-left:1.2em}.namespace>ul{padding-left:0}.namespace summary{cursor:pointer}
.namespace li,.namespace summary{font:12px/1.5 ui-monospace,monospace}
.diff td.sign{font-weight:700;text-align:center}
.diff tr.added td.sign{color:var(--add)}.diff tr.removed td.sign{color:var(--del)}.diff tr.changed td.sign{color:var(--chg)}
.diff td.old{color:var(--del)}.diff td.new{color:var(--add)}
g.node{cursor:pointer}
g.node:hover rect,g.node:focus rect,g.node.hit rect{stroke-width:3px}
path.edge.hit{stroke-width:3px;stroke:#D55E00}
@media print{nav,.filters,.search{display:none}.scroll{max-height:none;overflow:visible}.sides.n2{grid-template-columns:1fr 1fr}
pre{white-space:pre-wrap}a{color:inherit;text-decoration:none}
h2,h3,h4,.legend{break-after:avoid-page}figure,tr,li{break-inside:avoid-page}
svg.address-map,svg.graph,svg.cpu-grid{width:auto;height:auto;max-height:calc(100vh - 120px)}}
`;

/** The page's script (page-script.ts), its source made once. */
const SCRIPT = pageScript();

/** The whole page: one file, nothing fetched. */
export function page(title: string, subtitle: string, nav: [string, string][], body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><header><h1>${esc(title)}</h1><div class="muted">${esc(subtitle)}</div>
<nav aria-label="sections"><ul>${nav.map(([id, name]) => `<li><a href="#${id}">${esc(name)}</a></li>`).join('')}</ul></nav>
<div class="search" role="search" hidden><label>Search every table
<input id="search" type="search" size="28" placeholder="a field, a value: GICR, 12600000" aria-describedby="search-results"></label>
<div id="search-results" class="scroll" aria-live="polite"></div></div></header>
<main>${body}</main><script>${SCRIPT}</script></body></html>
`;
}
