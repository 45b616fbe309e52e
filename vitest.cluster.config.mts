import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: the fault tests on a real Temporal cluster (test/cluster/), one file, tests in order.
// The cluster is started in beforeAll; the first run on a machine builds the server there (5–9 min, once).
export default defineConfig({
  test: {
    pool: 'forks',
    fileParallelism: false,
    include: ['test/cluster/**/*.spec.ts'],
    testTimeout: 480_000,
    // beforeAll may wait for another fault-test run (the machine lock) and then build the server from source.
    hookTimeout: 3_600_000,
    reporters: process.env.VITEST_CLUSTER_JSON_OUTPUT ? ['default', ['json', { outputFile: process.env.VITEST_CLUSTER_JSON_OUTPUT }]] : ['default'],
  },
});
