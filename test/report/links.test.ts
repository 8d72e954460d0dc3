// Every link of a report lands on the line of the field it names (issue 28 §2), counted on corpus
// pairs and a build: each diff change's old and new link is the dump line of the changed field (or
// its item's first line, or the table for a table added or removed), and each region of the address
// map links to the line of the field that names it. The lines are read back from the dumps the
// report shows (dumpTableLines), by the side, table and line each link's id names.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, HAVE_CORPUS, SAMPLES, cli, tmp } from '../helpers.js';
import { readTables } from '../../src/io/read.js';
import { allEntries } from '../../src/model/tableset.js';
import { dumpEfiLines, dumpTableLines, type DumpLine } from '../../src/render/text.js';

/** The dump lines of each side, as the report numbers them (s0-t3-L12: side 0, table 3, line 12). */
function linesOf(inputs: string[]): (id: string) => DumpLine | 'table' | undefined {
  const sides = inputs.map((f) => {
    const set = readTables(f).set;
    return { t: allEntries(set).map((e) => dumpTableLines(e)), e: (set.efi ?? []).map(dumpEfiLines) };
  });
  return (id) => {
    const m = /^s(\d+)-([te])(\d+)(?:-L(\d+))?$/.exec(id);
    if (!m) return undefined;
    const table = sides[+m[1]]?.[m[2] as 't' | 'e'][+m[3]];
    if (!table) return undefined;
    return m[4] === undefined ? 'table' : table[+m[4]];
  };
}

/** A path with every item index or key left out: APIC.gicc[mpidr=0x100].flags → APIC.gicc[].flags. */
const shape = (p: string) => p.replace(/\[[^\]]*\]/g, '[]');
/** Whether a line shows the field (or starts the item) of this shape. */
const shows = (l: DumpLine, path: string) => [l.path, ...(l.starts ?? [])].some((p) => p !== undefined && shape(p) === shape(path));

async function reportOf(a: string, b?: string): Promise<string> {
  const out = join(tmp('links-'), 'r.html');
  const r = await cli('report', a, ...(b ? [b] : []), '-o', out);
  expect(r.code, r.err).toBe(0);
  return readFileSync(out, 'utf8');
}

const sectionOf = (html: string, id: string) =>
  html.slice(html.indexOf(`<section id="${id}"`), html.indexOf('</section>', html.indexOf(`<section id="${id}"`)));

/** Each diff row's path and the ids its old and new links name; each off the field, counted. */
function diffLinks(html: string, line: ReturnType<typeof linesOf>): { links: number; off: string[] } {
  const off: string[] = [];
  let links = 0;
  for (const row of sectionOf(html, 'diff').matchAll(/<tr class="(added|removed|changed)">(.*?)<\/tr>/g)) {
    const path = /<code>([^<]*)<\/code>/
      .exec(row[2])![1]
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
    const whole = !path.includes('.');
    for (const [, id, side] of row[2].matchAll(/<a href="#([^"]+)">(old|new)<\/a>/g)) {
      links++;
      const l = line(id);
      // a method's body (AML): the line of the first term that differs, any ASL line of the table
      const body = path.endsWith('.body');
      // a PCI segment's composed routes: the line of the root complex they start from
      const segment = /^IORT\.pci_segment\[\d+\]\.routes$/.test(path);
      const ok = whole
        ? l === 'table'
        : l !== undefined &&
          l !== 'table' &&
          (body
            ? l.offset !== undefined && l.offset >= 36
            : segment
              ? shows(l, 'IORT.root_complex[0]')
              : shows(
                  l,
                  path.replace(/^[^.]+/, (k) => k.replace(/[[#].*$/, '')),
                ));
      // a changed value: the line shows it (its hex digits, as dump pads them)
      const value = /^0x([0-9A-F]{3,})$/.exec(row[2].match(new RegExp(`<td class="${side}">([^<]*)</td>`))?.[1] ?? '')?.[1];
      if (!ok || (value && l !== 'table' && !l!.text.includes(value)))
        off.push(`${path} (${side}) → #${id}: ${l === 'table' ? 'the table' : (l?.text ?? 'nothing')}`);
    }
  }
  return { links, off };
}

/** Each region of the address map (an <a> in its SVG): its line, and whether that line shows the field the region's label opens with. */
function mapLinks(html: string, line: ReturnType<typeof linesOf>): { links: number; off: string[] } {
  const off: string[] = [];
  let links = 0;
  for (const svg of sectionOf(html, 'address-map').matchAll(/<svg class="address-map"[\s\S]*?<\/svg>/g))
    for (const [, id, label] of svg[0].matchAll(/<a href="#([^"]+)" aria-label="([^"]*)"/g)) {
      links++;
      const l = line(id);
      const head = label.split(' ')[0].replace(/:$/, '');
      const want = head.includes('.') ? head : /^[A-Z0-9_]{4}$/.test(head) ? `${head}.@address` : undefined;
      if (l === undefined || l === 'table' || (want && !shows(l, want)))
        off.push(`${label.slice(0, 80)} → #${id}: ${l === 'table' ? 'the table' : (l?.text ?? 'nothing')}`);
    }
  return { links, off };
}

const corpus = (name: string) => join(CORPUS, name, 'acpidump.txt');
const PAIRS: [string, string][] = HAVE_CORPUS
  ? [
      ['qemu-virt-gicv3-smp4', 'qemu-virt-gicv3-numa3-hmat-smp6'], // GICCs added, tables added, every table moved
      ['qemu-virt-gicv3-smp4', 'qemu-virt-gicv2-smp4'], // GICC fields changed, a GICv2m frame added
      ['qemu-virt-gicv3-smp4', 'qemu-virt-gicv3-ras-smmuv3-smp4'], // an SMMUv3 node added to the IORT
      ['qemu-virt-gicv3-smp4', 'qemu-virt-gicv3-smp64'],
    ]
  : [];

describe('every report link lands on its field', () => {
  it.each(PAIRS)('diff of %s and %s: each change links to its field on both sides; each region to its field', async (a, b) => {
    const html = await reportOf(corpus(a), corpus(b));
    const line = linesOf([corpus(a), corpus(b)]);
    const d = diffLinks(html, line);
    expect(d.links).toBeGreaterThan(10);
    expect(d.off).toEqual([]);
    const m = mapLinks(html, line);
    expect(m.links).toBeGreaterThan(20);
    expect(m.off).toEqual([]);
  });

  it.each([join(SAMPLES, 'server-128cpu', 'acpidump.txt'), ...(HAVE_CORPUS ? [corpus('qemu-virt-gicv3-ras-smmuv3-smp4')] : [])])(
    'a build of %s: each change of the host → dom0 diff links to its field; the EFI map and regions too',
    async (host) => {
      const out = join(tmp('links-b-'), 'o');
      const r = await cli('build', host, '-o', out, '--bootargs', 'console=hvc0', '--no-report');
      expect(r.code, r.err).toBe(0);
      const html = await reportOf(host, out);
      const line = linesOf([host, out]);
      const d = diffLinks(html, line);
      expect(d.links).toBeGreaterThan(10);
      expect(d.off).toEqual([]);
      const m = mapLinks(html, line);
      expect(m.off).toEqual([]);
    },
  );

  it.each([join(SAMPLES, 'server-128cpu', 'acpidump.txt'), ...(HAVE_CORPUS ? [corpus('honeycomb-lx2160a'), corpus('qemu-virt-gicv3-ras-smmuv3-smp4')] : [])])(
    '%s: every region (GTDT frames, SRAT RAM, HEST and PCC memory too) links to the line of its field',
    async (input) => {
      const m = mapLinks(await reportOf(input), linesOf([input]));
      expect(m.links).toBeGreaterThan(10);
      expect(m.off).toEqual([]);
    },
  );
});
