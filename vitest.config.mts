import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';

export default defineConfig({
  test: {
    // Temporal's native worker does not like worker_threads; forks isolate each file's servers.
    pool: 'forks',
    // Every payload the tests write is encrypted with the committed test key (test/keys/README.md).
    env: { PAYLOAD_KEY_FILE: resolve('test/keys/payload-keys.json') },
    // Two cores: one file at a time keeps timings honest; each time-skipping file has its own server.
    fileParallelism: false,
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: process.env.VITEST_JSON_OUTPUT ? ['default', ['json', { outputFile: process.env.VITEST_JSON_OUTPUT }]] : ['default'],
  },
});
