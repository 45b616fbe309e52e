/**
 * The floor's worker process, the counterpart of worker/main.ts: the same connection settings
 * (client/connection.ts, from TEMPORAL_ADDRESS), TASK_QUEUE, the same tuning from the environment
 * (worker/tuning.ts: cache size, sticky timeout, workflow threads), and Worker.create with the same (default)
 * task-queue and concurrency settings as worker/create-worker.ts; only the workflows and activities differ.
 */
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import {
  clientOn,
  connectionOptionsFromEnv,
  createConnection,
  createNativeConnection,
  describeTarget,
} from '../client/connection';
import { dataConverter, FAILURE_CONVERTER_PATH } from '../client/codec';
import { shortBuildId } from '../worker/create-worker';
import { workerTuningFromEnv } from '../worker/tuning';
import { floorActivities } from './floor-activities';

async function main(): Promise<void> {
  const taskQueue = process.env.TASK_QUEUE;
  if (!taskQueue) throw new Error('TASK_QUEUE must be set');
  const config = connectionOptionsFromEnv();
  const connection = await createNativeConnection(config);
  const clientConnection = await createConnection(config);
  const client = clientOn(clientConnection, config.namespace);
  // The same short build id as the project's worker: it is in every workflow task's events, so history bytes compare.
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./floor-workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
  });
  const tuning = workerTuningFromEnv();
  const worker = await Worker.create({
    ...tuning.options,
    connection,
    namespace: config.namespace,
    taskQueue,
    workflowBundle,
    buildId: shortBuildId(workflowBundle),
    activities: floorActivities(client),
    dataConverter: dataConverter(),
  });
  console.log(`floor worker polling task queue ${taskQueue} on ${describeTarget(config)}`);
  for (const line of tuning.lines) console.log(line);
  await worker.run();
  await clientConnection.close();
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
