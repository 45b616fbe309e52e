/** The worker process: `npm run worker` (npm start runs it for you). Connection settings come from the environment. */
import { clientOn, connectionOptionsFromEnv, createConnection, createNativeConnection, describeTarget } from '../client/connection';
import { TASK_QUEUE } from '../domain/ids';
import { createMailer } from '../activities/mailer';
import { createWorker } from './create-worker';
import { z } from 'zod';

/**
 * WORKER_MAX_CACHED_WORKFLOWS: how many workflows the worker keeps in memory (about 2 MB each).
 * Unset: the SDK's default from the heap size (about 2,300 here). A smaller cache means smaller
 * garbage-collection pauses at city scale, at the price of replaying evicted workflows.
 */
function cacheSizeFromEnv(): number | undefined {
  const raw = process.env.WORKER_MAX_CACHED_WORKFLOWS;
  if (raw === undefined || raw === '') return undefined;
  const parsed = z.coerce.number().int().min(0).safeParse(raw);
  if (!parsed.success) throw new Error(`WORKER_MAX_CACHED_WORKFLOWS: expected a whole number ≥ 0, got ${JSON.stringify(raw)}`);
  return parsed.data;
}

async function main(): Promise<void> {
  const config = connectionOptionsFromEnv();
  const connection = await createNativeConnection(config);
  const clientConnection = await createConnection(config);
  const client = clientOn(clientConnection, config.namespace);
  const mailer = createMailer();
  const maxCachedWorkflows = cacheSizeFromEnv();
  const worker = await createWorker({
    connection,
    client,
    namespace: config.namespace,
    taskQueue: process.env.TASK_QUEUE ?? TASK_QUEUE,
    mailer,
    extra: maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows },
  });
  console.log(`worker polling task queue ${process.env.TASK_QUEUE ?? TASK_QUEUE} on ${describeTarget(config)}`);
  if (maxCachedWorkflows !== undefined) console.log(`workflow cache: ${maxCachedWorkflows} workflows (WORKER_MAX_CACHED_WORKFLOWS)`);
  console.log(`mail via ${mailer.config.url.replace(/\/\/[^@/]*@/, '//***@')} from ${mailer.config.from}`);
  // Worker.run() resolves after SIGINT/SIGTERM once in-flight tasks finish (the SDK installs the handlers).
  await worker.run();
  mailer.close();
  await clientConnection.close();
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
