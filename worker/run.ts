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
import { workerTuningFromEnv } from './tuning';

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
  const tuning = workerTuningFromEnv();
  const { maxCachedWorkflows } = tuning.options;
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
  const announce = () => {
    console.log(`worker polling task queue ${base.taskQueue} on ${describeTarget(config)}`);
    for (const line of tuning.lines) console.log(line);
    if (coldStartSeconds > 0 && maxCachedWorkflows !== 0)
      console.log(
        `no workflow cache for the first ${coldStartSeconds} s (WORKER_COLD_START_SECONDS; worker/cold-start.ts)`,
      );
    console.log(`mail via ${mailer.config.url.replace(/\/\/[^@/]*@/, '//***@')} from ${mailer.config.from}`);
  };
  // Worker.run() resolves after SIGINT/SIGTERM once in-flight tasks finish (the SDK installs the handlers).
  if (coldStartSeconds === 0 || maxCachedWorkflows === 0) {
    const worker = await createWorker({ ...base, extra: tuning.options });
    announce();
    await worker.run();
  } else {
    await runWithColdStart(coldStartSeconds, {
      activities: () => createWorker({ ...base, polls: 'activities' }),
      workflows: async (cached) => {
        const worker = await createWorker({
          ...base,
          polls: 'workflows',
          extra: cached
            ? tuning.options
            : { ...uncachedWorkflowOptions(shortBuildId(base.workflowBundle)), ...tuning.uncached },
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
