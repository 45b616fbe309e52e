/**
 * zod instantiated once per worker instead of once per cached workflow.
 *
 * The SDK's reusable V8 context gives every cached workflow its own module cache: each workflow's sandbox
 * evaluated zod's 20 modules again, 632 KiB of the 986 KiB a cached application retained (bench/MEMORY.md).
 * Modules named in `preloadModules` are evaluated once, before any workflow, and shared; the SDK then
 * deep-freezes what they export, so that no workflow can leave state in them for another.
 *
 * zod writes to two exported objects after loading, which a frozen copy refuses:
 * - it resets `lastIndex` on its module-level regexes before a format check (`z.iso.date()` and friends);
 *   a reset matters only to a global or sticky regex, and zod's own are neither, so
 *   worker/zod-regex-guard.cjs guards each reset with that test when the bundle is built;
 * - `allowsEval` caches on first read whether `new Function` works: read once here, before the freeze.
 * Everything else zod installs lazily goes on class prototypes and schema instances, which are not frozen and
 * come out the same whichever workflow installs them first: sharing zod does not change what a workflow does.
 */
import type { BundleOptions } from '@temporalio/worker';
import { join } from 'node:path';

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

export const sharedZod = {
  preloadModules: [join(__dirname, 'shared-zod-preload.ts')],
  webpackConfigHook: (config: WebpackConfig): WebpackConfig => {
    config.module?.rules?.push({
      test: /[\\/]node_modules[\\/]zod[\\/].*\.js$/,
      use: [join(__dirname, 'zod-regex-guard.cjs')],
    });
    return config;
  },
} satisfies Partial<BundleOptions>;
