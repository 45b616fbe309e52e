/**
 * The worker process of sdk-repro.ts (TEMPORAL_ADDRESS). MAX_CACHED_WORKFLOWS=0 runs it without a cache;
 * WORKER_COLD_START_SECONDS=<s> runs it as the project's worker does (worker/cold-start.ts).
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { coldStartSecondsFromEnv, runWithColdStart, uncachedWorkflowOptions } from '../../worker/cold-start';

Runtime.install({ logger: new DefaultLogger('WARN') });
(async () => {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const options = { connection, taskQueue: 'sdk-repro', workflowsPath: require.resolve('./sdk-repro-workflow') };
  if (process.env.WORKER_COLD_START_SECONDS) {
    await runWithColdStart(coldStartSecondsFromEnv(), {
      // This workflow runs no activities: a worker with a no-op activity stands in for the project's.
      activities: () => Worker.create({ connection, taskQueue: 'sdk-repro', activities: { noop: async () => {} } }),
      workflows: async (cached) => {
        const worker = await Worker.create({ ...options, ...(cached ? {} : uncachedWorkflowOptions('sdk-repro')) });
        if (!cached) console.log('worker polling');
        return worker;
      },
      log: (line) => console.log(line),
    });
    return;
  }
  const worker = await Worker.create({
    ...options,
    ...(process.env.MAX_CACHED_WORKFLOWS ? { maxCachedWorkflows: Number(process.env.MAX_CACHED_WORKFLOWS) } : {}),
  });
  console.log('worker polling');
  await worker.run();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
