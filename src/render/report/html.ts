// The report's HTML: escaping, the palette (Okabe and Ito's eight colours, told apart with every
// common colour-vision deficiency), the page's style and its script. The pictures are drawn when the
// report is made; the script only opens what a link points into, filters and highlights.
import { escapeMarkup } from '../markup.js';

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

// Follows a link to a dump line (opening the table it is in; Back returns to the link, focused),
// highlights the IORT edges of the node under the pointer or the keyboard focus (listened for on the
// document: an SVG element with focus listeners of its own becomes a Tab stop of its own in
// Chromium), and filters findings by severity and tables by name. Nothing is drawn here.
const SCRIPT = `
(()=>{
const open=(el)=>{for(let p=el;p;p=p.parentElement)if(p.tagName==='DETAILS')p.open=true;};
const go=(id)=>{const el=document.getElementById(id);if(!el)return false;open(el);
 document.querySelectorAll('.hit').forEach(e=>e.classList.remove('hit'));el.classList.add('hit');
 el.scrollIntoView({block:'center'});return true;};
history.scrollRestoration='manual';
const links=()=>[...document.querySelectorAll('a[href^="#"]')];
document.addEventListener('click',e=>{const a=e.target.closest&&e.target.closest('a[href^="#"]');
 if(!a)return;const id=decodeURIComponent(a.getAttribute('href').slice(1));if(!document.getElementById(id))return;
 e.preventDefault();history.replaceState({back:links().indexOf(a)},'',location.href);history.pushState(null,'','#'+encodeURIComponent(id));go(id);});
addEventListener('popstate',e=>{const a=e.state&&links()[e.state.back];
 if(a){document.querySelectorAll('.hit').forEach(x=>x.classList.remove('hit'));open(a);a.focus({preventScroll:true});a.scrollIntoView({block:'center'});}
 else if(location.hash)go(decodeURIComponent(location.hash.slice(1)));});
if(location.hash)go(decodeURIComponent(location.hash.slice(1)));
const node=(e)=>e.target.closest&&e.target.closest('svg.graph g.node');
const mark=(n,on)=>{const at=n.getAttribute('data-at');n.closest('svg').querySelectorAll('path.edge').forEach(p=>{
 if(p.getAttribute('data-from')===at||p.getAttribute('data-to')===at)p.classList.toggle('hit',on);});};
document.querySelectorAll('svg.graph g.node').forEach(n=>{n.addEventListener('mouseenter',()=>mark(n,true));
 n.addEventListener('mouseleave',()=>mark(n,false));});
document.addEventListener('focusin',e=>{const n=node(e);if(n)mark(n,true);});
document.addEventListener('focusout',e=>{const n=node(e);if(n)mark(n,false);});
const sev=document.querySelectorAll('#findings input[data-sev]');
sev.forEach(c=>c.addEventListener('change',()=>{const show=new Set([...sev].filter(x=>x.checked).map(x=>x.getAttribute('data-sev')));
 document.querySelectorAll('#findings tr[data-sev]').forEach(r=>r.hidden=!show.has(r.getAttribute('data-sev')));}));
const sq=document.getElementById('search'),found=document.getElementById('search-results');
const hits=[];let timer;sq.closest('.search').hidden=false;
const find=()=>{const t=sq.value.trim().toLowerCase();hits.length=0;found.replaceChildren();if(t.length<2)return;
 const ul=document.createElement('ul');let n=0,more=0;
 for(const d of document.querySelectorAll('#tables details[id]')){const pre=d.querySelector('pre');if(!pre)continue;
  const text=pre.textContent,low=text.toLowerCase(),name=d.querySelector('summary b').textContent.split(' ')[0],
   side=d.closest('.sides>div')?.querySelector('h3')?.textContent;
  for(let i=low.indexOf(t);i>=0;){const s=text.lastIndexOf('\\n',i)+1;let e=text.indexOf('\\n',i);if(e<0)e=text.length;
   if(n<200){const li=document.createElement('li'),b=document.createElement('button');b.type='button';b.dataset.hit=String(hits.length);
    b.textContent=(document.querySelectorAll('.sides.n2').length&&side?side+' · ':'')+name+': '+text.slice(s,e).trim();hits.push({d,s,e});
    li.append(b);ul.append(li);n++;}else more++;
   i=low.indexOf(t,e);}}
 const p=document.createElement('p');
 p.textContent=n?n+(more?' of '+(n+more):'')+' line(s) in the tables\\u2019 dumps; Enter on one opens it':'No line of any table holds it';
 found.append(p);if(n)found.append(ul);};
sq.addEventListener('input',()=>{clearTimeout(timer);timer=setTimeout(find,120);});
sq.addEventListener('keydown',e=>{if(e.key==='Enter'){clearTimeout(timer);find();}});
const rangeIn=(root,s,e)=>{const w=document.createTreeWalker(root,NodeFilter.SHOW_TEXT);const r=document.createRange();let at=0,n;
 while((n=w.nextNode())){const len=n.data.length;if(at<=s&&s<=at+len)r.setStart(n,s-at);if(at<=e&&e<=at+len){r.setEnd(n,e-at);break;}at+=len;}return r;};
found.addEventListener('click',e=>{const b=e.target.closest('button[data-hit]');if(!b)return;const h=hits[Number(b.dataset.hit)];
 open(h.d);const r=rangeIn(h.d.querySelector('pre'),h.s,h.e);const sel=getSelection();sel.removeAllRanges();sel.addRange(r);
 const box=r.getBoundingClientRect();scrollBy(0,box.top-innerHeight/2);});
const q=document.getElementById('table-filter');
if(q)q.addEventListener('input',()=>{const t=q.value.trim().toUpperCase();
 document.querySelectorAll('#tables li[data-sig]').forEach(li=>li.hidden=!!t&&!li.getAttribute('data-sig').includes(t));});
})();
`;

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
