// How diff pairs and shows what a user compares: GICCs by UID (MPIDR when UIDs repeat), PPTT
// processors by their place in the topology, repeated keys numbered, long byte strings (AML) by
// size and first difference, and a -t naming a table neither side has refused.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { diffTables } from '../../src/diff/set.js';
import { renderDiffText } from '../../src/render/diff.js';
import type { TableSet } from '../../src/model/tableset.js';
import type { Node } from '../../src/layout/codec.js';
import { cli, editTable, SAMPLES } from '../helpers.js';

const SERVER = join(SAMPLES, 'server-128cpu', 'acpidump.txt');
const QEMU = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');

const edit = editTable;

describe('diff -t', () => {
  it('a signature neither side has is refused (a typo cannot pass a CI step); one side having it is a diff', async () => {
    const r = await cli('diff', QEMU, SERVER, '-t', 'IROT');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`dom0-acpi: error: -t IROT: neither ${QEMU} nor ${SERVER} has this table\n`);
    const one = await cli('diff', QEMU, SERVER, '-t', 'IORT');
    expect(one.code).toBe(1);
    expect(one.out).toMatch(/^\+ IORT \(table added\)$/m);
    expect((await cli('diff', QEMU, QEMU, '-t', 'FACP', '-t', 'IROT', '-t', 'SRTA')).err).toMatch(/-t IROT, SRTA: neither .* has these tables/);
  });
});

describe('PPTT processors pair by their place in the topology', () => {
  it('one changed core is one change, named by package and core', () => {
    const a = readTables(SERVER).set;
    const pptt = a.tables.find((e) => e.table.signature === 'PPTT')!.table;
    const procs = pptt.items!.filter((n) => n.fields.type === 0);
    // the second package's fourth core
    const packages = procs.filter((n) => Number(n.fields.parent) === 0);
    const kids = (p: Node) => procs.filter((n) => Number(n.fields.parent) === p.at);
    const target = kids(packages[1])[3];
    const b = edit(a, 'PPTT', (t) => ({
      ...t,
      items: t.items!.map((n) => (n === target ? { ...n, fields: { ...n.fields, acpi_processor_id: 0x999 } } : n)),
    }));
    const changes = diffTables(a, b, { ignore: ['derived'] });
    expect(changes.map((c) => `${c.path}: ${c.old} → ${c.new}`)).toEqual([`PPTT.processor[1/3].acpi_processor_id: ${target.fields.acpi_processor_id} → 2457`]);
    expect(changes.some((c) => c.path.includes("'"))).toBe(false);
  });
});

describe('repeated keys', () => {
  it('items with one key are numbered #2, #3… in order, and pair in order (1,300 GICCs with one MPIDR and UID)', () => {
    const host = readTables(SERVER).set;
    const apic = host.tables.find((e) => e.table.signature === 'APIC')!;
    const g = apic.table.items!.find((n) => n.fields.type === 0x0b)!;
    const others = apic.table.items!.filter((n) => n.fields.type !== 0x0b);
    const items = [...others, ...Array.from({ length: 1300 }, () => g)];
    const a: TableSet = { ...host, tables: host.tables.map((e) => (e === apic ? { ...e, table: { ...e.table, items } } : e)) };
    const changed = items.map((n, i) => (i === others.length + 999 ? { ...n, fields: { ...n.fields, flags: 0 } } : n));
    const b: TableSet = { ...host, tables: host.tables.map((e) => (e === apic ? { ...e, table: { ...e.table, items: changed } } : e)) };
    expect(diffTables(a, b).map((c) => c.path)).toEqual(['APIC.gicc[mpidr=0x0]#1000.flags.enabled']);
  });
});

describe('long byte strings', () => {
  it('an AML body reads as its sizes and where it first differs, then object by object; the JSON keeps the bytes', () => {
    const a = readTables(QEMU).set;
    const dsdt = a.tables.find((e) => e.table.signature === 'DSDT')!;
    const tail = Buffer.from(dsdt.table.tail!);
    tail[0x40] ^= 0xff;
    const grown = Buffer.concat([tail, Buffer.from([0xa3, 0xa3])]);
    const b = edit(a, 'DSDT', (t) => ({ ...t, tail: grown }));
    const changes = diffTables(a, b, { ignore: ['derived'] });
    expect(changes[0]).toMatchObject({
      path: 'DSDT.tail',
      kind: 'changed',
      text: { old: `${tail.length} bytes`, new: `${grown.length} bytes` },
      note: 'first difference at byte 0x40 (table offset 0x64); the AML changes by namespace path follow',
    });
    expect(changes[0].new).toBe(grown.toString('hex').toUpperCase());
    // the flipped byte is in a name: what the old table declared there is gone, what the new one does is added
    expect(changes.length).toBeGreaterThan(1);
    expect(changes.slice(1).every((c) => c.path.startsWith('DSDT.\\'))).toBe(true);
    const same = edit(a, 'DSDT', (t) => ({ ...t, tail }));
    const text = renderDiffText('a', 'b', diffTables(a, same, { ignore: ['derived'] }), false);
    expect(text.split('\n')[3]).toBe(
      `  ~ tail: ${tail.length} bytes → ${tail.length} bytes; first difference at byte 0x40 (table offset 0x64); the AML changes by namespace path follow`,
    );
  });
});
