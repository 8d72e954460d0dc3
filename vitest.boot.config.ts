// npm run test:boot: the Linux boot tests (test/boot), apart from npm test's; their results go to
// test-results-boot.json, which .ci/run counts beside npm test's.
import { defineConfig } from 'vitest/config';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: { __DOM0_ACPI_VERSION__: JSON.stringify(version) },
  test: {
    include: ['test/boot/**/*.boot.ts'],
    globalSetup: ['test/setup/tmp-root.ts'],
    testTimeout: 400_000,
    hookTimeout: 600_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results-boot.json' },
  },
});
