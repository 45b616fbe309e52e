/**
 * `npm run test:cluster` (the `cluster` project in vitest.config.mts): the fault tests' scripted round on a real Temporal cluster —
 * PostgreSQL persistence and visibility, history, matching, frontend and worker as separate processes
 * (scripts/cluster/) — with service and database faults. Not part of `npm test`: the first run builds the server
 * from source (5–9 minutes, once), and the rounds take about 4 minutes each.
 *
 * One undisturbed reference round, then one round per fault, each in its own namespace on the same cluster
 * (test/faults/cluster.ts says where each fault lands). After each: the same final list, the same stage and reason
 * for every application and the same set of Message-IDs as the reference; every workflow history replays against
 * the current code; listing by the project's search attributes (Stage, Subdistrict, TitleStatus) returns exactly
 * the sets the final stages imply, and the same sets as the reference round.
 *
 * Shares the machine lock of `npm run test:faults` (one fault run at a time on a machine). Logs, histories, server
 * logs (cluster/) and summary.json: test-results/faults/<time>-<pid>/. FAULT_SEED and FAULT_SPEED as there.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TemporalCluster } from '../../scripts/cluster/cluster';
import {
  clusterReferenceRun,
  historyKillRun,
  matchingKillRun,
  postgresRestartRun,
  startFaultCluster,
  workerKillWhileHistoryDownRun,
  type ClusterReport,
} from '../faults/cluster';
import { expectInTime, expectSameAsReference as expectSameOutcome } from '../faults/expect-outcome';
import { SPEED } from '../faults/round';
import { acquireMachineLock, LOG_DIR, makeLog, pruneOldRuns } from '../faults/stack';

const SEED = process.env.FAULT_SEED ? Number(process.env.FAULT_SEED) : Math.floor(Math.random() * 2 ** 31);
const reports: ClusterReport[] = [];
const byName = new Map<string, ClusterReport>();
let reference: ClusterReport | undefined;
let cluster: TemporalCluster | undefined;
let disposeCluster = async () => {};
let releaseLock = () => {};
const t0 = Date.now();

function expectSameAsReference(r: ClusterReport) {
  expectSameOutcome(r, reference);
  expect(r.unexpectedWorkerExits, `worker exits nobody asked for (seed ${r.seed}; logs ${r.logFile})`).toBe(0);
}

function expectReplaysAndListing(name: string) {
  const r = byName.get(name);
  if (!r) throw new Error(`the ${name} round did not complete`);
  expect(r.outcome.statusError, `campaign status query after the confirmation (${r.logFile})`).toBeUndefined();
  expect(r.outcome.replayFailures, `histories in ${r.outcome.historiesDir}`).toEqual([]);
  expect(r.listing, `listing by search attributes vs the final stages (${r.logFile})`).toEqual(r.listingExpected);
  if (reference) expect(r.listing, 'listing by search attributes vs the reference round').toEqual(reference.listing);
}

async function round(run: () => Promise<ClusterReport>): Promise<ClusterReport> {
  if (!cluster) throw new Error('the cluster did not start');
  const r = await run();
  reports.push(r);
  byName.set(r.name, r);
  return r;
}

describe.sequential(`fault tests on a Temporal cluster (2023 calendar at ${SPEED}×, seed ${SEED})`, () => {
  beforeAll(async () => {
    releaseLock = await acquireMachineLock((l) => console.log(l));
    pruneOldRuns();
    const { log } = makeLog('cluster');
    const started = await startFaultCluster(log);
    cluster = started.cluster;
    disposeCluster = started.dispose;
  });

  afterAll(async () => {
    await disposeCluster();
    releaseLock();
    const summary = {
      seed: SEED,
      speed: SPEED,
      seconds: Math.round((Date.now() - t0) / 1000),
      rounds: reports.map((r) => ({
        round: r.name,
        seed: r.seed,
        seconds: Math.round(r.outcome.realMs / 100) / 10,
        faults: r.faults,
        finalList: r.outcome.finalList,
        mail: {
          deliveries: r.outcome.mail.deliveries,
          messageIds: r.outcome.mail.ids.length,
          duplicates: r.outcome.mail.duplicates,
        },
        actors: {
          failedAttempts: r.outcome.failedAttempts,
          tookEffectAnyway: r.outcome.tookEffectAnyway,
          resent: r.outcome.resent,
        },
        replay: { workflows: r.outcome.historyEvents.workflows, failures: r.outcome.replayFailures },
        listingMs: r.listingMs,
        unexpectedWorkerExits: r.unexpectedWorkerExits,
        log: r.logFile,
      })),
    };
    writeFileSync(join(LOG_DIR, 'cluster-summary.json'), JSON.stringify(summary, null, 2));
    const line = (r: ClusterReport) => {
      const o = r.outcome;
      const outage = r.faults.map((f) => f.outageMs).filter((x) => x !== undefined);
      return `${r.name.padEnd(19)} ${String(Math.round(o.realMs / 1000)).padStart(4)} s  outage ${outage.length ? `${outage.map((x) => (x! / 1000).toFixed(1)).join('+')} s` : '-'}  Message-IDs ${o.mail.ids.length}  duplicates ${o.mail.duplicates}  failed CLI attempts ${o.failedAttempts} (took effect anyway ${o.tookEffectAnyway}, re-sent ${o.resent})  replay failures ${o.replayFailures.length}/${o.historyEvents.workflows}  listing ${JSON.stringify(r.listing) === JSON.stringify(r.listingExpected) ? 'ok' : 'DIFFERS'}`;
    };
    console.log(
      [
        '',
        `cluster fault tests, seed ${SEED}, speed ${SPEED}×, ${summary.seconds} s:`,
        ...reports.map(line),
        `details: ${join(LOG_DIR, 'cluster-summary.json')}`,
      ].join('\n'),
    );
  });

  it('reference: an undisturbed round on the cluster', async () => {
    const r = await round(() => clusterReferenceRun(cluster!));
    expectInTime(r);
    const { plan } = r.outcome;
    expect(r.outcome.finalList).toEqual(plan.finalList);
    expect(r.outcome.removed).toEqual([plan.removed]);
    for (const id of plan.finalList) expect(r.outcome.stages[id].stage).toBe('commended');
    for (const id of plan.notRecommended) expect(r.outcome.stages[id].stage).toBe('not-recommended');
    expect(r.outcome.mail.duplicates).toBe(0);
    expect(r.outcome.mail.countsByKind['final-list']).toBeGreaterThan(0);
    reference = r;
  });

  it('reference: every history replays; listing by search attributes matches the final stages', () =>
    expectReplaysAndListing('cluster-reference'));

  it('history SIGKILLed mid-round, started again after 10 s: same list, stages and Message-IDs', async () => {
    const r = await round(() => historyKillRun(cluster!, SEED));
    expect(r.faults).toHaveLength(1);
    expectSameAsReference(r);
  });

  it('history-kill: every history replays; listing matches', () => expectReplaysAndListing('history-kill'));

  it('matching SIGKILLed mid-round: same list, stages and Message-IDs', async () => {
    const r = await round(() => matchingKillRun(cluster!, SEED + 1));
    expect(r.faults).toHaveLength(1);
    expectSameAsReference(r);
  });

  it('matching-kill: every history replays; listing matches', () => expectReplaysAndListing('matching-kill'));

  it('PostgreSQL restarted (fast shutdown) mid-round: same list, stages and Message-IDs', async () => {
    const r = await round(() => postgresRestartRun(cluster!, SEED + 2));
    expect(r.faults).toHaveLength(1);
    expectSameAsReference(r);
  });

  it('postgres-restart: every history replays; listing matches', () => expectReplaysAndListing('postgres-restart'));

  it("the project's worker SIGKILLed while history is down: same list, stages and Message-IDs", async () => {
    const r = await round(() => workerKillWhileHistoryDownRun(cluster!, SEED + 3));
    expect(r.faults).toHaveLength(1);
    expectSameAsReference(r);
  });

  it('history-and-worker: every history replays; listing matches', () => expectReplaysAndListing('history-and-worker'));
});
