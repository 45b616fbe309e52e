/**
 * The fault harness on a real Temporal cluster (scripts/cluster/): PostgreSQL and the server's history, matching,
 * frontend and worker services as separate processes, started once for the whole run on free ports and a
 * temporary data folder. Each round gets its own namespace on it (`faults-<round>`), so the workflow ids — and
 * with them the Message-IDs — are the same in every round and compare with the reference round, as on the dev
 * server. The scripted round, the actors' coping and the comparisons are those of round.ts and scenarios.ts.
 *
 * Where the faults land (see scenarios.ts for the calendar's slack between bursts and reminders):
 *   - history SIGKILLed during a random B3 action (in flight), started again 10 s later: the actions that follow
 *     are sent while it is away, the actors read before re-sending;
 *   - matching SIGKILLed during a random B2 decision (in flight), started again at once;
 *   - PostgreSQL stopped (fast shutdown) during a random B1 submission (in flight) and started again at once;
 *   - history SIGKILLed at a quiet instant of late July (the review deadline's timers fire while it is away), the
 *     project's worker SIGKILLed 2 s later while history is still down; history started again 10 s after its
 *     kill, then the worker.
 * Matching and the worker are killed only when the campaign runs no main-loop activity (quiesce(), scenarios.ts):
 * an activity task lost in flight waits out its 1-minute heartbeat timeout, 69 calendar days at 100,000×.
 */
import type { Client } from '@temporalio/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listApplications } from '../../client/applications';
import { loadDirectory } from '../../client/directory';
import { listTitles } from '../../client/titles';
import { toCalendar, toReal, type TimeScale } from '../../domain/time-scale';
import { campaignWorkflowId } from '../../temporal/ids';
import { TemporalCluster } from '../../scripts/cluster/cluster';
import { SERVICES, type ClusterPorts, type ServiceName } from '../../scripts/cluster/config';
import { freePort } from '../../scripts/dev-server';
import { rng } from '../fuzz-payloads';
import { FAULT_YEAR, fmtCal, runRound, type RoundHooks, type Step } from './round';
import {
  pickInt,
  quiesce,
  superviseUnexpected,
  TASK_QUEUE,
  withStack,
  type FaultEvent,
  type ScenarioReport,
  type Stack,
} from './scenarios';
import { LOG_DIR, type FaultBackend } from './stack';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** How long history stays down after its SIGKILL. */
export const HISTORY_DOWN_MS = 10_000;

/** A cluster of its own for this test run: free ports, data in a temp folder, server logs with the run's logs. */
export async function startFaultCluster(
  log: (line: string) => void,
): Promise<{ cluster: TemporalCluster; dispose: () => Promise<void> }> {
  const service = async () => ({
    grpc: await freePort(),
    membership: await freeLowPort(),
    pprof: await freePort(),
    metrics: await freePort(),
  });
  const ports: ClusterPorts = {
    postgres: await freePort(),
    frontendHttp: await freePort(),
    services: {
      history: await service(),
      matching: await service(),
      frontend: await service(),
      worker: await service(),
    },
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'faults-cluster-'));
  const cluster = new TemporalCluster({ dataDir, ports, log, logDir: join(LOG_DIR, 'cluster'), logLevel: 'warn' });
  const dispose = async () => {
    await cluster.stop(log);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await cluster.prepare();
    const t0 = Date.now();
    await cluster.startServices();
    log(
      `cluster ready: ${SERVICES.join(', ')} on ${cluster.address}, PostgreSQL on ${ports.postgres}, in ${Date.now() - t0} ms (data ${dataDir})`,
    );
    return { cluster, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/**
 * A free port below 32768: the SQL schema keeps membership ports in a smallint (cluster_membership.rpc_port), so a
 * port from the kernel's ephemeral range (32768+) makes the service die at start ("out of range for type smallint").
 */
async function freeLowPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((r) => {
      const srv = createServer();
      srv.once('error', () => r(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => r(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port found in 20000–31999');
}

/** One round's namespace on the shared cluster, with the project's search attributes. */
export class ClusterNamespace implements FaultBackend {
  readonly namespace: string;
  constructor(
    readonly cluster: TemporalCluster,
    name: string,
  ) {
    this.namespace = `faults-${name}`;
  }
  get address(): string {
    return this.cluster.address;
  }
  get where(): string {
    return `namespace ${this.namespace} on the cluster`;
  }
  async start(): Promise<number> {
    const t0 = Date.now();
    await this.cluster.ensureNamespace(this.namespace, 1);
    return Date.now() - t0;
  }
  async dispose(): Promise<void> {
    // The cluster is shared by the rounds and stopped once at the end.
  }
}

/** What listing by search attributes returns after a round: committee ids, sorted. */
export interface Listing {
  byStage: Record<string, string[]>;
  bySubdistrict: Record<string, string[]>;
  activeTitles: string[];
}

/** The listing the final stages imply (each application's result; titles for the final list). */
export function expectedListing(stages: Record<string, { stage: string }>, finalList: string[]): Listing {
  const d = loadDirectory();
  const byStage: Record<string, string[]> = {};
  const bySubdistrict: Record<string, string[]> = {};
  for (const c of d.committees) {
    (byStage[stages[c.id].stage] ??= []).push(c.id);
    (bySubdistrict[c.subdistrict] ??= []).push(c.id);
  }
  const sort = (r: Record<string, string[]>) =>
    Object.fromEntries(
      Object.entries(r)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, [...v].sort()]),
    );
  return { byStage: sort(byStage), bySubdistrict: sort(bySubdistrict), activeTitles: [...finalList].sort() };
}

/**
 * Lists through the visibility store (PostgreSQL here) with the project's own queries (client/applications.ts,
 * client/titles.ts). Visibility is written after the fact, so it is read again until it shows `expected` or
 * 60 s pass; the last reading is returned either way, with how long it took.
 */
export async function readListing(client: Client, expected: Listing): Promise<{ listing: Listing; ms: number }> {
  const t0 = Date.now();
  let listing: Listing | undefined;
  for (;;) {
    try {
      const byStage: Record<string, string[]> = {};
      for (const stage of Object.keys(expected.byStage))
        byStage[stage] = (await listApplications(client, { year: FAULT_YEAR, stage })).map((r) => r.committeeId).sort();
      const bySubdistrict: Record<string, string[]> = {};
      for (const sd of Object.keys(expected.bySubdistrict))
        bySubdistrict[sd] = (await listApplications(client, { year: FAULT_YEAR, subdistrict: sd }))
          .map((r) => r.committeeId)
          .sort();
      const activeTitles = (await listTitles(client, { status: 'active' })).map((r) => r.committeeId).sort();
      listing = { byStage, bySubdistrict, activeTitles };
      if (JSON.stringify(listing) === JSON.stringify(expected)) return { listing, ms: Date.now() - t0 };
    } catch {
      // a service still recovering: read again
    }
    if (Date.now() - t0 > 60_000)
      return { listing: listing ?? { byStage: {}, bySubdistrict: {}, activeTitles: [] }, ms: Date.now() - t0 };
    await sleep(1_000);
  }
}

export interface ClusterReport extends ScenarioReport {
  listing: Listing;
  listingExpected: Listing;
  listingMs: number;
}

type ClusterStack = Stack<ClusterNamespace>;

/** Until the history service serves the campaign again (describe reads mutable state through history). */
async function untilHistoryServes(s: ClusterStack, timeoutMs = 120_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    try {
      await s.client.workflow.getHandle(campaignWorkflowId(FAULT_YEAR)).describe();
      return Date.now() - t0;
    } catch (err) {
      if (Date.now() - t0 > timeoutMs) throw err;
      await sleep(200);
    }
  }
}

/** Runs a round in its own namespace, then reads the listing; `hooks` place the faults. */
async function clusterRound(
  cluster: TemporalCluster,
  name: string,
  seed: number | undefined,
  plan: (
    s: ClusterStack,
    r: () => number,
  ) => { hooks?: RoundHooks; faults: FaultEvent[]; settled?: () => Promise<void> },
): Promise<ClusterReport> {
  return withStack(
    name,
    1,
    async (s) => {
      const guard = superviseUnexpected(s, s.workers[0]);
      try {
        const p = plan(s, rng(seed ?? 1));
        const outcome = await runRound({
          name: s.name,
          address: s.server.address,
          namespace: s.server.namespace,
          taskQueue: TASK_QUEUE,
          smtp: s.smtp,
          log: s.log,
          hooks: p.hooks,
        });
        await p.settled?.();
        const listingExpected = expectedListing(outcome.stages, outcome.finalList);
        const { listing, ms } = await readListing(s.client, listingExpected);
        s.log(
          `listing by search attributes ${JSON.stringify(listing) === JSON.stringify(listingExpected) ? 'matches the final stages' : 'DIFFERS from the final stages'} after ${ms} ms`,
        );
        return {
          name,
          seed,
          outcome,
          faults: p.faults,
          unexpectedWorkerExits: s.workers[0].unexpectedExits.length,
          logFile: s.logFile,
          listing,
          listingExpected,
          listingMs: ms,
        };
      } finally {
        guard.stop();
      }
    },
    new ClusterNamespace(cluster, name),
  );
}

export function clusterReferenceRun(cluster: TemporalCluster): Promise<ClusterReport> {
  return clusterRound(cluster, 'cluster-reference', undefined, () => ({ faults: [] }));
}

/**
 * A service SIGKILLed while a scripted action is in flight, started again after `downMs`. The actions after it are
 * sent while it is away. `quiet`: wait first until the campaign runs no main-loop activity.
 */
function killDuringStep(
  cluster: TemporalCluster,
  name: string,
  seed: number,
  service: ServiceName,
  burst: Step['burst'],
  pickStep: (r: () => number) => number,
  downMs: number,
  quiet: boolean,
): Promise<ClusterReport> {
  return clusterRound(cluster, name, seed, (s, r) => {
    const at = pickStep(r);
    const delay = pickInt(r, 0, 40);
    const faults: FaultEvent[] = [];
    let cal: TimeScale | undefined;
    let killed: Promise<void> | undefined;
    let back: Promise<void> | undefined;
    s.log(
      `seed ${seed}: SIGKILL ${service} during ${burst} action #${at} (+${delay} ms), started again after ${downMs} ms`,
    );
    const hooks: RoundHooks = {
      started: (c) => void (cal = c),
      async beforeStep(step) {
        if (step.burst !== burst || step.indexInBurst !== at) return;
        if (quiet) await quiesce(s.client, s.log);
        let t = 0;
        killed = sleep(delay).then(async () => {
          t = Date.now();
          await cluster.killService(service);
          s.log(`SIGKILL temporal-${service} during "${step.label}" at calendar ${fmtCal(toCalendar(cal!, t))}`);
        });
        back = killed.then(async () => {
          await sleep(downMs);
          cluster.startService(service);
          const serves = await untilHistoryServes(s);
          const event: FaultEvent = {
            what: `${service} SIGKILLed during "${step.label}", started again after ${downMs} ms`,
            calendar: new Date(toCalendar(cal!, t)).toISOString(),
            outageMs: Date.now() - t,
          };
          faults.push(event);
          s.log(
            `temporal-${service} started again; the campaign answers ${serves} ms after its start, ${event.outageMs} ms after the kill`,
          );
        });
      },
      async afterStep() {
        // The next actions go out while the service is away.
        if (killed) await killed;
        killed = undefined;
      },
    };
    return { hooks, faults, settled: async () => void (await back) };
  });
}

export function historyKillRun(cluster: TemporalCluster, seed: number): Promise<ClusterReport> {
  // A B3 action with at least four after it (as the dev server's restart in scenarios.ts).
  return killDuringStep(
    cluster,
    'history-kill',
    seed,
    'history',
    'B3 inspection+panel',
    (r) => pickInt(r, 0, 20),
    HISTORY_DOWN_MS,
    false,
  );
}

export function matchingKillRun(cluster: TemporalCluster, seed: number): Promise<ClusterReport> {
  return killDuringStep(cluster, 'matching-kill', seed, 'matching', 'B2 review', (r) => pickInt(r, 0, 30), 0, true);
}

/** PostgreSQL fast-shutdown during a random B1 submission (workflow starts are writes), started again at once. */
export function postgresRestartRun(cluster: TemporalCluster, seed: number): Promise<ClusterReport> {
  return clusterRound(cluster, 'postgres-restart', seed, (s, r) => {
    const at = pickInt(r, 0, 36);
    const delay = pickInt(r, 0, 40);
    const faults: FaultEvent[] = [];
    let cal: TimeScale | undefined;
    let restarted: Promise<void> | undefined;
    s.log(`seed ${seed}: PostgreSQL restart during B1 action #${at} (+${delay} ms)`);
    const hooks: RoundHooks = {
      started: (c) => void (cal = c),
      async beforeStep(step) {
        if (step.burst !== 'B1 applications' || step.indexInBurst !== at) return;
        restarted = sleep(delay).then(async () => {
          const t = Date.now();
          await cluster.postgres.stop();
          const stopped = Date.now() - t;
          await cluster.postgres.start();
          const serves = await untilHistoryServes(s);
          const event: FaultEvent = {
            what: `PostgreSQL stopped (fast) during "${step.label}" and started again`,
            calendar: new Date(toCalendar(cal!, t)).toISOString(),
            outageMs: Date.now() - t,
          };
          faults.push(event);
          s.log(
            `PostgreSQL fast shutdown in ${stopped} ms during "${step.label}" at calendar ${fmtCal(toCalendar(cal!, t))}, started again; the campaign answers ${serves} ms later, ${event.outageMs} ms after the stop`,
          );
        });
      },
      async afterStep() {
        if (restarted) await restarted;
        restarted = undefined;
      },
    };
    return { hooks, faults };
  });
}

/** History down at a quiet instant of late July; the project's worker SIGKILLed while it is down. */
export function workerKillWhileHistoryDownRun(cluster: TemporalCluster, seed: number): Promise<ClusterReport> {
  return clusterRound(cluster, 'history-and-worker', seed, (s, r) => {
    const at = Date.parse('2023-07-29T12:00:00Z') + Math.floor(r() * 2 * 86_400_000);
    const faults: FaultEvent[] = [];
    let done: Promise<void> = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    s.log(
      `seed ${seed}: SIGKILL history at calendar ${fmtCal(at)}, the worker 2 s later; history back after ${HISTORY_DOWN_MS} ms, then the worker`,
    );
    const hooks: RoundHooks = {
      started(cal) {
        timer = setTimeout(
          () => {
            done = (async () => {
              await quiesce(s.client, s.log);
              const t = Date.now();
              await cluster.killService('history');
              s.log(`SIGKILL temporal-history at calendar ${fmtCal(toCalendar(cal, t))}`);
              await sleep(2_000);
              await s.workers[0].kill();
              s.log(
                `SIGKILL ${s.workers[0].name} while history is down, at calendar ${fmtCal(toCalendar(cal, Date.now()))}`,
              );
              await sleep(Math.max(0, t + HISTORY_DOWN_MS - Date.now()));
              cluster.startService('history');
              const ready = await s.workers[0].start();
              const serves = await untilHistoryServes(s);
              const event: FaultEvent = {
                what: `history SIGKILLed for ${HISTORY_DOWN_MS} ms, the worker SIGKILLed while it was down`,
                calendar: new Date(toCalendar(cal, t)).toISOString(),
                outageMs: Date.now() - t,
              };
              faults.push(event);
              s.log(
                `temporal-history started again, worker ready in ${ready} ms; the campaign answers ${event.outageMs} ms after the history kill (${serves} ms after the worker was ready)`,
              );
            })();
          },
          Math.max(0, toReal(cal, at) - Date.now()),
        );
      },
    };
    return {
      hooks,
      faults,
      settled: async () => {
        if (timer) clearTimeout(timer);
        await done;
      },
    };
  });
}
