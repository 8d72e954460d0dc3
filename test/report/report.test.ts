// report's HTML without a browser: the sections, one data-iort-node per IORT node, every link
// landing on an element of the page, nothing fetched, hostile strings escaped, the build's report,
// and the command's exit codes and refusals. test/report/browser.test.ts loads the pages in Chromium.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, HAVE_CORPUS, SAMPLES, cli, tmp } from '../helpers.js';
import { readTables } from '../../src/io/read.js';
import { allEntries } from '../../src/model/tableset.js';
import { SECTIONS, linksOf, iortNodes } from './common.js';
import { encodeTable } from '../../src/tables/registry.js';

async function report(...args: string[]): Promise<string> {
  const out = join(tmp('report-'), 'r.html');
  const r = await cli('report', ...args, '-o', out);
  expect(r.code, r.err).toBe(0);
  return readFileSync(out, 'utf8');
}

function wellFormed(html: string): void {
  for (const s of SECTIONS) expect(html).toMatch(new RegExp(`<section id="${s}"`));
  const { ids, hrefs } = linksOf(html);
  expect(hrefs.length).toBeGreaterThan(0);
  for (const h of hrefs) expect(ids.has(h), `link #${h} lands nowhere`).toBe(true);
  // one file, nothing fetched: no external script, style, image or font
  expect(html).not.toMatch(/<(?:script|img|link|iframe)[^>]*\s(?:src|href)=/i);
  expect(html).not.toMatch(/url\((?!#)/);
}

/** Every set of the corpus: its acpidump text, else its folder of binary tables. */
function corpusSets(dir: string): string[] {
  if (existsSync(join(dir, 'acpidump.txt'))) return [join(dir, 'acpidump.txt')];
  const here = readdirSync(dir, { withFileTypes: true });
  if (here.some((f) => f.name.endsWith('.dat'))) return [dir];
  return here.filter((f) => f.isDirectory()).flatMap((f) => corpusSets(join(dir, f.name)));
}

const inputs = [join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), join(SAMPLES, 'server-128cpu', 'acpidump.txt'), ...(HAVE_CORPUS ? corpusSets(CORPUS) : [])];

describe('report', () => {
  it.each(inputs)('%s: every section, one data-iort-node per IORT node, every link lands', async (input) => {
    const html = await report(input);
    wellFormed(html);
    expect(html.match(/ data-iort-node="/g)?.length ?? 0).toBe(iortNodes(input));
    // every table opens into its dump
    expect(html.match(/<details id="s0-t\d+"/g)?.length).toBe(allEntries(readTables(input).set).length);
  });

  it('two inputs: both sides, and the diff links each change to its field on both sides', async () => {
    const a = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');
    const out = tmp('report-b-');
    expect((await cli('build', a, '-o', join(out, 'b'), '--bootargs', 'console=hvc0')).code).toBe(0);
    const html = await report(a, join(out, 'b'));
    wellFormed(html);
    const diff = html.slice(html.indexOf('<section id="diff"'), html.indexOf('</section>', html.indexOf('<section id="diff"')));
    const rows = diff.match(/<tr class="(?:added|removed|changed)">/g)?.length ?? 0;
    expect(rows).toBeGreaterThan(5);
    // a changed field links to a line of the first side's dumps and of the second's
    expect(diff).toMatch(/href="#s0-t\d+-L\d+">old<\/a> <a href="#s1-t\d+-L\d+">new</);
    // the build output shows its EFI memory map and dom0's region in the address map
    const map = html.slice(html.indexOf('<section id="address-map"'), html.indexOf('<section id="iort"'));
    expect(map).toContain('EFI Conventional');
    expect(map).toContain('the dom0 region (acpi.img)');
  });

  it('build writes report.html: the host beside the dom0 set, with their diff', async () => {
    const out = join(tmp('report-build-'), 'o');
    const r = await cli('build', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '-o', out, '--bootargs', 'console=hvc0');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('report.html');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    wellFormed(html);
    expect(html).toMatch(/<details id="s1-t\d+"/);
    expect(html).toContain('<h3>the dom0 set</h3>');
    expect(html).toMatch(/<tr class="added"><td class="sign" aria-label="added">\+<\/td><td><code>STAO<\/code>/); // the STAO dom0 has and the host has not
    // a second build over it with --force replaces it (it is the tool's own output)
    expect((await cli('build', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '-o', out, '--force')).code).toBe(0);
  });

  it('a finding links to the dump line of its field', async () => {
    // a GICC with a zero MPIDR duplicate: MADT findings at a GICC's field
    const dir = tmp('report-f-');
    const { set } = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'));
    mkdirSync(join(dir, 't'));
    for (const e of allEntries(set)) {
      const bytes = Buffer.from(e.bytes);
      if (e.table.signature === 'FACP') bytes[9] ^= 0xff; // a wrong checksum
      writeFileSync(join(dir, 't', `${e.table.signature.toLowerCase()}.dat`), bytes);
    }
    const html = await report(join(dir, 't'));
    wellFormed(html);
    const m = /<a href="#(s0-t\d+-L\d+)" data-finding="CHECKSUM">/.exec(html);
    expect(m, 'the checksum finding links to a dump line').not.toBeNull();
    const line = new RegExp(`<span id="${m![1]}">([^<]*)</span>`).exec(html)![1];
    expect(line).toContain('Checksum');
    expect(html).toContain('checksum wrong');
  });

  it('escapes what the tables say: an OEM ID of markup stays text', async () => {
    const dir = tmp('report-x-');
    const { set } = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'));
    mkdirSync(join(dir, 't'));
    for (const e of allEntries(set)) {
      const t = e.table;
      const bytes =
        t.signature === 'FACP' ? encodeTable({ ...t, fields: { ...t.fields, header: { ...(t.fields.header as object), oem_id: '<b>"x' } } }) : e.bytes;
      writeFileSync(join(dir, 't', `${t.signature.toLowerCase()}.dat`), bytes);
    }
    const html = await report(join(dir, 't'));
    wellFormed(html);
    expect(html).not.toContain('<b>"x');
    expect(html).toContain('&lt;b&gt;&quot;x');
  });

  it('refuses what it cannot do, exit 2; an existing file only with --force', async () => {
    const a = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');
    const dir = tmp('report-e-');
    expect((await cli('report', a, a, a, '-o', join(dir, 'r.html'))).code).toBe(2);
    expect((await cli('report', join(dir, 'none.txt'), '-o', join(dir, 'r.html'))).code).toBe(2);
    expect((await cli('report', a)).code).toBe(2); // -o is required
    const mine = join(dir, 'notes.html');
    writeFileSync(mine, 'my notes');
    const r = await cli('report', a, '-o', mine);
    expect(r.code).toBe(2);
    expect(r.err).toContain('exists');
    expect(readFileSync(mine, 'utf8')).toBe('my notes');
    // the file named with -o is the user's to replace: --force does
    expect((await cli('report', a, '-o', mine, '--force')).code).toBe(0);
    expect(readFileSync(mine, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect((await cli('report', a, '-o', join(dir, 'r.html'))).code).toBe(0);
    expect((await cli('report', a, '-o', join(dir, 'r.html'), '--force')).code).toBe(0);
    // standard output
    const out = await cli('report', a, '-o', '-');
    expect(out.code).toBe(0);
    expect(out.out.startsWith('<!DOCTYPE html>')).toBe(true);
  });
});
