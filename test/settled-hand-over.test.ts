/**
 * A run that hands over carries what it heard while it settled. The settle steps can wait across workflow tasks (the
 * campaign waits up to its grace for an email or notice in flight), and Signals and Updates keep coming meanwhile:
 * a 街镇's batch of reports, an official's decision. The next run's input is built after that wait, so it holds them.
 * Built before it, the campaign's packed registry missed a batch that came in during a hold, and an inspected
 * application was told it had not been inspected.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createTimeSkippingEnv, eventually, quietWorkerLogs, uniqueTaskQueue } from './harness';
import {
  holdingQuery,
  noteSignal,
  noteUpdate,
  releaseSignal,
  settledHandOverProbe,
} from './probes/settled-hand-over-workflow';

let env: Awaited<ReturnType<typeof createTimeSkippingEnv>>;
let client: Client;
let bundle: WorkflowBundle;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('settled-hand-over');

beforeAll(async () => {
  quietWorkerLogs('ERROR');
  bundle = await bundleWorkflowCode({
    workflowsPath: join(__dirname, 'probes', 'settled-hand-over-workflow.ts'),
    logger: silent,
  });
  env = await createTimeSkippingEnv();
  // A client without the project's codec: the probe's worker has none.
  client = new Client({ connection: env.connection });
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle });
  running = worker.run();
}, 60_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

describe('a run handing over once it has settled', () => {
  it('carries the Signals and Updates it took while a settle step held it', async () => {
    const handle = await client.workflow.start(settledHandOverProbe, {
      taskQueue,
      workflowId: `settled-hand-over-${taskQueue}`,
      args: [{}],
    });
    const firstRunId = handle.firstExecutionRunId;
    await handle.signal(noteSignal, 'before the hand-over');
    await eventually(async () => expect(await handle.query(holdingQuery)).toBe(true));

    // Taken in later tasks, while the run waits to hand over.
    await handle.signal(noteSignal, 'a batch while it held');
    await expect(handle.executeUpdate(noteUpdate, { args: ['a decision while it held'] })).resolves.toBe(3);
    await handle.signal(releaseSignal);

    await expect(handle.result()).resolves.toEqual([
      'before the hand-over',
      'a batch while it held',
      'a decision while it held',
    ]);
    const first = client.workflow.getHandle(handle.workflowId, firstRunId);
    expect((await first.describe()).status.name).toBe('CONTINUED_AS_NEW');
    await Worker.runReplayHistory({ workflowBundle: bundle }, await first.fetchHistory());
  }, 60_000);
});

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
