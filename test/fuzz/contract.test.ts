// The untrusted-input contract (fuzz/contract.ts), a short seeded run: a few seconds of each
// property. `npm run fuzz -- --cases 100000` is the long run (docs/fuzz.md).
import { describe, it, afterAll } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { properties, newTally } from '../../fuzz/contract.js';

const dir = mkdtempSync(join(tmpdir(), 'dom0-acpi-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the untrusted-input contract (seeded fast-check run)', () => {
  const tally = newTally();
  const props = properties(dir, tally);
  it.each(props.map((p) => [p.name, p] as const))(
    '%s',
    async (_n, p) => {
      await fc.assert(p.prop as fc.IAsyncProperty<unknown[]>, { numRuns: Math.max(20, Math.round(600 * p.share)), seed: 20261130 });
    },
    60_000,
  );
});
