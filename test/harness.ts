/** Shared helpers for tests that run on real Temporal servers. */
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Connection, type Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { SEARCH_ATTRIBUTE_TYPES } from '../temporal/search-attributes';
import { clientOn } from '../client/connection';
import { dataConverter } from '../client/codec';
import { isNotFound } from '../client/errors';
import { useClientClock } from '../client/clock';
import type { CampaignCalendar } from '../domain/calendar';
import type { Directory } from '../domain/directory';
import { createWorker, type CreateWorkerOptions } from '../worker/create-worker';
import { storyClock, type StoryClock } from '../scenario/clock';
import { inProcessCli, processCli, type Cli, type CliResult } from '../scenario/drivers/cli';
import { at, calendar2023Ahead, directory as defaultDirectory, workflowBundle } from './fixtures';
import { startTestSmtp, type TestSmtp, type TestSmtpOptions } from './smtp';
import { createMailer, type Mailer } from '../activities/mailer';
import { startDevServer, type DevServer, type DevServerOptions } from '../scripts/dev-server';

export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** The time-skipping test server, from the project's own binary when there is one. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = inject('testServerPath');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: path ? { type: 'existing-path', path } : { type: 'cached-download' } },
    client: { dataConverter: dataConverter() },
  });
  // The client's window checks read this server's clock, which skips ahead of the real one (client/clock.ts).
  useClientClock(() => env.currentTimeMs());
  // The test server has no list API, but it does check that upserted search attributes exist.
  const types: Record<string, number> = { Keyword: 2, Int: 3 };
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(Object.entries(SEARCH_ATTRIBUTE_TYPES).map(([k, t]) => [k, types[t]])),
  });
  return env;
}

/** A client on the run's shared dev server (started in global-setup). */
export async function devServerClient(): Promise<{ client: Client; connection: Connection; address: string }> {
  return clientAt(inject('temporalAddress'));
}

async function clientAt(address: string): Promise<{ client: Client; connection: Connection; address: string }> {
  const connection = await Connection.connect({ address });
  return { client: clientOn(connection), connection, address };
}

/** Retries an assertion until it holds: application reports reach the campaign asynchronously. */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Keep test output readable: the worker logs warnings and errors only (or errors only, for a file whose refused
 * addresses or stopped SMTP server make every send attempt warn). The first call in a process sets the level.
 */
export function quietWorkerLogs(level: 'WARN' | 'ERROR' = 'WARN'): void {
  try {
    // The SDK core's own lines (printed by it, not by the logger) at the same level.
    Runtime.install({ logger: new DefaultLogger(level), telemetryOptions: { logging: { filter: { core: level } } } });
  } catch {
    // Already installed in this process.
  }
}

/** The story's clock on the time-skipping server: waiting skips its time ahead (scenario/clock.ts). */
export function timeSkippingClock(
  env: TestWorkflowEnvironment,
  calendar: CampaignCalendar,
  shiftDays: number,
  calendarYear = 2023,
): StoryClock {
  // A moved calendar, not a compressed one: no time scale.
  return storyClock(undefined, {
    calendarYear,
    shiftDays,
    now: () => env.currentTimeMs(),
    sleep: (ms) => env.sleep(ms),
  });
}

/** The CLI in this process, its output captured: `const r = await cli(['campaign', 'status', …])`. */
export const cli: Cli = inProcessCli;
/** The CLI as a process of its own (`tsx cli/main.ts`), as a person runs it. */
export { processCli };
/** The CLI in this process, its words as arguments: `const r = await cliRun('title', 'import', '--file', f)`. */
export const cliRun = (...argv: string[]): Promise<CliResult> => inProcessCli(argv);
/** A command's `--json` output, parsed; anything it writes to stderr fails the test. */
export async function cliJson(...argv: string[]): Promise<any> {
  const r = await inProcessCli([...argv, '--json']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

/**
 * The file's CLI connects like a person's: to the rig's server and task queue, named in the environment
 * (TEMPORAL_ADDRESS, TASK_QUEUE) from before the file's tests until after them.
 */
export function cliConnectsTo(rig: () => { address: string; taskQueue: string }): void {
  beforeAll(() => {
    process.env.TEMPORAL_ADDRESS = rig().address;
    process.env.TASK_QUEUE = rig().taskQueue;
  });
  afterAll(() => {
    delete process.env.TASK_QUEUE;
    delete process.env.TEMPORAL_ADDRESS;
  });
}

export interface TestWorker {
  client: Client;
  taskQueue: string;
  /** Stops the worker (and, for the dev server, terminates the workflows this file started). */
  stop(): Promise<void>;
}

export interface TimeSkippingWorker extends TestWorker {
  env: TestWorkflowEnvironment;
  /** The server's address (for the CLI and plain clients). */
  address: string;
  /** The 2023 calendar's shape moved ahead of the server's clock by whole weeks (fixtures.ts calendar2023Ahead). */
  calendar: CampaignCalendar;
  shiftDays: number;
  /** The story's clock on this server (waits skip time ahead). */
  clock: StoryClock;
  /** The cast: the generated directory (fixtures.ts), or the file's own (the `directory` option). */
  directory: Directory;
  /**
   * Skips the server ahead to an instant of the 2023 calendar ("2023-06-05T02:00:00Z"), moved like the calendar (or
   * by `shiftDays`, for a calendar the test moved itself); an instant already past returns at once.
   */
  sleepUntil(iso2023: string, shiftDays?: number): Promise<void>;
  /** Skips the server ahead to an instant (ms); one already past returns at once. */
  sleepUntilMs(instant: number): Promise<void>;
}

/** With the `smtp` option: a real SMTP server that stamps receipts with the server's clock, and the worker's mailer to it. */
export type WithSmtp<O extends TimeSkippingOptions> = O['smtp'] extends object
  ? {
      smtp: TestSmtp;
      mailer: Mailer;
      /** Calls of the mailer's send: every attempt of the send activity, failed ones included. */
      sends: { count: number };
    }
  : unknown;

export interface TimeSkippingOptions {
  /** Start a test SMTP server (these options) and give the worker a mailer to it. */
  smtp?: Omit<TestSmtpOptions, 'clock'>;
  worker?: Partial<CreateWorkerOptions>;
  /** The cast the file's campaigns and titles are started with; default fixtures.ts's generated directory. */
  directory?: Directory;
  /** The worker's log level for this file (quietWorkerLogs); default WARN. */
  logLevel?: 'WARN' | 'ERROR';
  /**
   * Keep the relays' batch timers (REPORT_RELAY_BATCH_MS, client/subdistrict-reports.ts): for a file about batching
   * whose gathers never meet a timer as it fires. Default: each report is forwarded as it comes, with no timer.
   */
  relayBatchTimers?: boolean;
}

/**
 * A time-skipping server and a worker on a task queue of its own (calendar logic: waits skip ahead), with the 2023
 * calendar moved ahead of its clock and, on request, an SMTP server on that clock.
 */
export async function startTimeSkippingWorker<O extends TimeSkippingOptions = Record<never, never>>(
  prefix: string,
  options?: O,
): Promise<TimeSkippingWorker & WithSmtp<O>> {
  const o: TimeSkippingOptions = options ?? {};
  quietWorkerLogs(o.logLevel);
  // The campaigns this file starts: a batch timer cancelled as it fires strands a relay on this server.
  if (!o.relayBatchTimers) process.env.REPORT_RELAY_BATCH_MS = '0';
  const env = await createTimeSkippingEnv();
  const taskQueue = uniqueTaskQueue(prefix);
  const smtp = o.smtp ? await startTestSmtp({ ...o.smtp, clock: () => env.currentTimeMs() }) : undefined;
  const sends = { count: 0 };
  const smtpMailer = smtp ? createMailer({ url: smtp.url }) : undefined;
  const mailer: Mailer | undefined = smtpMailer && {
    config: smtpMailer.config,
    close: () => smtpMailer.close(),
    send: (m) => (sends.count++, smtpMailer.send(m)),
  };
  const { calendar, shiftDays } = calendar2023Ahead(await env.currentTimeMs());
  const worker = await createWorker({
    connection: env.nativeConnection,
    client: env.client,
    taskQueue,
    workflowBundle: await workflowBundle(),
    ...(mailer ? { mailer } : {}),
    ...o.worker,
  });
  const running = worker.run();
  const sleepUntilMs = async (instant: number) => {
    const wait = instant - (await env.currentTimeMs());
    if (wait > 0) await env.sleep(wait);
  };
  const started: TimeSkippingWorker & { smtp?: TestSmtp; mailer?: Mailer; sends: { count: number } } = {
    env,
    client: env.client,
    address: env.address,
    taskQueue,
    calendar,
    shiftDays,
    clock: timeSkippingClock(env, calendar, shiftDays),
    directory: o.directory ?? defaultDirectory,
    sleepUntil: (iso2023, shift = shiftDays) => sleepUntilMs(at(iso2023, shift)),
    sleepUntilMs,
    smtp,
    mailer,
    sends,
    async stop() {
      worker.shutdown();
      await running;
      mailer?.close();
      await smtp?.close();
      await env.teardown();
    },
  };
  return started as TimeSkippingWorker & WithSmtp<O>;
}

export interface DevServerWorker extends TestWorker {
  address: string;
  /** The dev server of the file's own, when it asked for one (its Web UI's address is `server.uiUrl`). */
  server?: DevServer;
  /** Stops the worker, keeping the workflows (a test of a worker that is away). */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
}

/**
 * A worker on the run's shared dev server, on a task queue of its own. `stop()` terminates every workflow still
 * running on that task queue before it stops the worker: workflows left running with no worker (titles,
 * re-evaluations) are listed by other files' campaigns and slow them down.
 *
 * With `ownServer`, a dev server of the file's own instead (started with those options, stopped by `stop()`): for a
 * file that needs the Web UI (the shared one is headless) or a namespace no other file's titles are listed in.
 */
export async function startDevServerWorker(
  prefix: string,
  options: Partial<CreateWorkerOptions> = {},
  ownServer?: DevServerOptions,
): Promise<DevServerWorker> {
  quietWorkerLogs();
  const server = ownServer ? await startDevServer({ readyTimeoutMs: 120_000, ...ownServer }) : undefined;
  const dev = server ? await clientAt(server.address) : await devServerClient();
  const native = await NativeConnection.connect({ address: dev.address });
  const taskQueue = uniqueTaskQueue(prefix);
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const startWorker = async () => {
    worker = await createWorker({
      connection: native,
      client: dev.client,
      taskQueue,
      workflowBundle: await workflowBundle(),
      ...options,
    });
    running = worker.run();
  };
  const stopWorker = async () => {
    worker?.shutdown();
    await running;
    worker = undefined;
  };
  await startWorker();
  return {
    client: dev.client,
    address: dev.address,
    server,
    taskQueue,
    startWorker,
    stopWorker,
    async stop() {
      // A server of the file's own goes away with its workflows: terminating them would only race the worker's tasks.
      if (!server) await terminateTaskQueue(dev.client, taskQueue);
      await stopWorker();
      await native.close();
      await dev.connection.close();
      await server?.stop();
    },
  };
}

/** Terminates every workflow still running on `taskQueue`; answers how many it terminated. */
export async function terminateTaskQueue(client: Client, taskQueue: string): Promise<number> {
  let n = 0;
  for await (const wf of client.workflow.list({
    query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`,
  })) {
    try {
      await client.workflow.getHandle(wf.workflowId, wf.runId).terminate('the test that started it has finished');
      n++;
    } catch (err) {
      if (!isNotFound(err) && !/already completed/i.test(String(err))) throw err;
    }
  }
  return n;
}

/** `const w = withTimeSkippingWorker('round')`: started before the file's tests, stopped after; `w()` is the worker. */
export function withTimeSkippingWorker<O extends TimeSkippingOptions = Record<never, never>>(
  prefix: string,
  options?: O,
): () => TimeSkippingWorker & WithSmtp<O> {
  let w: (TimeSkippingWorker & WithSmtp<O>) | undefined;
  beforeAll(async () => void (w = await startTimeSkippingWorker(prefix, options)));
  afterAll(async () => w?.stop());
  return () => w ?? fail('the time-skipping worker did not start');
}

/** `const w = withDevServerWorker('cli')`: started before the file's tests, stopped (and cleaned up) after. */
export function withDevServerWorker(
  prefix: string,
  options?: Partial<CreateWorkerOptions>,
  ownServer?: DevServerOptions,
): () => DevServerWorker {
  let w: DevServerWorker | undefined;
  beforeAll(async () => void (w = await startDevServerWorker(prefix, options, ownServer)));
  afterAll(async () => w?.stop());
  return () => w ?? fail('the dev-server worker did not start');
}

function fail(message: string): never {
  throw new Error(message);
}
