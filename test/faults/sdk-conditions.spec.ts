/**
 * The conditions of the SDK defect (test/repro/sdk-repro.ts) on the real campaign and applications:
 *   1. a campaign and two applications run on worker A; A is SIGKILLed;
 *   2. clients keep querying their status while no worker runs, as `campaign status` pollers do;
 *   3. timers fire meanwhile (the paper-form reminders, the applications deadline);
 *   4. worker B starts while the queries go on, so a query reaches it before the workflow task does.
 * SDK 1.24.0 can then give that task a stale Date.now(). The workflows decide by the instant their last
 * timer reached (workflows/shared/clock.ts), not by the clock, so every history must replay, and the
 * campaign must still move to the review phase.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitApplication } from '../../client/applications';
import { loadDirectory } from '../../client/directory';
import { campaignStatus, startCampaign } from '../../client/campaigns';
import { dataConverter } from '../../client/codec';
import { compressCalendar, defaultCalendar } from '../../domain/calendar';
import { toReal } from '../../domain/time-scale';
import { loadWorkdays } from '../../domain/holidays';
import { applicationWorkflowId, campaignWorkflowId } from '../../temporal/ids';
import { applicationStatusQuery } from '../../workflows/application/messages';
import { campaignStatusQuery } from '../../workflows/campaign/messages';
import { BUNDLE_OPTIONS } from '../../worker/create-worker';
import { formFor } from '../fixtures';
import { TASK_QUEUE, withStack } from './scenarios';
import { acquireMachineLock, LOG_DIR } from './stack';
import { yearOf } from '../years';

const YEAR = yearOf('faults/sdk-conditions.spec.ts');
/** The 61-day applications window (Apr 1 – May 31) in 40 real seconds: its reminders and deadline fall in the outage. */
const SPEED = (61 * 86_400_000) / 40_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as any;

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > end) throw new Error(`not reached in ${timeoutMs} ms; last: ${JSON.stringify(v)?.slice(0, 300)}`);
    await sleep(250);
  }
}

let releaseLock = () => {};
beforeAll(async () => {
  releaseLock = await acquireMachineLock((l) => console.log(l));
});
afterAll(() => releaseLock());

describe('the SDK defect conditions on the real campaign and applications', () => {
  it('worker SIGKILLed, status queried while no worker runs and timers fire, a new worker: every history replays', async () => {
    await withStack('sdk-conditions', 1, async (s) => {
      const [a] = s.workers;
      const directory = loadDirectory();
      const opensAt = Date.now() + 4_000;
      const base = { ...defaultCalendar(2023, loadWorkdays(2023)), year: YEAR };
      const { calendar, timeScale } = compressCalendar(base, opensAt, SPEED);
      const realOf = (iso: string) => toReal(timeScale, Date.parse(iso));
      await startCampaign(s.client, { calendar, timeScale, directory, taskQueue: TASK_QUEUE });
      await eventually(
        () => campaignStatus(s.client, YEAR),
        (st) => st.phase === 'applications',
        30_000,
      );
      // Both applications were submitted in time, and the campaign has them. Neither has its paper form yet, so
      // each has reminder timers in the outage (an application's only other timer is its review deadline, in July).
      const committees = directory.committees.slice(0, 2).map((c) => c.id);
      for (const committeeId of committees)
        await submitApplication(s.client, {
          year: YEAR,
          directory,
          committeeId,
          form: formFor(committeeId, false),
          taskQueue: TASK_QUEUE,
        });
      const ids = [campaignWorkflowId(YEAR), ...committees.map((c) => applicationWorkflowId(YEAR, c))];

      // A dies some calendar days before the first reminders (7 working days before May 31).
      await sleep(Math.max(0, realOf('2023-05-12T00:00:00Z') - Date.now()));
      const killedAt = Date.now();
      await a.kill();
      s.log(`worker A killed at ${new Date(killedAt).toISOString()}`);

      let polling = true;
      let queries = 0;
      const poll = async (workflowId: string, query: typeof campaignStatusQuery | typeof applicationStatusQuery) => {
        const handle = s.client.workflow.getHandle(workflowId);
        while (polling) {
          await handle.query(query as typeof campaignStatusQuery).then(
            () => queries++,
            () => undefined,
          );
          await sleep(150);
        }
      };
      const pollers = [
        poll(ids[0], campaignStatusQuery),
        poll(ids[0], campaignStatusQuery),
        poll(ids[1], applicationStatusQuery),
        poll(ids[2], applicationStatusQuery),
      ];

      // No worker while the reminders and the applications deadline pass.
      await sleep(Math.max(0, realOf('2023-06-01T00:00:00Z') + 2_000 - Date.now()));
      const b = new (a.constructor as typeof import('./stack').WorkerProcess)('sdk-conditions-worker-b', {
        TEMPORAL_ADDRESS: s.server.address,
        TEMPORAL_NAMESPACE: s.server.namespace,
        TASK_QUEUE,
        SMTP_URL: s.smtp.url,
      });
      s.workers.push(b);
      s.log(`worker B ready in ${await b.start()} ms`);
      const readyAt = Date.now();
      let status;
      try {
        // B catches up: the applications deadline passed while no worker ran (the calendar keeps moving). B's
        // uncached first seconds end by stopping that worker (worker/cold-start.ts); a task it had just polled
        // waits for the campaign's 60 s task timeout, so allow for one.
        status = await eventually(
          () => campaignStatus(s.client, YEAR),
          (st) => !['preparing', 'applications'].includes(st.phase),
          150_000,
        );
        await sleep(3_000);
      } finally {
        polling = false;
        await Promise.all(pollers);
      }
      expect(status.counts.total).toBe(2);
      expect(queries).toBeGreaterThan(0);

      const dir = join(LOG_DIR, 'sdk-conditions-histories');
      mkdirSync(dir, { recursive: true });
      const histories: {
        workflowId: string;
        history: Awaited<ReturnType<ReturnType<typeof s.client.workflow.getHandle>['fetchHistory']>>;
      }[] = [];
      for (const workflowId of ids) {
        const history = await s.client.workflow.getHandle(workflowId).fetchHistory();
        writeFileSync(
          join(dir, `${workflowId}.json`),
          JSON.stringify({ workflowId, history: JSON.parse(historyToJSON(history)) }),
        );
        histories.push({ workflowId, history });
      }
      // The conditions happened: each workflow had a timer fire while no worker ran.
      const firedInOutage = (h: (typeof histories)[number]) =>
        h.history.events!.filter(
          (e) =>
            e.timerFiredEventAttributes &&
            Number(e.eventTime!.seconds) * 1000 >= killedAt &&
            Number(e.eventTime!.seconds) * 1000 < readyAt,
        ).length;
      for (const h of histories)
        expect({ workflowId: h.workflowId, timersFired: firedInOutage(h) > 0 }).toEqual({
          workflowId: h.workflowId,
          timersFired: true,
        });

      const bundle = await bundleWorkflowCode({ ...BUNDLE_OPTIONS, logger: silent });
      const failures: string[] = [];
      for await (const r of Worker.runReplayHistories(
        { workflowBundle: bundle, replayName: 'sdk-conditions', dataConverter: dataConverter() },
        histories,
      )) {
        if (r.error) failures.push(`${r.workflowId}: ${r.error.name}: ${r.error.message}`);
      }
      expect(failures, `histories in ${dir}`).toEqual([]);
    });
  });
});
