/**
 * The floor's worker process, the counterpart of worker/main.ts: the same connection settings
 * (client/connection.ts, from TEMPORAL_ADDRESS), TASK_QUEUE, and Worker.create with the same (default)
 * task-queue and concurrency settings as worker/create-worker.ts; only the workflows and activities differ.
 */
import { Worker } from '@temporalio/worker';
import {
  clientOn,
  connectionOptionsFromEnv,
  createConnection,
  createNativeConnection,
  describeTarget,
} from '../client/connection';
import { dataConverter } from '../client/codec';
import { floorActivities } from './floor-activities';

async function main(): Promise<void> {
  const taskQueue = process.env.TASK_QUEUE;
  if (!taskQueue) throw new Error('TASK_QUEUE must be set');
  const config = connectionOptionsFromEnv();
  const connection = await createNativeConnection(config);
  const clientConnection = await createConnection(config);
  const client = clientOn(clientConnection, config.namespace);
  const worker = await Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue,
    workflowsPath: require.resolve('./floor-workflows'),
    activities: floorActivities(client),
    dataConverter: dataConverter(),
  });
  console.log(`floor worker polling task queue ${taskQueue} on ${describeTarget(config)}`);
  await worker.run();
  await clientConnection.close();
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
