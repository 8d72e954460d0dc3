// One encoding per table per build: a table as decodeTable made it is not encoded at all (its input
// bytes are its encoding), a table a caller built or changed is, once.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { encoded, known, newBuild, reread } from '../../src/rewrite/encoded.js';
import { decodedFrom, encodeTable } from '../../src/tables/registry.js';
import { SAMPLES } from '../helpers.js';

describe('the per-build encoding memo', () => {
  const { set } = readTables(join(SAMPLES, 'server-128cpu', 'acpidump.txt'));
  const madt = set.tables.find((e) => e.table.signature === 'APIC')!;

  it('a host table as read: its input bytes, the very buffer, and itself as its re-reading', () => {
    newBuild();
    known(madt.table);
    expect(encoded(madt.table)).toBe(decodedFrom(madt.table));
    expect(Buffer.from(encoded(madt.table)).equals(Buffer.from(madt.bytes))).toBe(true);
    expect(Buffer.from(encodeTable(madt.table)).equals(Buffer.from(madt.bytes))).toBe(true); // what makes that right
    expect(reread(madt.table)).toBe(madt.table);
  });

  it('a changed copy is encoded (once), with the change; a new build forgets every encoding', () => {
    newBuild();
    const copy = { ...madt.table, fields: { ...madt.table.fields, local_apic_address: 0x1234 } };
    known(copy); // not one decodeTable made: nothing to take
    expect(decodedFrom(copy)).toBeUndefined();
    const bytes = encoded(copy);
    expect(bytes).not.toBe(decodedFrom(madt.table));
    expect(bytes).toBe(encoded(copy));
    expect(Buffer.from(bytes).equals(Buffer.from(madt.bytes))).toBe(false);
    newBuild();
    expect(encoded(copy)).not.toBe(bytes);
  });
});
