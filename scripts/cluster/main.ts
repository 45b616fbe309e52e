/**
 * `npm run cluster`: the stack of `npm start`, on a real Temporal cluster instead of the dev server.
 *   1. builds Temporal server and its SQL tool once (scripts/cluster/build.ts; minutes the first time);
 *   2. PostgreSQL on .data/cluster/postgres (installed with apt-get if missing), schemas, the `default` namespace
 *      with the project's search attributes — all idempotent, so a second start finds the first one's data;
 *   3. history, matching, frontend and worker services as four processes (frontend on 127.0.0.1:7233);
 *   4. scripts/start.ts pointed at it (TEMPORAL_ADDRESS): the mail catcher and the project's worker.
 * Ctrl-C stops the project's stack, then the four services, then PostgreSQL (fast shutdown). Server logs are in
 * .data/cluster/logs/.
 */
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import { describeExit, firstExit, spawnSupervised, type Supervised } from '../supervise';
import { ROOT } from '../temporal-binaries';
import { SERVER_VERSION } from './build';
import { DEFAULT_PORTS, SERVICES, type ClusterPorts, type ServicePorts } from './config';
import { TemporalCluster } from './cluster';

const DATA_DIR = join(ROOT, '.data', 'cluster');
const log = (msg: string) => console.log(`[cluster] ${msg}`);

function portAnswers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** CLUSTER_PORT_OFFSET=<n> moves every port by n, for a machine where 7233 is taken (then set TEMPORAL_ADDRESS for the CLI). */
function portsFromEnv(): ClusterPorts {
  const offset = Number(process.env.CLUSTER_PORT_OFFSET ?? 0);
  if (!Number.isInteger(offset) || offset < 0 || offset > 20_000)
    throw new Error(`CLUSTER_PORT_OFFSET must be an integer from 0 to 20000, not ${process.env.CLUSTER_PORT_OFFSET}`);
  const shift = (p: ServicePorts): ServicePorts => ({
    grpc: p.grpc + offset,
    membership: p.membership + offset,
    pprof: p.pprof + offset,
    metrics: p.metrics + offset,
  });
  const d = DEFAULT_PORTS;
  return {
    postgres: d.postgres + offset,
    frontendHttp: d.frontendHttp + offset,
    services: {
      frontend: shift(d.services.frontend),
      history: shift(d.services.history),
      matching: shift(d.services.matching),
      worker: shift(d.services.worker),
    },
  };
}

async function main(): Promise<void> {
  const ports = portsFromEnv();
  const taken: string[] = [];
  for (const [name, p] of [
    ['PostgreSQL', ports.postgres],
    ['frontend HTTP', ports.frontendHttp],
    ...SERVICES.flatMap((s) => [
      [`${s} gRPC`, ports.services[s].grpc],
      [`${s} membership`, ports.services[s].membership],
    ]),
  ] as [string, number][]) {
    if (await portAnswers(p)) taken.push(`${p} (${name})`);
  }
  if (taken.length)
    throw new Error(
      `port(s) already in use: ${taken.join(', ')} — is \`npm start\` or another \`npm run cluster\` running? Stop it first.`,
    );

  const cluster = new TemporalCluster({ dataDir: DATA_DIR, ports, log });
  let app: Supervised | undefined;
  let stopping: Promise<void> | undefined;
  const shutdown = (code: number) => {
    stopping ??= (async () => {
      if (app) {
        log('stopping the worker and the mail catcher…');
        await app.stop({ signal: 'SIGTERM', timeoutMs: 30_000 });
      }
      await cluster.stop(log);
      log(code === 0 ? 'everything stopped.' : 'stopped.');
      process.exit(code);
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return; // Ctrl-C reaches us twice (terminal and the npm/tsx relay)
      log(`${signal} received, shutting down…`);
      void shutdown(0);
    });
  }

  try {
    await cluster.prepare();
    log(
      `starting Temporal ${SERVER_VERSION}: ${SERVICES.join(', ')} (logs in ${relative(process.cwd(), cluster.logDir)}/)…`,
    );
    const t0 = Date.now();
    await cluster.startServices();
    log(`frontend ready on ${cluster.address} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const ns = await cluster.ensureNamespace('default');
    log(ns.created ? 'namespace default registered' : 'namespace default found');
    if (stopping) return;
    app = spawnSupervised('app', process.execPath, [require.resolve('tsx/cli'), join(ROOT, 'scripts', 'start.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: cluster.address,
        TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_UI_URL:
          process.env.TEMPORAL_UI_URL ??
          'none with `npm run cluster` (use `temporal workflow list`, or the docker-compose stack)',
      },
    });
  } catch (err) {
    if (stopping) return;
    console.error(`[cluster] ${(err as Error)?.message ?? err}`);
    await shutdown(1);
    return;
  }

  // Anything that exits by itself (a service, the project's stack) brings the rest down.
  const services = SERVICES.map((s) => cluster.service(s)!);
  const { child, info } = await firstExit([app, ...services]);
  if (stopping) return;
  console.error(`[cluster] ${child.name} exited unexpectedly (${describeExit(info)}); stopping the rest.`);
  await shutdown(1);
}

main().catch((err) => {
  console.error(`[cluster] ${(err as Error)?.message ?? err}`);
  process.exit(1);
});
