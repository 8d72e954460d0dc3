// The report in a real browser: Debian's Chromium driven by playwright-core (no browser download),
// each page loaded from a file:// URL. No console error; every section there and visible; one
// data-iort-node per IORT node; a finding's link brings its field into view, opened; a graph node
// reached with the keyboard opens its dump line; the pictures are there without script; printing
// hides the navigation; a screenshot is not blank.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CORPUS, HAVE_CHROMIUM, HAVE_CORPUS, SAMPLES, cli, tmp } from '../helpers.js';
import { SECTIONS, iortNodes } from './common.js';
import { decodePng, inked } from './png.js';
import { generate, QEMU_512 } from '../../samples/generate.js';

let browser: Browser;

/** A page of the report at `file`, with what it logged as errors. */
async function open(file: string, js = true): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: js });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(file).href);
  return { page, errors };
}

async function made(...args: string[]): Promise<string> {
  const out = join(tmp('browser-'), 'report.html');
  const r = await cli('report', ...args, '-o', out);
  expect(r.code, r.err).toBe(0);
  return out;
}

/** Whether an element lies inside the viewport. */
const inView = (page: Page, selector: string) =>
  page.$eval(selector, (el) => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight;
  });

const host512 = () => {
  const f = join(tmp('browser-512-'), 'acpidump.txt');
  writeFileSync(f, generate(QEMU_512));
  return f;
};

const INPUTS: [string, () => string][] = [
  ['the QEMU sample', () => join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')],
  ['the 128-CPU server sample', () => join(SAMPLES, 'server-128cpu', 'acpidump.txt')],
  ['a 512-CPU QEMU host', host512],
  ...(HAVE_CORPUS
    ? ([
        ['QEMU with an SMMUv3 (corpus)', () => join(CORPUS, 'qemu-virt-gicv3-ras-smmuv3-smp4', 'acpidump.txt')],
        ['a HoneyComb LX2160A (corpus)', () => join(CORPUS, 'honeycomb-lx2160a', 'acpidump.txt')],
        ['a Morello FVP, binary tables (corpus)', () => join(CORPUS, 'morello-fvp')],
      ] as [string, () => string][])
    : []),
];

describe.skipIf(!HAVE_CHROMIUM)('the report in Chromium', () => {
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(INPUTS)('%s: no console error, every section, one data-iort-node per IORT node, not blank', async (_name, input) => {
    const path = input();
    const { page, errors } = await open(await made(path));
    for (const s of SECTIONS) expect(await page.isVisible(`section#${s}`), s).toBe(true);
    expect(await page.locator('[data-iort-node]').count()).toBe(iortNodes(path));
    const shot = inked(decodePng(await page.locator('#address-map').screenshot()));
    expect(shot.share).toBeGreaterThan(0.02);
    expect(shot.colours).toBeGreaterThan(8);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('clicking a finding brings its field into view, its table opened', async () => {
    const dir = tmp('browser-f-');
    mkdirSync(join(dir, 't'));
    // a table with a wrong checksum: a finding at the FADT's checksum byte
    const { readTables } = await import('../../src/io/read.js');
    const { allEntries } = await import('../../src/model/tableset.js');
    for (const e of allEntries(readTables(join(SAMPLES, 'server-128cpu', 'acpidump.txt')).set)) {
      const b = Buffer.from(e.bytes);
      if (e.table.signature === 'APIC') b[9] ^= 0x55;
      writeFileSync(join(dir, 't', `${e.table.signature.toLowerCase()}.dat`), b);
    }
    const { page, errors } = await open(await made(join(dir, 't')));
    const link = page.locator('#findings a[data-finding="CHECKSUM"]').first();
    const target = (await link.getAttribute('href'))!.slice(1);
    expect(await page.isVisible(`[id="${target}"]`)).toBe(false); // inside a closed table
    await link.click();
    expect(await page.isVisible(`[id="${target}"]`)).toBe(true);
    expect(await inView(page, `[id="${target}"]`)).toBe(true);
    expect(await page.textContent(`[id="${target}"]`)).toContain('Checksum');
    expect(await page.evaluate(() => location.hash)).toBe(`#${target}`);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a graph node reached with the keyboard opens its dump line; the same page reads without script', async () => {
    const input = join(SAMPLES, 'server-128cpu', 'acpidump.txt');
    const file = await made(input);
    const { page, errors } = await open(file);
    const node = page.locator('[data-iort-node] a').first();
    await node.focus();
    const target = (await node.getAttribute('href'))!.slice(1);
    await page.keyboard.press('Enter');
    expect(await inView(page, `[id="${target}"]`)).toBe(true);
    expect(await page.getAttribute(`[id="${target}"]`, 'class')).toContain('hit');
    expect(errors).toEqual([]);
    await page.context().close();
    // without script: the same pictures, drawn when the report was made
    const bare = await open(file, false);
    expect(await bare.page.locator('#iort svg.graph [data-iort-node]').count()).toBe(iortNodes(input));
    expect(await bare.page.locator('#address-map svg rect').count()).toBeGreaterThan(10);
    expect(await bare.page.locator('#topology .box').count()).toBeGreaterThan(100);
    await bare.page.context().close();
  });

  it('two inputs: the diff links a change to its field on both sides; printing hides the navigation', async () => {
    const host = join(SAMPLES, 'server-128cpu', 'acpidump.txt');
    const out = join(tmp('browser-b-'), 'o');
    expect((await cli('build', host, '-o', out, '--bootargs', 'console=hvc0')).code).toBe(0);
    const { page, errors } = await open(join(out, 'report.html'));
    expect(await page.locator('#iort svg.graph').count()).toBe(2); // the host's IORT beside dom0's
    const row = page
      .locator('#diff tr.changed')
      .filter({ has: page.locator('a', { hasText: 'new' }) })
      .first();
    for (const side of ['old', 'new']) {
      const a = row.locator('a', { hasText: side });
      const target = (await a.getAttribute('href'))!.slice(1);
      await a.click();
      expect(await inView(page, `[id="${target}"]`)).toBe(true);
    }
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('nav')).toBe(false);
    expect((await page.pdf()).length).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  /** Presses Tab, as a person does, until the focus is on an element matching `selector` (at most `limit` times); how many presses it took. */
  async function tabTo(page: Page, selector: string, limit = 2000): Promise<number> {
    for (let i = 1; i <= limit; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return i;
    }
    throw new Error(`${limit} presses of Tab never reached ${selector}`);
  }
  const focused = (page: Page) =>
    page.evaluate(() => {
      const a = document.activeElement!;
      return { node: a.closest('[data-iort-node]')?.getAttribute('data-iort-node') ?? null, tag: a.tagName.toLowerCase(), href: a.getAttribute('href') };
    });

  it('Tab from the top of the page: each IORT node is one Tab stop, and Enter on it opens its dump line', async () => {
    const input = join(SAMPLES, 'server-128cpu', 'acpidump.txt');
    const { page, errors } = await open(await made(input));
    await tabTo(page, '[data-iort-node] *');
    // every node of the graph, in turn, one Tab each: the link it is
    const nodes = await page.locator('#iort [data-iort-node]').count();
    const stops: { node: string | null; tag: string }[] = [await focused(page)];
    while (stops.length < nodes + 12) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      if (f.node === null) break;
      stops.push(f);
    }
    const onNodes = stops.filter((f) => f.tag === 'a' && f.node !== null);
    expect(
      stops.filter((f) => f.tag !== 'a'),
      'a Tab stop that is not a link',
    ).toEqual([]);
    expect(new Set(onNodes.map((f) => f.node)).size).toBe(onNodes.length); // no node twice
    expect(onNodes.length).toBe(nodes);
    // back to the first node, with the keyboard, and Enter
    await page.keyboard.press('Shift+Tab'); // (off the last node's edge labels or the graph)
    const first = page.locator('#iort [data-iort-node] a').first();
    await first.focus();
    const target = (await first.getAttribute('href'))!.slice(1);
    await page.keyboard.press('Enter');
    expect(await inView(page, `[id="${target}"]`)).toBe(true);
    expect(await page.getAttribute(`[id="${target}"]`, 'class')).toContain('hit');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('Back after following a finding returns to the finding, focused and in view', async () => {
    const dir = tmp('browser-back-');
    mkdirSync(join(dir, 't'));
    const { readTables } = await import('../../src/io/read.js');
    const { allEntries } = await import('../../src/model/tableset.js');
    for (const e of allEntries(readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')).set)) {
      const b = Buffer.from(e.bytes);
      if (e.table.signature === 'APIC') b[9] ^= 0x55; // a wrong checksum: a finding
      writeFileSync(join(dir, 't', `${e.table.signature.toLowerCase()}.dat`), b);
    }
    const { page, errors } = await open(await made(join(dir, 't')));
    await tabTo(page, '#findings a[data-finding]');
    const finding = await page.evaluate(() => document.activeElement!.getAttribute('href'));
    await page.keyboard.press('Enter');
    expect(await inView(page, `[id="${finding!.slice(1)}"]`)).toBe(true);
    expect(await inView(page, '#findings a[data-finding]')).toBe(false);
    await page.goBack();
    await page.waitForFunction(() => document.activeElement?.matches('#findings a[data-finding]'));
    expect(await inView(page, '#findings a[data-finding]')).toBe(true);
    // and Forward goes to the field again
    await page.goForward();
    await page.waitForFunction((id) => document.getElementById(id)?.classList.contains('hit'), finding!.slice(1));
    expect(errors).toEqual([]);
    await page.context().close();
  });

  /** The font size of each text run on each page of a PDF (Chromium writes one content stream per page, "/F4 17 Tf" per run). */
  function pdfPages(pdf: Buffer): number[][] {
    const text = pdf.toString('latin1');
    const pages: number[][] = [];
    for (const m of text.matchAll(/stream\r?\n/g)) {
      const from = m.index + m[0].length;
      let body: string;
      try {
        body = inflateSync(pdf.subarray(from, text.indexOf('endstream', from))).toString('latin1');
      } catch {
        continue;
      }
      if (/^[\d.]+ 0 0 -[\d.]+ 0 \d+ cm/.test(body)) pages.push([...body.matchAll(/\/F\d+ ([\d.]+) Tf/g)].map((x) => Number(x[1])));
    }
    return pages;
  }

  it.each([
    ['a build (host and dom0)', 'build'],
    ['a diff of two corpus sets', 'diff'],
    ['the 128-CPU server sample', 'one'],
  ])('%s at 1280 px: map text ≥ 11 px, no sideways scroll; printed, no page holds only a heading', async (_name, kind) => {
    let file: string;
    if (kind === 'build') {
      const out = join(tmp('browser-w-'), 'o');
      expect((await cli('build', join(SAMPLES, 'server-128cpu', 'acpidump.txt'), '-o', out, '--bootargs', 'console=hvc0')).code).toBe(0);
      file = join(out, 'report.html');
    } else if (kind === 'one') file = await made(join(SAMPLES, 'server-128cpu', 'acpidump.txt'));
    else if (HAVE_CORPUS)
      file = await made(join(CORPUS, 'qemu-virt-gicv3-ras-smmuv3-smp4', 'acpidump.txt'), join(CORPUS, 'qemu-virt-gicv3-smp4', 'acpidump.txt'));
    else return;
    const { page, errors } = await open(file);
    // every text of the address map as drawn: its font size times the SVG's scale on screen
    const sizes = await page.$$eval('#address-map svg.address-map text', (ts) =>
      ts.map((t) => parseFloat(getComputedStyle(t).fontSize) * (t as SVGGraphicsElement).getScreenCTM()!.a),
    );
    expect(sizes.length).toBeGreaterThan(50);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
    expect(await page.locator('#address-map svg.address-map').count()).toBe(1); // one axis, whatever the inputs
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    // printed: a page whose every text run is a heading's (h2, h3) or a legend's holds nothing else
    const style = await page.evaluate(() => ['h2', 'h3', '.legend'].map((s) => parseFloat(getComputedStyle(document.querySelector(s)!).fontSize)));
    await page.emulateMedia({ media: 'print' });
    const pages = pdfPages(await page.pdf());
    expect(pages.length).toBeGreaterThan(2);
    const bare = pages.map((runs, i) => ({ i, runs })).filter(({ runs }) => runs.length && runs.every((r) => style.includes(r)));
    expect(bare.map(({ i, runs }) => `page ${i + 1}: ${runs.join(', ')}`)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the script’s filters and highlights: severities, tables by name, and a graph node’s edges under the pointer and the focus', async () => {
    // the QEMU sample's tables with the MADT's checksum broken: a warning beside --dom0's info
    const dir = tmp('browser-filters-');
    expect((await cli('extract', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '-o', join(dir, 'tables'))).code).toBe(0);
    const apic = join(dir, 'tables', 'apic.dat');
    const bytes = readFileSync(apic);
    bytes[9] ^= 0xff;
    writeFileSync(apic, bytes);
    const { page, errors } = await open(await made('--dom0', join(dir, 'tables')));
    const shown = (sev: string) => page.locator(`#findings tr[data-sev="${sev}"]:not([hidden])`).count();
    expect(await shown('warning')).toBeGreaterThan(0);
    expect(await shown('info')).toBeGreaterThan(0);
    await page.locator('#findings input[data-sev="info"]').uncheck();
    expect(await shown('info')).toBe(0);
    expect(await shown('warning')).toBeGreaterThan(0);
    await page.locator('#findings input[data-sev="info"]').check();
    expect(await shown('info')).toBeGreaterThan(0);
    await page.locator('#table-filter').fill('gtd');
    expect(await page.locator('#tables li[data-sig]:not([hidden])').evaluateAll((li) => li.map((x) => x.getAttribute('data-sig')))).toEqual(['GTDT']);
    await page.locator('#table-filter').fill('');
    expect(await page.locator('#tables li[data-sig][hidden]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
    // the server sample's IORT: a node under the pointer, then one with the focus, marks its edges
    const server = await open(await made(join(SAMPLES, 'server-128cpu', 'acpidump.txt')));
    const node = server.page.locator('#iort svg.graph g.node').first();
    const at = await node.getAttribute('data-at');
    const marked = () => server.page.locator('#iort path.edge.hit').evaluateAll((p) => p.map((x) => [x.getAttribute('data-from'), x.getAttribute('data-to')]));
    await node.hover();
    const edges = await marked();
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.every(([from, to]) => from === at || to === at)).toBe(true);
    await server.page.mouse.move(0, 0);
    expect(await marked()).toEqual([]);
    await server.page.locator('#iort [data-iort-node] a').first().focus();
    expect((await marked()).length).toBeGreaterThan(0);
    expect(server.errors).toEqual([]);
    await server.page.context().close();
  });

  it('a search across every table: the lines that hold a value, and Enter on one opens its table at that line', async () => {
    const { page, errors } = await open(await made(join(SAMPLES, 'server-128cpu', 'acpidump.txt')));
    await tabTo(page, '#search');
    // the box as it is labelled and described (its attributes read whole)
    expect(await page.locator('#search').getAttribute('placeholder')).toBe('a field, a value: GICR, 12600000');
    expect(await page.locator('#search').getAttribute('aria-describedby')).toBe('search-results');
    await page.keyboard.type('12600000'); // the console UART: the DSDT's, the SPCR's and the DBG2's
    await page.keyboard.press('Enter');
    const results = page.locator('#search-results button');
    await results.first().waitFor();
    expect(await results.allInnerTexts()).toEqual([
      // the UART's _CRS in the DSDT's ASL, then the two tables that name it
      expect.stringMatching(/^DSDT: 0x12600000, +\/\/ Address Base$/),
      expect.stringMatching(/^SPCR: .*Address : 0000000012600000$/),
      expect.stringMatching(/^DBG2: .*Address : 0000000012600000$/),
    ]);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab'); // the third line found: the DBG2's
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/^DBG2: /);
    await page.keyboard.press('Enter');
    const hit = await page.evaluate(() => {
      const s = getSelection()!;
      const box = s.getRangeAt(0).getBoundingClientRect();
      return {
        text: s.toString(),
        top: box.top,
        table: s.anchorNode!.parentElement!.closest('details')!.querySelector('summary b')!.textContent,
        open: s.anchorNode!.parentElement!.closest('details')!.open,
      };
    });
    expect(hit.text).toContain('Address : 0000000012600000');
    expect(hit.table).toMatch(/^DBG2/);
    expect(hit.open).toBe(true);
    expect(hit.top).toBeGreaterThan(0);
    expect(hit.top).toBeLessThan(900);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
