// The report in a real browser: Debian's Chromium driven by playwright-core (no browser download),
// each page loaded from a file:// URL. No console error; every section there and visible; one
// data-iort-node per IORT node; a finding's link brings its field into view, opened; a graph node
// reached with the keyboard opens its dump line; the pictures are there without script; printing
// hides the navigation; a screenshot is not blank.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
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
});
