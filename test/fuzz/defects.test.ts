// The four defects a 100,000-case campaign found, each from its reproducer: what the contract says
// happens instead.
import { describe, expect, it } from 'vitest';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { buildDom0 } from '../../src/rewrite/build.js';
import { BuildError } from '../../src/rewrite/types.js';
import { decodeTable, encodeTable } from '../../src/tables/registry.js';
import { Refusal } from '../../src/layout/diagnostics.js';
import { checksumOf, type Node } from '../../src/layout/codec.js';
import { EncodeError } from '../../src/layout/backends.js';
import { cli, SAMPLES, tmp } from '../helpers.js';

/** 256 bytes at 0x1000: RSDP → XSDT (0x1040) → a FACP (0x1080) of `fadtLength` bytes. */
function fadtImage(fadtLength: number): Buffer {
  const img = Buffer.alloc(256);
  img.write('RSD PTR ', 0, 'latin1');
  img.write('DOM0AC', 9, 'latin1');
  img[15] = 2;
  img.writeUInt32LE(36, 20);
  img.writeBigUInt64LE(0x1040n, 24);
  img[8] = checksumOf(img, 20, 8);
  img[32] = checksumOf(img, 36, 32);
  const table = (at: number, sig: string, len: number) => {
    img.write(sig, at, 'latin1');
    img.writeUInt32LE(len, at + 4);
    img[at + 8] = 1;
    img.write('DOM0AC', at + 10, 'latin1');
  };
  table(0x40, 'XSDT', 44);
  img.writeBigUInt64LE(0x1080n, 0x40 + 36);
  img[0x49] = checksumOf(img.subarray(0x40, 0x40 + 44), 44, 9);
  table(0x80, 'FACP', fadtLength);
  img[0x89] = checksumOf(img.subarray(0x80, 0x80 + fadtLength), fadtLength, 9);
  return img;
}

describe('defect 1: a FADT too short for its DSDT pointer, reached through an image', () => {
  it.each([36, 40, 43])('%i bytes: read (no throw), a finding; dump exits 2 with one line, check 1', async (len) => {
    const img = fadtImage(len);
    const r = readTables(img, { imageBase: 0x1000n, name: 'fadt.img' });
    expect(r.set.tables.map((e) => e.table.signature)).toEqual(['XSDT', 'FACP']);
    expect(r.findings.map((f) => f.code)).toEqual(['DECODE_TOO_SHORT']);
    const p = join(tmp('defect1-'), 'fadt.img');
    writeFileSync(p, img);
    const d = await cli('dump', p, '--image-base', '0x1000');
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/FACP: offset 0x0: Fixed ACPI Description Table \(FADT\) is \d+ bytes, shorter than the minimum 116\n$/);
    expect(d.err).not.toMatch(/TypeError|BigInt/);
    expect((await cli('check', p, '--image-base', '0x1000')).code).toBe(1);
  });
});

describe('defect 2: check --fix on a file that decodes to no table', () => {
  it('prints the finding, writes nothing, says so, exit 1', async () => {
    const d = tmp('defect2-');
    const p = join(d, 'xyz.dat');
    writeFileSync(p, 'XYZ!');
    const r = await cli('check', p, '--fix', '-o', join(d, 'fixed.dat'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/error DECODE_TRUNCATED/);
    expect(r.err).toBe(`dom0-acpi: note: --fix: ${p} holds no table to fix; nothing written\n`);
    expect(existsSync(join(d, 'fixed.dat'))).toBe(false);
    expect(readFileSync(p, 'latin1')).toBe('XYZ!');
  });
});

describe('defect 3: buildDom0 throws only BuildError', () => {
  it.each([36, 60])('a GTDT cut to %i bytes: the design build warns that there is no EL2 timer to mask', (len) => {
    const set = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')).set;
    const tables = set.tables.map((e) => {
      if (e.table.signature !== 'GTDT') return e;
      const b = Buffer.from(e.bytes.subarray(0, len));
      b.writeUInt32LE(len, 4);
      b[9] = checksumOf(b, len, 9);
      return { ...e, bytes: new Uint8Array(b), table: decodeTable(b).table! };
    });
    const out = buildDom0({ ...set, tables }, {});
    expect(out.warnings.map((w) => w.code)).toContain('BUILD_GTDT_SHORT');
  });

  it("a caller-built table whose field cannot hold its value: a BuildError naming the field (the encoder's recognised refusal)", () => {
    const set = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')).set;
    const broken = {
      ...set,
      tables: set.tables.map((e) =>
        e.table.signature === 'FACP' ? { ...e, table: { ...e.table, fields: { ...e.table.fields, hypervisor_id: 'not a number' as never } } } : e,
      ),
    };
    expect(() => buildDom0(broken, {})).toThrow(BuildError);
    expect(() => buildDom0(broken, {})).toThrow(/\(FADT\): field hypervisor_id: "not a number" is not an unsigned 64-bit integer/);
  });
});

describe('a value a field cannot hold is refused naming the field, never written as something else', () => {
  it.each([
    ['NaN', Number.NaN],
    ['2^32 in a u32', 2 ** 32],
    ['a negative number', -1],
    ['a string for a number', '7'],
  ])('%s: an EncodeError (a Refusal) naming the field', (_what, value) => {
    const set = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')).set;
    const madt = set.tables.find((e) => e.table.signature === 'APIC')!.table;
    const gicc = madt.items!.find((i) => i.fields.type === 0x0b)!;
    const table = { ...madt, items: madt.items!.map((i) => (i === gicc ? { ...i, fields: { ...i.fields, uid: value as never } } : i)) };
    let thrown: unknown;
    try {
      encodeTable(table);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Refusal);
    expect((thrown as Error).message).toMatch(/: field uid: .* is not an unsigned 32-bit integer$/);
  });
});

describe('bytes and text a field cannot hold are refused before the encoder writes them (its own length checks are gone)', () => {
  const madtOf = () => readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')).set.tables.find((e) => e.table.signature === 'APIC')!.table;
  const refusal = (f: () => unknown): Error => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(EncodeError);
      return e as Error;
    }
    throw new Error('no refusal');
  };

  it('two bytes for a three-byte reserved field', () => {
    const madt = madtOf();
    const gicd = madt.items!.find((i) => i.fields.type === 0x0c)!;
    const table = { ...madt, items: madt.items!.map((i) => (i === gicd ? { ...i, fields: { ...i.fields, reserved2: new Uint8Array(2) } } : i)) };
    expect(refusal(() => encodeTable(table)).message).toBe("Generic Interrupt Distributor: field reserved2: 2 bytes is not the field's 3");
  });

  it('seven characters for a six-character OEM ID, and one outside latin1', () => {
    const madt = madtOf();
    const header = madt.fields.header as Record<string, unknown>;
    for (const [oem, fault] of [
      ['SEVENCH', 'is not 6 latin1 characters or fewer'],
      ['OEM\u2603', 'is not 6 latin1 characters or fewer'],
    ])
      expect(refusal(() => encodeTable({ ...madt, fields: { ...madt.fields, header: { ...header, oem_id: oem } } })).message).toMatch(
        new RegExp(`: field header\\.oem_id: ".*" ${fault}$`),
      );
  });
});

describe('a derived length, count or offset its field cannot hold is refused naming the field, never written wrapped', () => {
  it('an IORT root complex of 4,000 mappings (80,036 bytes; its 16-bit length would read 14,500): an EncodeError', () => {
    const set = readTables(join(SAMPLES, 'server-128cpu', 'acpidump.txt')).set;
    const iort = set.tables.find((e) => e.table.signature === 'IORT')!.table;
    const rc = iort.items!.find((n) => n.fields.type === 2)!;
    const one = (rc.parts!.mappings as Node[])[0];
    const many = Array.from({ length: 4000 }, (_x, i) => ({ ...one, fields: { ...one.fields, input_base: i, id_count: 0, output_base: i } }));
    const table = { ...iort, items: iort.items!.map((n) => (n === rc ? { ...n, parts: { ...n.parts, mappings: many } } : n)) };
    let thrown: unknown;
    try {
      encodeTable(table);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(EncodeError);
    expect(thrown).toBeInstanceOf(Refusal);
    expect((thrown as Error).message).toBe('Root Complex: field length: the length 80036 does not fit its 16 bits');
  });

  it('3,000 mappings fit: encoded, and decoded back whole', () => {
    const set = readTables(join(SAMPLES, 'server-128cpu', 'acpidump.txt')).set;
    const iort = set.tables.find((e) => e.table.signature === 'IORT')!.table;
    const rc = iort.items!.find((n) => n.fields.type === 2)!;
    const one = (rc.parts!.mappings as Node[])[0];
    const many = Array.from({ length: 3000 }, (_x, i) => ({ ...one, fields: { ...one.fields, input_base: i, id_count: 0, output_base: i } }));
    const bytes = encodeTable({ ...iort, items: iort.items!.map((n) => (n === rc ? { ...n, parts: { ...n.parts, mappings: many } } : n)) });
    const back = decodeTable(bytes);
    expect(back.findings).toEqual([]);
    expect((back.table!.items!.find((n) => n.fields.type === 2)!.parts!.mappings as Node[]).length).toBe(3000);
  });
});

describe('defect 4: every address stays inside 64 bits, and inside its field', () => {
  it('--base 0xfffffffffffff000: refused, with or without --relocate all', async () => {
    for (const extra of [[], ['--relocate', 'all']]) {
      const r = await cli('build', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '-o', join(tmp(), 'o'), '--base', '0xfffffffffffff000', ...extra);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/runs past the 64-bit address space/);
      expect(r.err).not.toMatch(/out of range|RangeError/);
    }
  });

  it('a 32-bit pointer without a 64-bit twin is not truncated: refused', () => {
    // a 116-byte (ACPI 1.0) FADT has only the 32-bit DSDT pointer; relocated above 4 GiB it cannot follow
    const set = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')).set;
    const tables = set.tables.map((e) => {
      if (e.table.signature !== 'FACP') return e;
      const b = Buffer.from(e.bytes.subarray(0, 116));
      b.writeUInt32LE(116, 4);
      b.writeUInt32LE(Number(set.tables.find((x) => x.table.signature === 'DSDT')!.address), 40);
      b[9] = checksumOf(b, 116, 9);
      return { ...e, bytes: new Uint8Array(b), table: decodeTable(b).table! };
    });
    expect(() => buildDom0({ ...set, tables }, { relocate: 'all', base: 0x100000000n, only: ['xsdt', 'rsdp'] })).toThrow(
      /FACP\.dsdt is a 32-bit pointer and cannot hold 0x1[0-9A-F]{8}, where the DSDT was placed: give a --base below 4 GiB/,
    );
  });
});

describe('defect 5: --relocate all with a FADT too short to hold its DSDT pointer (a 100,000-case run, seed 1363948322)', () => {
  it.each([37, 40])('a FADT cut to %i bytes: built, the pointer it cannot hold not written (it was an internal error)', (len) => {
    const set = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')).set;
    const tables = set.tables.map((e) => {
      if (e.table.signature !== 'FACP') return e;
      const b = Buffer.from(e.bytes.subarray(0, len));
      b.writeUInt32LE(len, 4);
      b[9] = checksumOf(b, len, 9);
      return { ...e, bytes: new Uint8Array(b), table: decodeTable(b).table! };
    });
    // the xen profile without its fadt pass keeps the FADT as short as it came, with no DSDT pointer
    const out = buildDom0({ ...set, tables }, { relocate: 'all', profile: 'xen', skip: ['fadt', 'madt', 'stao', 'rsdp', 'efi', 'dt'] });
    expect(out.tables.tables.find((e) => e.table.signature === 'FACP')!.bytes.length).toBe(len);
    // the design profile's fadt pass refuses it, as the input's fault
    expect(() => buildDom0({ ...set, tables }, { relocate: 'all' })).toThrow(/too short to carry ARM boot flags/);
  });
});
