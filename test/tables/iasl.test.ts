// The referee: for every FADT, MADT, GTDT, SPCR and STAO in the corpus and the samples, each field
// our dump --json gives must agree with what `iasl -d` prints at the same offset and width, and
// every field we decode must be printed by iasl (apart from the listed quirks of Debian's iasl).
import { describe, expect, it } from 'vitest';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { corpusBlobs, sampleBlobs, HAVE_IASL, tmp } from '../helpers.js';
import { compareAll } from './iasl-compare.js';

describe.skipIf(!HAVE_IASL)('dump agrees with iasl -d', () => {
  for (const [what, blobs] of [['corpus', corpusBlobs()], ['samples', sampleBlobs()]] as const) {
    if (!blobs.length) continue;
    const results = compareAll(blobs);
    it(`${what}: compares every table of interest`, () => expect(results.length).toBeGreaterThan(what === 'corpus' ? 25 : 12));
    it.each(results.map((r) => [r.name, r] as const))(`${what} %s`, (_n, r) => {
      expect(r.mismatches).toEqual([]);
      expect(r.unprinted).toEqual([]);
      expect(r.labels).toEqual([]);
      expect(r.compared).toBeGreaterThan(9);
    });
  }
});

describe.skipIf(!HAVE_IASL)('iasl -d on the samples', () => {
  // one process per table: iasl shares one namespace across the files of a run, so two DSDTs in
  // one run clash. The RSDP is not an ACPI table to iasl 20200925; its checksums are tested in io/.
  const blobs = sampleBlobs().filter((b) => !b.name.endsWith(':RSD PTR'));
  const problems = /incorrect checksum|invalid|error|warning|length mismatch|too (long|short)/i;
  it.each(blobs.map((b) => [b.name, b] as const))('%s disassembles with no checksum, length or parse problem', (_n, b) => {
    const dir = tmp('iasl-sample-');
    writeFileSync(join(dir, 't.dat'), b.bytes);
    const out = execFileSync('iasl', ['-d', 't.dat'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    expect(out.split('\n').filter((l) => problems.test(l))).toEqual([]);
    expect(readFileSync(join(dir, 't.dsl'), 'utf8')).not.toMatch(problems);
  });
});
