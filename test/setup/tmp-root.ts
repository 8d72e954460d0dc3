// One temporary folder per test run: every tmp() folder of the tests lives inside it, and it is
// removed when the run ends, so `npm test` leaves nothing behind in the system's temp folder. The
// built command's code cache goes there too (DOM0_ACPI_CACHE), not into the user's home cache.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export default function setup(): () => void {
  // said once for the whole run (not once per test file)
  const corpus = resolve(ROOT, '../shared/corpus');
  if (!existsSync(corpus)) console.warn(`corpus not found at ${corpus}: corpus tests are skipped`);
  if (!existsSync(join(ROOT, 'dist', 'dom0-acpi.cjs'))) console.warn('tests of the built command and library are skipped: dist/ is not built (npm run build)');
  const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) console.warn(`Chromium not found at ${chromium}: the report's browser tests are skipped (apt-get install chromium)`);
  const root = mkdtempSync(join(tmpdir(), 'dom0-acpi-tests-'));
  process.env.DOM0_ACPI_TEST_TMP = root;
  process.env.DOM0_ACPI_CACHE = join(root, 'v8cache');
  return () => rmSync(root, { recursive: true, force: true });
}
