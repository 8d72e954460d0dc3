// The 8-byte word search the RSDP scan runs: the WebAssembly SIMD loop on the scan's buffers, and the
// JavaScript paths (aligned doubles; a byte search filtered to the steps) everywhere else, all held to
// one plain reading of "the first multiple of 8 at or after `from` where the word sits".
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fastWordSearch, findWord, searchBuffer } from '../../src/io/wordsearch.js';
import { BUILT, DIST_SRC, SAMPLES, tmp } from '../helpers.js';

function reference(hay: Uint8Array, word: Uint8Array, from: number): number {
  for (let at = Math.ceil(Math.max(0, from) / 8) * 8; at + 8 <= hay.length; at += 8) if (word.every((b, i) => hay[at + i] === b)) return at;
  return -1;
}

/** The same bytes in each kind of buffer the search meets. */
function holders(bytes: Uint8Array): [string, Uint8Array][] {
  const inWasm = searchBuffer(bytes.length + 16).bytes;
  inWasm.set(bytes, 8);
  const shared = searchBuffer(bytes.length + 16, true)!.bytes; // a read-ahead thread's ring
  shared.set(bytes, 16);
  const shifted = (by: number) => {
    const host = new Uint8Array(bytes.length + 16);
    host.set(bytes, by);
    return host.subarray(by, by + bytes.length);
  };
  return [
    ['WebAssembly memory, at offset 8', inWasm.subarray(8, 8 + bytes.length)],
    ['shared WebAssembly memory, at offset 16', shared.subarray(16, 16 + bytes.length)],
    ['plain, aligned', Uint8Array.from(bytes)],
    ['plain, at byte offset 8', shifted(8)],
    ['plain, at byte offset 4 (not aligned)', shifted(4)],
  ];
}

describe('findWord', () => {
  it('the SIMD loop is there on this engine (the scan would otherwise run at JavaScript speed)', () => {
    expect(fastWordSearch()).toBe(true);
  });

  it('agrees with the plain reading in every kind of buffer, for any word, haystack and start', () => {
    const words = fc.oneof(
      fc.constant(Uint8Array.from(Buffer.from('RSD PTR '))),
      fc.constant(new Uint8Array(8)), // zero as a double: equal to -0, so not searched as doubles
      fc.constant(new Uint8Array(8).fill(0xff)), // NaN as a double
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
    );
    fc.assert(
      fc.property(
        words,
        fc.integer({ min: 0, max: 1200 }),
        fc.array(fc.integer({ min: 0, max: 1199 }), { maxLength: 4 }),
        fc.integer({ min: -8, max: 1300 }),
        fc.integer({ min: 0, max: 255 }),
        (word, length, plants, from, fill) => {
          const bytes = new Uint8Array(length).fill(fill);
          for (const p of plants) if (p + 8 <= length) bytes.set(word, p);
          const want = reference(bytes, word, from);
          for (const [name, hay] of holders(bytes)) expect([name, findWord(hay, word, from)]).toEqual([name, want]);
        },
      ),
      { numRuns: 400, seed: 20261203 },
    );
  });

  it('finds a word in every lane of a 256-byte turn and in the words after the last whole turn', () => {
    const word = Uint8Array.from(Buffer.from('RSD PTR '));
    const hay = searchBuffer(4096).bytes;
    for (let at = 0; at + 8 <= 1000; at += 8) {
      hay.fill(0x52); // 'R' everywhere: every word starts like the signature
      hay.set(word, at);
      expect(findWord(hay.subarray(0, 1000), word)).toBe(at);
      expect(findWord(hay.subarray(0, 1000), word, at + 1)).toBe(-1);
      expect(findWord(hay.subarray(0, at + 7), word)).toBe(-1); // the word cut by the end
    }
  });

  it('a buffer handed back serves the next caller; a larger request gets a larger buffer', () => {
    const a = searchBuffer(70_000);
    a.release();
    const b = searchBuffer(1000);
    expect(b.bytes.buffer).toBe(a.bytes.buffer);
    const c = searchBuffer(200_000); // the kept one is taken and too small anyway
    expect(c.bytes.buffer).not.toBe(a.bytes.buffer);
    expect(c.bytes.length).toBe(200_000);
  });

  it('a shared buffer (another thread may still write into it) is never handed to the next caller', () => {
    const s = searchBuffer(1000, true)!;
    expect(s.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    s.release();
    expect(searchBuffer(1000).bytes.buffer).not.toBe(s.bytes.buffer);
    expect(searchBuffer(1000, true)!.bytes.buffer).not.toBe(s.bytes.buffer);
  });
});

describe.skipIf(!BUILT)('without WebAssembly (node --jitless)', () => {
  it('the scan of an image takes the JavaScript path and finds the same tables', () => {
    const img = join(tmp('jitless-'), 'memory.img');
    const script = `
      import { readTables } from ${JSON.stringify(join(DIST_SRC, 'io', 'read.js'))};
      import { writeImage } from ${JSON.stringify(join(DIST_SRC, 'io', 'image.js'))};
      import { fastWordSearch } from ${JSON.stringify(join(DIST_SRC, 'io', 'wordsearch.js'))};
      import { writeFileSync } from 'node:fs';
      const { set } = readTables(${JSON.stringify(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'))});
      const { image, base } = writeImage(set);
      const big = new Uint8Array(3 << 20);
      big.set(image, big.length - image.length - 4096);
      writeFileSync(${JSON.stringify(img)}, big);
      const r = readTables(${JSON.stringify(img)}, { imageBase: base - BigInt(big.length - image.length - 4096) });
      console.log(JSON.stringify({ fast: fastWordSearch(), found: r.set.tables.map((e) => e.table.signature).sort(), findings: r.findings.length }));`;
    const run = (flags: string[]) => {
      const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout) as { fast: boolean; found: string[]; findings: number };
    };
    const jit = run([]);
    const jitless = run(['--jitless']);
    expect(jit.fast).toBe(true);
    expect(jitless.fast).toBe(false);
    expect(jitless.found).toEqual(jit.found);
    expect(jit.found.length).toBeGreaterThan(5);
    expect(jit.findings).toBe(0);
    expect(jitless.findings).toBe(0);
  });
});
