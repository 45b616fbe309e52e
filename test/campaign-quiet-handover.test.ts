/**
 * The campaign's continue-as-new waits for a quiet moment once its history passes the soft limit
 * (workflows/shared/continue-as-new.ts): while reports stream in it keeps running, and it hands over within a few
 * seconds after they stop, so the server never refuses the hand-over for events that arrived during it. The run
 * that handed over replays against the current code. Time-skipping server (time is not skipped here: the quiet
 * moment is real seconds).
 */
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { startCampaign } from '../client/campaigns';
import { dataConverter } from '../client/codec';
import { campaignStatusQuery } from '../workflows/campaign/messages';
import {
  CAMPAIGN_BACKSTOP_BEFORE_PATCH,
  CAMPAIGN_BACKSTOP_PATCH,
  CAMPAIGN_BACKSTOP_800_PATCH,
  HISTORY_LIMITS,
  QUIET_HAND_OVER_PATCH,
  QUIET_WATCH_FROM_EVENTS_PATCH,
  QUIET_MS,
  SOFT_HISTORY_LIMITS,
} from '../workflows/shared/continue-as-new';
import { campaignWorkflowId } from '../temporal/ids';
import { reportWave, WAVE } from './report-waves';
import { directory, workflowBundle } from './fixtures';
import { eventually, withTimeSkippingWorker } from './harness';

const w = withTimeSkippingWorker('quiet-handover');

/**
 * Past the soft limit by this many events before the stream stops: the hand-over must not come during it. Short of
 * the backstop (300 events on) by more than a wave's events, so that the quiet hand-over, not the backstop, ends the run.
 */
const STREAM_PAST_SOFT = 100;
/**
 * A pause between waves of the backstop test (500 ms), well under QUIET_MS and over BACKSTOP_QUIET_MS. Before the
 * backstop waited for a quiet moment of its own, a refused hand-over was tried again in the full replay that
 * followed (1.6 s for 1,530 events here), which the next wave refused in turn: 39 refusals in a row, and 3,008
 * reports went in without a hand-over.
 */
const PACE_MS = QUIET_MS / 4;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('continue-as-new at a quiet moment', () => {
  it('keeps running while reports stream in past the soft limit, then hands over once they stop', async () => {
    const { client, calendar, taskQueue } = w();
    const handle = await startCampaign(client, { calendar, directory, taskQueue });
    const id = campaignWorkflowId(calendar.year);
    const first = handle.firstExecutionRunId;
    const sd = directory.subdistricts[0];
    const firstRun = client.workflow.getHandle(id, first);

    // Reports in waves until the first run is STREAM_PAST_SOFT events past the soft limit.
    let sent = 0;
    for (;;) {
      const { historyLength, runId } = await firstRun.describe();
      expect(runId).toBe(first);
      if (historyLength > SOFT_HISTORY_LIMITS.campaign + STREAM_PAST_SOFT) break;
      sent = await reportWave(handle, sd, sent, 'quiet');
    }
    // Still the first run: past the soft limit, but the reports never paused for the quiet period.
    expect((await firstRun.describe()).status.name).toBe('RUNNING');

    const latest = client.workflow.getHandle(id);
    await eventually(async () => expect((await latest.describe()).runId).not.toBe(first), 30_000);
    const status = await latest.query(campaignStatusQuery);
    expect(status.counts.total).toBe(sent);

    const history = await firstRun.fetchHistory();
    const events = history.events ?? [];
    const types = events.map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as any)[k]));
    expect(types).not.toContain('workflowTaskFailedEventAttributes');
    expect(types.at(-1)).toBe('workflowExecutionContinuedAsNewEventAttributes');
    expect(events.length).toBeGreaterThan(SOFT_HISTORY_LIMITS.campaign + STREAM_PAST_SOFT);
    expect(events.length).toBeLessThanOrEqual(HISTORY_LIMITS.campaign);
    const patchIds = events.flatMap((e) =>
      Object.values(e.markerRecordedEventAttributes?.details ?? {}).flatMap((d) =>
        (d.payloads ?? []).map((p) => Buffer.from(p.data ?? []).toString()),
      ),
    );
    expect(patchIds.filter((id) => id.includes(QUIET_HAND_OVER_PATCH))).toHaveLength(1);
    for (const patch of [CAMPAIGN_BACKSTOP_PATCH, CAMPAIGN_BACKSTOP_800_PATCH, QUIET_WATCH_FROM_EVENTS_PATCH])
      expect(patchIds.filter((id) => id.includes(JSON.stringify(patch)))).toHaveLength(1);

    // The run that handed over replays against the current code.
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: dataConverter() },
      history,
      id,
    );
  }, 180_000);

  it('hands over at the backstop when the reports never pause, and loses none of them', async () => {
    const { client, calendar, taskQueue } = w();
    const year = calendar.year + 1;
    const handle = await startCampaign(client, { calendar: { ...calendar, year }, directory, taskQueue });
    const id = campaignWorkflowId(year);
    const first = handle.firstExecutionRunId;
    const sd = directory.subdistricts[0];
    const latest = client.workflow.getHandle(id);

    // Waves PACE_MS apart, as a busy window's batches come, never QUIET_MS: only the backstop can end the first run,
    // in a gap between two waves.
    // (Back-to-back waves would leave no moment in which a hand-over's task could complete.)
    let sent = 0;
    while ((await latest.describe()).runId === first) {
      expect(sent).toBeLessThan(CAMPAIGN_BACKSTOP_BEFORE_PATCH); // each report adds an event
      sent = await reportWave(handle, sd, sent, 'quiet');
      await sleep(PACE_MS);
    }
    const history = await client.workflow.getHandle(id, first).fetchHistory();
    const events = history.events ?? [];
    expect(events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    expect(events.length).toBeGreaterThan(HISTORY_LIMITS.campaign);
    // Within a few waves of the backstop: a refusal, if any, is not followed by another in the replay after it.
    expect(events.length).toBeLessThan(HISTORY_LIMITS.campaign + 10 * WAVE);
    expect(events.filter((e) => e.workflowTaskFailedEventAttributes).length).toBeLessThanOrEqual(2);
    // Reports that reached a refused hand-over are not lost: the next run counts every one.
    await eventually(async () => expect((await latest.query(campaignStatusQuery)).counts.total).toBe(sent), 30_000);
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: dataConverter() },
      history,
      id,
    );
  }, 180_000);
});
