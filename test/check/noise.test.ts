// One root cause, one finding: a defect is reported once, where it is, and the walks go on past it
// as the consumers' do, so it does not bring a train of knock-on findings.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { checkTables } from '../../src/check/index.js';
import type { Node } from '../../src/layout/codec.js';
import { editTable, SAMPLES } from '../helpers.js';
import { madtGicrsAndMsiFrames, replaced } from '../../fuzz/hostile.js';

const server = () => readTables(join(SAMPLES, 'server-128cpu', 'acpidump.txt')).set;

describe('one root cause, one finding', () => {
  it('a PPTT parent pointer edited into a loop: one PPTT_CYCLE, at that pointer', () => {
    const s = server();
    const pptt = s.tables.find((e) => e.table.signature === 'PPTT')!.table;
    const procs = pptt.items!.filter((n) => n.fields.type === 0);
    const pkg = procs.filter((n) => Number(n.fields.parent) === 0)[1];
    const core = procs.filter((n) => Number(n.fields.parent) === pkg.at).at(-1)!;
    const looped = editTable(s, 'PPTT', (t) => ({
      ...t,
      items: t.items!.map((n: Node) => (n === pkg ? { ...n, fields: { ...n.fields, parent: core.at! } } : n)),
    }));
    const found = checkTables(looped).filter((f) => f.severity !== 'info');
    expect(found.map((f) => `${f.code} ${f.path}`)).toEqual(['PPTT_CYCLE PPTT.processor[65].parent']);
    expect(found[0].message).toMatch(/PPTT.processor\[65\] → PPTT.processor\[129\] → PPTT.processor\[65\]/);
  });
});

describe('the MADT walk goes on past a bad subtable, by its length, as Linux walks it', () => {
  it('a GICC cut short before the ITSes: the decode finding, no knock-on IORT findings (the ITSes are found)', async () => {
    const { decodeTable } = await import('../../src/tables/registry.js');
    const { catalogued } = await import('../../src/check/index.js');
    const { checksumOf } = await import('../../src/layout/codec.js');
    const s = server();
    const madt = s.tables.find((e) => e.table.signature === 'APIC')!;
    // GICC 5 (after the GICD at 44) cut to 40 bytes; every subtable after it moved up
    const at = 68 + 5 * 80;
    const b = Buffer.concat([madt.bytes.subarray(0, at + 40), madt.bytes.subarray(at + 80)]);
    b.writeUInt32LE(b.length, 4);
    b[at + 1] = 40;
    b[9] = checksumOf(b, b.length, 9);
    const r = decodeTable(b);
    const set = { ...s, tables: s.tables.map((e) => (e === madt ? { ...e, table: r.table!, bytes: new Uint8Array(b) } : e)) };
    expect(r.table!.items!.filter((x) => x.fields.type === 0x0f)).toHaveLength(4);
    const found = [...catalogued(r.findings), ...checkTables(set)];
    expect(found.filter((f) => f.table === 'IORT')).toEqual([]);
    expect(found[0]).toMatchObject({ code: 'DECODE_SUBTABLE_TOO_SHORT', path: 'APIC.short_subtable[0].length', offset: at + 1 });
    // what Linux then lacks is that one CPU: its SRAT and PPTT entries name a UID no GICC has
    expect([...new Set(found.map((f) => f.code))].sort()).toEqual(['DECODE_SUBTABLE_TOO_SHORT', 'SRAT_GICC_UID']);
  });
});

describe('every finding about bytes says where they are', () => {
  it('a rule about a field the table is too short to hold points at the length that leaves it out', async () => {
    const { decodeTable } = await import('../../src/tables/registry.js');
    const s = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')).set;
    const facp = s.tables.find((e) => e.table.signature === 'FACP')!;
    const short = Buffer.from(facp.bytes.subarray(0, 100)); // no flags, no Arm boot flags
    short.writeUInt32LE(100, 4);
    const table = decodeTable(short).table!;
    const set = { ...s, tables: s.tables.map((e) => (e === facp ? { ...e, table, bytes: short } : e)) };
    const found = checkTables(set, { dom0: true }).filter((f) => f.table === 'FACP');
    expect(found.map((f) => f.code)).toEqual(expect.arrayContaining(['FADT_HW_REDUCED', 'DOM0_PSCI']));
    for (const f of found) expect(f.offset, f.code).toBeTypeOf('number');
    expect(found.find((f) => f.code === 'FADT_HW_REDUCED')!.offset).toBe(4);
  });
});

describe('a table cut short of what a region needs', () => {
  it('an SPCR ending inside its serial port (41 and 44 bytes): no region, no claim, no throw', async () => {
    const { decodeTable } = await import('../../src/tables/registry.js');
    const { checksumOf } = await import('../../src/layout/codec.js');
    const s = server();
    const spcr = s.tables.find((e) => e.table.signature === 'SPCR')!;
    for (const n of [41, 44]) {
      const b = Buffer.from(spcr.bytes.subarray(0, n));
      b.writeUInt32LE(n, 4);
      b[9] = checksumOf(b, b.length, 9);
      const set = { ...s, tables: s.tables.map((e) => (e === spcr ? { ...e, table: decodeTable(b).table!, bytes: new Uint8Array(b) } : e)) };
      expect(() => checkTables(set), `${n} bytes`).not.toThrow();
    }
  });
});

describe('a region that overlaps many others is reported against the first three (issue 27 §3)', () => {
  const overlaps = (n: number) => checkTables(readTables(replaced('APIC', madtGicrsAndMsiFrames(n))).set).filter((f) => f.code === 'REGION_OVERLAP');
  const gicr = (i: number) => `APIC.gicr[${i}] (GICR region) at 0x200000000000-0x${(0x200000000000 + 0x10000 * (i - 1)).toString(16).toUpperCase()}`;

  it('each MSI frame inside five GICR regions: three findings, the third counting the two more', () => {
    const found = overlaps(5);
    expect(found.length).toBe(5 * 3);
    expect(found.filter((f) => f.path === 'APIC.msi_frame[0]').map((f) => f.message)).toEqual([
      `APIC.msi_frame[0] (GICv2m frame) at 0x200000000000-0x200000001000 overlaps ${gicr(2)}`,
      `APIC.msi_frame[0] (GICv2m frame) at 0x200000000000-0x200000001000 overlaps ${gicr(3)}`,
      `APIC.msi_frame[0] (GICv2m frame) at 0x200000000000-0x200000001000 overlaps ${gicr(4)}; … and 2 more regions overlap it (not listed)`,
    ]);
  });

  it('each inside two: a finding for every pair, as ever', () => {
    const found = overlaps(2);
    expect(found.map((f) => f.message)).toEqual([
      `APIC.msi_frame[0] (GICv2m frame) at 0x200000000000-0x200000001000 overlaps ${gicr(2)}`,
      `APIC.msi_frame[0] (GICv2m frame) at 0x200000000000-0x200000001000 overlaps ${gicr(3)}`,
      `APIC.msi_frame[1] (GICv2m frame) at 0x200000000010-0x200000001010 overlaps ${gicr(2)}`,
      `APIC.msi_frame[1] (GICv2m frame) at 0x200000000010-0x200000001010 overlaps ${gicr(3)}`,
    ]);
  });
});
