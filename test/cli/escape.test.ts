// Terminal and display injection (issue 27 §3): what an output quotes of the firmware (an OEM ID
// holding an escape sequence, a CR or an LF, a C1 control) or of a file name (U+202E, which shows
// what follows it reversed) is shown as escapes in every output, as dump shows a firmware string:
// no output acts on the terminal, splits a line or reorders one.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { encodeTable } from '../../src/tables/registry.js';
import { formatAcpidumpSet } from '../../src/io/acpidump.js';
import { escapeMarkup } from '../../src/render/markup.js';
import { jsonText, shown } from '../../src/render/escape.js';
import type { AcpiTable } from '../../src/tables/registry.js';
import { SAMPLES, cli, tmp } from '../helpers.js';

const TEXT = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');

/** What no output may hold raw: C0 but LF (and tab, which DTS indents with), DEL, C1, the
 * separators and the bidirectional formatting characters. */
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const oem = (t: AcpiTable, id: string): AcpiTable => ({ ...t, fields: { ...t.fields, header: { ...(t.fields.header as object), oem_id: id } } }) as AcpiTable;

/** The sample with hostile OEM IDs: an escape sequence that would turn the terminal red, and a CR,
 * an LF and a C1 CSI. */
function hostile(): { dir: string; text: string; bidi: string } {
  const { set } = readTables(TEXT);
  const tables = set.tables.map((e) => {
    const id = e.table.signature === 'FACP' ? '\x1b[31m\r' : e.table.signature === 'GTDT' ? 'A\r\n\x9b2J' : undefined;
    if (id === undefined) return e;
    const table = oem(e.table, id);
    return { ...e, table, bytes: encodeTable(table) };
  });
  const dir = tmp('escape-');
  const text = join(dir, 'hostile.txt');
  writeFileSync(text, formatAcpidumpSet({ ...set, tables }));
  const bidi = join(dir, 'host\u202etxt.dump');
  writeFileSync(bidi, readFileSync(TEXT));
  return { dir, text, bidi };
}

describe('the one helper', () => {
  it('shows controls as \\xNN and bidirectional characters as \\uNNNN; leaves other text as it is', () => {
    expect(shown('a\x1b[31mb\r\nc\x9b\u202ed\u2066é→')).toBe('a\\x1b[31mb\\x0d\\x0ac\\x9b\\u202ed\\u2066é→');
    expect(shown(shown('\x1b'))).toBe('\\x1b'); // shown twice is shown once
  });

  it('JSON: the same value when parsed, no raw character a terminal acts on', () => {
    const v = { oem: '\x1b[31m\r\n\x7f\x9b', name: 'host\u202etxt\u2028' };
    const text = jsonText(v, 2);
    expect(text).not.toMatch(RAW);
    expect(JSON.parse(text)).toEqual(v);
    expect(text).toContain('"host\\u202etxt\\u2028"');
  });

  it('markup: entities and escapes, for HTML and XML alike', () => {
    expect(escapeMarkup('<a href="x">&\x1b\u202e</a>\n')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;\\x1b\\u202e&lt;/a&gt;\\x0a');
  });
});

describe('every text output shows firmware strings and file names as escapes', () => {
  const { dir, text, bidi } = hostile();

  it('dump --summary (it printed the OEM ID raw)', async () => {
    const r = await cli('dump', text, '--summary');
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(RAW);
    expect(r.out).toContain('FACP  0x000000007C4301E0     276 B  "\\x1b[31m\\x0d"  checksum ok');
    expect(r.out).toContain('"A\\x0d\\x0a\\x9b2J"');
    expect(r.out.split('\n')).toHaveLength(9); // one line per table: the CR LF split none
  });

  it('diff text, with and without colour (a CR/LF split its lines)', async () => {
    for (const colour of ['never', 'always']) {
      const r = await cli('diff', TEXT, text, '--color', colour);
      expect(r.code).toBe(1);
      const plain = r.out.replace(/\x1b\[\d+m/g, ''); // our own colour codes, the only escapes allowed
      expect(plain).not.toMatch(RAW);
      expect(plain).toContain('  ~ header.oem_id: DOM0AC → \\x1b[31m\\x0d\n');
      expect(plain).toContain('  ~ header.oem_id: DOM0AC → A\\x0d\\x0a\\x9b2J\n');
    }
    const json = await cli('diff', TEXT, text, '--format', 'json');
    expect(json.out).not.toMatch(RAW);
    expect(JSON.parse(json.out).changes.find((c: { path: string }) => c.path === 'GTDT.header.oem_id').new).toBe('A\r\n\x9b2J');
  });

  it('check in every format, and dump as text and JSON', async () => {
    // a file with a bidi name that has findings (github prints only findings)
    const broken = join(dir, 'bad\u202e.dat');
    writeFileSync(broken, Buffer.from('APIC\x08\x00\x00\x00'));
    for (const format of ['text', 'json', 'jsonl', 'junit', 'github']) {
      const r = await cli('check', bidi, text, broken, '--format', format);
      expect(r.out, format).not.toMatch(RAW);
      expect(r.out, format).toContain('bad\\u202e.dat');
      if (format !== 'github') expect(r.out, format).toContain('host\\u202etxt.dump');
    }
    const dumpText = await cli('dump', bidi, '-t', 'FACP');
    expect(dumpText.out).not.toMatch(RAW);
    expect(dumpText.out).toContain(`from ${join(dir, 'host\\u202etxt.dump')}:`);
    const dumpJson = await cli('dump', text, '--json');
    expect(dumpJson.out).not.toMatch(RAW);
    expect(JSON.parse(dumpJson.out).tables.find((t: { signature: string }) => t.signature === 'FACP').values.header.oem_id).toBe('\x1b[31m\r');
  });

  it('messages on stderr: one line each, the file name shown as typed but escaped', async () => {
    const missing = join(dir, 'gone\u202e\x1b[2J.txt');
    const r = await cli('dump', missing);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`dom0-acpi: error: ${join(dir, 'gone\\u202e\\x1b[2J.txt')}: no such file or folder\n`);
    // a finding about a file with a bidi name
    const broken = join(dir, 'worse\u202e.dat');
    writeFileSync(broken, Buffer.from('APIC\x08\x00\x00\x00'));
    const e = await cli('dump', broken);
    expect(e.err).not.toMatch(RAW);
    expect(
      e.err
        .split('\n')
        .filter(Boolean)
        .every((l) => l.startsWith('dom0-acpi: error: ')),
    ).toBe(true);
    // commander's own messages too
    const opt = await cli('dump', TEXT, '--no-such-\x1b[31m');
    expect(opt.err).not.toMatch(RAW);
  });

  it("report: the title and every name, and build's summary", async () => {
    const html = join(dir, 'r.html');
    expect((await cli('report', bidi, text, '-o', html)).code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page.replace(/\n/g, '')).not.toMatch(RAW);
    expect(page).toContain(`<title>ACPI report: ${join(dir, 'host\\u202etxt.dump')} → ${text}</title>`);
    expect(page).toContain('\\x1b[31m\\x0d');
    const b = await cli('build', bidi, '-o', join(dir, 'out\u202e'), '--no-report', '--bootargs', 'console=hvc0');
    expect(b.code).toBe(0);
    expect(b.out).not.toMatch(RAW);
    expect(b.out.split('\n')[0]).toMatch(/ from .*host\\u202etxt\.dump → .*out\\u202e\/$/);
  });
});
