/**
 * Fault tests: `npm run test:faults` (the `faults` project in vitest.config.mts). Named *.spec.ts so that
 * `npm test` (test/**\/*.test.ts) does not pick them up: they take about 12 minutes.
 *
 * One undisturbed reference round, then the same round three times under faults; each must end with the same
 * final list, the same final stage and reason for every application, and the same set of sent Message-IDs:
 *   - worker SIGKILLed at five random moments and restarted each time;
 *   - dev server stopped (SIGTERM, SIGKILL fallback) mid-round and started again on the same SQLite file and port,
 *     plus three injected lost replies (the action took effect, the actor hears an error);
 *   - two workers on the task queue, one SIGKILLed mid-round and not replaced.
 * Each round has its own dev server (fresh SQLite file in a temp dir), worker processes and test SMTP server;
 * same year label (2095) and calendar, so workflow ids and Message-IDs are comparable across rounds.
 *
 * After each round, every workflow history of it (campaign, 40 applications, titles) is saved and replayed against
 * the current workflow code, as a restarted worker would: a history that cannot be replayed is a workflow that
 * gets stuck at its next replay, so that is checked as a test of its own.
 *
 * Where the faults land and why: test/faults/scenarios.ts (header). The scripted round: test/faults/round.ts.
 * Logs of every process, histories and summary.json: test-results/faults/<time>-<pid>/ (printed at the end).
 * One run per machine at a time (a lock in the temp dir): concurrent runs would break each other's timing.
 *   FAULT_SEED=<n>    repeat the fault moments of an earlier run (the seed is printed and in summary.json)
 *   FAULT_SPEED=<n>   calendar speed (default 100000); lower it on a machine much slower than 2 loaded cores
 *   FAULT_WORKER_ENTRY=<file.ts>  run this instead of worker/main.ts (to try a worker-side fix)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectInTime, expectSameAsReference as expectSameOutcome } from './expect-outcome';
import { SPEED } from './round';
import { referenceRun, serverRestartRun, twoWorkersRun, workerKillsRun, type ScenarioReport } from './scenarios';
import { acquireMachineLock, LOG_DIR, pruneOldRuns } from './stack';

const SEED = process.env.FAULT_SEED ? Number(process.env.FAULT_SEED) : Math.floor(Math.random() * 2 ** 31);
const reports: ScenarioReport[] = [];
let reference: ScenarioReport | undefined;
const byName = new Map<string, ScenarioReport>();
let releaseLock = () => {};

function summarise(r: ScenarioReport) {
  const o = r.outcome;
  return {
    scenario: r.name,
    seed: r.seed,
    seconds: Math.round(o.realMs / 100) / 10,
    faults: r.faults,
    finalList: o.finalList,
    removed: o.removed,
    mail: {
      deliveries: o.mail.deliveries,
      messageIds: o.mail.ids.length,
      duplicates: o.mail.duplicates,
      duplicatesByKind: o.mail.duplicatesByKind,
      byKind: o.mail.countsByKind,
    },
    actors: { failedAttempts: o.failedAttempts, tookEffectAnyway: o.tookEffectAnyway, resent: o.resent },
    unexpectedWorkerExits: r.unexpectedWorkerExits,
    replay: { workflows: o.historyEvents.workflows, failures: o.replayFailures, historiesDir: o.historiesDir },
    historyEvents: o.historyEvents,
    bursts: o.bursts.map((b) => ({
      burst: b.burst,
      calendarEnd: b.calendarEnd,
      mustEndBefore: b.mustEndBefore,
      realMs: b.realMs,
      inTime: b.inTime,
    })),
    log: r.logFile,
  };
}

const expectSameAsReference = (r: ScenarioReport) => expectSameOutcome(r, reference);

/** Every workflow of the round replays from its history (see the header). */
function expectReplays(name: string) {
  const r = byName.get(name);
  if (!r) throw new Error(`the ${name} round did not complete`);
  expect(r.outcome.statusError, `campaign status query after the confirmation (${r.logFile})`).toBeUndefined();
  expect(r.outcome.replayFailures, `histories in ${r.outcome.historiesDir}`).toEqual([]);
}

describe.sequential(`fault tests (2023 calendar at ${SPEED}×, seed ${SEED})`, () => {
  beforeAll(async () => {
    releaseLock = await acquireMachineLock((l) => console.log(l));
    pruneOldRuns();
  });

  afterAll(() => {
    releaseLock();
    const summary = { seed: SEED, speed: SPEED, scenarios: reports.map(summarise) };
    writeFileSync(join(LOG_DIR, 'summary.json'), JSON.stringify(summary, null, 2));
    const line = (r: ScenarioReport) => {
      const o = r.outcome;
      return `${r.name.padEnd(15)} ${String(Math.round(o.realMs / 1000)).padStart(4)} s  faults ${String(r.faults.length).padStart(2)}  Message-IDs ${o.mail.ids.length}  deliveries ${o.mail.deliveries}  duplicates ${o.mail.duplicates}  failed CLI attempts ${o.failedAttempts} (took effect anyway ${o.tookEffectAnyway}, re-sent ${o.resent})  replay failures ${o.replayFailures.length}/${o.historyEvents.workflows}`;
    };
    console.log(
      [
        '',
        `fault tests, seed ${SEED}, speed ${SPEED}×:`,
        ...reports.map(line),
        `details: ${join(LOG_DIR, 'summary.json')}`,
      ].join('\n'),
    );
  });

  it('reference: an undisturbed round, worker as a child process', async () => {
    const r = await referenceRun();
    reports.push(r);
    byName.set(r.name, r);
    expectInTime(r);
    // The reference must itself be right, or equal-to-reference means nothing.
    const { expected } = r.outcome;
    expect(r.outcome.finalList).toEqual(expected.finalList);
    expect(r.outcome.removed).toEqual(expected.removed);
    for (const [id, { stage, reason }] of Object.entries(expected.stages)) {
      expect({ id, stage: r.outcome.stages[id].stage }).toEqual({ id, stage });
      expect(r.outcome.stages[id].reason).toMatch(reason);
    }
    expect(r.outcome.mail.duplicates).toBe(0);
    expect(r.outcome.mail.countsByKind['campaign-opened']).toBeGreaterThan(0);
    expect(r.outcome.mail.countsByKind['draft-published']).toBeGreaterThan(0);
    expect(r.outcome.mail.countsByKind['final-list']).toBeGreaterThan(0);
    reference = r;
  });

  it('reference: every workflow history of the round replays', () => expectReplays('reference'));

  it('worker SIGKILLed at 5 random moments, restarted each time: same list, stages and Message-IDs', async () => {
    const r = await workerKillsRun(SEED);
    reports.push(r);
    byName.set(r.name, r);
    expect(r.faults).toHaveLength(5);
    expectSameAsReference(r);
    // The first kill lands while the SMTP server holds a mail it has not acknowledged: that send is retried.
    expect(r.outcome.mail.duplicates).toBeGreaterThan(0);
    expect(r.unexpectedWorkerExits).toBe(0);
  });

  // After worker kills, SDK 1.24.0 can hand the first task of a query-loaded run a stale Date.now()
  // (test/repro/sdk-repro.ts). The workflows take time from their timers (workflows/shared/clock.ts),
  // so every history of this round, the campaign's included, must replay.
  it('worker-kills: every workflow history of the round replays', () => expectReplays('worker-kills'));

  it('dev server stopped mid-round and started again on the same SQLite file: same list, stages and Message-IDs', async () => {
    const r = await serverRestartRun(SEED + 1);
    reports.push(r);
    byName.set(r.name, r);
    expect(r.faults.filter((f) => f.what.startsWith('dev server'))).toHaveLength(1);
    expectSameAsReference(r);
    // The lost replies were read back, not re-sent: exactly one objection per filing, one vote per member.
    expect(r.outcome.tookEffectAnyway).toBeGreaterThanOrEqual(3);
    expect(r.unexpectedWorkerExits).toBe(0);
  });

  it('server-restart: every workflow history of the round replays', () => expectReplays('server-restart'));

  it('two workers share the task queue, one SIGKILLed mid-round: same list, stages and Message-IDs', async () => {
    const r = await twoWorkersRun(SEED + 2);
    reports.push(r);
    byName.set(r.name, r);
    expect(r.faults).toHaveLength(1);
    expectSameAsReference(r);
    expect(r.unexpectedWorkerExits).toBe(0);
  });

  it('two-workers: every workflow history of the round replays', () => expectReplays('two-workers'));
});
