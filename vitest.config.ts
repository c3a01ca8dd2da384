import { tmpdir } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/node-version.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: 'forks',
    maxWorkers: 2,
    // CI reads the JSON report (see .ci/run); people read the default reporter.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.ci/out/vitest.json' },
    // Tests' usage records go to a file of their own, not the one `npm start` and the bench write (README, "What a sync costs").
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true', APIM_SYNC_USAGE_FILE: `${tmpdir()}/apim-sync/usage-tests.jsonl` },
  },
});
