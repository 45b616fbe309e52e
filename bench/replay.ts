/**
 * The largest replay: after the domain run, every execution's history (each run of a continue-as-new chain is
 * one) is fetched again and replayed, one at a time, by a replay worker in the bench process on the project's
 * workflow bundle and data converter (`Worker.runReplayHistories`). A replay is timed from the moment its
 * history is handed to the replay worker until the worker reports it done: decoding, activating every workflow
 * task of the history, and the eviction at its end. That is what a worker pays when a workflow falls out of
 * its cache (or a continue-as-new is refused) and its next task starts from the whole history.
 * The fetch from the server is not in the time. The first history is replayed once more at the start and not
 * counted: the first replay also compiles the bundle in a fresh V8 context.
 */
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { dataConverter } from '../client/codec';
import { BUNDLE_OPTIONS } from '../worker/create-worker';
import type { Execution } from './profile';

export interface ReplaySummary {
  histories: number;
  /** Replays that ended with an error (nondeterminism or other): their time is not a replay's. */
  failed: number;
  failures: string[];
  /** Seconds for all replays together (fetches not included). */
  totalSeconds: number;
  /** The slowest replay. */
  largest: { workflowId: string; runId: string; type: string; events: number; ms: number };
  /** Replays slower than 1 s. */
  over1s: number;
  byType: Record<string, { histories: number; maxMs: number; meanMs: number }>;
}

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
const r1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The project's workflow bundle, for replays in this process. The replay worker's state changes are INFO lines; only
 * warnings reach the output. The Runtime is the process's, installed once: a second call keeps the first.
 */
export async function replayBundle() {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed
  }
  return bundleWorkflowCode({ ...BUNDLE_OPTIONS, logger: silent as any });
}

export async function replayAll(
  client: Client,
  executions: Execution[],
  log: (line: string) => void,
): Promise<ReplaySummary> {
  const started = Date.now();
  const workflowBundle = await replayBundle();
  const order = executions.length ? [executions[0], ...executions] : [];
  let handedAt = 0;
  let current: Execution | undefined;
  async function* histories() {
    for (const exec of order) {
      const history = await client.workflow.getHandle(exec.workflowId, exec.runId).fetchHistory();
      current = exec;
      handedAt = performance.now();
      yield { workflowId: exec.workflowId, history };
    }
  }
  const s: ReplaySummary = {
    histories: 0,
    failed: 0,
    failures: [],
    totalSeconds: 0,
    largest: { workflowId: '', runId: '', type: '', events: 0, ms: 0 },
    over1s: 0,
    byType: {},
  };
  const sums: Record<string, number> = {};
  let warm = false;
  let totalMs = 0;
  for await (const r of Worker.runReplayHistories(
    { workflowBundle, replayName: 'bench-replay', dataConverter: dataConverter() },
    histories(),
  )) {
    const ms = performance.now() - handedAt;
    const exec = current!;
    if (!warm) {
      warm = true;
      continue;
    }
    s.histories++;
    if (r.error) {
      s.failed++;
      if (s.failures.length < 10)
        s.failures.push(`${exec.workflowId} ${exec.runId}: ${r.error.name}: ${r.error.message.split('\n')[0]}`);
      continue;
    }
    totalMs += ms;
    if (ms > 1000) s.over1s++;
    if (ms > s.largest.ms)
      s.largest = { workflowId: exec.workflowId, runId: exec.runId, type: exec.type, events: exec.events, ms: r1(ms) };
    const t = (s.byType[exec.type] ??= { histories: 0, maxMs: 0, meanMs: 0 });
    t.histories++;
    t.maxMs = Math.max(t.maxMs, r1(ms));
    sums[exec.type] = (sums[exec.type] ?? 0) + ms;
    if (s.histories % 1000 === 0) log(`replay: ${s.histories} of ${executions.length} histories`);
  }
  for (const [type, t] of Object.entries(s.byType)) t.meanMs = r1(sums[type] / t.histories);
  s.totalSeconds = r1(totalMs / 1000);
  log(
    `replay: ${s.histories} histories in ${r1((Date.now() - started) / 1000)} s with fetches; slowest ${s.largest.ms} ms (${s.largest.workflowId}, ${s.largest.events} events)${s.failed ? `; ${s.failed} FAILED` : ''}`,
  );
  return s;
}
