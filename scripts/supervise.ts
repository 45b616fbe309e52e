/**
 * Child-process supervision for the local stack (scripts/start.ts) and the demo script.
 *
 * Each child is spawned `detached`, i.e. as the leader of its own process group, so that
 *   - a Ctrl-C in the terminal reaches only the supervisor, which then stops children in order;
 *   - stopping a child signals its whole group (`npx` → `tsx` → `node`, a wrapper and its server…)
 *     and waits until no process of the group is left, with a SIGKILL fallback.
 * Output lines are prefixed with the child's name: `[worker] …`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnSupervisedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where prefixed output goes; defaults to process.stdout / process.stderr. */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Called with each complete stdout line (unprefixed), e.g. to spot a readiness message. */
  onLine?: (line: string) => void;
}

export interface Supervised {
  name: string;
  process: ChildProcess;
  /** Process id of the child, which is also its process-group id. */
  pid: number;
  /** Resolves when the group leader exits (never rejects; a spawn error resolves with code 127). */
  exited: Promise<ExitInfo>;
  /** Null while running. */
  exitInfo(): ExitInfo | null;
  /** Signals the whole group, waits for it to be gone, SIGKILLs it after `timeoutMs`. */
  stop(opts?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<ExitInfo>;
}

const live = new Set<Supervised>();
let exitHookInstalled = false;

/** Last resort: if the supervisor exits without stopping a child (a crash), SIGKILL its group. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const s of live) killGroup(s.pid, 'SIGKILL');
  });
}

/** Sends a signal to a process group; false when the group no longer exists. */
export function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

export function groupAlive(pgid: number): boolean {
  return killGroup(pgid, 0);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitGroupGone(pgid: number, deadline: number): Promise<boolean> {
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

function pipeLines(
  stream: NodeJS.ReadableStream | null,
  out: NodeJS.WritableStream,
  prefix: string,
  onLine?: (line: string) => void,
): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    out.write(`${prefix}${line}\n`);
    onLine?.(line);
  });
}

export function describeExit(info: ExitInfo): string {
  return info.signal ? `killed by ${info.signal}` : `exit code ${info.code}`;
}

export function spawnSupervised(
  name: string,
  command: string,
  args: string[],
  opts: SpawnSupervisedOptions = {},
): Supervised {
  installExitHook();
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}] `;
  pipeLines(child.stdout, opts.stdout ?? process.stdout, prefix, opts.onLine);
  pipeLines(child.stderr, opts.stderr ?? process.stderr, prefix);

  let info: ExitInfo | null = null;
  const exited = new Promise<ExitInfo>((resolveExit) => {
    child.once('exit', (code, signal) => {
      info = { code, signal };
      resolveExit(info);
    });
    child.once('error', (err) => {
      (opts.stderr ?? process.stderr).write(`${prefix}failed to start ${command}: ${err.message}\n`);
      if (child.pid === undefined) {
        info = { code: 127, signal: null };
        resolveExit(info);
      }
    });
  });

  const pid = child.pid ?? -1;
  let stopping: Promise<ExitInfo> | undefined;
  const supervised: Supervised = {
    name,
    process: child,
    pid,
    exited,
    exitInfo: () => info,
    stop({ signal = 'SIGTERM', timeoutMs = 10_000 } = {}) {
      stopping ??= (async () => {
        if (pid > 0) {
          killGroup(pid, signal);
          // Wait for the leader AND any other member of its group (grandchildren).
          const deadline = Date.now() + timeoutMs;
          const leaderGone = await Promise.race([exited.then(() => true), sleep(timeoutMs).then(() => false)]);
          if (!leaderGone || !(await waitGroupGone(pid, deadline))) {
            (opts.stderr ?? process.stderr).write(`${prefix}still running after ${timeoutMs} ms; sending SIGKILL\n`);
            killGroup(pid, 'SIGKILL');
            await waitGroupGone(pid, Date.now() + 5_000);
          }
        }
        const result = await exited;
        live.delete(supervised);
        return result;
      })();
      return stopping;
    },
  };
  if (pid > 0) live.add(supervised);
  // Once the leader has exited by itself, still reap leftovers of its group when stopped.
  void exited.then(() => {
    if (pid > 0 && !groupAlive(pid)) live.delete(supervised);
  });
  return supervised;
}

/** Stops children one after another, in the given order; never throws. */
export async function stopAll(
  children: Supervised[],
  opts?: { timeoutMs?: number; log?: (msg: string) => void },
): Promise<void> {
  for (const child of children) {
    const alreadyGone = child.exitInfo() !== null && !groupAlive(child.pid);
    if (!alreadyGone) opts?.log?.(`stopping ${child.name} (pid ${child.pid})…`);
    try {
      const info = await child.stop({ timeoutMs: opts?.timeoutMs });
      // 130/143 (or a signal) is how a process reports the SIGINT/SIGTERM it was asked to stop with.
      const usual = info.signal !== null || info.code === 0 || info.code === 130 || info.code === 143;
      if (!alreadyGone) opts?.log?.(`${child.name} stopped${usual ? '' : ` (${describeExit(info)})`}`);
    } catch (err) {
      opts?.log?.(`could not stop ${child.name}: ${String(err)}`);
    }
  }
}

/** Resolves with the first child to exit, e.g. to notice an unexpected death. */
export function firstExit(children: Supervised[]): Promise<{ child: Supervised; info: ExitInfo }> {
  return Promise.race(children.map((child) => child.exited.then((info) => ({ child, info }))));
}
