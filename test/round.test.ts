/**
 * A whole selection round on the time-skipping server, told as the notice tells it (scenario/round.ts): the 2023
 * calendar's shape moved ahead of the server clock, 10 街镇, 30 applications, every path of notice 三 from
 * application to commendation. One `it` per step: a failure in June leaves the earlier steps green in the report.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { eventually, withTimeSkippingWorker } from './harness';
import { directory } from './fixtures';
import { campaignStatus, startCampaign } from '../client/campaigns';
import { applicationStatus } from '../client/applications';
import { closedApplicationSnapshot } from '../client/application-result';
import { formatCampaignStatus } from '../client/format';
import { formatDeadline } from '../domain/calendar';
import { applicationWorkflowId } from '../temporal/ids';
import type { ApplicationResult } from '../workflows/application/result';
import type { CampaignResult } from '../workflows/campaign/workflow';
import { roundStory } from '../scenario/round';
import { playScene, type PlayOptions } from '../scenario/play';
import { clientDriver } from '../scenario/drivers/client';
import type { SceneId } from '../scenario/acts';

const YEAR = 2023;
const story = roundStory(directory, { year: YEAR });
const { plan, expected } = story;
const scene = (id: SceneId) => story.selection.find((s) => s.id === id)!;

const worker = withTimeSkippingWorker('round');
let client: Client;
let play: PlayOptions;
let campaign: { result(): Promise<CampaignResult> };

beforeAll(async () => {
  const { taskQueue, calendar, clock } = worker();
  client = worker().client;
  play = { driver: clientDriver({ client, year: YEAR, directory, taskQueue }), clock };
  campaign = await startCampaign(client, { calendar, directory, taskQueue });
});

describe.sequential('the 2023 round, step by step (time-skipping)', () => {
  it('三(一) Apr 3: every committee applies; the bureau records the paper forms of all but 新泾镇', async () => {
    await playScene(scene('applications'), play);
    await eventually(async () => expect((await campaignStatus(client, YEAR)).counts.total).toBe(30));
    const xinjing = story.cast.bySubdistrict.at(-1)!;
    expect((await applicationStatus(client, YEAR, xinjing[0])).paperFormReceived).toBeFalsy();
    expect((await applicationStatus(client, YEAR, story.cast.bySubdistrict[0][0])).paperFormReceived).toBe(true);
  });

  it('三(二) Jun 5: seven 街镇 recommend two and turn one down; 程家桥 never confirms; 北新泾 recommends all', async () => {
    await playScene(scene('review'), play);
    const status = await campaignStatus(client, YEAR);
    expect(status.phase).toBe('review');
    const confirmed = plan.confirming.map((i) => directory.subdistricts[i]);
    expect(Object.keys(status.confirmed).sort()).toEqual([...confirmed].sort());
    expect((await applicationStatus(client, YEAR, plan.notRecommended[0])).decision?.kind).toBe('not-recommend');
  });

  it('三(三) Aug 7: the inspection company inspects all 18 recommended; the panel votes for the five best', async () => {
    expect(plan.recommended).toHaveLength(18);
    await playScene(scene('inspection'), play);
    const status = await campaignStatus(client, YEAR);
    expect(status.phase).toBe('inspection');
    expect(status.votes).toBe(5);
    expect((await applicationStatus(client, YEAR, plan.ranking[0])).inspection?.total).toBe(99);
  });

  it('三(四) Sep 28: the draft list is published until Wed Oct 11 24:00; one objection upheld, one dismissed', async () => {
    await playScene(scene('publicity'), play);
    const status = await campaignStatus(client, YEAR);
    expect(status.phase).toBe('publicity');
    // 公示 counts 5 whole working days from Sat Oct 7 (a make-up day after the holiday Sep 29 – Oct 6): Oct 7–11.
    const ends = play.clock.instant('10-12 00:00');
    expect(status.draft!.publicityEnds).toBe(new Date(ends).toISOString());
    expect(formatCampaignStatus(status)).toContain(formatDeadline(ends));
    const resolutions = status.objections.map((o) => [o.committeeId, o.resolution?.outcome]);
    expect(resolutions).toEqual([
      [plan.removed, 'upheld'],
      [plan.ranking[3], 'dismissed'],
    ]);
  });

  it('公示 is still open at 23:00 on its last day, and over the next morning', async () => {
    await play.clock.until('10-11 23:00');
    expect((await campaignStatus(client, YEAR)).phase).toBe('publicity');
    await play.clock.until('10-12 09:00');
    await eventually(async () => expect((await campaignStatus(client, YEAR)).phase).toBe('awaiting-confirmation'));
  });

  it('三(四) Oct 12: the bureau confirms the final list; the committee of the upheld objection is removed', async () => {
    await playScene(scene('confirmation'), play);
    const result = await campaign.result();
    expect(result.finalList).toEqual(expected.finalList);
    expect(result.removed).toEqual(expected.removed);
  });

  it('every application ends with the stage and reason the story expects', async () => {
    for (const c of directory.committees) {
      const final = (await client.workflow.getHandle(applicationWorkflowId(YEAR, c.id)).result()) as ApplicationResult;
      const { stage, reason } = expected.stages[c.id];
      expect({ id: c.id, stage: final.stage }).toEqual({ id: c.id, stage });
      expect(final.reason).toMatch(reason);
    }
    const commended = await applicationStatus(client, YEAR, expected.finalList[0]);
    expect(commended.audit.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'submit',
        'recordPaperForm',
        'recommend',
        'recordInspection',
        'campaign:listed',
        'campaign:commended',
      ]),
    );
  });

  it("an application's timers wait for its deadlines only: none fired at a window's opening", async () => {
    // A timer at the review's or the inspection's opening would fire for every application of the year at once.
    // Others may fire (a paper-form reminder falls on a working day that moves with the calendar), so each fired
    // timer is checked by the instant it was set for: its start plus its duration.
    const { calendar } = worker();
    const openings = [calendar.reviewOpens, calendar.inspectionOpens].map(Date.parse);
    const history = await client.workflow.getHandle(applicationWorkflowId(YEAR, expected.finalList[0])).fetchHistory();
    const setFor = new Map<string, number>();
    const fired: number[] = [];
    for (const e of history.events!) {
      const started = e.timerStartedEventAttributes;
      if (started) setFor.set(started.timerId!, tsToMs(e.eventTime) + tsToMs(started.startToFireTimeout));
      if (e.timerFiredEventAttributes) fired.push(setFor.get(e.timerFiredEventAttributes.timerId!)!);
    }
    expect(setFor.size).toBeGreaterThanOrEqual(2); // the pre-review's and the inspection's deadlines
    const atOpening = fired.filter((t) => openings.some((o) => Math.abs(t - o) < 1_000));
    expect(atOpening.map((t) => new Date(t).toISOString())).toEqual([]);
  });

  it('a closed application read from its history (result and start input) shows what its status query shows', async () => {
    for (const id of [expected.finalList[0], ...Object.keys(expected.stages).slice(0, 3)]) {
      const {
        mail: _mail,
        reached: _reached,
        reportSeq: _seq,
        identityReported: _id,
        ...queried
      } = await applicationStatus(client, YEAR, id);
      const rebuilt = await closedApplicationSnapshot(client, applicationWorkflowId(YEAR, id));
      expect(rebuilt).toEqual(queried);
      expect(rebuilt.audit.find((e) => e.action === 'submit')?.payload).toContain(`"committeeId":"${id}"`);
    }
  });
});
