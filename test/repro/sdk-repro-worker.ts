/** The worker process of sdk-repro.ts (TEMPORAL_ADDRESS; MAX_CACHED_WORKFLOWS to try the mitigation). */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
(async () => {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: 'sdk-repro',
    workflowsPath: require.resolve('./sdk-repro-workflow'),
    ...(process.env.MAX_CACHED_WORKFLOWS ? { maxCachedWorkflows: Number(process.env.MAX_CACHED_WORKFLOWS) } : {}),
  });
  console.log('worker polling');
  await worker.run();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
