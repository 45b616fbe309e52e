/**
 * The Temporal server and its SQL schema tool, built from source with `go install` (no Docker here), once per
 * version, into the git-ignored .temporal/cluster/<version>/. The first build downloads ~240 MB of modules and
 * takes about 9 CPU-minutes (5–9 min on 2 cores, 2.6 GB peak memory); later starts reuse the binaries.
 *
 * Why v1.32.1: the newest release whose go.mod asks for a Go this machine has (1.26.8); v1.32.2 needs 1.26.10.
 * The CLI dev server the tests use (temporal 1.9.1) embeds server 1.32.0, so both run nearly the same engine.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPORAL_DIR } from '../temporal-binaries';

export const SERVER_VERSION = 'v1.32.1';
const MODULE = 'go.temporal.io/server';

export interface ClusterBinaries {
  version: string;
  server: string;
  sqlTool: string;
}

export function binariesDir(version = SERVER_VERSION): string {
  return join(TEMPORAL_DIR, 'cluster', version);
}

function binaries(version: string): ClusterBinaries {
  const dir = binariesDir(version);
  return { version, server: join(dir, 'temporal-server'), sqlTool: join(dir, 'temporal-sql-tool') };
}

/** The binaries if both are built; undefined otherwise. */
export function builtBinaries(version = SERVER_VERSION): ClusterBinaries | undefined {
  const b = binaries(version);
  return existsSync(b.server) && existsSync(b.sqlTool) ? b : undefined;
}

/**
 * Builds the server and the sql tool if they are not there yet; prints progress every 30 s (the first build is
 * silent for minutes otherwise). GOTOOLCHAIN=local: never download another Go behind the user's back.
 */
export async function ensureBinaries(log: (line: string) => void, version = SERVER_VERSION): Promise<ClusterBinaries> {
  const done = builtBinaries(version);
  if (done) return done;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0)
    throw new Error('Go is needed to build the Temporal server (https://go.dev/dl/, 1.26.8 or newer)');
  const dir = binariesDir(version);
  const staging = join(dir, 'staging');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log(
    `building Temporal server ${version} and its SQL tool with ${go.stdout.trim()} (once; about 5–9 minutes on 2 cores)…`,
  );
  const t0 = Date.now();
  const child = spawn(
    'go',
    ['install', '-v', `${MODULE}/cmd/server@${version}`, `${MODULE}/cmd/tools/sql@${version}`],
    {
      env: { ...process.env, GOBIN: staging, GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  // `go install -v` names each package as it compiles; count them for the progress line, keep the tail for errors.
  let packages = 0;
  let last = '';
  const tail: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      if (!line.startsWith('go: downloading')) packages++;
      last = line;
      tail.push(line);
      if (tail.length > 40) tail.shift();
    }
  });
  const timer = setInterval(() => {
    const s = Math.round((Date.now() - t0) / 1000);
    log(
      packages
        ? `  …${s} s, ${packages} packages compiled (of ~1,700 cold), last ${last}`
        : `  …${s} s (downloading modules or linking)`,
    );
  }, 30_000);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearInterval(timer);
  if (code !== 0) throw new Error(`go install failed (exit ${code}):\n${tail.join('\n')}`);
  const b = binaries(version);
  renameSync(join(staging, 'server'), b.server);
  renameSync(join(staging, 'sql'), b.sqlTool);
  rmSync(staging, { recursive: true, force: true });
  log(`built Temporal server ${version} in ${Math.round((Date.now() - t0) / 1000)} s → ${dir}`);
  return b;
}
