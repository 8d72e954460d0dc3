import { defineConfig } from 'vitest/config';

export default defineConfig({
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
