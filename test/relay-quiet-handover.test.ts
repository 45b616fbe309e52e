/**
 * A 街镇's relay past its soft limit hands over at the first quiet moment, even while reports wait for their batch:
 * they go with the run, and the next run forwards them. The batch here waits ten minutes, so a relay that waited
 * for it (as before RELAY_HAND_OVER_AT_QUIET_PATCH) would still be in its first run when the test gives up.
 * Time-skipping server (time is not skipped here: the quiet moment is real seconds).
 * RELAY_HISTORIES_TO=<folder> also writes the run that handed over there, as golden histories.
 */
import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, keyringFromEnv } from '../client/codec';
import { forEachConcurrent } from '../bench/stats';
import { applicationReportSignal, type ApplicationReportBatch } from '../workflows/campaign/stage-report';
import {
  BACKSTOP_QUIET_MS,
  HISTORY_LIMITS,
  QUIET_MS,
  QUIET_WATCH_FROM_EVENTS_PATCH,
  RELAY_BACKSTOP_PATCH,
  RELAY_LIMITS_BEFORE_PATCH,
  RELAY_QUIET_WATCH_PATCH,
  RELAY_SOFT_LIMIT,
} from '../workflows/shared/continue-as-new';
import { forwardNowUpdate } from '../workflows/subdistrict-reports/messages';
import { RELAY_HAND_OVER_AT_QUIET_PATCH } from '../workflows/subdistrict-reports/workflow';
import { directory } from './fixtures';
import { replayAndRecord } from './golden-record';
import { eventually, withTimeSkippingWorker } from './harness';

const w = withTimeSkippingWorker('relay-hand-over');
const sd = directory.subdistricts[0];
/** Committees reporting: fewer than MAX_BATCH, so no batch goes for its size; each reports again and again. */
const COMMITTEES = 150;
const BATCH_MS = 10 * 60_000;
const codec = new EncryptionCodec(keyringFromEnv());

describe("a 街镇's relay at its soft limit", () => {
  it('hands over at the first quiet moment, carrying the reports still waiting, and loses none', async () => {
    const { relay, sink, first, firstRun, wave } = await startRelay(2190);
    let seq = 0;
    // Waves of reports, never a pause of QUIET_MS, until the first run is past its soft limit.
    while ((await firstRun.describe()).historyLength <= RELAY_SOFT_LIMIT) seq = await wave(seq);
    // Still the first run: short of its backstop, it waits for a quiet moment.
    expect((await relay.describe()).runId).toBe(first);
    const stoppedAt = Date.now();

    // The reports stopped: the first run hands over within a few quiet periods, not after its ten-minute batch.
    await eventually(async () => expect((await relay.describe()).runId).not.toBe(first), 30_000);
    expect(Date.now() - stoppedAt).toBeLessThan(10 * QUIET_MS);
    const events = await handedOver(relay, first, 'quiet-hand-over');
    // Nothing was forwarded before the hand-over: every report went with the run.
    expect(events.filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes)).toEqual([]);
    await expectEveryReportForwarded(relay, sink, seq);
  }, 180_000);

  it('hands over in a task of its own while reports keep coming, long before the old backstop, and loses none', async () => {
    const { relay, sink, first, firstRun, wave } = await startRelay(2191);
    // One report about every STREAM_MS, as a busy window's come to a relay at 10,000 applications: never even
    // BACKSTOP_QUIET_MS without one, so only a task that took no report can end the first run. Before
    // RELAY_BACKSTOP_PATCH the run went on to 1,500 events, and with a backstop that waited for 250 ms without a
    // report it would have too.
    let seq = 0;
    let reportsPastBackstop = 0;
    while ((await relay.describe()).runId === first) {
      expect(seq).toBeLessThan(RELAY_LIMITS_BEFORE_PATCH.backstop); // a report adds at least one event
      if ((await firstRun.describe()).historyLength > HISTORY_LIMITS.subdistrictReports) reportsPastBackstop++;
      seq = await wave(seq, 1);
      await sleep(STREAM_MS);
    }
    // Within a few seconds of the backstop: a refused hand-over, if any, is not tried again in the replay after it.
    expect(reportsPastBackstop).toBeLessThanOrEqual(40);
    const events = await handedOver(relay, first, 'backstop-hand-over');
    expect(events.length).toBeGreaterThan(HISTORY_LIMITS.subdistrictReports);
    expect(events.filter((e) => e.workflowTaskFailedEventAttributes).length).toBeLessThanOrEqual(2);
    await expectEveryReportForwarded(relay, sink, seq);
  }, 180_000);
});

/** Reports in one wave (below). */
const REPORTS_PER_WAVE = 32;
/** The pause between the reports of a stream: well under BACKSTOP_QUIET_MS (the calls between add some 20–50 ms). */
const STREAM_MS = BACKSTOP_QUIET_MS / 2.5;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A relay forwarding to a second relay that stands in for the campaign (it keeps each batch in its history). */
async function startRelay(year: number) {
  const { client, taskQueue } = w();
  const sink = await client.workflow.start('subdistrictReports', {
    taskQueue,
    workflowId: `reports-${year}-sink`,
    args: [{ year, subdistrict: 'sink', campaignWorkflowId: 'campaign-none' }],
  });
  const started = await client.workflow.start('subdistrictReports', {
    taskQueue,
    workflowId: `reports-${year}-${sd}`,
    args: [{ year, subdistrict: sd, campaignWorkflowId: sink.workflowId, batchMs: BATCH_MS }],
  });
  const relay = client.workflow.getHandle(started.workflowId);
  const first = started.firstExecutionRunId;
  const firstRun = client.workflow.getHandle(started.workflowId, started.firstExecutionRunId);
  /** `size` reports, 8 in flight, numbered from `seq`; returns the next number. */
  const wave = async (seq: number, size = REPORTS_PER_WAVE) => {
    const seqs = Array.from({ length: size }, (_, k) => seq + k);
    await forEachConcurrent(seqs, 8, (s) =>
      started.signal(applicationReportSignal, {
        committeeId: committeeOf(s),
        subdistrict: sd,
        stage: 'submitted',
        seq: s,
        paperFormReceived: true,
      }),
    );
    return seq + seqs.length;
  };
  return { relay, sink, first, firstRun, wave };
}

/** The first run's events, checked: it continued as new, no task failed for good, one patch marker; it replays. */
async function handedOver(relay: WorkflowHandle, runId: string, label: string) {
  const history = await w().client.workflow.getHandle(relay.workflowId, runId).fetchHistory();
  const events = history.events ?? [];
  expect(events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
  const markers = events.flatMap((e) =>
    Object.values(e.markerRecordedEventAttributes?.details ?? {}).flatMap((d) =>
      (d.payloads ?? []).map((p) => Buffer.from(p.data ?? []).toString()),
    ),
  );
  for (const patch of [
    RELAY_HAND_OVER_AT_QUIET_PATCH,
    RELAY_BACKSTOP_PATCH,
    QUIET_WATCH_FROM_EVENTS_PATCH,
    RELAY_QUIET_WATCH_PATCH,
  ])
    expect(markers.filter((m) => m.includes(JSON.stringify(patch)))).toHaveLength(1);
  await replayAndRecord(w().client, relay.workflowId, {
    workflowType: 'subdistrictReports',
    runId,
    history,
    label,
    to: process.env.RELAY_HISTORIES_TO,
  });
  return events;
}

/** Asked to forward, the relay sends one batch: each committee's latest report, none missing. */
async function expectEveryReportForwarded(relay: WorkflowHandle, sink: WorkflowHandle, sent: number) {
  expect((await relay.executeUpdate(forwardNowUpdate)).forwarded).toBe(1);
  const batches = await signalsOf(sink.workflowId, 'applicationReports');
  expect(batches).toHaveLength(1);
  const latestSeq = new Map<string, number>();
  for (let s = 0; s < sent; s++) latestSeq.set(committeeOf(s), s);
  expect(Object.fromEntries(batches[0].reports.map((r) => [r.committeeId, r.seq]))).toEqual(
    Object.fromEntries(latestSeq),
  );
}

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
