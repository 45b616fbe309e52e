/**
 * One measured stack: a fresh in-memory, headless dev server on a free port (scripts/dev-server.ts, with
 * the project's search attributes) and one worker as a child process, `node <tsx cli> <script>`, whose
 * output goes to a log file. The domain run and the floor run each get a stack of their own, one after
 * the other, so neither finds the other's workflows in the server's database.
 *
 * With an external server (`--address`, bench/target.ts) no dev server is started and none is stopped: the
 * worker connects to that frontend and namespace, and each run tells its workflows apart by its own year.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { clientOn } from '../client/connection';
import { startDevServer, type DevServer } from '../scripts/dev-server';
import { spawnSupervised, type Supervised } from '../scripts/supervise';
import { memoryMiB, resetPeakRss, waitForChild } from './proc';
import type { ExternalServer } from './target';

export const ROOT = join(__dirname, '..');

export interface Stack {
  /** The bench's own dev server; undefined with an external server. */
  server?: DevServer;
  /** Processes whose CPU is the server's (the dev server; an external server's --server-pids). */
  serverPids: number[];
  address: string;
  namespace: string;
  worker: Supervised;
  /** The real worker process (the tsx wrapper's child). */
  workerPid: number;
  client: Client;
  taskQueue: string;
  /** VmHWM was reset once the worker was ready (false: kernel refused; the sampled RSS peak is used). */
  peakReset: boolean;
  /** RSS of the worker once ready (after bundling), MiB. */
  readyRssMiB: number;
  /** Resolves like `work`, or rejects as soon as the worker process exits. */
  guard<T>(work: Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export interface StackOptions {
  name: string;
  /** Worker entry, relative to the project root (worker/main.ts, bench/floor-worker.ts). */
  script: string;
  taskQueue: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Printed by the worker once it polls. */
  ready: RegExp;
  dynamicConfig?: Record<string, string | number | boolean>;
  /** A client without the payload codec, for a worker that runs without it (bench/plain-worker.ts). */
  plain?: boolean;
  /** Use this running server instead of starting a dev server. */
  external?: ExternalServer;
  log: (line: string) => void;
}

const live = new Set<Stack>();

/** Stops every stack still running (on Ctrl-C). */
export async function stopAllStacks(): Promise<void> {
  await Promise.all([...live].map((s) => s.stop().catch(() => undefined)));
}

export async function startStack(o: StackOptions): Promise<Stack> {
  let server: DevServer | undefined;
  let stopping = false;
  // Never settles with an external server: the bench neither owns nor watches it (its failures reach the calls).
  let serverExited = new Promise<string>(() => undefined);
  if (o.external) {
    o.log(
      `${o.name}: using the server at ${o.external.address}, namespace ${o.external.namespace}; starting the worker (${o.script})…`,
    );
  } else {
    o.log(`${o.name}: starting a dev server (in memory, headless)…`);
    // The server's own errors (log level error) go to the bench's stderr.
    const dev = await startDevServer({
      headless: true,
      readyTimeoutMs: 120_000,
      dynamicConfig: o.dynamicConfig,
      stdio: 'inherit',
    });
    server = dev;
    serverExited = new Promise<string>((resolve) =>
      dev.process.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`)),
    );
    void serverExited.then((how) => {
      if (!stopping) o.log(`${o.name}: the dev server (pid ${dev.process.pid}) went away during the run: ${how}`);
    });
    o.log(`${o.name}: dev server on ${dev.address} (pid ${dev.process.pid}); starting the worker (${o.script})…`);
  }
  const address = o.external?.address ?? server!.address;
  const namespace = o.external?.namespace ?? 'default';
  const serverPids = o.external ? o.external.pids : [server!.process.pid!];
  const out = createWriteStream(o.logFile, { flags: 'a' });
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  // BENCH_WORKER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) goes to the worker's node, for profiling.
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const worker = spawnSupervised(
    `${o.name}-worker`,
    process.execPath,
    [require.resolve('tsx/cli'), ...nodeArgs, o.script],
    {
      cwd: ROOT,
      env: {
        // A fresh worker on a fresh server has no outage behind it: the bench measures the cached steady state
        // (worker/cold-start.ts), unless the environment asks otherwise.
        WORKER_COLD_START_SECONDS: '0',
        ...process.env,
        ...o.env,
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: namespace,
        TASK_QUEUE: o.taskQueue,
      },
      stdout: out,
      stderr: out,
      onLine: (line) => {
        if (o.ready.test(line)) ready();
      },
    },
  );
  const stopServer = async () => {
    stopping = true;
    await server?.stop().catch(() => undefined);
  };
  try {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`${o.name}: worker not ready after 180 s (see ${o.logFile})`)),
        180_000,
      ).unref(),
    );
    const died = worker.exited.then((info) => {
      throw new Error(`${o.name}: worker exited before it was ready (${JSON.stringify(info)}); see ${o.logFile}`);
    });
    await Promise.race([isReady, died, timeout]);
  } catch (err) {
    await worker.stop();
    await stopServer();
    throw err;
  }
  const workerPid = await waitForChild(worker.pid);
  const connection = await Connection.connect({ address });
  const client = o.plain ? new Client({ connection, namespace }) : clientOn(connection, namespace);
  const peakReset = resetPeakRss(workerPid);
  const readyRssMiB = memoryMiB(workerPid)?.rss ?? NaN;
  o.log(
    `${o.name}: worker ready (wrapper pid ${worker.pid}, node pid ${workerPid}, RSS ${readyRssMiB.toFixed(0)} MiB)`,
  );
  const stack: Stack = {
    server,
    serverPids,
    address,
    namespace,
    worker,
    workerPid,
    client,
    taskQueue: o.taskQueue,
    peakReset,
    readyRssMiB,
    guard<T>(work: Promise<T>): Promise<T> {
      const died = worker.exited.then((info): never => {
        throw new Error(
          `${o.name}: the worker exited during the run (${info.signal ?? `exit code ${info.code}`}); see ${o.logFile}`,
        );
      });
      const serverGone = serverExited.then((how): never => {
        throw new Error(`${o.name}: the dev server went away during the run (${how})`);
      });
      died.catch(() => undefined);
      serverGone.catch(() => undefined);
      return Promise.race([work, died, serverGone]);
    },
    async stop() {
      stopping = true;
      live.delete(stack);
      await connection.close().catch(() => undefined);
      await worker.stop({ timeoutMs: 15_000 });
      await stopServer();
      await new Promise<void>((r) => out.end(r));
    },
  };
  live.add(stack);
  return stack;
}
