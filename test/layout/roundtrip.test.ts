import { describe, expect, it } from 'vitest';
import { decodeTable, encodeTable } from '../../src/tables/registry.js';
import { corpusBlobs, sampleBlobs, HAVE_CORPUS } from '../helpers.js';

describe.skipIf(!HAVE_CORPUS)('corpus round trip', () => {
  const blobs = corpusBlobs();
  it('finds the corpus tables', () => expect(blobs.length).toBeGreaterThan(90));
  it.each(blobs.map((b) => [b.name, b] as const))('%s decodes cleanly and encodes byte-identical', (_n, b) => {
    const r = decodeTable(b.bytes);
    expect(r.findings).toEqual([]);
    expect(Buffer.from(encodeTable(r.table!)).equals(Buffer.from(b.bytes))).toBe(true);
  });
});

describe('sample round trip', () => {
  it.each(sampleBlobs().map((b) => [b.name, b] as const))('%s', (_n, b) => {
    const r = decodeTable(b.bytes);
    expect(r.findings).toEqual([]);
    expect(r.table!.faults).toBeUndefined();
    expect(Buffer.from(encodeTable(r.table!)).equals(Buffer.from(b.bytes))).toBe(true);
  });
});
