/**
 * A 街镇's relay past its soft limit hands over at the first quiet moment, even while reports wait for their batch:
 * they go with the run, and the next run forwards them. The batch here waits ten minutes, so a relay that waited
 * for it (as before RELAY_HAND_OVER_AT_QUIET_PATCH) would still be in its first run when the test gives up.
 * Time-skipping server (time is not skipped here: the quiet moment is real seconds).
 */
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { dataConverter, EncryptionCodec, keyringFromEnv } from '../client/codec';
import { forEachConcurrent } from '../bench/stats';
import type { ApplicationReportBatch } from '../workflows/campaign/stage-report';
import { applicationReportSignal } from '../workflows/campaign/stage-report';
import { QUIET_MS, SOFT_HISTORY_LIMITS } from '../workflows/shared/continue-as-new';
import { forwardNowUpdate } from '../workflows/subdistrict-reports/messages';
import { RELAY_HAND_OVER_AT_QUIET_PATCH } from '../workflows/subdistrict-reports/workflow';
import { directory, workflowBundle } from './fixtures';
import { eventually, withTimeSkippingWorker } from './harness';

const w = withTimeSkippingWorker('relay-quiet');
const sd = directory.subdistricts[0];
/** Committees reporting: fewer than MAX_BATCH, so no batch goes for its size; each reports again and again. */
const COMMITTEES = 150;
const BATCH_MS = 10 * 60_000;
const codec = new EncryptionCodec(keyringFromEnv());

describe("a 街镇's relay at its soft limit", () => {
  it('hands over at the first quiet moment, carrying the reports still waiting, and loses none', async () => {
    const { client, taskQueue } = w();
    // The relay forwards to a second relay standing in for the campaign: it keeps the batch in its history.
    const sink = await client.workflow.start('subdistrictReports', {
      taskQueue,
      workflowId: `reports-2190-sink`,
      args: [{ year: 2190, subdistrict: 'sink', campaignWorkflowId: 'campaign-none' }],
    });
    const relay = await client.workflow.start('subdistrictReports', {
      taskQueue,
      workflowId: `reports-2190-${sd}`,
      args: [{ year: 2190, subdistrict: sd, campaignWorkflowId: sink.workflowId, batchMs: BATCH_MS }],
    });
    const firstRun = client.workflow.getHandle(relay.workflowId, relay.firstExecutionRunId);

    // Waves of reports, never a pause of QUIET_MS, until the first run is past its soft limit.
    let seq = 0;
    while ((await firstRun.describe()).historyLength <= SOFT_HISTORY_LIMITS.subdistrictReports) {
      const wave = Array.from({ length: 32 }, () => seq++);
      await forEachConcurrent(wave, 8, (s) =>
        relay.signal(applicationReportSignal, {
          committeeId: committeeOf(s),
          subdistrict: sd,
          stage: 'submitted',
          seq: s,
          paperFormReceived: true,
        }),
      );
    }
    const stoppedAt = Date.now();

    // The reports stopped: the first run hands over within a few quiet periods, not after its ten-minute batch.
    const latest = client.workflow.getHandle(relay.workflowId);
    await eventually(async () => expect((await latest.describe()).runId).not.toBe(relay.firstExecutionRunId), 30_000);
    expect(Date.now() - stoppedAt).toBeLessThan(10 * QUIET_MS);
    const history = await firstRun.fetchHistory();
    const events = history.events ?? [];
    expect(events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
    // Nothing was forwarded before the hand-over: every report went with the run.
    expect(events.filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes)).toEqual([]);
    const markers = events.flatMap((e) =>
      Object.values(e.markerRecordedEventAttributes?.details ?? {}).flatMap((d) =>
        (d.payloads ?? []).map((p) => Buffer.from(p.data ?? []).toString()),
      ),
    );
    expect(markers.filter((m) => m.includes(RELAY_HAND_OVER_AT_QUIET_PATCH))).toHaveLength(1);

    // Asked to forward, the next run sends one batch: each committee's latest report, none missing.
    expect(await latest.executeUpdate(forwardNowUpdate)).toEqual({ forwarded: 1 });
    const batches = await signalsOf(sink.workflowId, 'applicationReports');
    expect(batches).toHaveLength(1);
    const latestSeq = new Map<string, number>();
    for (let s = 0; s < seq; s++) latestSeq.set(committeeOf(s), s);
    expect(Object.fromEntries(batches[0].reports.map((r) => [r.committeeId, r.seq]))).toEqual(
      Object.fromEntries(latestSeq),
    );

    // The run that handed over replays against the current code.
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: dataConverter() },
      history,
      relay.workflowId,
    );
  }, 180_000);
});

const committeeOf = (s: number) => `relay-${String(s % COMMITTEES).padStart(3, '0')}`;

/** The payloads of every signal of this name in a workflow's history, decoded. */
async function signalsOf(workflowId: string, name: string): Promise<ApplicationReportBatch[]> {
  const history = await w().client.workflow.getHandle(workflowId).fetchHistory();
  const out: ApplicationReportBatch[] = [];
  for (const e of history.events ?? []) {
    const a = e.workflowExecutionSignaledEventAttributes;
    if (a?.signalName !== name) continue;
    const [plain] = await codec.decode([a.input!.payloads![0] as Payload]);
    out.push(defaultPayloadConverter.fromPayload(plain));
  }
  return out;
}
