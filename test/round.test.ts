/**
 * A whole selection round on the time-skipping server: the 2023 calendar's shape moved ahead of the
 * server clock, 10 街镇, 30 applications, every path of notice 三 from application to commendation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv, eventually, quietWorkerLogs, uniqueTaskQueue } from './harness';
import { at, calendar2023Ahead, directory, formFor, scores, workflowBundle } from './fixtures';
import { createWorker } from '../worker/create-worker';
import { campaignAction, campaignStatus, startCampaign } from '../client/campaigns';
import { applicationAction, applicationStatus, submitApplication } from '../client/applications';
import { applicationWorkflowId } from '../temporal/ids';
import { formatDeadline, toReal } from '../domain/calendar';
import { formatCampaignStatus } from '../client/format';
import type { CampaignCalendar } from '../domain/calendar';

let env: TestWorkflowEnvironment;
let worker: Worker;
let run: Promise<void>;
let calendar: CampaignCalendar;
let shift: number;
const taskQueue = uniqueTaskQueue('round');

const official = (sd: string) => directory.people.find((p) => p.role === 'subdistrict' && p.subdistrict === sd)!.id;
const bySd = (i: number) =>
  directory.committees.filter((c) => c.subdistrict === directory.subdistricts[i]).map((c) => c.id);

async function sleepUntil(calendarIso: string) {
  const target = toReal(calendar, at(calendarIso, shift));
  const now = await env.currentTimeMs();
  if (target > now) await env.sleep(target - now);
}

beforeAll(async () => {
  quietWorkerLogs();
  env = await createTimeSkippingEnv();
  ({ calendar, shiftDays: shift } = calendar2023Ahead(await env.currentTimeMs()));
  worker = await createWorker({
    connection: env.nativeConnection,
    client: env.client,
    taskQueue,
    workflowBundle: await workflowBundle(),
  });
  run = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await run;
  await env?.teardown();
});

describe('a whole round (time-skipping, 2023 shape)', () => {
  it('runs from applications to commendation and ends every application with its stage and reason', async () => {
    const client = env.client;
    const campaign = await startCampaign(client, { calendar, directory, taskQueue });

    await sleepUntil('2023-04-03T02:00:00Z'); // Mon Apr 3, 10:00 Beijing
    for (const c of directory.committees)
      await submitApplication(client, { year: 2023, directory, committeeId: c.id, form: formFor(c.id), taskQueue });
    await eventually(async () => expect((await campaignStatus(client, 2023)).counts.total).toBe(30));

    await sleepUntil('2023-06-05T02:00:00Z');
    // Seven 街镇 recommend two and turn one down, then confirm their lists.
    for (let i = 0; i < 7; i++) {
      const [a, b, c] = bySd(i);
      const actor = official(directory.subdistricts[i]);
      await applicationAction(client, 2023, a, 'recommend', { actor });
      await applicationAction(client, 2023, b, 'recommend', { actor });
      await applicationAction(client, 2023, c, 'notRecommend', { actor, reason: '小区维修资金使用未按规定公示' });
      await campaignAction(client, 2023, 'confirmList', { actor });
    }
    // 程家桥 decides one and never confirms; 北新泾 recommends all; 新泾镇 lets its deadline pass.
    await applicationAction(client, 2023, bySd(7)[0], 'recommend', { actor: official(directory.subdistricts[7]) });
    for (const id of bySd(8))
      await applicationAction(client, 2023, id, 'recommend', { actor: official(directory.subdistricts[8]) });
    await campaignAction(client, 2023, 'confirmList', { actor: official(directory.subdistricts[8]) });

    await sleepUntil('2023-08-07T02:00:00Z');
    const recommended = [...Array.from({ length: 7 }, (_, i) => bySd(i).slice(0, 2)).flat(), bySd(7)[0], ...bySd(8)];
    expect(recommended).toHaveLength(18);
    for (const [n, id] of recommended.entries()) {
      const total = 98 - n * 2;
      await applicationAction(client, 2023, id, 'recordInspection', {
        actor: 'inspector-1',
        scores: scores(total),
        total,
        inspector: '郑立',
        date: '2023-08-07',
        notes: '现场检查台账齐全',
      });
    }
    for (const id of recommended.slice(0, 6))
      await campaignAction(client, 2023, 'panelVote', { actor: 'panel-2', committeeId: id, support: true });

    // Mon Sep 25 10:00: the public gets 5 whole working days from Tue Sep 26 (Sep 29 – Oct 6 off), so 公示 ends Sun Oct 8 24:00.
    await sleepUntil('2023-09-25T02:00:00Z');
    const ranking = recommended.slice(0, 5);
    const finalized = await campaignAction(client, 2023, 'panelFinalize', {
      actor: 'panel-chair',
      ranking,
      tieBreakRule: '总分相同时，以群众评价好得分高者居前',
    });
    expect(finalized.phase).toBe('publicity');
    const status = await campaignStatus(client, 2023);
    const ends = at('2023-10-08T16:00:00Z', shift);
    expect(status.draft!.publicityEnds).toBe(new Date(ends).toISOString());
    expect(finalized.message).toContain(`公示至 ${formatDeadline(ends)} (北京时间)`);
    expect(formatCampaignStatus(status)).toContain(formatDeadline(ends));

    const upheld = await campaignAction(client, 2023, 'fileObjection', {
      name: '张三',
      contact: '13800000000',
      grounds: '该小区业委会换届选举程序存在问题，已向街道反映。',
      committeeId: ranking[1],
    });
    const dismissed = await campaignAction(client, 2023, 'fileObjection', {
      name: '李四',
      contact: 'lisi@example.org',
      grounds: '认为该业委会公开不及时，但未提供具体材料。',
      committeeId: ranking[3],
    });
    await campaignAction(client, 2023, 'resolveObjection', {
      actor: 'bureau-lu',
      objectionId: upheld.objectionId!,
      outcome: 'upheld',
      reason: '经核查，换届选举程序不规范',
    });
    await campaignAction(client, 2023, 'resolveObjection', {
      actor: 'bureau-lu',
      objectionId: dismissed.objectionId!,
      outcome: 'dismissed',
      reason: '经核查，财务与事务公开符合规定',
    });

    await sleepUntil('2023-10-08T15:00:00Z'); // Sun Oct 8 23:00, a make-up workday: still 公示
    expect((await campaignStatus(client, 2023)).phase).toBe('publicity');
    await sleepUntil('2023-10-09T02:00:00Z');
    expect((await campaignStatus(client, 2023)).phase).toBe('awaiting-confirmation');
    await campaignAction(client, 2023, 'confirmFinal', { actor: 'bureau-lu' });
    const result = await campaign.result();
    const finalList = ranking.filter((id) => id !== ranking[1]);
    expect(result.finalList).toEqual(finalList);
    expect(result.removed).toEqual([ranking[1]]);

    const expected = new Map<string, [string, RegExp | undefined]>();
    for (const c of directory.committees) expected.set(c.id, ['not-selected', /评选团未将其列入拟表彰名单/]);
    for (let i = 0; i < 7; i++) expected.set(bySd(i)[2], ['not-recommended', /维修资金/]);
    for (const id of [...bySd(7).slice(1), ...bySd(9)]) expected.set(id, ['no-decision', /截止时间前/]);
    for (const id of finalList) expected.set(id, ['commended', /颁发铭牌与奖状/]);
    expected.set(ranking[1], ['removed', /换届选举程序不规范/]);
    for (const c of directory.committees) {
      const final = await env.client.workflow.getHandle(applicationWorkflowId(2023, c.id)).result();
      const [stage, reason] = expected.get(c.id)!;
      expect({ id: c.id, stage: final.stage }).toEqual({ id: c.id, stage });
      expect(final.reason).toMatch(reason!);
    }
    const commended = await applicationStatus(client, 2023, finalList[0]);
    expect(commended.audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['submit', 'recommend', 'recordInspection', 'campaign:listed', 'campaign:commended']),
    );
  });
});
