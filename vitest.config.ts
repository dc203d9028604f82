import { defineConfig } from 'vitest/config';

// Real components: one embedded Postgres and one Temporal dev server for the whole run
// (test/global-setup.ts); time-skipping servers are started per test file.
// Two cores: at most two test files at a time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'domain/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // The JSON report lets .ci/run print a plain 'N passed, N failed' closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
