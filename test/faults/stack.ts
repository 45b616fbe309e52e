/**
 * The processes of a fault scenario, each one we can kill:
 *   - a Temporal dev server on a SQLite file in a temp dir (scripts/dev-server.ts), restartable on the same file and port;
 *   - worker processes: `node <tsx cli> worker/main.ts`, each in its own process group (scripts/supervise.ts),
 *     configured only through the environment (TEMPORAL_ADDRESS, TASK_QUEUE, SMTP_URL), exactly as in production.
 * Every child writes to a log file under test-results/faults/, so CI output stays readable and a failure can be read later.
 */
import {
  closeSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeSync,
  type WriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { freePort, startDevServer, type DevServer } from '../../scripts/dev-server';
import { groupAlive, spawnSupervised, type ExitInfo, type Supervised } from '../../scripts/supervise';
import { ROOT } from '../../scripts/temporal-binaries';

/** This run's logs, histories and summary: test-results/faults/<time>-<pid>/ (the last 5 runs are kept). */
const RUNS_DIR = join(ROOT, 'test-results', 'faults');
export const LOG_DIR = join(RUNS_DIR, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
const TSX_CLI = require.resolve('tsx/cli');
/** The worker program: worker/main.ts, or FAULT_WORKER_ENTRY (e.g. a variant with other WorkerOptions, to try a fix). */
export const WORKER_ENTRY = process.env.FAULT_WORKER_ENTRY ?? join('worker', 'main.ts');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Keeps the newest `keep` run directories. */
export function pruneOldRuns(keep = 5): void {
  let dirs: string[];
  try {
    dirs = readdirSync(RUNS_DIR)
      .filter((d) => /^\d{4}-\d{2}-\d{2}T/.test(d))
      .sort();
  } catch {
    return;
  }
  for (const d of dirs.slice(0, Math.max(0, dirs.length - keep)))
    rmSync(join(RUNS_DIR, d), { recursive: true, force: true });
}

const LOCK = join(tmpdir(), 'red-model-fault-tests.lock');
/**
 * One fault-test run at a time on a machine: two at once share two cores and each breaks the other's timing.
 * Waits (up to `timeoutMs`) for a live holder; a lock left by a dead process is taken over.
 */
export async function acquireMachineLock(log: (line: string) => void, timeoutMs = 30 * 60_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(LOCK, 'utf8') === String(process.pid)) unlinkSync(LOCK);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: number;
    try {
      holder = Number(readFileSync(LOCK, 'utf8'));
    } catch {
      continue;
    }
    let alive: boolean;
    try {
      process.kill(holder, 0);
      alive = holder > 0;
    } catch {
      alive = false;
    }
    if (!alive) {
      try {
        unlinkSync(LOCK);
      } catch {
        // someone else took it over
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another fault-test run (pid ${holder}) still holds ${LOCK}`);
    if (!told) log(`waiting for another fault-test run (pid ${holder}) to finish (${LOCK})`);
    told = true;
    await sleep(2_000);
  }
}

let smtpClientErrors = 0;
/**
 * test/smtp.ts attaches no 'error' listener to its SMTPServer, and smtp-server re-emits a client's connection
 * error (ECONNRESET) during a transaction as an 'error' event on the server: unhandled, it becomes an uncaught
 * exception. A worker SIGKILLed mid-send is exactly that client, so before any test SMTP server listens we give
 * it a listener (only if it has none: a fixed test/smtp.ts makes this a no-op). The count is reported.
 */
export function tolerateSmtpClientResets(): { count: () => number } {
  const proto = SMTPServer.prototype as unknown as { listen: (...a: unknown[]) => unknown; __faultsTolerant?: boolean };
  if (!proto.__faultsTolerant) {
    const listen = proto.listen;
    proto.listen = function (this: SMTPServer, ...args: unknown[]) {
      if (this.listenerCount('error') === 0) this.on('error', () => void smtpClientErrors++);
      return listen.apply(this, args);
    };
    proto.__faultsTolerant = true;
  }
  return { count: () => smtpClientErrors };
}

/** One line with a timestamp, to the scenario's own log and (short) to stdout. */
export function makeLog(name: string): { log: (line: string) => void; stream: WriteStream; path: string } {
  mkdirSync(LOG_DIR, { recursive: true });
  const path = join(LOG_DIR, `${name}.log`);
  const stream = createWriteStream(path, { flags: 'w' });
  const log = (line: string) => {
    const stamped = `${new Date().toISOString()} ${line}`;
    stream.write(stamped + '\n');
    process.stdout.write(`[${name}] ${line}\n`);
  };
  return { log, stream, path };
}

/** Where a scenario's Temporal runs: a dev server of its own (FaultServer), or a namespace on a shared cluster. */
export interface FaultBackend {
  readonly address: string;
  readonly namespace: string;
  /** For the log: what it is and where its data lives. */
  readonly where: string;
  /** Makes it ready for a round; returns the ms it took. */
  start(): Promise<number>;
  dispose(): Promise<void>;
}

/** A dev server on its own SQLite file; stop() and start() keep the file and the port. */
export class FaultServer implements FaultBackend {
  readonly namespace = 'default';
  readonly dir: string;
  readonly dbFilename: string;
  port = 0;
  private server?: DevServer;

  constructor(private readonly label: string) {
    this.dir = mkdtempSync(join(tmpdir(), `faults-${label}-`));
    this.dbFilename = join(this.dir, 'temporal.sqlite');
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get where(): string {
    return `dev server on ${this.dbFilename}`;
  }

  /** Starts (or starts again) on the same file and port; resolves once the frontend answers. Returns the ms it took. */
  async start(): Promise<number> {
    if (this.server) throw new Error('dev server already running');
    if (!this.port) this.port = await freePort();
    const t0 = Date.now();
    // A restart may find the port still in TIME_WAIT or the old process not quite gone: retry a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        this.server = await startDevServer({
          port: this.port,
          dbFilename: this.dbFilename,
          readyTimeoutMs: 120_000,
          stdio: 'ignore',
        });
        return Date.now() - t0;
      } catch (err) {
        if (attempt >= 3) throw err;
        await sleep(2_000);
      }
    }
  }

  /** SIGTERM, then SIGKILL after 10 s (scripts/dev-server.ts). Returns the ms it took. */
  async stop(): Promise<number> {
    const t0 = Date.now();
    const s = this.server;
    this.server = undefined;
    await s?.stop();
    return Date.now() - t0;
  }

  running(): boolean {
    return this.server !== undefined;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface WorkerEnv {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE?: string;
  TASK_QUEUE: string;
  SMTP_URL: string;
}

/**
 * One worker process (`node <tsx cli> worker/main.ts`) that can be SIGKILLed and started again.
 * The tsx CLI runs the worker in a child node process, so kills go to the whole process group.
 */
export class WorkerProcess {
  private child?: Supervised;
  private generation = 0;
  private readonly out: WriteStream;
  /** Exits we did not cause (a crash), with the time they happened. */
  readonly unexpectedExits: { at: number; info: ExitInfo }[] = [];
  private expectingExit = false;

  constructor(
    readonly name: string,
    private readonly env: WorkerEnv,
  ) {
    mkdirSync(LOG_DIR, { recursive: true });
    this.out = createWriteStream(join(LOG_DIR, `${name}.log`), { flags: 'w' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  alive(): boolean {
    return !!this.child && this.child.exitInfo() === null;
  }

  /** Spawns the worker and waits for its "worker polling" line (workflows bundled, about to poll). Returns the ms it took. */
  async start(timeoutMs = 120_000): Promise<number> {
    if (this.alive()) throw new Error(`${this.name} is already running`);
    const t0 = Date.now();
    const gen = ++this.generation;
    this.out.write(`---- ${new Date().toISOString()} start #${gen}\n`);
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    const child = spawnSupervised(`${this.name}#${gen}`, process.execPath, [TSX_CLI, WORKER_ENTRY], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdout: this.out,
      stderr: this.out,
      onLine: (line) => {
        if (line.startsWith('worker polling')) ready();
      },
    });
    this.child = child;
    this.expectingExit = false;
    void child.exited.then((info) => {
      if (!this.expectingExit && this.child === child) {
        this.unexpectedExits.push({ at: Date.now(), info });
        this.out.write(`---- ${new Date().toISOString()} #${gen} exited unexpectedly: ${JSON.stringify(info)}\n`);
      }
    });
    const outcome = await Promise.race([
      isReady.then(() => 'ready' as const),
      child.exited.then(() => 'exited' as const),
      sleep(timeoutMs).then(() => 'timeout' as const),
    ]);
    if (outcome !== 'ready') {
      await this.kill();
      throw new Error(`${this.name} did not become ready (${outcome}); see ${join(LOG_DIR, `${this.name}.log`)}`);
    }
    return Date.now() - t0;
  }

  /** SIGKILL to the whole process group; resolves once every process of it is gone. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c) return;
    this.expectingExit = true;
    this.out.write(`---- ${new Date().toISOString()} SIGKILL\n`);
    await c.stop({ signal: 'SIGKILL', timeoutMs: 5_000 });
    if (groupAlive(c.pid)) throw new Error(`${this.name}: process group ${c.pid} survived SIGKILL`);
  }

  /** Graceful stop (SIGTERM: the SDK lets in-flight tasks finish), SIGKILL after 15 s. */
  async stop(): Promise<void> {
    const c = this.child;
    if (!c) return;
    this.expectingExit = true;
    await c.stop({ signal: 'SIGTERM', timeoutMs: 15_000 });
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((r) => this.out.end(() => r()));
  }
}
