// The report page's script, compiled and linted with the rest: functions that run in the page and
// nowhere else (they reach no module of ours, only the DOM and each other), written into it as
// their source by pageScript(). It follows a link to a dump line (opening the table it is in; Back
// returns to the link, focused), highlights the IORT edges of the node under the pointer or the
// keyboard focus (listened for on the document: an SVG element with focus listeners of its own
// becomes a Tab stop of its own in Chromium), filters findings by severity and tables by name, and
// searches every table's dump. Nothing is drawn here: the page reads the same without it.

/** Opens every <details> an element is in. */
function openAround(el: Element): void {
  for (let p: Element | null = el; p; p = p.parentElement) if (p instanceof HTMLDetailsElement) p.open = true;
}

/** Brings the element with this id into view, its tables opened, marked as the one followed. */
function goTo(id: string): boolean {
  const el = document.getElementById(id);
  if (!el) return false;
  openAround(el);
  document.querySelectorAll('.hit').forEach((e) => e.classList.remove('hit'));
  el.classList.add('hit');
  el.scrollIntoView({ block: 'center' });
  return true;
}

/** The page's links to places in it, in document order (Back finds the one followed by its index). */
function pageLinks(): HTMLAnchorElement[] {
  return [...document.querySelectorAll<HTMLAnchorElement>('a[href^="#"]')];
}

/** A link to a dump line opens its table and brings the line into view; Back returns to the link. */
function followLinks(): void {
  history.scrollRestoration = 'manual';
  document.addEventListener('click', (e) => {
    const a = e.target instanceof Element ? e.target.closest<HTMLAnchorElement>('a[href^="#"]') : null;
    if (!a) return;
    const id = decodeURIComponent(a.getAttribute('href')!.slice(1));
    if (!document.getElementById(id)) return;
    e.preventDefault();
    history.replaceState({ back: pageLinks().indexOf(a) }, '', location.href);
    history.pushState(null, '', '#' + encodeURIComponent(id));
    goTo(id);
  });
  addEventListener('popstate', (e) => {
    const a = e.state ? pageLinks()[(e.state as { back: number }).back] : undefined;
    if (a) {
      document.querySelectorAll('.hit').forEach((x) => x.classList.remove('hit'));
      openAround(a);
      a.focus({ preventScroll: true });
      a.scrollIntoView({ block: 'center' });
    } else if (location.hash) goTo(decodeURIComponent(location.hash.slice(1)));
  });
  if (location.hash) goTo(decodeURIComponent(location.hash.slice(1)));
}

/** The edges into and out of a graph node marked while the pointer or the focus is on it. */
function markEdges(): void {
  const nodeOf = (e: Event) => (e.target instanceof Element ? e.target.closest('svg.graph g.node') : null);
  const mark = (n: Element, on: boolean) => {
    const at = n.getAttribute('data-at');
    n.closest('svg')!
      .querySelectorAll('path.edge')
      .forEach((p) => {
        if (p.getAttribute('data-from') === at || p.getAttribute('data-to') === at) p.classList.toggle('hit', on);
      });
  };
  document.querySelectorAll('svg.graph g.node').forEach((n) => {
    n.addEventListener('mouseenter', () => mark(n, true));
    n.addEventListener('mouseleave', () => mark(n, false));
  });
  document.addEventListener('focusin', (e) => {
    const n = nodeOf(e);
    if (n) mark(n, true);
  });
  document.addEventListener('focusout', (e) => {
    const n = nodeOf(e);
    if (n) mark(n, false);
  });
}

/** The findings shown by severity (a box each), the tables by a part of their signature. */
function filters(): void {
  const sev = document.querySelectorAll<HTMLInputElement>('#findings input[data-sev]');
  sev.forEach((c) =>
    c.addEventListener('change', () => {
      const show = new Set([...sev].filter((x) => x.checked).map((x) => x.getAttribute('data-sev')));
      document.querySelectorAll<HTMLElement>('#findings tr[data-sev]').forEach((r) => (r.hidden = !show.has(r.getAttribute('data-sev'))));
    }),
  );
  const q = document.getElementById('table-filter') as HTMLInputElement | null;
  q?.addEventListener('input', () => {
    const t = q.value.trim().toUpperCase();
    document.querySelectorAll<HTMLElement>('#tables li[data-sig]').forEach((li) => (li.hidden = !!t && !li.getAttribute('data-sig')!.includes(t)));
  });
}

/** A line of a table's dump that holds what was searched for: the table, and where in its text. */
interface Hit {
  d: HTMLDetailsElement;
  s: number;
  e: number;
}

/** The lines of every table's dump that hold `t` (at most 200 listed), as buttons in `found`. */
function findLines(t: string, found: HTMLElement, hits: Hit[]): void {
  hits.length = 0;
  found.replaceChildren();
  if (t.length < 2) return;
  const ul = document.createElement('ul');
  const twoSides = document.querySelectorAll('.sides.n2').length > 0;
  let n = 0;
  let more = 0;
  for (const d of document.querySelectorAll<HTMLDetailsElement>('#tables details[id]')) {
    const pre = d.querySelector('pre');
    if (!pre) continue;
    const text = pre.textContent ?? '';
    const low = text.toLowerCase();
    const name = (d.querySelector('summary b')?.textContent ?? '').split(' ')[0];
    const side = d.closest('.sides>div')?.querySelector('h3')?.textContent;
    for (let i = low.indexOf(t); i >= 0;) {
      const s = text.lastIndexOf('\n', i) + 1;
      let e = text.indexOf('\n', i);
      if (e < 0) e = text.length;
      if (n < 200) {
        const li = document.createElement('li');
        const b = document.createElement('button');
        b.type = 'button';
        b.dataset.hit = String(hits.length);
        b.textContent = (twoSides && side ? side + ' · ' : '') + name + ': ' + text.slice(s, e).trim();
        hits.push({ d, s, e });
        li.append(b);
        ul.append(li);
        n++;
      } else more++;
      i = low.indexOf(t, e);
    }
  }
  const p = document.createElement('p');
  p.textContent = n ? n + (more ? ' of ' + (n + more) : '') + ' line(s) in the tables\u2019 dumps; Enter on one opens it' : 'No line of any table holds it';
  found.append(p);
  if (n) found.append(ul);
}

/** The DOM range of characters s..e of an element's text. */
function rangeIn(root: Node, s: number, e: number): Range {
  const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const r = document.createRange();
  let at = 0;
  for (let n = w.nextNode() as Text | null; n; n = w.nextNode() as Text | null) {
    const len = n.data.length;
    if (at <= s && s <= at + len) r.setStart(n, s - at);
    if (at <= e && e <= at + len) {
      r.setEnd(n, e - at);
      break;
    }
    at += len;
  }
  return r;
}

/** The search box: every table's dump searched as one types (or on Enter); a line found opens its
 * table with the line selected, in the middle of the view. */
function search(): void {
  const sq = document.getElementById('search') as HTMLInputElement | null;
  const found = document.getElementById('search-results');
  if (!sq || !found) return;
  const hits: Hit[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  sq.closest<HTMLElement>('.search')!.hidden = false;
  const find = () => findLines(sq.value.trim().toLowerCase(), found, hits);
  sq.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(find, 120);
  });
  sq.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    clearTimeout(timer);
    find();
  });
  found.addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('button[data-hit]') : null;
    if (!b) return;
    const h = hits[Number(b.dataset.hit)];
    openAround(h.d);
    const r = rangeIn(h.d.querySelector('pre')!, h.s, h.e);
    const sel = getSelection()!;
    sel.removeAllRanges();
    sel.addRange(r);
    scrollBy(0, r.getBoundingClientRect().top - innerHeight / 2);
  });
}

/** Everything the page does, started. */
function startPage(): void {
  followLinks();
  markEdges();
  filters();
  search();
}

/** The page's script: the functions above as their source (the bundler may rename them: each is
 * written under the name it has, and the calls between them follow), then the start. */
export function pageScript(): string {
  const fns = [openAround, goTo, pageLinks, followLinks, markEdges, filters, findLines, rangeIn, search, startPage];
  return `(()=>{\n${fns.map((f) => f.toString()).join('\n')}\n${startPage.name}();\n})();`;
}
