/**
 * Applications report through their 街镇's relays, and the campaign takes their reports in batches. Here each relay
 * serves at most two committees, so every 街镇 (three committees) has two, as a 街镇 of more than 200 would. The
 * story: a 街镇 decides its applications and confirms its list at once (the confirmation gathers both relays'
 * reports first, so it sees the last decision); the campaign got far fewer signals than there were reports; a
 * 街镇 whose relays are gone still works, its applications reporting directly. Time-skipping server.
 * SUBDISTRICT_HISTORIES_TO=<folder> also writes the campaign's and a relay's histories there, as golden histories.
 */
import { describe, expect, it } from 'vitest';
import { applicationAction, submitApplication } from '../client/applications';
import { campaignAction, campaignApplications, campaignAudit, startCampaign } from '../client/campaigns';
import { campaignWorkflowId } from '../temporal/ids';
import { applicationReportSignal, applicationReportsSignal } from '../workflows/campaign/stage-report';
import { relayCountsFor, relayFor, relaysOf } from '../workflows/subdistrict-reports/relays';
import { directory, formFor } from './fixtures';
import { replayAndRecord } from './golden-record';
import { eventually, withTimeSkippingWorker } from './harness';

const Y = 2023;
const [sdA, sdB] = directory.subdistricts;
const inA = directory.committees.filter((c) => c.subdistrict === sdA).map((c) => c.id);
const inB = directory.committees.filter((c) => c.subdistrict === sdB).map((c) => c.id);
const PER_RELAY = 2;
const counts = relayCountsFor(directory.committees, PER_RELAY);
const relaysOfSd = (sd: string) => relaysOf(Y, sd, counts).map((r) => r.workflowId);
const officialOf = (sd: string) => directory.people.find((p) => p.role === 'subdistrict' && p.subdistrict === sd)!.id;

// Batching is what this file is about; its gathers come seconds before the relays' 8 s timers.
const w = withTimeSkippingWorker('subdistrict-reports', { relayBatchTimers: true });

/** Signals of each name in a workflow's history. */
async function signalsOf(workflowId: string): Promise<Record<string, number>> {
  const history = await w().client.workflow.getHandle(workflowId).fetchHistory();
  const signals: Record<string, number> = {};
  for (const e of history.events ?? []) {
    const name = e.workflowExecutionSignaledEventAttributes?.signalName;
    if (name) signals[name] = (signals[name] ?? 0) + 1;
  }
  return signals;
}

/** A history replays against this code; SUBDISTRICT_HISTORIES_TO=<folder> also writes it there. */
const replayAndKeep = (workflowId: string, workflowType: string) =>
  replayAndRecord(w().client, workflowId, { workflowType, to: process.env.SUBDISTRICT_HISTORIES_TO });

describe('reports through the 街镇 relays', () => {
  it('a 街镇 confirms its list right after its last decision, and the campaign took batches', async () => {
    const { client, calendar, taskQueue } = w();
    await startCampaign(client, { calendar, directory, taskQueue, committeesPerRelay: PER_RELAY });
    // Two relays per 街镇, running before the first submission can be made.
    for (const sd of directory.subdistricts) {
      expect(relaysOfSd(sd)).toEqual([`reports-${Y}-${sd}-1`, `reports-${Y}-${sd}-2`]);
      for (const id of relaysOfSd(sd))
        expect((await client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
    }
    // sdA's committees are split between its relays by their ids.
    const [relayA1, relayA2] = relaysOfSd(sdA);
    expect(inA.map((id) => relayFor(Y, sdA, id, counts).workflowId)).toEqual([relayA1, relayA2, relayA1]);

    await w().sleepUntil('2023-04-03T02:00:00Z');
    for (const id of inA.slice(0, 3))
      await submitApplication(client, { year: Y, directory, committeeId: id, form: formFor(id), taskQueue });
    await submitApplication(client, { year: Y, directory, committeeId: inB[0], form: formFor(inB[0]), taskQueue });

    await w().sleepUntil('2023-06-02T02:00:00Z');
    const official = officialOf(sdA);
    await applicationAction(client, Y, inA[0], 'recommend', { actor: official });
    await applicationAction(client, Y, inA[1], 'recommend', { actor: official });
    await applicationAction(client, Y, inA[2], 'notRecommend', { actor: official, reason: '台账不全' });
    // No wait: the confirmation gathers both relays' reports before it checks that every application is decided.
    const confirmed = await campaignAction(client, Y, 'confirmList', { actor: official });
    expect(confirmed.message).toBe(`${sdA} 推荐名单已确认（2 家），决定已锁定`);

    // The list read asks the relays to forward first: it shows every stage as decided.
    const rows = await campaignApplications(client, Y, sdA);
    expect(Object.fromEntries(rows.map((r) => [r.committeeId, r.stage]))).toEqual({
      [inA[0]]: 'recommended',
      [inA[1]]: 'recommended',
      [inA[2]]: 'not-recommended',
    });
    expect((await campaignApplications(client, Y, sdB)).map((r) => r.committeeId)).toEqual([inB[0]]);
    // Read again with nothing pending: the relays refuse the request in their validator, so no Update enters
    // their histories.
    const relayUpdates = async () => {
      let n = 0;
      for (const id of relaysOfSd(sdA))
        n +=
          (await client.workflow.getHandle(id).fetchHistory()).events?.filter(
            (e) => e.workflowExecutionUpdateAcceptedEventAttributes,
          ).length ?? 0;
      return n;
    };
    const before = await relayUpdates();
    expect(await campaignApplications(client, Y, sdA)).toHaveLength(3);
    expect(await relayUpdates()).toBe(before);

    // Seven reports (four submissions, three decisions) reached the relays one by one: four to sdA's first (two
    // committees), two to its second, one to sdB's. Each of sdA's relays was asked once for what it held. The
    // campaign took none of them singly, and fewer batches than reports.
    const [a1, a2] = [await signalsOf(relayA1), await signalsOf(relayA2)];
    expect([a1.applicationReport, a2.applicationReport]).toEqual([4, 2]);
    expect([a1.gatherReports, a2.gatherReports]).toEqual([1, 1]);
    const atCampaign = await signalsOf(campaignWorkflowId(Y));
    expect(atCampaign.applicationReport).toBeUndefined();
    expect(atCampaign.applicationReports).toBeGreaterThan(0);
    expect(atCampaign.applicationReports).toBeLessThan(7);

    await replayAndKeep(campaignWorkflowId(Y), 'campaign');
    await replayAndKeep(relayA1, 'subdistrictReports');
    await replayAndKeep(relayA2, 'subdistrictReports');
  });

  it('a 街镇 whose relays have ended still works: its applications report to the campaign directly', async () => {
    const { client, taskQueue } = w();
    for (const id of relaysOfSd(sdB)) await client.workflow.getHandle(id).terminate('test: the relay is gone');
    // Still in the review window: sdB decides and confirms, with no relay to forward anything.
    await applicationAction(client, Y, inB[0], 'recommend', { actor: officialOf(sdB) });
    const confirmed = await campaignAction(client, Y, 'confirmList', { actor: officialOf(sdB) });
    expect(confirmed.message).toBe(`${sdB} 推荐名单已确认（1 家），决定已锁定`);
    const rows = await campaignApplications(client, Y, sdB);
    expect(rows.map((r) => [r.committeeId, r.stage])).toEqual([[inB[0], 'recommended']]);
    expect((await signalsOf(campaignWorkflowId(Y))).applicationReport).toBe(1);
    void taskQueue;
  });

  it('a malformed report or batch is refused at the campaign, naming the field, and the rest of a batch counts', async () => {
    const { client } = w();
    const campaign = client.workflow.getHandle(campaignWorkflowId(Y));
    // As a faulty sender would: the types say these cannot be sent, the wire lets them through.
    const send = (name: typeof applicationReportsSignal | typeof applicationReportSignal, payload: unknown) =>
      campaign.signal(name as never, payload as never);
    await send(applicationReportsSignal, { subdistrict: 42, reports: [] });
    await send(applicationReportSignal, { committeeId: inB[2], stage: 'submitted', seq: -1, paperFormReceived: true });
    await send(applicationReportsSignal, {
      subdistrict: sdB,
      reports: [
        { committeeId: inB[1], subdistrict: sdB, stage: 'submitted', seq: 0, paperFormReceived: true },
        { committeeId: '', stage: 'submitted', seq: 0, paperFormReceived: true },
      ],
    });

    const refused = (await campaignAudit(client, Y))
      .filter((e) => e.action.startsWith('applicationReport') && e.outcome === 'rejected')
      .map((e) => [e.action, e.error?.replace(/^(InvalidInput: [\w.]+):.*$/, '$1')]);
    expect(refused).toEqual([
      ['applicationReports', 'InvalidInput: subdistrict'],
      ['applicationReport', 'InvalidInput: seq'],
      ['applicationReports', 'InvalidInput: reports.1.committeeId'],
    ]);
    // The batch's well-formed report was recorded; the refused ones changed nothing, and the campaign runs on.
    const rows = await campaignApplications(client, Y, sdB);
    expect(rows.map((r) => [r.committeeId, r.stage])).toEqual([
      [inB[0], 'recommended'],
      [inB[1], 'submitted'],
    ]);
    expect((await campaign.describe()).status.name).toBe('RUNNING');
  });
  it('a relay started with no batch wait forwards each report as it comes, and arms no timer', async () => {
    const { client, taskQueue } = w();
    // A second relay stands in for the campaign: it keeps each batch it receives in its history.
    const sink = await client.workflow.start('subdistrictReports', {
      taskQueue,
      workflowId: `reports-${Y}-sink`,
      args: [{ year: Y, subdistrict: 'sink', campaignWorkflowId: 'campaign-none' }],
    });
    const relay = await client.workflow.start('subdistrictReports', {
      taskQueue,
      workflowId: `reports-${Y}-immediate`,
      args: [{ year: Y, subdistrict: sdA, campaignWorkflowId: sink.workflowId, batchMs: 0 }],
    });
    // Each report is forwarded before the next is sent: nothing holds it for company.
    for (const [seq, committeeId] of inA.entries()) {
      await relay.signal(applicationReportSignal, {
        committeeId,
        subdistrict: sdA,
        stage: 'submitted',
        seq,
        paperFormReceived: true,
      });
      await eventually(async () => expect((await signalsOf(sink.workflowId)).applicationReports).toBe(seq + 1));
    }
    const events = (await relay.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes)).toHaveLength(inA.length);
    expect(events.filter((e) => e.timerStartedEventAttributes)).toEqual([]);
    await replayAndKeep(relay.workflowId, 'subdistrictReports');
  });

  it('a malformed REPORT_RELAY_BATCH_MS refuses a campaign start in one line naming it, and starts nothing', async () => {
    const { client, calendar, taskQueue } = w();
    const before = await client.workflow.getHandle(campaignWorkflowId(Y)).describe();
    process.env.REPORT_RELAY_BATCH_MS = '1.5s';
    try {
      await expect(startCampaign(client, { calendar, directory, taskQueue })).rejects.toThrow(
        'REPORT_RELAY_BATCH_MS: expected whole ms, 0–600000, got "1.5s"',
      );
    } finally {
      delete process.env.REPORT_RELAY_BATCH_MS;
    }
    const after = await client.workflow.getHandle(campaignWorkflowId(Y)).describe();
    expect([after.runId, after.historyLength]).toEqual([before.runId, before.historyLength]);
  });
});
