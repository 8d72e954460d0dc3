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
import { encodeTable, type AcpiTable } from '../../src/tables/registry.js';

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

  it('#namespace: what the DSDT declares as collapsible levels, a device with its _HID, _UID and _CRS inline, each name linking to the line that declares it', async () => {
    const html = await report(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'));
    const ns = html.slice(html.indexOf('<section id="namespace"'), html.indexOf('</section>', html.indexOf('<section id="namespace"')));
    expect(ns).toContain('<h4>DSDT: 17 object(s): 11 Name, 5 Device, 1 Scope</h4>');
    const com0 = /<li><a href="#([^"]+)">COM0<\/a> <span class="muted">Device<\/span> ([^<]*)<\/li>/.exec(ns)!;
    expect(com0[2]).toBe('_HID &quot;ARMH0011&quot;; _UID 0x0; _CRS Memory32Fixed 0x9000000+0x1000 · Interrupt 33');
    // the link lands on the dump line that declares the device
    const line = new RegExp(`id="${com0[1]}"[^>]*>([^<]*)<`).exec(html)!;
    expect(line[1]).toMatch(/^ +Device \(COM0\)$/);
    // _SB opens a level, open at first, and holds the five devices
    expect(ns).toMatch(
      /<li><details open><summary><a href="#[^"]+">_SB<\/a> <span class="muted">Scope<\/span><\/summary><ul>(<li>.*?<\/li>){5}<\/ul><\/details><\/li>/,
    );
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

  it.skipIf(!HAVE_CORPUS)('an added or removed item is a compact summary of its fields, not raw JSON', async () => {
    const smmu = join(CORPUS, 'qemu-virt-gicv3-ras-smmuv3-smp4', 'acpidump.txt');
    const html = await report(smmu, join(CORPUS, 'qemu-virt-gicv3-smp4', 'acpidump.txt'));
    const diff = html.slice(html.indexOf('<section id="diff"'), html.indexOf('</section>', html.indexOf('<section id="diff"')));
    const row =
      /<tr class="removed"><td class="sign" aria-label="removed">−<\/td><td><code>IORT\.smmu_v3\[id=0x1\]<\/code><\/td><td class="old">([^<]*)<\/td>/.exec(
        diff,
      );
    expect(row, 'the removed SMMUv3 node').not.toBeNull();
    expect(row![1]).not.toMatch(/[{}"[\]]|&quot;/); // no JSON
    expect(row![1]).toContain('base_address 0x9050000');
    expect(row![1]).toMatch(/\+\d+ more fields$/);
    expect(row![1].length).toBeLessThan(200);
  });

  describe('the address map', () => {
    const sample = join(SAMPLES, 'server-128cpu', 'acpidump.txt');
    /** The sample's tables as binary files, one of them edited. */
    function edited(sig: string, edit: (t: AcpiTable) => AcpiTable): string {
      const dir = join(tmp('report-m-'), 't');
      mkdirSync(dir);
      for (const e of allEntries(readTables(sample).set))
        writeFileSync(join(dir, `${e.table.signature.toLowerCase()}.dat`), e.table.signature === sig ? encodeTable(edit(e.table)) : e.bytes);
      return dir;
    }
    const mapOf = (html: string) => html.slice(html.indexOf('<section id="address-map"'), html.indexOf('<section id="iort"'));
    /** The axis labels (y → address), and each region's box: its start and the y of its top. */
    function drawn(map: string): { labels: Map<number, string>; boxes: { start: string; y: number; side: number }[] } {
      const labels = new Map(
        [...map.matchAll(/<text x="[\d.]+" y="([\d.]+)" text-anchor="end">(0x[0-9A-F]+)<\/text>/g)].map((m) => [Number(m[1]), m[2]] as const),
      );
      const boxes: { start: string; y: number; side: number }[] = [];
      for (const g of map.matchAll(/<g data-side="(\d)">([\s\S]*?)<\/g>\n?(?=<g data-side|<\/svg>)/g))
        for (const m of g[2].matchAll(/<title>[^<]*?: (0x[0-9A-F]+)-0x[0-9A-F]+ \([^<]*<\/title><rect x="[\d.]+" y="([\d.]+)"/g))
          boxes.push({ start: m[1], y: Number(m[2]), side: Number(g[1]) });
      return { labels, boxes };
    }

    it.each([sample, ...(HAVE_CORPUS ? [join(CORPUS, 'honeycomb-lx2160a', 'acpidump.txt')] : [])])(
      '%s: every region shows its own start on the axis, also after a gap under 64 KiB',
      async (input) => {
        const { labels, boxes } = drawn(mapOf(await report(input)));
        expect(boxes.length).toBeGreaterThan(20);
        const unlabelled = boxes.filter((b) => labels.get(b.y + 4) !== b.start);
        expect(unlabelled.map((b) => `${b.start} at y ${b.y}`)).toEqual([]);
      },
    );

    it("two inputs: one SVG, one axis (an address is at one height on both sides), each side's start labelled", async () => {
      const out = join(tmp('report-ax-'), 'o');
      expect((await cli('build', sample, '-o', out, '--bootargs', 'console=hvc0', '--no-report')).code).toBe(0);
      const map = mapOf(await report(sample, out));
      expect(map.match(/<svg class="address-map"/g)).toHaveLength(1);
      const { labels, boxes } = drawn(map);
      const host = new Map(boxes.filter((b) => b.side === 0).map((b) => [b.start, b.y]));
      const both = boxes.filter((b) => b.side === 1 && host.has(b.start));
      expect(both.length).toBeGreaterThan(10); // the GIC, UART, ECAM… are where they were
      for (const b of both) expect(b.y, b.start).toBe(host.get(b.start));
      expect(boxes.filter((b) => labels.get(b.y + 4) !== b.start)).toEqual([]);
      const width = Number(/<svg class="address-map"[^>]* width="(\d+)"/.exec(map)![1]);
      expect(width).toBeLessThanOrEqual(1200); // drawn at its own size at 1280 px: its 11 px text stays 11 px
    });

    it("lists the overlaps check finds, and only those: firmware memory in firmware memory is none; a UART on the GICD is check's one", async () => {
      // the PCC subspace's shared memory over the HEST's error status block: check holds firmware
      // memory against devices only, and finds nothing here
      const pcc = edited('PCCT', (t) => ({ ...t, items: t.items!.map((n, i) => (i ? n : { ...n, fields: { ...n.fields, base_address: 0xfa7f0000n } })) }));
      const quiet = await cli('check', pcc, '--format', 'json');
      expect(quiet.out).not.toContain('REGION_');
      const map = mapOf(await report(pcc));
      expect(map).toContain('check finds no two regions that overlap');
      expect(map).not.toContain('url(#hatch)"/>');
      // the console UART moved onto the distributor: check's REGION_ findings are the list, both hatched
      const gicd = (readTables(sample).set.tables.find((e) => e.table.signature === 'APIC')!.table.items ?? []).find((n) => n.fields.type === 0xc)!;
      const uart = edited('SPCR', (t) => ({
        ...t,
        fields: { ...t.fields, serial_port: { ...(t.fields.serial_port as object), address: BigInt(gicd.fields.base_address as bigint) } },
      }));
      const found = JSON.parse((await cli('check', uart, '--format', 'json')).out).inputs[0].findings.filter((f: { code: string }) =>
        f.code.startsWith('REGION_'),
      );
      expect(found.length).toBeGreaterThan(0);
      const loud = mapOf(await report(uart));
      expect(loud).toContain(`<b>${found.length} overlap(s)</b>`);
      expect(loud.match(/<li><span class="sev/g)).toHaveLength(found.length);
      expect(loud.match(/fill="url\(#hatch\)"/g)).toHaveLength(2); // the UART and the GICD
    });
  });
});
