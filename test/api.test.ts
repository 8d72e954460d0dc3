// The README's library example, as written there (against the sample instead of acpidump.txt).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readTables, encodeTable, decodeTable, findTable, fieldsOf, make, gicc, buildDom0, makeReport } from '../src/index.js';
import { SAMPLES } from './helpers.js';

describe('the README library example', () => {
  it('reads, types, makes, encodes and builds', () => {
    const { set, findings } = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'));
    expect(findings).toEqual([]);
    const madt = findTable(set, 'APIC')!.table;
    const giccs = madt.items!.filter((s) => s.fields.type === 0x0b);
    expect(giccs.map((g) => fieldsOf(gicc, g).arm_mpidr)).toEqual([0n, 1n, 2n, 3n]);
    const spare = make(gicc, { type: 0x0b, uid: 99, flags: 0, arm_mpidr: 0x10000n });
    const bytes = encodeTable({ ...madt, items: [...madt.items!.slice(0, 3), spare] });
    const back = decodeTable(bytes);
    expect(back.findings).toEqual([]);
    expect(back.table!.items![3].fields).toMatchObject({ type: 0x0b, length: 76, uid: 99, arm_mpidr: 0x10000n });
    const out = buildDom0(set, { profile: 'xen' });
    expect(out.manifest.profile).toBe('xen');
  });

  it('makes the report page from the library, as the README shows', async () => {
    const { set, findings } = readTables(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'));
    const html = await makeReport([{ name: 'host', set, read: findings }], { checked: 'check' });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    for (const section of ['findings', 'tables', 'address-map', 'namespace']) expect(html).toContain(`<section id="${section}"`);
    expect(html).toContain('dom0-acpi');
  });
});
