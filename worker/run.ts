/** The worker process's body, shared by worker/main.ts and the bench's plain baseline. Settings come from the environment. */
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import {
  connectionOptionsFromEnv,
  createConnection,
  createNativeConnection,
  describeTarget,
} from '../client/connection';
import { dataConverter as projectDataConverter } from '../client/codec';
import { TASK_QUEUE } from '../temporal/ids';
import { createMailer } from '../activities/mailer';
import { bundleWorkflowCode } from '@temporalio/worker';
import { BUNDLE_OPTIONS, createWorker, shortBuildId } from './create-worker';
import { coldStartSecondsFromEnv, runWithColdStart, uncachedWorkflowOptions } from './cold-start';
import { z } from 'zod';

/**
 * WORKER_MAX_CACHED_WORKFLOWS: how many workflows the worker keeps in memory (about 2 MB each).
 * Unset: the SDK's default from the heap size (about 2,300 here). A smaller cache means smaller
 * garbage-collection pauses at city scale, at the price of replaying evicted workflows.
 */
function cacheSizeFromEnv(): number | undefined {
  return wholeNumberFromEnv('WORKER_MAX_CACHED_WORKFLOWS', z.coerce.number().int().min(0), 'a whole number ≥ 0');
}

/** An optional whole-number setting; a value outside `schema` stops the worker with a line naming the variable. */
function wholeNumberFromEnv(name: string, schema: z.ZodType<number>, expected: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${name}: expected ${expected}, got ${JSON.stringify(raw)}`);
  return parsed.data;
}

/**
 * WORKER_STICKY_TIMEOUT_SECONDS: how long a workflow task may wait on this worker's own (sticky) queue before the
 * server hands it to the shared queue. Unset: the SDK's 10 s. A task handed over arrives with its whole history and
 * is replayed from the start, so when thousands of applications wake at one calendar boundary and the queue takes
 * longer than 10 s to drain, each late task costs a full replay on top of the task itself. A longer timeout avoids
 * that, at a price: a task already queued for a worker that was killed waits that long before another worker gets it.
 */
function stickyTimeoutFromEnv(): number | undefined {
  const seconds = z.coerce.number().int().min(1).max(600);
  return wholeNumberFromEnv('WORKER_STICKY_TIMEOUT_SECONDS', seconds, 'whole seconds from 1 to 600');
}

export interface RunWorkerOptions {
  /** Default: the project's (encrypted payloads). Only the bench passes another, to measure what encryption costs. */
  dataConverter?: DataConverter;
}

/** Runs until SIGINT/SIGTERM. */
export async function runWorker(opts: RunWorkerOptions = {}): Promise<void> {
  const config = connectionOptionsFromEnv();
  const connection = await createNativeConnection(config);
  const clientConnection = await createConnection(config);
  const converter = opts.dataConverter ?? projectDataConverter();
  const client = new Client({ connection: clientConnection, namespace: config.namespace, dataConverter: converter });
  const mailer = createMailer();
  const maxCachedWorkflows = cacheSizeFromEnv();
  const coldStartSeconds = coldStartSecondsFromEnv();
  const base = {
    connection,
    client,
    namespace: config.namespace,
    taskQueue: process.env.TASK_QUEUE ?? TASK_QUEUE,
    mailer,
    dataConverter: converter,
    // Bundled once for every worker of this process.
    workflowBundle: await bundleWorkflowCode(BUNDLE_OPTIONS),
  };
  const stickySeconds = stickyTimeoutFromEnv();
  const sticky = stickySeconds === undefined ? {} : { stickyQueueScheduleToStartTimeout: stickySeconds * 1000 };
  const cachedOptions = { ...sticky, ...(maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows }) };
  const announce = () => {
    console.log(`worker polling task queue ${base.taskQueue} on ${describeTarget(config)}`);
    if (maxCachedWorkflows !== undefined)
      console.log(`workflow cache: ${maxCachedWorkflows} workflows (WORKER_MAX_CACHED_WORKFLOWS)`);
    if (stickySeconds !== undefined)
      console.log(`sticky queue schedule-to-start timeout: ${stickySeconds} s (WORKER_STICKY_TIMEOUT_SECONDS)`);
    if (coldStartSeconds > 0 && maxCachedWorkflows !== 0)
      console.log(
        `no workflow cache for the first ${coldStartSeconds} s (WORKER_COLD_START_SECONDS; worker/cold-start.ts)`,
      );
    console.log(`mail via ${mailer.config.url.replace(/\/\/[^@/]*@/, '//***@')} from ${mailer.config.from}`);
  };
  // Worker.run() resolves after SIGINT/SIGTERM once in-flight tasks finish (the SDK installs the handlers).
  if (coldStartSeconds === 0 || maxCachedWorkflows === 0) {
    const worker = await createWorker({ ...base, extra: cachedOptions });
    announce();
    await worker.run();
  } else {
    await runWithColdStart(coldStartSeconds, {
      activities: () => createWorker({ ...base, polls: 'activities' }),
      workflows: async (cached) => {
        const worker = await createWorker({
          ...base,
          polls: 'workflows',
          extra: cached ? cachedOptions : uncachedWorkflowOptions(shortBuildId(base.workflowBundle)),
        });
        if (!cached) announce();
        return worker;
      },
      log: (line) => console.log(line),
    });
  }
  mailer.close();
  await clientConnection.close();
  await connection.close();
}
