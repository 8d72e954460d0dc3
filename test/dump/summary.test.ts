// dump --summary: one line per table with the facts its declaration names.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { allEntries } from '../../src/model/tableset.js';
import { summaryLines } from '../../src/render/summary.js';
import { SAMPLES } from '../helpers.js';

describe('summaryLines', () => {
  const { set } = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'));
  const lines = summaryLines(set, allEntries(set));
  const line = (sig: string) => lines.find((l) => l.startsWith(sig))!;

  it('a heading, then one line per table with address, length, OEM and checksum state', () => {
    expect(lines[0]).toMatch(/acpidump, 7 table\(s\)$/);
    expect(lines.length).toBe(8);
    // a DSDT: what its AML declares, by kind
    expect(line('DSDT')).toMatch(/^DSDT {2}0x000000007C430100 {5}218 B {2}"DOM0AC" {2}checksum ok {2}17 object\(s\): 11 Name, 5 Device, 1 Scope$/);
  });

  it('no line ends in spaces, a table whose declaration names no facts included', () => {
    // a table of a signature no declaration knows: a header, no facts
    const oem = Buffer.alloc(36);
    oem.write('OEMX', 0, 'latin1');
    oem.writeUInt32LE(36, 4);
    oem[8] = 1;
    oem[9] = (0x100 - (oem.reduce((a, x) => a + x, 0) & 0xff)) & 0xff;
    const { set: other } = readTables(oem, { name: 'oemx.dat' });
    const all = [...lines, ...summaryLines(other, allEntries(other))];
    expect(all.filter((l) => / $/.test(l))).toEqual([]);
    expect(all.some((l) => /checksum ok$/.test(l))).toBe(true);
  });

  it('the declared facts: XSDT entries by the tables they reach, the MADT GIC, the FADT PSCI conduit', () => {
    expect(line('XSDT')).toMatch(/4 entries: FACP APIC GTDT SPCR$/);
    expect(line('APIC')).toMatch(/4 GICC \(4 enabled, 80 bytes\), GICD v3, 1 GICR, 1 ITS$/);
    expect(line('FACP')).toMatch(/PSCI\/SMC$/);
  });

  it('an XSDT entry that reaches no table shows its address', () => {
    const x = set.tables.find((e) => e.table.signature === 'XSDT')!;
    const items = [...x.table.items!, { ...x.table.items![0], fields: { address: 0x12345000n } }];
    const odd = { ...set, tables: set.tables.map((e) => (e === x ? { ...e, table: { ...e.table, items } } : e)) };
    expect(summaryLines(odd, allEntries(odd)).find((l) => l.startsWith('XSDT'))).toMatch(/5 entries: FACP APIC GTDT SPCR \?0x12345000$/);
  });
});
