// One temporary folder per test run: every tmp() folder of the tests lives inside it, and it is
// removed when the run ends, so `npm test` leaves nothing behind in the system's temp folder. The
// built command's code cache goes there too (DOM0_ACPI_CACHE), not into the user's home cache.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'dom0-acpi-tests-'));
  process.env.DOM0_ACPI_TEST_TMP = root;
  process.env.DOM0_ACPI_CACHE = join(root, 'v8cache');
  return () => rmSync(root, { recursive: true, force: true });
}
