/**
 * A Temporal cluster on this machine: PostgreSQL (persistence and visibility) and the server's four services —
 * history, matching, frontend, worker — each a separate process in its own process group, so that one can be
 * SIGKILLed and started again alone. Used by `npm run cluster` (scripts/cluster/main.ts, fixed ports, data in
 * .data/cluster/) and by `npm run test:cluster` (free ports, a temporary data folder).
 *
 * Everything is idempotent: a second start finds the PostgreSQL data folder, the schemas at their version, the
 * namespace and its search attributes, and changes nothing.
 */
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { ensureSearchAttributes } from '../search-attributes';
import { groupAlive, spawnSupervised, stopAll, type Supervised } from '../supervise';
import { ensureBinaries, type ClusterBinaries } from './build';
import { SERVICES, writeServerConfigs, type ClusterPorts, type ServiceName } from './config';
import { DB_USER, ensureDataParent, Postgres } from './postgres';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Database → the schema embedded in temporal-sql-tool that it gets. */
const SCHEMAS = { temporal: 'postgresql/v12/temporal', temporal_visibility: 'postgresql/v12/visibility' } as const;

export interface ClusterOptions {
  /** PostgreSQL data, server configs and logs live under it. */
  dataDir: string;
  ports: ClusterPorts;
  log: (line: string) => void;
  /** Server log level. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Where <service>.log and postgres.log go; default <dataDir>/logs. */
  logDir?: string;
}

export class TemporalCluster {
  readonly postgres: Postgres;
  private bins?: ClusterBinaries;
  private configs?: Record<ServiceName, string>;
  private readonly procs = new Map<ServiceName, Supervised>();
  private readonly logs = new Map<string, WriteStream>();
  readonly logDir: string;

  constructor(private readonly o: ClusterOptions) {
    this.logDir = o.logDir ?? join(o.dataDir, 'logs');
    mkdirSync(this.logDir, { recursive: true });
    ensureDataParent(o.dataDir);
    this.postgres = new Postgres({
      dataDir: join(o.dataDir, 'postgres'),
      port: o.ports.postgres,
      log: o.log,
      output: this.logFile('postgres'),
    });
  }

  get address(): string {
    return `127.0.0.1:${this.o.ports.services.frontend.grpc}`;
  }

  private logFile(name: string): WriteStream {
    let s = this.logs.get(name);
    if (!s) {
      s = createWriteStream(join(this.logDir, `${name}.log`), { flags: 'a' });
      this.logs.set(name, s);
    }
    return s;
  }

  /** Builds (once), starts PostgreSQL, brings the schemas to the server's version, writes the configs. */
  async prepare(): Promise<void> {
    const { log } = this.o;
    this.bins = await ensureBinaries(log);
    if (this.postgres.init()) log(`PostgreSQL data folder created: ${join(this.o.dataDir, 'postgres')}`);
    await this.postgres.start();
    log(`PostgreSQL ready on 127.0.0.1:${this.postgres.port}`);
    for (const [db, schema] of Object.entries(SCHEMAS)) this.migrate(db, schema);
    this.configs = writeServerConfigs(join(this.o.dataDir, 'config'), this.o.ports, this.o.logLevel ?? 'warn');
  }

  private sql(db: string, ...args: string[]): void {
    const base = [
      '--plugin',
      'postgres12',
      '--ep',
      '127.0.0.1',
      '-p',
      String(this.postgres.port),
      '-u',
      DB_USER,
      '--pw',
      DB_USER,
      '--db',
      db,
    ];
    execFileSync(this.bins!.sqlTool, [...base, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  private schemaVersion(db: string): string | undefined {
    try {
      const out = execFileSync(
        join(this.postgres.bin, 'psql'),
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(this.postgres.port),
          '-U',
          DB_USER,
          '-d',
          db,
          '-tAc',
          'SELECT curr_version FROM schema_version',
        ],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      ).trim();
      return out || undefined;
    } catch {
      return undefined; // no database or no version table yet
    }
  }

  /** create + setup-schema only on a database without a version (setup-schema would reset it), then update-schema. */
  private migrate(db: string, schema: string): void {
    const before = this.schemaVersion(db);
    if (before === undefined) {
      this.sql(db, 'create');
      this.sql(db, 'setup-schema', '-v', '0.0');
    }
    this.sql(db, 'update-schema', '--schema-name', schema);
    const after = this.schemaVersion(db);
    this.o.log(`schema ${db}: ${before === after ? `at ${after}` : `${before ?? 'none'} → ${after}`}`);
  }

  /** Starts one service; on a fresh database, startServices() starts history alone first (see there). */
  startService(name: ServiceName): Supervised {
    if (!this.bins || !this.configs) throw new Error('prepare() first');
    const running = this.procs.get(name);
    if (running && running.exitInfo() === null) throw new Error(`${name} is already running`);
    const out = this.logFile(name);
    out.write(`---- ${new Date().toISOString()} start\n`);
    const child = spawnSupervised(
      `temporal-${name}`,
      this.bins.server,
      ['--config-file', this.configs[name], '--allow-no-auth', 'start', '--service', name],
      { stdout: out, stderr: out },
    );
    this.procs.set(name, child);
    return child;
  }

  service(name: ServiceName): Supervised | undefined {
    return this.procs.get(name);
  }

  /** SIGKILL to the service's process group; resolves once it is gone. */
  async killService(name: ServiceName): Promise<void> {
    const c = this.procs.get(name);
    if (!c) return;
    this.logFile(name).write(`---- ${new Date().toISOString()} SIGKILL\n`);
    await c.stop({ signal: 'SIGKILL', timeoutMs: 5_000 });
    if (groupAlive(c.pid)) throw new Error(`temporal-${name}: process group ${c.pid} survived SIGKILL`);
  }

  /** Rows of the cluster's metadata record: 0 on a fresh database until the first service has written it. */
  private clusterMetadataRows(): number {
    try {
      const out = execFileSync(
        join(this.postgres.bin, 'psql'),
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(this.postgres.port),
          '-U',
          DB_USER,
          '-d',
          'temporal',
          '-tAc',
          'SELECT count(*) FROM cluster_metadata_info',
        ],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      ).trim();
      return Number(out) || 0;
    } catch {
      return 0;
    }
  }

  /**
   * Starts every service and waits until the frontend serves requests. On a fresh database each service inserts
   * the cluster's metadata record at start-up; started together, a loser of that race gets PostgreSQL's duplicate
   * key (23505), "failed to initialize current cluster metadata", and exits (seen on a first `npm run cluster`:
   * history). So history starts alone until the record exists (at once on a database that has it), then the rest.
   */
  async startServices(timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.startService('history');
    while (this.clusterMetadataRows() === 0) {
      const dead = this.deadServices();
      if (dead.length) throw new Error(`Temporal service(s) exited: ${dead.join(', ')}`);
      if (Date.now() > deadline)
        throw new Error(
          `the history service wrote no cluster metadata in ${timeoutMs} ms (see ${join(this.logDir, 'history.log')})`,
        );
      await sleep(250);
    }
    for (const s of SERVICES) if (s !== 'history') this.startService(s);
    await this.waitFrontend(Math.max(5_000, deadline - Date.now()));
  }

  /** Any service that exited on its own, for a useful error instead of a timeout. */
  deadServices(): string[] {
    return [...this.procs]
      .filter(([, c]) => c.exitInfo() !== null)
      .map(([n, c]) => `${n} (${JSON.stringify(c.exitInfo())}; see ${join(this.logDir, `${n}.log`)})`);
  }

  /** Until the frontend answers and the history service behind it serves the system namespace. */
  async waitFrontend(timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      const dead = this.deadServices();
      if (dead.length) throw new Error(`Temporal service(s) exited: ${dead.join(', ')}`);
      try {
        const c = await Connection.connect({ address: this.address, connectTimeout: 2_000 });
        try {
          await c.workflowService.listWorkflowExecutions({ namespace: 'temporal-system', pageSize: 1 });
          return;
        } finally {
          await c.close();
        }
      } catch (err) {
        last = err;
      }
      if (Date.now() > deadline)
        throw new Error(`Temporal frontend ${this.address} not ready after ${timeoutMs} ms: ${String(last)}`);
      await sleep(500);
    }
  }

  /**
   * Registers `namespace` if it does not exist, with the project's search attributes (scripts/search-attributes.ts),
   * and waits until the frontend knows it (its namespace cache refreshes every 10 s).
   */
  async ensureNamespace(
    namespace: string,
    retentionDays = 30,
    timeoutMs = 60_000,
  ): Promise<{ created: boolean; attributes: string[] }> {
    const c = await Connection.connect({ address: this.address });
    try {
      let created = false;
      try {
        await c.workflowService.describeNamespace({ namespace });
      } catch (err: any) {
        if (err?.code !== 5) throw err; // NOT_FOUND
        try {
          await c.workflowService.registerNamespace({
            namespace,
            workflowExecutionRetentionPeriod: msToTs(retentionDays * 86_400_000),
          });
          created = true;
        } catch (e: any) {
          if (e?.code !== 6) throw e; // ALREADY_EXISTS: someone else was first
        }
      }
      // A new namespace is unknown to the frontend until its namespace cache refreshes (every 10 s).
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          await c.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await sleep(500);
        }
      }
      const attributes = await ensureSearchAttributes(c, namespace, { log: this.o.log });
      return { created, attributes };
    } finally {
      await c.close();
    }
  }

  /** Services in reverse dependency order (frontend first stops new requests), then PostgreSQL. Never throws. */
  async stop(log?: (line: string) => void): Promise<void> {
    const order: ServiceName[] = ['frontend', 'worker', 'matching', 'history'];
    await stopAll(
      order.map((n) => this.procs.get(n)).filter((c): c is Supervised => !!c),
      { log, timeoutMs: 15_000 },
    );
    log?.('stopping PostgreSQL (fast shutdown)…');
    await this.postgres.stop().catch((err) => log?.(`could not stop PostgreSQL: ${String(err)}`));
    await Promise.all([...this.logs.values()].map((s) => new Promise<void>((r) => s.end(() => r()))));
    this.logs.clear();
  }
}
