import { defineConfig } from 'vitest/config';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  // the version the bundle gets at build time (scripts/bundle.mjs)
  define: { __DOM0_ACPI_VERSION__: JSON.stringify(version) },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/tmp-root.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // the JSON report gives .ci/run its "N passed, M failed" line
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
  },
});
