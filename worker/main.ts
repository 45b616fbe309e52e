/** The worker process: `npm run worker` (npm start runs it for you). Connection settings come from the environment. */
import { Client } from '@temporalio/client';
import { connectionOptionsFromEnv, createConnection, createNativeConnection, describeTarget } from '../client/connection';
import { TASK_QUEUE } from '../domain/ids';
import { createMailer } from '../activities/mailer';
import { createWorker } from './create-worker';

async function main(): Promise<void> {
  const config = connectionOptionsFromEnv();
  const connection = await createNativeConnection(config);
  const clientConnection = await createConnection(config);
  const client = new Client({ connection: clientConnection, namespace: config.namespace });
  const mailer = createMailer();
  const worker = await createWorker({ connection, client, namespace: config.namespace, taskQueue: process.env.TASK_QUEUE ?? TASK_QUEUE, mailer });
  console.log(`worker polling task queue ${process.env.TASK_QUEUE ?? TASK_QUEUE} on ${describeTarget(config)}`);
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
