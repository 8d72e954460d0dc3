// Untrusted input, mutated: decode never throws, whatever it accepts re-encodes to the same bytes
// (malformed or not), and dump, check and diff run on it. Deterministic (seeded), so a failure
// reproduces.
import { describe, expect, it } from 'vitest';
import { decodeTable, encodeTable } from '../../src/tables/registry.js';
import { dumpTableText } from '../../src/render/text.js';
import { tableJson } from '../../src/render/json.js';
import { checkTables } from '../../src/check/index.js';
import { diffTables } from '../../src/diff/set.js';
import { readTables } from '../../src/io/read.js';
import { parseAcpidump } from '../../src/io/acpidump.js';
import { readFdt } from '../../src/fdt/reader.js';
import { writeFdt } from '../../src/fdt/writer.js';
import { dom0Tree } from '../../src/fdt/dom0.js';
import type { TableSet } from '../../src/model/tableset.js';
import { corpusBlobs, sampleBlobs, HAVE_IASL, SAMPLES } from '../helpers.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { templateBlobs } from '../tables/iasl-compare.js';
import { specBlobs } from '../../samples/spec-tables.js';
import { decodedSignatures } from '../../src/tables/registry.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random mutation: flip bytes, overwrite lengths/counts/offsets with edge values, cut or extend. */
function mutate(b: Uint8Array, r: () => number): Uint8Array {
  const x = Buffer.from(b);
  const at = Math.floor(r() * x.length);
  const edge = [0, 1, 2, 3, 0x7f, 0x80, 0xff, 0xffff, 0xffffffff, x.length, x.length + 1, x.length - 1];
  switch (Math.floor(r() * 6)) {
    case 0:
      x[at] ^= 1 << Math.floor(r() * 8);
      return x;
    case 1:
      x[at] = Math.floor(r() * 256);
      return x;
    case 2: {
      const v = edge[Math.floor(r() * edge.length)];
      if (at + 4 <= x.length) x.writeUInt32LE(v >>> 0, at);
      return x;
    }
    case 3: {
      const v = edge[Math.floor(r() * edge.length)] & 0xffff;
      if (at + 2 <= x.length) x.writeUInt16LE(v, at);
      return x;
    }
    case 4:
      return x.subarray(0, at);
    default: {
      // keep the declared length consistent with an extension, so the walkers see the new bytes
      const extra = Buffer.alloc(Math.floor(r() * 40), Math.floor(r() * 256));
      const y = Buffer.concat([x, extra]);
      if (y.length >= 8 && y.toString('latin1', 0, 8) !== 'RSD PTR ') y.writeUInt32LE(y.length, 4);
      return y;
    }
  }
}

describe('mutated tables', () => {
  // the corpus, the samples, iasl's templates (every table iasl knows) and the spec-built tables
  const seeds = [...corpusBlobs(), ...sampleBlobs(), ...(HAVE_IASL ? templateBlobs() : []), ...specBlobs()].filter((b) => b.bytes.length < 20000);
  it('seeds every decoded table', () => {
    const sigs = new Set(
      seeds.map((s) =>
        s.bytes[0] === 0x52 && Buffer.from(s.bytes.subarray(0, 8)).toString('latin1') === 'RSD PTR '
          ? 'RSDP'
          : Buffer.from(s.bytes.subarray(0, 4)).toString('latin1'),
      ),
    );
    expect(decodedSignatures().filter((s) => !sigs.has(s))).toEqual([]);
  });
  it(`decode never throws; what decodes re-encodes exactly; dump and check run (${seeds.length} tables × 60 mutations)`, () => {
    const r = rng(20261121);
    let decoded = 0;
    let malformed = 0;
    for (const seed of seeds) {
      for (let i = 0; i < 60; i++) {
        let b = seed.bytes;
        for (let m = 1 + Math.floor(r() * 3); m > 0; m--) b = mutate(b, r);
        const where = `${seed.name} mutation ${i}`;
        const res = decodeTable(b);
        if (!res.table) continue;
        decoded++;
        if (res.findings.some((f) => f.severity === 'error')) malformed++;
        const exact = b.subarray(0, res.length);
        expect(Buffer.from(encodeTable(res.table)).equals(Buffer.from(exact)), where).toBe(true);
        const entry = { table: res.table, bytes: exact, source: where, address: 0x1000n };
        expect(() => dumpTableText(entry), where).not.toThrow();
        expect(() => JSON.stringify(tableJson(entry)), where).not.toThrow();
        const set: TableSet = { origin: where, kind: 'table', tables: [entry] };
        expect(() => checkTables(set, { dom0: true }), where).not.toThrow();
        expect(() => diffTables(set, set), where).not.toThrow();
      }
    }
    expect(decoded).toBeGreaterThan(seeds.length * 20);
    expect(malformed).toBeGreaterThan(50);
  });

  it('mutated acpidump text and memory images read without throwing', () => {
    const r = rng(7);
    const text = Buffer.from(sampleBlobs().length ? readFileSync(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt')) : []);
    const { set } = readTables(text, { name: 'sample.txt' });
    for (let i = 0; i < 300; i++) {
      const t = mutate(text, r);
      expect(() => parseAcpidump(t, 'x.txt')).not.toThrow();
      expect(() => readTables(Buffer.from(t), { name: 'x.txt' })).not.toThrow();
    }
    // an image of the set, mutated; read through the pointers
    const img = new Uint8Array(0x1000);
    for (const e of [set.rsdp!, ...set.tables]) img.set(e.bytes, Number(e.address! - 0x7c430000n));
    for (let i = 0; i < 300; i++) {
      const m = mutate(img, r);
      expect(() => readTables(Buffer.from(m), { imageBase: 0x7c430000n })).not.toThrow();
    }
  });

  it('mutated device trees either read or fail with an FdtReadError, never anything else', () => {
    const r = rng(11);
    const dtb = writeFdt(
      dom0Tree({ bootargs: 'console=hvc0', xenVersion: '4.20', systemTable: 0x38000400n, mmapStart: 0x38000500n, mmapSize: 120, descSize: 40, descVersion: 1 }),
    );
    for (let i = 0; i < 500; i++) {
      const m = mutate(dtb, r);
      try {
        readFdt(m);
      } catch (e) {
        expect((e as Error).name).toBe('FdtReadError');
      }
    }
  });
});
