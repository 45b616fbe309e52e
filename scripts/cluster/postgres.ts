/**
 * A private PostgreSQL for the Temporal cluster: Debian's package (installed with apt-get if missing), its own data
 * folder and port, run in the foreground as a supervised child so that Ctrl-C and crashes leave nothing behind.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user the package creates. Authentication
 * is `trust` on 127.0.0.1 and a socket in the data folder only: a local development cluster, not a shared one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { spawnSupervised, type Supervised } from '../supervise';

export const DB_USER = 'temporal';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const isRoot = () => process.getuid?.() === 0;

/** /usr/lib/postgresql/<newest>/bin, installing Debian's `postgresql` package first if there is none. */
export function postgresBin(log: (line: string) => void): string {
  const find = () => {
    const base = '/usr/lib/postgresql';
    if (!existsSync(base)) return undefined;
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    return versions.length ? join(base, versions[0], 'bin') : undefined;
  };
  const found = find();
  if (found) return found;
  log('PostgreSQL is not installed; installing it with apt-get (about a minute)…');
  const sudo = isRoot() ? [] : ['sudo'];
  for (const args of [
    ['apt-get', 'update', '-qq'],
    ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'postgresql'],
  ]) {
    const cmd = [...sudo, ...args];
    const r = spawnSync(cmd[0], cmd.slice(1), {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed; install PostgreSQL 12 or newer yourself`);
  }
  const installed = find();
  if (!installed) throw new Error('apt-get installed postgresql but no /usr/lib/postgresql/*/bin/postgres was found');
  return installed;
}

/** As root, run PostgreSQL's programs as `postgres`; otherwise as ourselves. */
function asOwner(command: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export interface PostgresOptions {
  /** Data folder (created by initdb on first use, kept afterwards). */
  dataDir: string;
  port: number;
  log: (line: string) => void;
  /** Where the server's output goes (default: prefixed to stdout). */
  output?: WriteStream;
}

export class Postgres {
  private child?: Supervised;
  readonly bin: string;

  constructor(private readonly o: PostgresOptions) {
    this.bin = postgresBin(o.log);
  }

  get port(): number {
    return this.o.port;
  }

  /** Runs initdb once; a folder that already holds a cluster is kept as is (its data is the point). */
  init(): boolean {
    const { dataDir } = this.o;
    if (existsSync(join(dataDir, 'PG_VERSION'))) return false;
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (isRoot()) {
      const { uid, gid } = userIds('postgres');
      chownSync(dataDir, uid, gid);
    }
    const [cmd, args] = asOwner(join(this.bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      DB_USER,
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
    ]);
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    return true;
  }

  /** Starts the server in the foreground (its own process group) and waits until it accepts connections. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running()) throw new Error('PostgreSQL is already running');
    const { dataDir, port } = this.o;
    const [cmd, args] = asOwner(join(this.bin, 'postgres'), [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      dataDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
    ]);
    this.child = spawnSupervised('postgres', cmd, args, { stdout: this.o.output, stderr: this.o.output });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitInfo())
        throw new Error(`PostgreSQL exited during startup (${JSON.stringify(this.child.exitInfo())}); see its log`);
      const r = spawnSync(join(this.bin, 'pg_isready'), [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        DB_USER,
        '-d',
        'postgres',
        '-q',
      ]);
      if (r.status === 0) return;
      if (Date.now() > deadline) throw new Error(`PostgreSQL on port ${port} not ready after ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  running(): boolean {
    return !!this.child && this.child.exitInfo() === null;
  }

  /**
   * Fast shutdown (`pg_ctl stop -m fast`: open transactions are rolled back, clients disconnected, a clean
   * checkpoint), then waits for the process group to be gone. SIGKILL to the group after `timeoutMs`.
   */
  async stop(timeoutMs = 30_000): Promise<void> {
    const c = this.child;
    if (!c) return;
    this.child = undefined;
    if (c.exitInfo() === null) {
      const [cmd, args] = asOwner(join(this.bin, 'pg_ctl'), [
        '-D',
        this.o.dataDir,
        '-m',
        'fast',
        '-w',
        '-t',
        String(Math.ceil(timeoutMs / 1000)),
        'stop',
      ]);
      spawnSync(cmd, args, { stdio: 'ignore' });
    }
    await c.stop({ signal: 'SIGINT', timeoutMs: 5_000 });
  }
}

function userIds(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Makes `dir` (and its parents under `root`) reachable for the postgres user when we run as root. */
export function ensureDataParent(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (!isRoot()) return;
  if ((statSync(dir).mode & 0o005) !== 0o005) execFileSync('chmod', ['o+rx', dir]);
}
