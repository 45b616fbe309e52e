/**
 * Where a replay's time goes: replays one history N times on the project's bundle and data converter, as the
 * bench's replay figure does (bench/replay.ts), and counts the promises created inside the workflow sandbox and
 * outside it during each replay.
 *
 *   npx tsx bench/replay-cost.ts <history.json> [--times N] [--without-stack-traces]
 *
 * The file is a golden history (test/histories/…, `{ history }`) or a bare history (`temporal workflow show
 * --output json`). Its payloads are decrypted with the keys of PAYLOAD_KEYS / PAYLOAD_KEY_FILE (the tests' keys:
 * PAYLOAD_KEY_FILE=test/keys/payload-keys.json).
 *
 * The SDK (1.24) installs a V8 promise hook in the thread that runs workflows, for the `__stack_trace` query (the
 * Web UI's stack trace tab): every promise created there compiles a small function to find its workflow, and every
 * promise created by workflow code captures and formats a stack trace. No option turns it off.
 * `--without-stack-traces` stops that hook after the first replay, through the SDK's internals, to show its share:
 * a measurement only, never for a worker.
 */
import { readFileSync } from 'node:fs';
import { promiseHooks } from 'node:v8';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { dataConverter } from '../client/codec';
import { replayBundle } from './replay';

const USAGE = 'usage: npx tsx bench/replay-cost.ts <history.json> [--times N] [--without-stack-traces]';

function parseArgs(argv: string[]) {
  let file: string | undefined;
  let times = 5;
  let withoutStackTraces = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--times') {
      times = Number(argv[++i]);
      if (!Number.isInteger(times) || times < 1) throw new Error(`--times: expected a whole number ≥ 1`);
    } else if (a === '--without-stack-traces') withoutStackTraces = true;
    else if (!a.startsWith('--') && !file) file = a;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!file) throw new Error(USAGE);
  return { file, times, withoutStackTraces };
}

function stopStackTraceHook(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const shared = require('@temporalio/worker/lib/workflow/vm-shared');
  if (typeof shared.globalHandlers?.stopPromiseHook !== 'function')
    throw new Error('this SDK version has no globalHandlers.stopPromiseHook: --without-stack-traces cannot work');
  shared.globalHandlers.stopPromiseHook();
}

async function main() {
  const { file, times, withoutStackTraces } = parseArgs(process.argv.slice(2));
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const history = historyFromJSON(json.history ?? json);
  const events = history.events?.length ?? 0;
  const signals = history.events?.filter((e) => e.workflowExecutionSignaledEventAttributes).length ?? 0;
  const workflowBundle = await replayBundle();

  // A promise made in a workflow sandbox has that sandbox's Promise as its constructor.
  const created = { sandbox: 0, outside: 0 };
  promiseHooks.onInit(
    (p: Promise<unknown>) => void (p.constructor === Promise ? created.outside++ : created.sandbox++),
  );

  console.log(`${file}: ${events} events, ${signals} signals`);
  // The first replay also compiles the bundle in a fresh V8 context, as in bench/replay.ts.
  for (let i = 0; i <= times; i++) {
    created.sandbox = created.outside = 0;
    const started = performance.now();
    await Worker.runReplayHistory(
      { workflowBundle, dataConverter: dataConverter(), replayName: 'replay-cost' },
      history,
    );
    const ms = performance.now() - started;
    const label = i === 0 ? 'warm-up' : `replay ${i}`;
    console.log(
      `${label}: ${ms.toFixed(1)} ms (${((ms / events) * 1000).toFixed(0)} µs per event); promises created: ${created.sandbox} in the sandbox, ${created.outside} outside`,
    );
    if (i === 0 && withoutStackTraces) {
      stopStackTraceHook();
      console.log("the SDK's stack-trace promise hook is stopped from here on");
    }
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(String(err instanceof Error ? err.message : err));
    process.exit(1);
  },
);
