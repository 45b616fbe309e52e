/**
 * `--baseline <ref>`: the bench of an older commit, run right after this one on the same machine with the
 * same options, so that a redesign that changes the engine's work (and so the floor) is still measured
 * against the code before it.
 *
 * The ref (a tag, by default `bench-baseline`, or a commit hash: a clone may not carry tags) is exported
 * with `git archive` into a temporary folder. That folder reuses this checkout's node_modules through a
 * symlink when the two package-lock.json files are identical, and runs `npm ci` otherwise. Its own
 * `bench/run.ts` then runs there: the baseline's round drives the baseline's client API, workflows and
 * floor, which this checkout's round could not once the API changes. Both runs use this checkout's
 * Temporal CLI (TEMPORAL_CLI_PATH) and inherit the same environment (WORKER_MAX_CACHED_WORKFLOWS, …).
 * Its results file is the one new file in the folder's bench/results/; its worker logs are copied here.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { resolveBinary } from '../scripts/temporal-binaries';
import { ROOT } from './stack';

/** The tag of the code before the redesign; see bench/README.md. */
export const DEFAULT_BASELINE = 'bench-baseline';

// A tag, branch or commit; never an option (a leading '-') or a revision expression with spaces.
const refSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/^~-]*$/, 'a git tag or commit hash');

export interface Baseline {
  ref: string;
  commit: string;
  dir: string;
  /** node_modules: a symlink to this checkout's, or installed with npm ci. */
  modules: 'symlink' | 'npm ci';
}

const git = (args: string[]) =>
  execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 }).trim();

/** The commit of `ref`, or a one-line error saying how to get it. */
export function resolveRef(ref: string): string {
  const parsed = refSchema.safeParse(ref);
  if (!parsed.success) throw new Error(`--baseline ${JSON.stringify(ref)}: ${parsed.error.issues[0].message}`);
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    throw new Error(
      `--baseline ${ref}: no such tag or commit in this clone (git fetch --tags, or pass a commit hash: --baseline <sha>)`,
    );
  }
}

/** Exports the commit into a temporary folder with its dependencies in place. */
export function prepareBaseline(ref: string, commit: string, log: (line: string) => void): Baseline {
  const dir = mkdtempSync(join(tmpdir(), `bench-baseline-${commit.slice(0, 10)}-`));
  execFileSync('sh', ['-c', `git archive --format=tar ${commit} | tar -x -C "$0"`, dir], { cwd: ROOT });
  const sameLock =
    git(['show', `${commit}:package-lock.json`]) === readFileSync(join(ROOT, 'package-lock.json'), 'utf8').trim();
  if (sameLock) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  else {
    log(`baseline: package-lock.json differs from this checkout's; npm ci in ${dir}…`);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  }
  log(`baseline: ${ref} (${commit.slice(0, 10)}) in ${dir}, node_modules ${sameLock ? 'linked' : 'from npm ci'}`);
  return { ref, commit, dir, modules: sameLock ? 'symlink' : 'npm ci' };
}

const RESULT_FILE = /^\d{8}T\d{6}Z\.json$/;
let child: ChildProcess | undefined;

/** Stops a baseline bench still running (on Ctrl-C): it stops its own stacks on SIGTERM; waits up to 30 s. */
export async function stopBaseline(): Promise<void> {
  const running = child;
  if (!running || running.exitCode !== null) return;
  const closed = new Promise<void>((resolve) => running.once('close', () => resolve()));
  running.kill('SIGTERM');
  await Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 30_000).unref())]);
}

export interface BaselineRun {
  exitCode: number | null;
  /** The baseline's results file (its name in the baseline's bench/results/), parsed; undefined if none. */
  file?: string;
  json?: unknown;
}

/**
 * Runs the baseline's bench with `args`, its output prefixed with `[baseline]`; copies its worker logs to
 * `logPrefix-baseline-<name>-worker.log`.
 */
export async function runBaseline(b: Baseline, args: string[], logPrefix: string): Promise<BaselineRun> {
  const results = join(b.dir, 'bench', 'results');
  const before = new Set(existsSync(results) ? readdirSync(results) : []);
  const cli = resolveBinary('cli');
  const tsx = require.resolve('tsx/cli', { paths: [b.dir] });
  child = spawn(process.execPath, [tsx, 'bench/run.ts', ...args], {
    cwd: b.dir,
    env: { ...process.env, ...(cli && !cli.args.length ? { TEMPORAL_CLI_PATH: cli.command } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!])
    createInterface({ input: stream }).on('line', (line) => console.log(`[baseline] ${line}`));
  // 'close', not 'exit': its last lines are read by then.
  const exitCode = await new Promise<number | null>((resolve) => child!.once('close', (code) => resolve(code)));
  child = undefined;
  const made = (existsSync(results) ? readdirSync(results) : []).filter((f) => !before.has(f));
  for (const f of made.filter((x) => x.endsWith('-worker.log')))
    copyFileSync(join(results, f), `${logPrefix}-baseline-${f.replace(/^\d{8}T\d{6}Z-/, '')}`);
  const file = made.find((f) => RESULT_FILE.test(f));
  return { exitCode, file, json: file ? JSON.parse(readFileSync(join(results, file), 'utf8')) : undefined };
}

/** Removes the temporary folder (the node_modules link first, so nothing is removed through it). */
export function removeBaseline(b: Baseline): void {
  if (!existsSync(b.dir)) return;
  if (b.modules === 'symlink') unlinkSync(join(b.dir, 'node_modules'));
  rmSync(b.dir, { recursive: true, force: true });
}
