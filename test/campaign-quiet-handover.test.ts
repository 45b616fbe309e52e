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
import { applicationReportSignal } from '../workflows/campaign/stage-report';
import { HISTORY_LIMITS, QUIET_HAND_OVER_PATCH, SOFT_HISTORY_LIMITS } from '../workflows/shared/continue-as-new';
import { campaignWorkflowId } from '../temporal/ids';
import { forEachConcurrent } from '../bench/stats';
import { directory, workflowBundle } from './fixtures';
import { eventually, withTimeSkippingWorker } from './harness';

const w = withTimeSkippingWorker('quiet-handover');

/** Past the soft limit by this many events before the stream stops: the hand-over must not come during it. */
const STREAM_PAST_SOFT = 300;

describe('continue-as-new at a quiet moment', () => {
  it('keeps running while reports stream in past the soft limit, then hands over once they stop', async () => {
    const { client, calendar, taskQueue } = w();
    const handle = await startCampaign(client, { calendar, directory, taskQueue });
    const id = campaignWorkflowId(calendar.year);
    const first = handle.firstExecutionRunId;
    const sd = directory.subdistricts[0];
    const firstRun = client.workflow.getHandle(id, first);

    // Reports in waves of 64 (16 in flight) until the first run is STREAM_PAST_SOFT events past the soft limit.
    let sent = 0;
    for (;;) {
      const { historyLength, runId } = await firstRun.describe();
      expect(runId).toBe(first);
      if (historyLength > SOFT_HISTORY_LIMITS.campaign + STREAM_PAST_SOFT) break;
      const wave = Array.from({ length: 64 }, (_, k) => sent + k);
      await forEachConcurrent(wave, 16, (i) =>
        handle.signal(applicationReportSignal, {
          committeeId: `quiet-${String(i).padStart(5, '0')}`,
          subdistrict: sd,
          stage: 'submitted',
          seq: 1,
          paperFormReceived: true,
        }),
      );
      sent += wave.length;
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
    expect(events.length).toBeLessThan(HISTORY_LIMITS.campaign);
    const patchIds = events.flatMap((e) =>
      Object.values(e.markerRecordedEventAttributes?.details ?? {}).flatMap((d) =>
        (d.payloads ?? []).map((p) => Buffer.from(p.data ?? []).toString()),
      ),
    );
    expect(patchIds.filter((id) => id.includes(QUIET_HAND_OVER_PATCH))).toHaveLength(1);

    // The run that handed over replays against the current code.
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: dataConverter() },
      history,
      id,
    );
  }, 180_000);
});
