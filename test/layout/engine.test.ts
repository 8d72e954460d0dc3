import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTable, encodeTable, withoutFaults, type AcpiTable } from '../../src/tables/registry.js';
import { readTables } from '../../src/io/read.js';
import { findTable } from '../../src/model/tableset.js';
import { checksumOf, container, readAt, EMPTY, type Node } from '../../src/layout/codec.js';
import { layout, u8, u32 } from '../../src/layout/schema.js';
import { describeNode, leaves } from '../../src/layout/describe.js';
import { madt } from '../../src/tables/madt.js';
import { generate, HOSTS } from '../../samples/generate.js';
import { SAMPLES, CORPUS, HAVE_CORPUS } from '../helpers.js';

const SAMPLE = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');
const table = (sig: string, path = SAMPLE) => findTable(readTables(path).set, sig)!;
const sums0 = (b: Uint8Array) => b.reduce((a, x) => a + x, 0) % 256 === 0;
const dec = (b: Uint8Array) => {
  const r = decodeTable(b);
  expect(r.findings).toEqual([]);
  return r.table!;
};

describe('FADT: the layout is chosen by length', () => {
  const full = table('FACP').bytes;
  it.each([116, 132, 244, 268, 270, 276])('%i bytes: fields that fit, the rest kept raw', (len) => {
    const b = Uint8Array.from(full.subarray(0, len));
    Buffer.from(b.buffer).writeUInt32LE(len, 4);
    b[9] = checksumOf(b, len, 9);
    const t = dec(b);
    expect('arm_boot_flags' in t.fields).toBe(len >= 131);
    expect('x_dsdt' in t.fields).toBe(len >= 148);
    expect('sleep_status' in t.fields).toBe(len >= 268);
    expect('hypervisor_id' in t.fields).toBe(len >= 276);
    expect(t.tail.length).toBe(len === 270 ? 2 : 0);
    expect(Buffer.from(encodeTable(t)).equals(Buffer.from(b))).toBe(true);
  });

  it('a FADT below 116 bytes is malformed', () => {
    const b = Uint8Array.from(full.subarray(0, 100));
    Buffer.from(b.buffer).writeUInt32LE(100, 4);
    expect(decodeTable(b).findings).toMatchObject([{ code: 'DECODE_TOO_SHORT', table: 'FACP' }]);
  });
});

describe('derived fields are computed at encode time, in one place', () => {
  it('growing a FADT and editing fields gives a right length and checksum', () => {
    const t = dec(table('FACP', join(SAMPLES, 'acpi51-gicv3', 'acpidump.txt')).bytes);
    expect(t.fields).not.toHaveProperty('hypervisor_id');
    const grown: AcpiTable = { ...t, fields: { ...t.fields, hypervisor_id: 0x00004d4d566e6558n, arm_boot_flags: 3 } };
    const b = encodeTable(grown);
    expect(b.length).toBe(276);
    expect(Buffer.from(b).readUInt32LE(4)).toBe(276);
    expect(sums0(b)).toBe(true);
    expect(Array.from(b.subarray(268, 276))).toEqual([0x58, 0x65, 0x6e, 0x56, 0x4d, 0x4d, 0, 0]);
    expect(Buffer.from(b).readUInt16LE(129)).toBe(3);
  });

  it('dropping MADT subtables updates the table length; subtable lengths come from their layouts', () => {
    const t = dec(table('APIC').bytes);
    const items = t.items!.filter((s, i) => !(s.fields.type === 0x0b && i > 2));
    const b = encodeTable({ ...t, items });
    expect(b.length).toBe(424 - 2 * 80);
    expect(Buffer.from(b).readUInt32LE(4)).toBe(b.length);
    expect(sums0(b)).toBe(true);
    expect(dec(b).items!.length).toBe(items.length);
  });

  it('GTDT platform timer count and offset, GT Block timer count, offset and length follow the items', () => {
    const t = dec(table('GTDT', join(SAMPLES, 'server-128cpu', 'acpidump.txt')).bytes);
    const block = t.items![0];
    const oneFrame: Node = { ...block, items: block.items!.slice(0, 1) };
    const b = encodeTable({ ...t, items: [oneFrame] });
    const back = dec(b);
    expect(back.fields).toMatchObject({ platform_timer_count: 1, platform_timer_offset: 104 });
    expect(back.items![0].fields).toMatchObject({ timer_count: 1, timer_offset: 20, length: 60 });
    expect(b.length).toBe(104 + 60);
    // no timers: count 0, and the offset keeps what it had
    const none = dec(encodeTable({ ...t, items: [] }));
    expect(none.fields).toMatchObject({ platform_timer_count: 0, platform_timer_offset: 104 });
  });

  it('gaps before a body placed by an offset are kept', () => {
    const t = dec(table('GTDT', join(SAMPLES, 'server-128cpu', 'acpidump.txt')).bytes);
    const withGap = encodeTable({ ...t, pads: { items: Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd) } });
    const back = dec(withGap);
    expect(back.fields.platform_timer_offset).toBe(108);
    expect(Array.from(back.pads!.items)).toEqual([0xaa, 0xbb, 0xcc, 0xdd]);
    expect(Buffer.from(encodeTable(back)).equals(Buffer.from(withGap))).toBe(true);
  });
});

describe('GTDT: the virtual EL2 timer exists by revision, as ACPICA decides', () => {
  it('rev 3 decodes it; the same bytes as rev 2 keep it in the platform-timer area', () => {
    const t = dec(table('GTDT', join(SAMPLES, 'server-128cpu', 'acpidump.txt')).bytes);
    expect(t.fields.virtual_el2_timer_gsiv).toBe(28);
    const { virtual_el2_timer_gsiv: _a, virtual_el2_timer_flags: _b, ...f2 } = t.fields;
    f2.header = { ...(t.fields.header as object), revision: 2 };
    const b = encodeTable({ ...t, fields: f2, pads: { items: Uint8Array.of(28, 0, 0, 0, 4, 0, 0, 0) } });
    const back = dec(b);
    expect(back.fields).not.toHaveProperty('virtual_el2_timer_gsiv');
    expect(back.fields.platform_timer_offset).toBe(104);
    expect(back.pads!.items.length).toBe(8);
  });
});

describe('GTDT revision 3 in its two shapes', () => {
  const server = () => table('GTDT', join(SAMPLES, 'server-128cpu', 'acpidump.txt')).bytes;
  const fix = (x: Buffer) => {
    x[9] = checksumOf(x, x.length, 9);
    return x;
  };
  it('ACPI 6.3 firmware (no virtual EL2 fields, timers at 0x60): the revision 2 layout, with a warning, and exact bytes', () => {
    const s = server();
    const b = Buffer.concat([s.subarray(0, 96), s.subarray(104)]);
    b.writeUInt32LE(b.length, 4);
    b.writeUInt32LE(0x60, 92);
    fix(b);
    const r = decodeTable(b);
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['DECODE_REVISION_LAYOUT', 'warning']]);
    expect(r.table!.fields).not.toHaveProperty('virtual_el2_timer_gsiv');
    expect(r.table!.items!.map((i) => i.fields.type)).toEqual([0, 1]);
    expect(Buffer.from(encodeTable(r.table!)).equals(b)).toBe(true);
  });

  it("a stale offset 0x60 under virtual EL2 fields (iasl's template): timers read after them, as ACPICA does, and the offset kept", () => {
    const b = fix(Buffer.from(server()));
    b.writeUInt32LE(0x60, 92);
    fix(b);
    const r = decodeTable(b);
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['DECODE_OFFSET_INSIDE', 'warning']]);
    expect(r.table!.fields.virtual_el2_timer_gsiv).toBe(28);
    expect(r.table!.items!.map((i) => i.fields.type)).toEqual([0, 1]);
    expect(Buffer.from(encodeTable(r.table!)).equals(b)).toBe(true);
  });
});

describe('MADT: GICC by its own length; unknown subtables kept raw', () => {
  it("decodes 76-, 80- and 82-byte GICCs and keeps longer ones' extra bytes", () => {
    const t = dec(table('APIC').bytes);
    const gicc = t.items!.find((s) => s.fields.type === 0x0b)!;
    const { efficiency_class: _e, reserved2: _r, spe_interrupt: _s, ...v5 } = gicc.fields;
    const variants: Node[] = [
      { fields: v5, tail: EMPTY },
      gicc,
      { fields: { ...gicc.fields, trbe_interrupt: 22 }, tail: EMPTY },
      { fields: { ...gicc.fields, trbe_interrupt: 22 }, tail: Uint8Array.of(1, 2, 3, 4, 5, 6) },
      { fields: { type: 0x18, length: 0 }, tail: Uint8Array.of(9, 8, 7, 6, 5) },
    ];
    const b = encodeTable({ ...t, items: variants });
    const back = dec(b);
    expect(back.items!.map((s) => s.fields.length)).toEqual([76, 80, 82, 88, 7]);
    expect(back.items![2].fields.trbe_interrupt).toBe(22);
    expect(Array.from(back.items![3].tail)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(back.items![4].tail)).toEqual([9, 8, 7, 6, 5]);
    const paths = [...leaves(describeNode(madt, back, 0, 'APIC', 4))].map((l) => l.path);
    expect(paths).toContain('APIC.gicc[2].trbe_interrupt');
    expect(paths).toContain('APIC.gicc[3].tail');
    expect(paths).toContain('APIC.type_0x18[0].tail');
  });
});

describe('STAO and SPCR names', () => {
  it('STAO: names NUL-terminated, an unterminated last name kept', () => {
    const base = {
      signature: 'STAO',
      fields: { header: { ...(table('FACP').table.fields.header as object), signature: 'STAO', revision: 1 }, ignore_uart: 1 },
      tail: EMPTY,
    };
    const b = encodeTable({ ...base, strings: ['\\_SB.COM0', '\\_SB.PCI0.DEV3'] });
    expect(b.length).toBe(37 + 10 + 15);
    const t = dec(b);
    expect(t.strings).toEqual(['\\_SB.COM0', '\\_SB.PCI0.DEV3']);
    const odd = encodeTable({ ...base, strings: ['\\_SB.COM0'], unterminated: '\\_SB.X' });
    const t2 = dec(odd);
    expect(t2.unterminated).toBe('\\_SB.X');
    expect(Buffer.from(encodeTable(t2)).equals(Buffer.from(odd))).toBe(true);
  });

  it('SPCR rev 4: precise baud rate and the namespace string at its offset', () => {
    const t = dec(table('SPCR').bytes);
    const h = { ...(t.fields.header as object), revision: 4 };
    const b = encodeTable({
      ...t,
      fields: { ...t.fields, header: h, precise_baudrate: 1500000, namespace_string_length: 0, namespace_string_offset: 0 },
      strings: ['\\_SB.COM0'],
    });
    const back = dec(b);
    expect(back.fields).toMatchObject({ precise_baudrate: 1500000, namespace_string_length: 10, namespace_string_offset: 88 });
    expect(back.strings).toEqual(['\\_SB.COM0']);
    expect(b.length).toBe(98);
  });
});

describe('checksum faults', () => {
  it('a wrong checksum round-trips as read, and withoutFaults makes it right', () => {
    const b = Uint8Array.from(table('APIC').bytes);
    b[9] ^= 0x11;
    const t = decodeTable(b).table!;
    expect(t.faults).toEqual({ 'header.checksum': (b[9] - checksumOf(b, b.length, 9)) & 0xff });
    expect(Buffer.from(encodeTable(t)).equals(Buffer.from(b))).toBe(true);
    expect(sums0(encodeTable(withoutFaults(t)))).toBe(true);
  });

  it.skipIf(!HAVE_CORPUS)("Xen's RSDP (20-byte checksum wrong, extended right) round-trips; fixed, both hold in order", () => {
    const b = readFileSync(join(CORPUS, 'xen-4.17-gicv2-dom0v2/xen/rsdp.dat'));
    const t = decodeTable(b).table!;
    expect(Object.keys(t.faults!)).toEqual(['checksum']);
    expect(Buffer.from(encodeTable(t)).equals(b)).toBe(true);
    const fixed = encodeTable(withoutFaults(t));
    expect(sums0(fixed.subarray(0, 20))).toBe(true);
    expect(sums0(fixed)).toBe(true);
    expect(Buffer.from(fixed).compare(b.subarray(0, 36))).not.toBe(0);
    expect([...fixed].map((x, i) => (x !== b[i] ? i : -1)).filter((i) => i >= 0)).toEqual([8, 32]);
  });

  it('the sample RSDPs have both checksums right', () => {
    for (const h of HOSTS) {
      const r = findTable(readTables(join(SAMPLES, h.name, 'acpidump.txt')).set, 'RSDP')!;
      expect(sums0(r.bytes.subarray(0, 20))).toBe(true);
      expect(sums0(r.bytes)).toBe(true);
      expect(r.table.faults).toBeUndefined();
    }
  });
});

describe('samples', () => {
  it('are exactly what samples/generate.ts produces', () => {
    const dirs = readdirSync(SAMPLES, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(dirs).toEqual(HOSTS.map((h) => h.name).sort());
    for (const h of HOSTS) expect(readFileSync(join(SAMPLES, h.name, 'acpidump.txt'), 'latin1')).toBe(generate(h));
  });

  it('each has RSDP, XSDT, FADT, MADT, GTDT, SPCR and a DSDT whose UART matches the SPCR', () => {
    for (const h of HOSTS) {
      const { set } = readTables(join(SAMPLES, h.name, 'acpidump.txt'));
      for (const s of ['RSDP', 'XSDT', 'FACP', 'APIC', 'GTDT', 'SPCR', 'DSDT']) expect(findTable(set, s), `${h.name} ${s}`).toBeDefined();
      const spcr = findTable(set, 'SPCR')!.table.fields.serial_port as { address: bigint };
      const dsdt = Buffer.from(findTable(set, 'DSDT')!.bytes);
      const mem32 = dsdt.indexOf(Buffer.from([0x86, 0x09, 0x00, 0x01]));
      expect(BigInt(dsdt.readUInt32LE(mem32 + 4))).toBe(spcr.address);
    }
  });
});

describe('older and checksum-less layouts', () => {
  it('GTDT revision 1 (80 bytes): no platform-timer fields, round trip', () => {
    const b = Buffer.from(table('GTDT').bytes.subarray(0, 80));
    b.writeUInt32LE(80, 4);
    b[8] = 1;
    b[9] = checksumOf(b, 80, 9);
    const t = dec(b);
    expect(t.fields).not.toHaveProperty('platform_timer_count');
    expect(t.fields.non_secure_el2_interrupt).toBe(26);
    expect(Buffer.from(encodeTable(t)).equals(b)).toBe(true);
  });

  it('FACS: 64 bytes, no checksum, length derived', () => {
    const b = Buffer.alloc(64);
    b.write('FACS', 0, 'latin1');
    b.writeUInt32LE(64, 4);
    b.writeUInt32LE(0x12345678, 8);
    b[32] = 2;
    const t = dec(b);
    expect(t.signature).toBe('FACS');
    expect(t.fields).toMatchObject({ hardware_signature: 0x12345678, version: 2 });
    expect(t.faults).toBeUndefined();
    expect(Buffer.from(encodeTable(t)).equals(b)).toBe(true);
  });

  it('the least declared length: 36 with the standard header, the declared minimum without it (FACS 64)', () => {
    const facs = Buffer.alloc(48);
    facs.write('FACS', 0, 'latin1');
    facs.writeUInt32LE(48, 4);
    expect(decodeTable(facs).findings.map((f) => f.message)).toEqual(['declared length 48 is below the 64-byte minimum']);
    const apic = Buffer.alloc(40);
    apic.write('APIC', 0, 'latin1');
    apic.writeUInt32LE(40, 4);
    apic[9] = checksumOf(apic, 40, 9);
    const r = decodeTable(apic);
    expect(r.table?.signature).toBe('APIC'); // read, and its shortness is a finding of its own
    expect(r.findings.map((f) => f.code)).toEqual(['DECODE_TOO_SHORT']);
  });
});

describe('gates read declared fields only', () => {
  // a gate is a callback, so tsc cannot check the name it reads: decode does, at the first table
  const gated = (name: string) =>
    container({
      name: 'gated',
      label: 'Gated',
      layout: layout('gated', [u8('kind', 'Kind'), u32('extra', 'Extra', { when: (g) => g.read?.(name) === 1 })]),
    });
  const bytes = new Uint8Array([1, 2, 0, 0, 0]);

  it('reads an earlier field by its name', () => {
    expect(readAt(gated('kind'), bytes)).toEqual({ kind: 1, extra: 2 });
    expect(readAt(gated('kind'), new Uint8Array([0, 2, 0, 0, 0]))).toEqual({ kind: 0 });
  });

  it('throws on a name the layout does not declare (a renamed field), instead of reading 0', () => {
    expect(() => readAt(gated('kind_renamed'), bytes)).toThrow(/layout gated: a gate reads "kind_renamed", which it does not declare/);
  });
});

describe('checksumOf', () => {
  // the word-at-a-time sum must equal the byte-at-a-time one for every alignment, length, end and skip
  const bytewise = (b: Uint8Array, end: number, skip: number) => {
    const n = Math.min(end, b.length);
    let s = 0;
    for (let i = 0; i < n; i++) s += b[i];
    if (skip >= 0 && skip < n) s -= b[skip];
    return (256 - (s & 0xff)) & 0xff;
  };
  it('equals the byte-by-byte sum at any offset, length, end and skipped byte', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 2000 }),
        fc.nat(7),
        fc.integer({ min: 0, max: 2100 }),
        fc.integer({ min: -1, max: 2100 }),
        (bytes, shift, end, skip) => {
          const b = new Uint8Array(bytes.length + shift).subarray(shift);
          b.set(bytes);
          expect(checksumOf(b, end, skip)).toBe(bytewise(b, end, skip));
        },
      ),
    );
  });
  it('holds where a 16-bit lane would overflow (long runs of 0xff)', () => {
    for (const n of [255, 256, 257, 512, 1024, 65_536, 100_003]) {
      const b = new Uint8Array(n + 1).fill(0xff).subarray(1);
      expect(checksumOf(b, n, -1)).toBe(bytewise(b, n, -1));
    }
  });
});

describe('a table that calls itself RSDP', () => {
  it("is refused with DECODE_SIGNATURE, not decoded with the root pointer's layout (a fuzz case: it re-encoded as something else)", () => {
    // 36 bytes: "RSDP", length 36, a header otherwise ordinary
    const b = Buffer.alloc(36);
    b.write('RSDP', 0, 'latin1');
    b.writeUInt32LE(36, 4);
    b[8] = 1;
    const r = decodeTable(b);
    expect(r.table).toBeUndefined();
    expect(r.findings).toMatchObject([{ code: 'DECODE_SIGNATURE', offset: 0, message: expect.stringMatching(/name of the root pointer.*"RSD PTR "/) }]);
  });
});
