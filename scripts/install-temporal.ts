/** `npm run temporal:install` (and the pretest/prestart hooks): make sure both Temporal binaries are here. */
import { resolveBinary } from './temporal-binaries';

for (const kind of ['cli', 'test-server'] as const) {
  const bin = resolveBinary(kind);
  process.stderr.write(
    bin
      ? `[temporal-binaries] ${kind}: ${bin.command} ${bin.args.join(' ')} (from ${bin.source})\n`
      : `[temporal-binaries] ${kind}: none local; the SDK will download one\n`,
  );
}
