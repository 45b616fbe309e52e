/**
 * The worker that bench/heap.ts measures: a child process (`node --expose-gc --import tsx`, IPC channel)
 * running the project's worker through worker/create-worker.ts (HEAP_MODE=domain) or the floor's
 * workflows (HEAP_MODE=floor), with the same connection settings as worker/main.ts.
 *
 * On `{ cmd: 'measure', snapshot? }` it waits until no workflow activation is in flight, collects garbage
 * twice and answers with process.memoryUsage(), VmRSS and the number of cached workflows; with `snapshot`
 * it also writes a V8 heap snapshot there. HEAP_WORKER_OPTIONS (JSON) is merged into the worker options,
 * so one experiment (`{"reuseV8Context":false}`, another cache size) needs no code change.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import workerThreads from 'node:worker_threads';
import { pipeline } from 'node:stream/promises';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { z } from 'zod';
import { connectionOptionsFromEnv, createConnection, createNativeConnection } from '../client/connection';
import { dataConverter } from '../client/codec';
import { Client } from '@temporalio/client';
import { createMailer } from '../activities/mailer';
import { createWorker } from '../worker/create-worker';
import { floorActivities } from './floor-activities';

const gc = (globalThis as { gc?: () => void }).gc;

// Workflows run in a worker thread of their own (the SDK's ThreadedVMWorkflowCreator) unless debugMode is set:
// keep a handle on the threads the SDK starts, so a snapshot can be taken of the isolate the workflows live in.
const threads: workerThreads.Worker[] = [];
const OriginalWorker = workerThreads.Worker;
workerThreads.Worker = class extends OriginalWorker {
  constructor(...args: ConstructorParameters<typeof OriginalWorker>) {
    super(...args);
    threads.push(this);
  }
};

export const measureRequest = z.object({
  cmd: z.literal('measure'),
  snapshot: z.string().optional(),
  /** Cached workflows to wait for (each start reaches the worker a little later than the client returns). */
  expect: z.number().int().min(0).default(0),
});
export interface Measurement {
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  cachedWorkflows: number;
  snapshot?: string;
  /** Workflow threads the SDK started (0 with debugMode: workflows in the main isolate). */
  threads?: number;
  gcMs: number;
}

function rssBytes(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

async function main(): Promise<void> {
  if (!gc) throw new Error('run with --expose-gc');
  const mode = z.enum(['domain', 'floor']).parse(process.env.HEAP_MODE ?? 'domain');
  const extra = z
    .record(z.string(), z.unknown())
    .parse(JSON.parse(process.env.HEAP_WORKER_OPTIONS || '{}')) as Partial<WorkerOptions>;
  const taskQueue = z.string().min(1).parse(process.env.TASK_QUEUE);
  const config = connectionOptionsFromEnv();
  const connection = await createNativeConnection(config);
  const client = new Client({
    connection: await createConnection(config),
    namespace: config.namespace,
    dataConverter: dataConverter(),
  });
  const worker =
    mode === 'domain'
      ? await createWorker({
          connection,
          client,
          namespace: config.namespace,
          taskQueue,
          mailer: createMailer(),
          extra,
        })
      : await Worker.create({
          connection,
          namespace: config.namespace,
          taskQueue,
          workflowsPath: require.resolve('./floor-workflows'),
          activities: floorActivities(client),
          dataConverter: dataConverter(),
          ...extra,
        });

  process.on('message', async (raw) => {
    const req = measureRequest.parse(raw);
    const waitUntil = Date.now() + 300_000;
    while (worker.getStatus().numCachedWorkflows < req.expect && Date.now() < waitUntil)
      await new Promise((r) => setTimeout(r, 200));
    // Quiet: no activation in flight for 1 s, so nothing is half-built when the heap is walked.
    let quietSince = Date.now();
    while (Date.now() - quietSince < 1_000) {
      if (worker.getStatus().numInFlightWorkflowActivations > 0) quietSince = Date.now();
      await new Promise((r) => setTimeout(r, 100));
    }
    const t = performance.now();
    gc();
    await new Promise((r) => setImmediate(r));
    gc();
    const gcMs = performance.now() - t;
    const m = process.memoryUsage();
    const out: Measurement = {
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      rss: rssBytes(),
      cachedWorkflows: worker.getStatus().numCachedWorkflows,
      gcMs,
    };
    if (req.snapshot) {
      // The workflows' isolate: the main thread's with debugMode, else the SDK's one workflow thread.
      if (threads.length === 0) out.snapshot = writeHeapSnapshot(req.snapshot);
      else {
        await pipeline(await threads[0].getHeapSnapshot(), createWriteStream(req.snapshot));
        out.snapshot = req.snapshot;
      }
      out.threads = threads.length;
    }
    process.send!(out);
  });
  console.log(`heap worker (${mode}) polling task queue ${taskQueue}`);
  process.send!({ ready: true });
  await worker.run();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
