import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { parseAcpidump, formatAcpidumpSet, formatBlock } from '../../src/io/acpidump.js';
import { scanForRsdp, writeImage } from '../../src/io/image.js';
import { resolveLinks, tableFileNames, rootTable } from '../../src/model/tableset.js';
import { CORPUS, HAVE_CORPUS, SAMPLES, tmp } from '../helpers.js';

const QEMU = join(CORPUS, 'qemu-virt-gicv3-smp4');
const SAMPLE = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');

describe('acpidump text', () => {
  it('reads a sample with addresses, RSDP first, links resolved', () => {
    const { set, findings } = readTables(SAMPLE);
    expect(findings).toEqual([]);
    expect(set.kind).toBe('acpidump');
    expect(set.rsdp?.address).toBe(0x7c430018n);
    expect(set.tables.map((e) => e.table.signature)).toEqual(['DSDT', 'FACP', 'APIC', 'GTDT', 'SPCR', 'XSDT']);
    const links = resolveLinks(set);
    expect(links.every((l) => l.to)).toBe(true);
    expect(links.map((l) => `${l.from}->${l.to!.table.signature}`).sort()).toEqual([
      'FACP.x_dsdt->DSDT',
      'RSDP.xsdt_address->XSDT',
      'XSDT.entry[0].address->FACP',
      'XSDT.entry[1].address->APIC',
      'XSDT.entry[2].address->GTDT',
      'XSDT.entry[3].address->SPCR',
    ]);
    expect(rootTable(set)?.table.signature).toBe('XSDT');
  });

  it('tolerates CRLF, (nil) and missing addresses, junk lines and banners', () => {
    const good = readFileSync(SAMPLE, 'latin1');
    const mangled = ('Firmware dump, acpidump 20200925\r\n' + good)
      .replace('FACP @ 0x', 'FACP @ phys 0x')
      .replace(/APIC @ 0x[0-9A-F]+/, 'APIC @ (nil)')
      .replace(/GTDT @ 0x[0-9A-F]+/, 'GTDT')
      .replace(/\n\n/g, '\n-- junk line --\n\n')
      .replace(/\n/g, '\r\n');
    const { set, findings } = readTables(Buffer.from(mangled, 'latin1'), { name: 'mangled.txt' });
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(set.tables.map((e) => e.table.signature)).toEqual(['DSDT', 'FACP', 'APIC', 'GTDT', 'SPCR', 'XSDT']);
    expect(set.tables.find((e) => e.table.signature === 'APIC')!.address).toBeUndefined();
    expect(set.tables.find((e) => e.table.signature === 'GTDT')!.address).toBeUndefined();
    expect(set.tables.find((e) => e.table.signature === 'SPCR')!.address).toBeDefined();
  });

  it('reports a hex line whose offset breaks the sequence', () => {
    const text = formatBlock('FACP', 0x1000n, readTables(SAMPLE).set.tables[1].bytes).replace('    0020:', '    0030:');
    const { findings } = parseAcpidump(Buffer.from(text), 'x.txt');
    expect(findings).toMatchObject([{ code: 'INPUT_TEXT_OFFSET', table: 'FACP', offset: 0x20, file: 'x.txt:4' }]);
  });

  it.skipIf(!HAVE_CORPUS)('reads honeycomb (CRLF, all-zero addresses) with no addresses', () => {
    const { set, findings } = readTables(join(CORPUS, 'honeycomb-lx2160a/acpidump.txt'));
    expect(findings).toEqual([]);
    expect(set.rsdp).toBeUndefined();
    expect(set.tables.length).toBe(9);
    expect(set.tables.every((e) => e.address === undefined)).toBe(true);
  });

  it.skipIf(!HAVE_CORPUS)('writes acpidump text exactly as acpidump printed the corpus', () => {
    for (const d of ['qemu-virt-gicv3-smp4', 'qemu-virt-gicv2-smp4', 'qemu-virt-gicv3-smp64']) {
      const p = join(CORPUS, d, 'acpidump.txt');
      expect(formatAcpidumpSet(readTables(p).set)).toBe(readFileSync(p, 'latin1'));
    }
  });
});

describe.skipIf(!HAVE_CORPUS)('binary folders', () => {
  it('reads acpixtract output folders; the signature comes from the bytes', () => {
    const d = tmp('xtract-');
    for (const n of readdirSync(QEMU).filter((n) => n.endsWith('.dat'))) copyFileSync(join(QEMU, n), join(d, n));
    const { set, findings } = readTables(d);
    expect(findings).toEqual([]);
    expect(set.kind).toBe('binaries');
    expect(set.rsdp).toBeDefined();
    expect(set.tables.length).toBe(10);
    expect(set.tables.every((e) => e.address === undefined)).toBe(true);
  });

  it('reads a sysfs layout (upper-case names, dynamic/ read, data/ skipped) under misleading names', () => {
    const d = tmp('sysfs-');
    mkdirSync(join(d, 'dynamic'));
    mkdirSync(join(d, 'data'));
    copyFileSync(join(QEMU, 'facp.dat'), join(d, 'FACP'));
    copyFileSync(join(QEMU, 'apic.dat'), join(d, 'GTDT')); // name lies; bytes say APIC
    copyFileSync(join(QEMU, 'dsdt.dat'), join(d, 'DSDT'));
    copyFileSync(join(QEMU, 'pptt.dat'), join(d, 'dynamic', 'SSDT1'));
    writeFileSync(join(d, 'data', 'BERT'), Buffer.from('not a table at all'));
    writeFileSync(join(d, 'README.txt'), 'ignored');
    const { set, findings } = readTables(d);
    expect(findings).toEqual([
      {
        code: 'INPUT_NOT_TABLE',
        severity: 'warning',
        table: '',
        path: '',
        file: d,
        message: 'skipped 1 file(s) that are neither ACPI tables nor acpidump text: README.txt',
      },
    ]);
    expect(set.tables.map((e) => e.table.signature)).toEqual(['DSDT', 'FACP', 'APIC', 'PPTT']);
  });
});

describe('folders judged by content', () => {
  it('reads tables whatever their names, warns once about what is not a table, and goes on', () => {
    const d = tmp('content-');
    const sample = readTables(SAMPLE).set;
    for (const e of sample.tables) writeFileSync(join(d, e.table.signature === 'APIC' ? 'madt.bin' : e.table.signature.toLowerCase()), e.bytes);
    writeFileSync(join(d, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    writeFileSync(join(d, 'firmware.bin'), Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0]));
    writeFileSync(join(d, 'notes.md'), '# do not read\n');
    const { set, findings } = readTables(d);
    expect(set.tables.map((e) => e.table.signature).sort()).toEqual(sample.tables.map((e) => e.table.signature).sort());
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'INPUT_NOT_TABLE',
        severity: 'warning',
        message: expect.stringMatching(/3 file\(s\) .*: firmware\.bin, notes\.md, passwd$/),
      }),
    ]);
  });

  it('an upper-case signature whose length lies is still a table (its fault is reported)', () => {
    const d = tmp('content-');
    const facp = Buffer.from(readTables(SAMPLE).set.tables.find((e) => e.table.signature === 'FACP')!.bytes);
    writeFileSync(join(d, 'facp.dat'), facp.subarray(0, 100));
    const { findings } = readTables(d);
    expect(findings.map((f) => f.code)).toEqual(['DECODE_TRUNCATED']);
  });

  it('text files whose first word is four capital letters (NOTES, "TODO fix the GTDT") are notes, not broken tables', () => {
    const d = tmp('notes-');
    const sample = readTables(SAMPLE).set;
    for (const e of sample.tables) writeFileSync(join(d, `${e.table.signature.toLowerCase()}.dat`), e.bytes);
    writeFileSync(join(d, 'NOTES'), 'NOTES\nremember the GTDT\n');
    writeFileSync(join(d, 'TODO'), 'TODO fix the GTDT\r\n');
    writeFileSync(join(d, 'README'), 'READ ME: firmware 1.2 \u2014 tables from the BMC\n'); // UTF-8 text is text too
    const { set, findings } = readTables(d);
    expect(set.tables.map((e) => e.table.signature).sort()).toEqual(sample.tables.map((e) => e.table.signature).sort());
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'INPUT_NOT_TABLE',
        severity: 'warning',
        message: 'skipped 3 file(s) that are neither ACPI tables nor acpidump text: NOTES, README, TODO',
      }),
    ]);
    // a table whose bytes happen to be text has a length that says so: a control byte or a NUL
    // remains in any real header, and a header of text claims half a GiB or more
    const facp = Buffer.from(sample.tables.find((e) => e.table.signature === 'FACP')!.bytes);
    writeFileSync(join(d, 'short.dat'), facp.subarray(0, 100));
    expect(readTables(d).findings.map((f) => f.code)).toEqual(['INPUT_NOT_TABLE', 'DECODE_TRUNCATED']);
  });

  it('the note on acpidump text read instead of the binaries says "with table addresses" only when it has some', () => {
    const d = tmp('zero-addresses-');
    const sample = readTables(SAMPLE).set;
    for (const e of sample.tables) writeFileSync(join(d, `${e.table.signature.toLowerCase()}.dat`), e.bytes);
    // acpidump text whose addresses are all 0 (acpidump -b output turned back into text, some BMC dumps)
    writeFileSync(join(d, 'acpidump.txt'), formatAcpidumpSet({ tables: sample.tables.map((e) => ({ ...e, address: undefined })) }));
    expect(readFileSync(join(d, 'acpidump.txt'), 'latin1')).toMatch(/^DSDT @ 0x0000000000000000$/m);
    expect(readTables(d).findings).toEqual([
      expect.objectContaining({
        code: 'INPUT_SOURCE',
        message: 'read acpidump.txt (acpidump text, though its table addresses are all 0 or missing); 6 binary table file(s) beside it not read',
      }),
    ]);
    copyFileSync(SAMPLE, join(d, 'acpidump.txt'));
    expect(readTables(d).findings).toEqual([
      expect.objectContaining({ message: 'read acpidump.txt (acpidump text, with table addresses); 6 binary table file(s) beside it not read' }),
    ]);
  });

  it('a folder with binary tables and one acpidump text reads the text (it has addresses) and says so', () => {
    const d = tmp('both-');
    const sample = readTables(SAMPLE).set;
    for (const e of sample.tables) writeFileSync(join(d, `${e.table.signature.toLowerCase()}.bin`), e.bytes);
    copyFileSync(SAMPLE, join(d, 'acpidump.txt'));
    const { set, findings } = readTables(d);
    expect(set.kind).toBe('acpidump');
    expect(set.tables.every((e) => e.address !== undefined)).toBe(true);
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'INPUT_SOURCE',
        severity: 'info',
        message: expect.stringMatching(/^read acpidump\.txt .* 6 binary table file\(s\) beside it not read$/),
      }),
    ]);
    // two texts: the binaries are read, and the texts named
    copyFileSync(SAMPLE, join(d, 'before.txt'));
    const two = readTables(d);
    expect(two.set.kind).toBe('binaries');
    expect(two.findings).toEqual([
      expect.objectContaining({ code: 'INPUT_SOURCE', message: expect.stringMatching(/\(acpidump\.txt, before\.txt\) not read$/) }),
    ]);
    // two texts and nothing else: name one
    const t = tmp('texts-');
    copyFileSync(SAMPLE, join(t, 'a.txt'));
    copyFileSync(SAMPLE, join(t, 'b.txt'));
    expect(readTables(t).findings).toEqual([
      expect.objectContaining({ code: 'INPUT_NO_TABLES', message: expect.stringMatching(/\(a\.txt, b\.txt\) and no binary tables: name the one to read/) }),
    ]);
  });

  it("iasl's disassembly beside acpidump -b binaries is not acpidump text: the binaries are read", () => {
    const d = tmp('dsl-');
    const sample = readTables(SAMPLE).set;
    for (const e of sample.tables) writeFileSync(join(d, `${e.table.signature.toLowerCase()}.dat`), e.bytes);
    const apic = sample.tables.find((e) => e.table.signature === 'APIC')!.bytes;
    // what iasl -d apic.dat writes: a banner, the fields, then the raw bytes as hex lines like acpidump's
    const hexLines = [];
    for (let o = 0; o < apic.length; o += 16)
      hexLines.push(
        `    ${o.toString(16).toUpperCase().padStart(4, '0')}: ${[...apic.subarray(o, o + 16)].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ')}`,
      );
    const dsl = [
      '/*',
      ' * Intel ACPI Component Architecture',
      ' * AML/ASL+ Disassembler version 20200925 (64-bit version)',
      ' */',
      '',
      'Raw Table Data: Length 424 (0x1A8)',
      '',
      ...hexLines,
      '',
    ];
    writeFileSync(join(d, 'apic.dsl'), dsl.join('\n'));
    const { set, findings } = readTables(d);
    expect(set.kind).toBe('binaries');
    expect(set.tables.length).toBe(6);
    expect(findings).toEqual([
      expect.objectContaining({ code: 'INPUT_SOURCE', severity: 'info', message: 'not read: apic.dsl (iasl disassembly, not acpidump text)' }),
    ]);
    expect(readTables(join(d, 'apic.dsl')).findings).toEqual([expect.objectContaining({ code: 'INPUT_DISASSEMBLY', severity: 'error' })]);
  });
});

describe('memory images', () => {
  it('round-trips a set through an image: RSDP found 8-byte aligned at 0x…018, every table through the pointers', () => {
    const { set } = readTables(SAMPLE);
    const { image, base } = writeImage(set);
    expect(base).toBe(0x7c430000n);
    expect(scanForRsdp(image)).toEqual([0x18]);
    const back = readTables(Buffer.from(image), { imageBase: base, name: 'img.bin' });
    expect(back.findings).toEqual([]);
    expect(back.set.kind).toBe('image');
    expect(back.set.rsdp!.address).toBe(0x7c430018n);
    const sigs = (s: typeof set) => s.tables.map((e) => `${e.table.signature}@${e.address!.toString(16)}`).sort();
    expect(sigs(back.set)).toEqual(sigs(set));
    for (const e of back.set.tables) {
      const orig = set.tables.find((o) => o.address === e.address)!;
      expect(Buffer.from(e.bytes).equals(Buffer.from(orig.bytes))).toBe(true);
    }
  });

  it('honours --rsdp and reports pointers outside the image', () => {
    const { set } = readTables(SAMPLE);
    const { image, base } = writeImage(set);
    const viaRsdp = readTables(Buffer.from(image), { imageBase: base, rsdp: 0x7c430018n });
    expect(viaRsdp.findings).toEqual([]);
    const cut = image.subarray(0, 0x400); // XSDT is past the cut
    const r = readTables(Buffer.from(cut), { imageBase: base, name: 'cut.bin' });
    // the offset is the pointer field's own, in the image: RSDP at 0x18, xsdt_address at +24
    expect(r.findings).toMatchObject([{ code: 'IMAGE_POINTER_OUTSIDE', path: 'RSDP.xsdt_address', file: 'cut.bin', offset: 0x30 }]);
  });

  it('gives the image offset of an XSDT entry that points outside', () => {
    const { set } = readTables(SAMPLE);
    const { image, base } = writeImage(set);
    const x = set.tables.find((e) => e.table.signature === 'XSDT')!;
    const img = Buffer.from(image);
    const at = Number(x.address! - base) + 36 + 8 * 2; // entry[2]
    img.writeBigUInt64LE(0xfff0000000n, at);
    const r = readTables(img, { imageBase: base, name: 'bad.img' });
    const f = r.findings.find((f) => f.code === 'IMAGE_POINTER_OUTSIDE');
    expect(f).toMatchObject({ path: 'XSDT.entry[2].address', offset: at, file: 'bad.img' });
  });

  it('finds no RSDP on 4-byte offsets or with a bad checksum', () => {
    const { set } = readTables(SAMPLE);
    const rsdp = set.rsdp!.bytes;
    const img = new Uint8Array(0x100);
    img.set(rsdp, 0x14);
    expect(scanForRsdp(img)).toEqual([]);
    const bad = Uint8Array.from(rsdp);
    bad[9] ^= 1;
    img.fill(0).set(bad, 0x18);
    expect(scanForRsdp(img)).toEqual([]);
    img.fill(0).set(rsdp, 0x18);
    expect(scanForRsdp(img)).toEqual([0x18]);
  });

  it('refuses images of sets without addresses or with overlapping tables', () => {
    const { set } = readTables(SAMPLE);
    expect(() => writeImage({ ...set, tables: set.tables.map((e) => ({ ...e, address: undefined })) })).toThrow(/no address for DSDT/);
    const overlapping = { ...set, tables: set.tables.map((e, i) => (i === 1 ? { ...e, address: set.tables[0].address! + 8n } : e)) };
    expect(() => writeImage(overlapping)).toThrow(/overlaps/);
  });
});

describe('file names', () => {
  it('numbers only repeated signatures, like acpixtract -a', () => {
    const { set } = readTables(SAMPLE);
    const dsdt = set.tables[0];
    const twice = { ...set, tables: [...set.tables, { ...dsdt }] };
    expect([...tableFileNames(twice).values()]).toEqual(['rsdp.dat', 'dsdt1.dat', 'facp.dat', 'apic.dat', 'gtdt.dat', 'spcr.dat', 'xsdt.dat', 'dsdt2.dat']);
  });

  it('never uses an unsafe signature as a file name', () => {
    const { set } = readTables(SAMPLE);
    const t = set.tables[3];
    const weird = { ...t, table: { ...t.table, signature: '../X' } };
    const odd = { ...t, table: { ...t.table, signature: 'A\\B\0' } };
    const names = tableFileNames({ ...set, tables: [weird, odd] });
    expect(names.get(weird)).toBe('___x.dat');
    expect(names.get(odd)).toMatch(/^[a-z0-9_]+\.dat$/);
  });

  it('binary folder order is natural (ssdt2 before ssdt10)', () => {
    const dsdt = readTables(SAMPLE).set.tables.find((e) => e.table.signature === 'DSDT')!.bytes;
    const dir = tmp('natural-');
    const ssdt = (id: string) => {
      const b = Buffer.from(dsdt);
      b.write('SSDT', 0, 'latin1');
      b.write(id.padEnd(8, ' '), 16, 'latin1');
      b[9] = 0;
      b[9] = (256 - b.reduce((a, x) => (a + x) & 0xff, 0)) & 0xff;
      return b;
    };
    // written in an order neither natural nor lexical
    for (const n of [10, 1, 2]) writeFileSync(join(dir, `ssdt${n}.dat`), ssdt(`T${n}`));
    const { set, findings } = readTables(dir);
    expect(findings).toEqual([]);
    expect(set.tables.map((e) => (e.table.fields.header as { oem_table_id: string }).oem_table_id.trim())).toEqual(['T1', 'T2', 'T10']);
  });
});

describe('a folder holding only acpidump text', () => {
  it('reads the text (sample folders, bug-report folders)', () => {
    const { set, findings } = readTables(join(SAMPLES, 'qemu-virt-gicv3'));
    expect(findings).toEqual([]);
    expect(set.kind).toBe('acpidump');
    expect(set.tables.length).toBe(6);
  });
});

describe('memory image through a revision-0 RSDP and an RSDT', () => {
  it('follows the 32-bit RSDT entries and the FADT to the DSDT', () => {
    const { set } = readTables(SAMPLE);
    const base = 0x7c430000n;
    const img = new Uint8Array(0x1000);
    for (const e of set.tables.filter((x) => x.table.signature !== 'XSDT')) img.set(e.bytes, Number(e.address! - base));
    // an RSDT at 0x7C430F00 listing FACP, APIC, GTDT, SPCR with 32-bit addresses
    const entries = ['FACP', 'APIC', 'GTDT', 'SPCR'].map((s) => Number(set.tables.find((e) => e.table.signature === s)!.address!));
    const rsdt = Buffer.alloc(36 + 4 * entries.length);
    Buffer.from(set.tables.find((e) => e.table.signature === 'XSDT')!.bytes.subarray(0, 36)).copy(rsdt);
    rsdt.write('RSDT', 0, 'latin1');
    rsdt.writeUInt32LE(rsdt.length, 4);
    entries.forEach((a, i) => rsdt.writeUInt32LE(a, 36 + 4 * i));
    rsdt[9] = 0;
    rsdt[9] = (256 - (rsdt.reduce((x, y) => x + y, 0) & 0xff)) & 0xff;
    img.set(rsdt, 0xf00);
    const rsdp = Buffer.alloc(20);
    rsdp.write('RSD PTR ', 0, 'latin1');
    rsdp.write('DOM0AC', 9, 'latin1');
    rsdp.writeUInt32LE(0x7c430f00, 16);
    rsdp[8] = (256 - (rsdp.reduce((x, y) => x + y, 0) & 0xff)) & 0xff;
    img.set(rsdp, 0x18);
    const r = readTables(Buffer.from(img), { imageBase: base });
    expect(r.findings).toEqual([]);
    expect(r.set.rsdp!.table.fields.revision).toBe(0);
    expect(r.set.tables.map((e) => e.table.signature).sort()).toEqual(['APIC', 'DSDT', 'FACP', 'GTDT', 'RSDT', 'SPCR']);
  });
});

describe('--image-base with mixed inputs', () => {
  it('applies to binary files only: an image and the acpidump text it came from diff as the same', async () => {
    const { cli, tmp: mk } = await import('../helpers.js');
    const img = join(mk('mixed-'), 'm.img');
    expect((await cli('convert', SAMPLE, '--to', 'image', '-o', img)).code).toBe(0);
    const r = await cli('diff', img, SAMPLE, '--image-base', '0x7c430000');
    expect(r.out).toMatch(/no differences/);
    expect(r.code).toBe(0);
  });
});
