// One root cause, one finding: a defect is reported once, where it is, and the walks go on past it
// as the consumers' do, so it does not bring a train of knock-on findings.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { checkTables } from '../../src/check/index.js';
import type { Node } from '../../src/layout/codec.js';
import { editTable, SAMPLES } from '../helpers.js';

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
    expect(found.map((f) => f.code)).toEqual(expect.arrayContaining(['DOM0_HW_REDUCED', 'DOM0_PSCI']));
    for (const f of found) expect(f.offset, f.code).toBeTypeOf('number');
    expect(found.find((f) => f.code === 'DOM0_HW_REDUCED')!.offset).toBe(4);
  });
});
