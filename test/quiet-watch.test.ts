/**
 * A run's watch for a quiet moment starts from events its replay sees alike (QUIET_WATCH_FROM_EVENTS_PATCH). An
 * Update that its validator refuses still runs a workflow task, whose history length is two events longer, yet no
 * event of the history says why the task ran. The probe (test/probes/quiet-watch-workflow.ts) sits exactly at its
 * soft limit, so that task is the one that crosses it:
 * - the wait that read the history length woke in that task, which cancelled the phase timer and armed the watch's
 *   timer and a new one; the replay, with no job for that task, does not, and the history no longer replays;
 * - with `fromEvents` the task does nothing, the Signal after it starts the watch, and the history replays.
 * On the time-skipping server and on the dev server alike.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { QUIET_MS } from '../workflows/shared/continue-as-new';
import { createTimeSkippingEnv, devServerClient, eventually, quietWorkerLogs, uniqueTaskQueue } from './harness';
import { pokeSignal, quietWatchProbe, refusedUpdate } from './probes/quiet-watch-workflow';

/** The probe's history once its first task completed: started; that task's scheduled, started, completed; its timer. */
const AFTER_FIRST_TASK = 5;

let bundle: WorkflowBundle;
beforeAll(async () => {
  quietWorkerLogs('ERROR');
  bundle = await bundleWorkflowCode({
    workflowsPath: join(__dirname, 'probes', 'quiet-watch-workflow.ts'),
    logger: silent,
  });
}, 60_000);

const servers = [
  {
    name: 'time-skipping server',
    async start() {
      const env = await createTimeSkippingEnv();
      // A client without the project's codec: the probe's worker has none.
      const client = new Client({ connection: env.connection });
      return { client, native: env.nativeConnection, close: () => env.teardown() };
    },
  },
  {
    name: 'dev server',
    async start() {
      const { connection, address } = await devServerClient();
      const native = await NativeConnection.connect({ address });
      return {
        client: new Client({ connection: connection as Connection }),
        native,
        close: async () => (await native.close(), await connection.close()),
      };
    },
  },
];

describe.each(servers)('a refused Update at the soft limit, on the $name', (server) => {
  let rig: Awaited<ReturnType<(typeof servers)[number]['start']>>;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('quiet-watch');
  beforeAll(async () => {
    rig = await server.start();
    worker = await Worker.create({ connection: rig.native, taskQueue, workflowBundle: bundle });
    running = worker.run();
  }, 60_000);
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await rig?.close();
  });

  /** Starts a probe at its soft limit and sends it the refused Update; returns its handle and history so far. */
  async function refusedAtTheLimit(fromEvents: boolean) {
    const handle = await rig.client.workflow.start(quietWatchProbe, {
      taskQueue,
      workflowId: `quiet-watch-${fromEvents}-${taskQueue}`,
      args: [{ softLimit: AFTER_FIRST_TASK, fromEvents }],
    });
    await eventually(async () => expect((await handle.describe()).historyLength).toBe(AFTER_FIRST_TASK));
    await expect(handle.executeUpdate(refusedUpdate)).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    return handle;
  }
  const events = async (handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }) =>
    ((await handle.fetchHistory()).events ?? []) as Array<Record<string, unknown>>;
  const count = (list: Array<Record<string, unknown>>, attributes: string) => list.filter((e) => e[attributes]).length;

  it('re-arms its timers in a task no event explains when the wait reads the history length, and cannot replay', async () => {
    const handle = await refusedAtTheLimit(false);
    // The task that took the refused Update found the run past its limit: it cancelled the phase timer, armed the
    // watch's and a new phase timer.
    await eventually(async () => expect(count(await events(handle), 'timerCanceledEventAttributes')).toBe(1));
    await expect(handle.result()).resolves.toBe('handed over');
    const history = await handle.fetchHistory();
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history)).rejects.toThrow(/[Nn]ondeterminism/);
  }, 60_000);

  it('with fromEvents, leaves that task alone, starts the watch from the next Signal, and replays', async () => {
    const handle = await refusedAtTheLimit(true);
    // Nothing was armed or cancelled by the refused Update, whatever the server kept of its task.
    const before = await events(handle);
    expect(count(before, 'timerStartedEventAttributes')).toBe(1);
    expect(count(before, 'timerCanceledEventAttributes')).toBe(0);
    await handle.signal(pokeSignal);
    const poked = Date.now();
    await expect(handle.result()).resolves.toBe('handed over');
    // The Signal's task armed the watch's timer beside the phase timer, which stayed until the loop left its wait
    // to hand over.
    const after = await events(handle);
    expect(count(after, 'timerStartedEventAttributes')).toBe(2);
    expect(count(after, 'timerCanceledEventAttributes')).toBe(1);
    // The time-skipping server skips the timer; the dev server waits it out.
    if (server.name === 'dev server') expect(Date.now() - poked).toBeGreaterThanOrEqual(QUIET_MS - 100);
    await Worker.runReplayHistory({ workflowBundle: bundle }, await handle.fetchHistory());
  }, 60_000);
});

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
