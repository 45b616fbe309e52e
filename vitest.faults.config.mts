import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';

// `npm run test:faults`: the fault tests (test/faults/), about 12 minutes. Each scenario starts its own
// dev server, SMTP server and worker processes, so there is no global setup. One file, tests in order.
export default defineConfig({
  test: {
    pool: 'forks',
    // Every payload the tests write is encrypted with the committed test key (test/keys/README.md).
    env: { PAYLOAD_KEY_FILE: resolve('test/keys/payload-keys.json') },
    fileParallelism: false,
    include: ['test/faults/**/*.spec.ts'],
    // A scenario is one compressed round (~3 min) plus start-up, faults and teardown.
    testTimeout: 480_000,
    // beforeAll may wait for another fault-test run on this machine to finish (a lock; see faults.spec.ts).
    hookTimeout: 1_900_000,
    reporters: process.env.VITEST_FAULTS_JSON_OUTPUT ? ['default', ['json', { outputFile: process.env.VITEST_FAULTS_JSON_OUTPUT }]] : ['default'],
  },
});
