/**
 * `npm start`: the local stack — Temporal dev server (SQLite in .data/, Web UI), a mail catcher
 * (maildev) and the worker, each in its own process group. Ctrl-C stops the worker, then the
 * mail catcher, then the server. With TEMPORAL_ADDRESS set, no server is started: the worker
 * uses that cluster (settings from the environment, see client/connection.ts) and the project's
 * search attributes are registered there if missing.
 *
 * Testing hook only: WORKER_COMMAND (a shell command) replaces `tsx worker/main.ts`.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { connectionOptionsFromEnv, createConnection, describeTarget } from '../client/connection';
import { startDevServer, waitForServer } from './dev-server';
import { ensureSearchAttributes } from './search-attributes';
import { ensureKickoffScheduleOn } from './kickoff-schedule';
import { kickoffTimeFromEnv } from '../client/kickoff-schedule';
import { describeExit, firstExit, spawnSupervised, stopAll, type Supervised } from './supervise';
import { ROOT } from './temporal-binaries';

const HOST = '127.0.0.1';
const PORTS = { temporal: 7233, ui: 8233, smtp: 1025, mailWeb: 1080 } as const;
const DATA_DIR = join(ROOT, '.data');
// The demo runs on a file of its own (TEMPORAL_DB_FILE) so it never collides with your campaigns.
const DB_FILE = process.env.TEMPORAL_DB_FILE
  ? resolve(process.env.TEMPORAL_DB_FILE)
  : join(DATA_DIR, 'temporal.sqlite');
const MAIL_DIR = process.env.MAIL_DIR ? resolve(process.env.MAIL_DIR) : join(DATA_DIR, 'maildev');
const READY_TIMEOUT_MS = 120_000;
const DEV_SERVER_CHILD = '--dev-server-child';
const WORKER_READY_WAIT_MS = 90_000;
const WEB_PORT = Number(process.env.PORT || 3000);
const WEB_URL = (process.env.PUBLIC_BASE_URL || `http://${HOST}:${WEB_PORT}`).replace(/\/+$/, '');

const log = (msg: string) => console.log(`[start] ${msg}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function portAnswers(port: number, host = HOST): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

async function httpAnswers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { headers: { accept: 'text/html' }, signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status < 500;
  } catch {
    return false;
  }
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await httpAnswers(url))) {
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** `node <tsx cli> <script>`: no npx, no shell, one process group we own. */
function tsxArgs(script: string, ...args: string[]): string[] {
  return [require.resolve('tsx/cli'), script, ...args];
}

/** maildev is ESM-only with no exported package.json, so find its bin by hand. */
function maildevBin(): string {
  for (const dir of require.resolve.paths('maildev') ?? []) {
    const pkgFile = join(dir, 'maildev', 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { bin: string | Record<string, string> };
    return join(dirname(pkgFile), typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.maildev);
  }
  throw new Error('maildev is not installed (npm install)');
}

/**
 * Runs in a child process (its own process group) so that a terminal Ctrl-C does not reach
 * the Temporal server directly: the supervisor stops it last, after the worker.
 */
async function runDevServerChild(): Promise<void> {
  let stopping = false;
  const server = await startDevServer({
    port: PORTS.temporal,
    uiPort: PORTS.ui,
    uiCodecEndpoint: `${WEB_URL}/codec`,
    headless: false,
    dbFilename: DB_FILE,
    readyTimeoutMs: READY_TIMEOUT_MS,
    stdio: 'inherit',
  });
  const stop = () => {
    stopping = true;
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop).once('SIGINT', stop);
  server.process.once('exit', (code, signal) => {
    if (!stopping) console.error(`temporal server exited (${signal ?? `exit code ${code}`})`);
    process.exit(stopping ? 0 : (code ?? 1));
  });
  console.log(`dev server ready on ${server.address}, Web UI ${server.uiUrl}`);
}

async function main(): Promise<void> {
  const external = Boolean(process.env.TEMPORAL_ADDRESS?.trim());
  const temporal = external
    ? connectionOptionsFromEnv()
    : { namespace: 'default', connectionOptions: { address: `${HOST}:${PORTS.temporal}` } };
  const workerCommand = process.env.WORKER_COMMAND?.trim();
  // A bad KICKOFF_MONTH / KICKOFF_DAY / KICKOFF_HOUR is refused before anything starts.
  try {
    kickoffTimeFromEnv();
  } catch (err) {
    throw new StartError((err as Error).message);
  }
  const workerScript = join(ROOT, 'worker', 'main.ts');
  if (!workerCommand && !existsSync(workerScript))
    throw new StartError(`${relative(process.cwd(), workerScript)} does not exist yet`);

  // Refuse to start a second stack on top of a running one.
  if (!external && (await portAnswers(PORTS.temporal))) {
    throw new StartError(
      `Something is already answering on ${HOST}:${PORTS.temporal} — the stack seems to be up already ` +
        '(another `npm start`?). Stop it first (Ctrl-C in its terminal); not starting a second one.',
    );
  }
  const needed: [string, number][] = [
    ['mail catcher SMTP', PORTS.smtp],
    ['mail catcher web', PORTS.mailWeb],
    ['web console', WEB_PORT],
  ];
  if (!external) needed.unshift(['Temporal Web UI', PORTS.ui]);
  for (const [what, port] of needed) {
    if (await portAnswers(port))
      throw new StartError(`Port ${port} (${what}) is already in use on ${HOST}; free it and retry.`);
  }

  const children: Supervised[] = []; // in start order; stopped in reverse
  let stopping = false;
  const shutdown = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      await stopAll([...children].reverse(), { log, timeoutMs: 10_000 });
      log(code === 0 ? 'everything stopped.' : 'stopped.');
    }
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return; // a Ctrl-C can arrive twice (terminal + tsx relay)
      log(`${signal} received, shutting down…`);
      void shutdown(0);
    });
  }
  const start = (
    name: string,
    command: string,
    args: string[],
    env?: NodeJS.ProcessEnv,
    onLine?: (l: string) => void,
  ) => {
    if (stopping) throw new StartError('stopping');
    const child = spawnSupervised(name, command, args, { cwd: ROOT, env: { ...process.env, ...env }, onLine });
    children.push(child);
    return child;
  };
  /** Waits for `ready`, failing early if any child dies meanwhile. */
  const whileAlive = async <T>(ready: Promise<T>): Promise<T> => {
    const died = firstExit(children).then(({ child, info }): never => {
      throw new StartError(`${child.name} exited during startup (${describeExit(info)})`);
    });
    const value = await Promise.race([ready, died]);
    if (stopping) await new Promise(() => {}); // a signal arrived: shutdown() will exit
    return value;
  };

  try {
    // 1. Temporal (local) and the mail catcher, in parallel.
    if (!external) {
      mkdirSync(DATA_DIR, { recursive: true });
      log(`starting the Temporal dev server (data: ${relative(ROOT, DB_FILE)}; first start can take a minute)…`);
      start('temporal', process.execPath, tsxArgs(__filename, DEV_SERVER_CHILD));
    }
    mkdirSync(MAIL_DIR, { recursive: true });
    start('mail', process.execPath, [
      maildevBin(),
      '--smtp',
      String(PORTS.smtp),
      '--web',
      String(PORTS.mailWeb),
      '--ip',
      HOST,
      '--web-ip',
      HOST,
      '--mail-directory',
      MAIL_DIR,
    ]);
    const address = temporal.connectionOptions.address;
    if (external) {
      log(`using the Temporal cluster at ${describeTarget(temporal)}`);
      const connection = await whileAlive(createConnection(temporal)).catch((err: Error) => {
        throw new StartError(`cannot reach Temporal at ${describeTarget(temporal)}: ${err.message}`);
      });
      try {
        const added = await whileAlive(ensureSearchAttributes(connection, temporal.namespace, { log }));
        log(
          added.length ? `registered search attributes: ${added.join(', ')}` : 'search attributes already registered',
        );
      } finally {
        await connection.close();
      }
    } else {
      await whileAlive(waitForServer(address, READY_TIMEOUT_MS + 10_000));
      await whileAlive(
        waitForHttp(`http://${HOST}:${PORTS.ui}`, 30_000).catch((err) => log(`warning: ${err.message}`)),
      );
    }
    await whileAlive(waitForHttp(`http://${HOST}:${PORTS.mailWeb}/api/healthz`, 30_000));
    // The yearly kickoff (April 1, 09:00 Beijing) lives in the namespace: created or updated at every start.
    await whileAlive(
      ensureKickoffScheduleOn(temporal, log).catch((err: Error) => {
        throw new StartError(`kickoff schedule: ${err.message}`);
      }),
    );

    // 2. The worker, once Temporal and SMTP answer.
    const workerEnv = {
      SMTP_URL: `smtp://${HOST}:${PORTS.smtp}`,
      // Emails link to the console's pages.
      PUBLIC_BASE_URL: WEB_URL,
      ...(external ? {} : { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: temporal.namespace }),
    };
    let workerReady = () => {};
    const polling = new Promise<void>((r) => (workerReady = r));
    const onLine = (line: string) => /polling|worker (is )?(ready|running|started)/i.test(line) && workerReady();
    if (workerCommand) start('worker', '/bin/sh', ['-c', workerCommand], workerEnv, onLine);
    else start('worker', process.execPath, tsxArgs(workerScript), workerEnv, onLine);
    // Bundling the workflows takes a few seconds; print the banner once the worker says it polls.
    const timedOut = await whileAlive(
      Promise.race([polling.then(() => false), sleep(WORKER_READY_WAIT_MS).then(() => true)]),
    );
    if (timedOut) log(`the worker has not said it is polling after ${WORKER_READY_WAIT_MS / 1000} s; going on`);

    // 3. The web console (web/main.ts), on the same Temporal and SMTP as the worker.
    start('web', process.execPath, tsxArgs(join(ROOT, 'web', 'main.ts')), { ...workerEnv, PORT: String(WEB_PORT) });
    await whileAlive(waitForHttp(`http://${HOST}:${WEB_PORT}/healthz`, 60_000));

    printBanner(external, describeTarget(temporal), temporal.namespace);
  } catch (err) {
    if (stopping) return;
    console.error(`[start] ${err instanceof StartError ? err.message : ((err as Error)?.stack ?? err)}`);
    await shutdown(1);
  }

  // 4. Supervise: any child dying on its own brings the stack down.
  const { child, info } = await firstExit(children);
  if (stopping) return;
  console.error(`[start] ${child.name} exited unexpectedly (${describeExit(info)}); stopping the rest.`);
  await shutdown(1);
}

class StartError extends Error {}

function printBanner(external: boolean, target: string, namespace: string): void {
  const ui = external
    ? (process.env.TEMPORAL_UI_URL ?? "your cluster's Web UI (set TEMPORAL_UI_URL to print it here)")
    : `http://${HOST}:${PORTS.ui}/namespaces/${namespace}/workflows`;
  const lines = [
    '',
    "══ Red Model Owners' Committee campaign — the stack is up ══",
    `   Web console      ${WEB_URL}   (sign in with a directory email; the link arrives in the mail catcher)`,
    `   Temporal gRPC    ${target}`,
    `   Temporal Web UI  ${ui}`,
    `   Mail catcher     http://${HOST}:${PORTS.mailWeb}   (SMTP smtp://${HOST}:${PORTS.smtp})`,
    ...(external ? [] : [`   Data             ${relative(ROOT, DB_FILE)} (kept between runs)`]),
    '',
    ` Next, in another terminal${external ? ' (with the same TEMPORAL_* variables set)' : ''}:`,
    '   npm run cli -- campaign start --year 2027 --weekends-only',
    '   npm run cli -- campaign status --year 2027',
    '',
    ` Ctrl-C stops everything (worker, then mail catcher${external ? '' : ', then Temporal'}).`,
    '',
  ];
  console.log(lines.join('\n'));
}

if (process.argv.includes(DEV_SERVER_CHILD)) {
  runDevServerChild().catch((err) => {
    console.error(String(err?.stack ?? err));
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(`[start] ${err instanceof StartError ? err.message : ((err as Error)?.stack ?? err)}`);
    process.exit(1);
  });
}
