/**
 * Applications report through their 街镇's relay, and the campaign takes their reports in batches. The story: a
 * 街镇 decides its applications and confirms its list at once (the confirmation gathers the relay's reports first,
 * so it sees the last decision); the campaign got far fewer signals than there were reports; a 街镇 whose relay
 * is gone still works, its applications reporting directly. Time-skipping server.
 * SUBDISTRICT_HISTORIES_TO=<folder> also writes the campaign's and a relay's histories there, as golden histories.
 */
import { describe, expect, it } from 'vitest';
import { applicationAction, submitApplication } from '../client/applications';
import { campaignAction, campaignApplications, startCampaign } from '../client/campaigns';
import { campaignWorkflowId, subdistrictReportsWorkflowId } from '../temporal/ids';
import { directory, formFor } from './fixtures';
import { replayAndRecord } from './golden-record';
import { withTimeSkippingWorker } from './harness';

const Y = 2023;
const [sdA, sdB] = directory.subdistricts;
const inA = directory.committees.filter((c) => c.subdistrict === sdA).map((c) => c.id);
const inB = directory.committees.filter((c) => c.subdistrict === sdB).map((c) => c.id);
const officialOf = (sd: string) => directory.people.find((p) => p.role === 'subdistrict' && p.subdistrict === sd)!.id;

const w = withTimeSkippingWorker('subdistrict-reports');

/** Signals of each name in a workflow's history. */
async function signalsOf(workflowId: string): Promise<Record<string, number>> {
  const history = await w().client.workflow.getHandle(workflowId).fetchHistory();
  const counts: Record<string, number> = {};
  for (const e of history.events ?? []) {
    const name = e.workflowExecutionSignaledEventAttributes?.signalName;
    if (name) counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** A history replays against this code; SUBDISTRICT_HISTORIES_TO=<folder> also writes it there. */
const replayAndKeep = (workflowId: string, workflowType: string) =>
  replayAndRecord(w().client, workflowId, { workflowType, to: process.env.SUBDISTRICT_HISTORIES_TO });

describe('reports through the 街镇 relays', () => {
  it('a 街镇 confirms its list right after its last decision, and the campaign took batches', async () => {
    const { client, calendar, taskQueue } = w();
    await startCampaign(client, { calendar, directory, taskQueue });
    // One relay per 街镇, running before the first submission can be made.
    for (const sd of directory.subdistricts) {
      const d = await client.workflow.getHandle(subdistrictReportsWorkflowId(Y, sd)).describe();
      expect(d.status.name).toBe('RUNNING');
    }

    await w().sleepUntil('2023-04-03T02:00:00Z');
    for (const id of inA.slice(0, 3))
      await submitApplication(client, { year: Y, directory, committeeId: id, form: formFor(id), taskQueue });
    await submitApplication(client, { year: Y, directory, committeeId: inB[0], form: formFor(inB[0]), taskQueue });

    await w().sleepUntil('2023-06-02T02:00:00Z');
    const official = officialOf(sdA);
    await applicationAction(client, Y, inA[0], 'recommend', { actor: official });
    await applicationAction(client, Y, inA[1], 'recommend', { actor: official });
    await applicationAction(client, Y, inA[2], 'notRecommend', { actor: official, reason: '台账不全' });
    // No wait: the confirmation gathers the relay's reports before it checks that every application is decided.
    const confirmed = await campaignAction(client, Y, 'confirmList', { actor: official });
    expect(confirmed.message).toBe(`${sdA} 推荐名单已确认（2 家），决定已锁定`);

    // The list read asks the relay to forward first: it shows every stage as decided.
    const rows = await campaignApplications(client, Y, sdA);
    expect(Object.fromEntries(rows.map((r) => [r.committeeId, r.stage]))).toEqual({
      [inA[0]]: 'recommended',
      [inA[1]]: 'recommended',
      [inA[2]]: 'not-recommended',
    });
    expect((await campaignApplications(client, Y, sdB)).map((r) => r.committeeId)).toEqual([inB[0]]);
    // Read again with nothing pending: the relay refuses the request in its validator, so no Update enters its history.
    const relayUpdates = async () =>
      (await client.workflow.getHandle(subdistrictReportsWorkflowId(Y, sdA)).fetchHistory()).events?.filter(
        (e) => e.workflowExecutionUpdateAcceptedEventAttributes,
      ).length;
    const before = await relayUpdates();
    expect(await campaignApplications(client, Y, sdA)).toHaveLength(3);
    expect(await relayUpdates()).toBe(before);

    // Seven reports (four submissions, three decisions) reached sdA's and sdB's relays one by one; the campaign
    // took none of them singly, and fewer batches than reports.
    const relayA = await signalsOf(subdistrictReportsWorkflowId(Y, sdA));
    expect(relayA.applicationReport).toBe(6);
    expect(relayA.gatherReports).toBe(1);
    const atCampaign = await signalsOf(campaignWorkflowId(Y));
    expect(atCampaign.applicationReport).toBeUndefined();
    expect(atCampaign.applicationReports).toBeGreaterThan(0);
    expect(atCampaign.applicationReports).toBeLessThan(7);

    await replayAndKeep(campaignWorkflowId(Y), 'campaign');
    await replayAndKeep(subdistrictReportsWorkflowId(Y, sdA), 'subdistrictReports');
  });

  it('a 街镇 whose relay has ended still works: its applications report to the campaign directly', async () => {
    const { client, taskQueue } = w();
    await client.workflow.getHandle(subdistrictReportsWorkflowId(Y, sdB)).terminate('test: the relay is gone');
    // Still in the review window: sdB decides and confirms, with no relay to forward anything.
    await applicationAction(client, Y, inB[0], 'recommend', { actor: officialOf(sdB) });
    const confirmed = await campaignAction(client, Y, 'confirmList', { actor: officialOf(sdB) });
    expect(confirmed.message).toBe(`${sdB} 推荐名单已确认（1 家），决定已锁定`);
    const rows = await campaignApplications(client, Y, sdB);
    expect(rows.map((r) => [r.committeeId, r.stage])).toEqual([[inB[0], 'recommended']]);
    expect((await signalsOf(campaignWorkflowId(Y))).applicationReport).toBe(1);
    void taskQueue;
  });
});
