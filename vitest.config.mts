import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';

// One config, three projects, each run by its own command:
//   npm test             → `main`: every *.test.ts on a shared dev server and time-skipping servers;
//   npm run test:faults  → `faults`: worker and server crashes during a compressed round (about 12 minutes);
//   npm run test:cluster → `cluster`: the same round on a PostgreSQL Temporal cluster with service faults.
// A run writes a JSON report to VITEST_JSON_OUTPUT when it is set (.ci/run sets one per command).
export default defineConfig({
  test: {
    // Temporal's native worker does not like worker_threads; forks isolate each file's servers.
    pool: 'forks',
    // Two cores: one file at a time keeps the compressed calendars' timing honest.
    fileParallelism: false,
    // Every payload the tests write is encrypted with the committed test key (test/keys/README.md).
    env: { PAYLOAD_KEY_FILE: resolve('test/keys/payload-keys.json') },
    reporters: process.env.VITEST_JSON_OUTPUT
      ? ['default', ['json', { outputFile: process.env.VITEST_JSON_OUTPUT }]]
      : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          // Each scenario starts its own dev server, SMTP server and worker processes: no global setup.
          name: 'faults',
          include: ['test/faults/**/*.spec.ts'],
          // A scenario is one compressed round (~3 min) plus start-up, faults and teardown.
          testTimeout: 480_000,
          // beforeAll may wait for another fault-test run on this machine to finish (a lock; see faults.spec.ts).
          hookTimeout: 1_900_000,
        },
      },
      {
        extends: true,
        test: {
          // The cluster is started in beforeAll; the first run on a machine builds the server there (5–9 min, once).
          name: 'cluster',
          include: ['test/cluster/**/*.spec.ts'],
          testTimeout: 480_000,
          hookTimeout: 3_600_000,
        },
      },
    ],
  },
});
