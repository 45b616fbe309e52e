/**
 * Titles on the time-skipping server: the 2022 holders imported and re-evaluated in 2023
 * (fail on grade, on an incident, on a 街镇 cancellation; two pass), a re-election and a missing-materials
 * failure in 2024, a 10-year lifecycle with small histories, and the rejection paths.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { eventually, withTimeSkippingWorker } from './harness';
import { at, calendar2023Ahead, directory, formFor, reevaluationInspection, scores, titlesFile } from './fixtures';
import { explain } from '../client/errors';
import { DEFAULT_MAILER_CONFIG, type Mailer } from '../activities/mailer';
import { campaignAction, startCampaign } from '../client/campaigns';
import { applicationAction, submitApplication } from '../client/applications';
import {
  importTitles,
  reevaluationAction,
  reevaluationStatus,
  sendReevaluationStarts,
  titleAction,
  titleStatus,
} from '../client/titles';
import { formatDeadline, shiftCalendar, type CampaignCalendar } from '../domain/calendar';
import { DEFAULT_GRADE_BANDS } from '../domain/grades';
import { reevaluationWorkflowId } from '../temporal/ids';
import { TitleStatus } from '../temporal/search-attributes';
import { materialsDueFor } from '../domain/titles';
import { titleUpdates } from '../workflows/title/messages';

let client: Client;
const noMail: Mailer = { config: DEFAULT_MAILER_CONFIG, send: async () => ({ response: '250 test' }), close() {} };

const file = JSON.parse(readFileSync(join(__dirname, '..', 'data', 'titles-2022.json'), 'utf8'));
const [A, B, C, D, E] = (file.titles as { committeeId: string; subdistrict: string }[]).map((t) => t.committeeId);
const sdOf = (id: string) => directory.committees.find((c) => c.id === id)!.subdistrict;
const official = (id: string) =>
  directory.people.find((p) => p.role === 'subdistrict' && p.subdistrict === sdOf(id))!.id;
const otherOfficial = (id: string) =>
  directory.people.find((p) => p.role === 'subdistrict' && p.subdistrict !== sdOf(id))!.id;
const titleId = (id: string) => `title-${id}-2022`;
/** Commended in the 2023 round, so the campaign starts its title. */
const F = 'zhoujiaqiao-001';

const sleepUntilMs = (instant: number) => rig().sleepUntilMs(instant);

/** The rejection is an error, and the workflow's state (by query) did not move. */
/** Everything but the audit trail, which records each refusal the client reports. */
const withoutAudit = (x: unknown) => {
  const { audit: _a, rejectedCount: _r, ...rest } = x as { audit?: unknown; rejectedCount?: unknown };
  return JSON.stringify(rest);
};

async function rejectedUnchanged(query: () => Promise<unknown>, action: () => Promise<unknown>, pattern: RegExp) {
  const before = withoutAudit(await query());
  expect(
    await action().then(
      () => 'accepted',
      (err) => explain(err),
    ),
  ).toMatch(pattern);
  expect(withoutAudit(await query())).toBe(before);
}

/**
 * Waits for a title's yearly continue-as-new by describe, not by query: the time-skipping test server
 * stalls (and stops skipping time for a while) when a query meets the workflow task that continues as new.
 */
async function continuedAsNew(workflowId: string, runBefore: string) {
  await eventually(async () =>
    expect((await client.workflow.getHandle(workflowId).describe()).runId).not.toBe(runBefore),
  );
}

const rig = withTimeSkippingWorker('titles', { worker: { mailer: noMail } });
beforeAll(() => void (client = rig().client));

describe('titles, re-evaluation and exit (time-skipping)', () => {
  it('2023: imports the 2022 holders and re-evaluates them — grade, incident and cancellation fail, two pass', async () => {
    const rows = await importTitles(client, { data: file, directory, taskQueue: rig().taskQueue });
    expect(rows.map((r) => r.outcome)).toEqual(Array(5).fill('started'));
    expect(
      (await importTitles(client, { data: file, directory, taskQueue: rig().taskQueue })).map((r) => r.outcome),
    ).toEqual(Array(5).fill('exists'));
    const wrongSd = { ...file, titles: [{ ...file.titles[0], subdistrict: '新泾镇' }] };
    await expect(importTitles(client, { data: wrongSd, directory, taskQueue: rig().taskQueue })).rejects.toThrow(
      /titles\.0\.subdistrict/,
    );

    await startCampaign(client, {
      calendar: rig().calendar,
      directory,
      taskQueue: rig().taskQueue,
      activeTitles: rows.map((r) => r.workflowId),
    });
    await eventually(async () => {
      for (const id of [A, B, C, D, E]) expect((await titleStatus(client, titleId(id))).current?.year).toBe(2023);
    });
    expect((await reevaluationStatus(client, 2023, A)).materialsDue).toBe(
      new Date(at('2023-09-30T16:00:00Z', rig().shiftDays)).toISOString(),
    );
    // A second start for the year is a recorded duplicate, not a second re-evaluation.
    await sendReevaluationStarts(client, [titleId(A)], {
      year: 2023,
      calendar: rig().calendar,
      materialsDue: materialsDueFor(rig().calendar),
      staff: directory.people,
      gradeBands: DEFAULT_GRADE_BANDS,
    });
    await eventually(async () =>
      expect((await titleStatus(client, titleId(A))).audit.at(-1)).toMatchObject({
        action: 'startReevaluation',
        outcome: 'rejected',
        error: expect.stringMatching(/^Duplicate/),
      }),
    );

    // Incidents are recorded against the title, by the bureau only.
    // Meanwhile a new committee applies in the 2023 round; its commendation will start a title.
    await sleepUntilMs(at('2023-04-03T02:00:00Z', rig().shiftDays));
    await submitApplication(client, {
      year: 2023,
      directory,
      committeeId: F,
      form: formFor(F),
      taskQueue: rig().taskQueue,
    });

    const incident = {
      actor: 'bureau-lu',
      type: 'security-or-fire-accident' as const,
      date: '2023-07-15',
      description: '小区地下车库电动自行车充电引发火灾，造成人员受伤',
    };
    const tB = () => titleStatus(client, titleId(B));
    await rejectedUnchanged(
      tB,
      () => titleAction(client, titleId(B), 'recordIncident', { ...incident, actor: official(B) }),
      /WrongActor/,
    );
    await rejectedUnchanged(
      tB,
      () =>
        client.workflow
          .getHandle(titleId(B))
          .executeUpdate(titleUpdates.recordIncident, { args: [{ ...incident, type: 'flood' as any }] }),
      /InvalidInput.*type/,
    );
    expect((await titleAction(client, titleId(B), 'recordIncident', incident)).message).toMatch(/计入 2023 年度复评/);
    // Refused by the workflow's validator and reported by the client: the refusal lands in the audit trail.
    await rejectedUnchanged(
      tB,
      () => titleAction(client, titleId(B), 'recordIncident', { ...incident, actor: 'inspector-1' }),
      /WrongActor/,
    );
    await eventually(async () =>
      expect((await tB()).audit.at(-1)).toMatchObject({
        action: 'recordIncident',
        actor: 'inspector-1',
        role: 'inspector',
        outcome: 'rejected',
        error: expect.stringMatching(/^rejected \(WrongActor\)/),
      }),
    );
    // Temporal drops a refused Update; the client reported the two it sent (the raw one was not).
    expect(
      (await tB()).audit
        .filter((e) => e.outcome === 'rejected')
        .map((e) => [
          e.action,
          e.actor,
          e.error?.match(/\[refused before execution; reported by the client\]$/) ? 'reported' : 'other',
        ]),
    ).toEqual([
      ['recordIncident', official(B), 'reported'],
      ['recordIncident', 'inspector-1', 'reported'],
    ]);
    expect((await tB()).rejectedCount).toBe(2);

    await sleepUntilMs(at('2023-06-05T02:00:00Z', rig().shiftDays));
    await applicationAction(client, 2023, F, 'recommend', { actor: official(F) });
    await campaignAction(client, 2023, 'confirmList', { actor: official(F) });
    const rA = () => reevaluationStatus(client, 2023, A);
    const materials = (id: string) => ({
      actor: id,
      summary: `${id} 2023 年度书面复评材料：党建引领、制度执行情况汇报`,
      documents: ['复评表', '工作台账'],
    });
    await rejectedUnchanged(
      rA,
      () => reevaluationAction(client, 2023, A, 'submitMaterials', { ...materials(A), actor: official(A) }),
      /WrongActor/,
    );
    for (const id of [A, B, C, D, E]) await reevaluationAction(client, 2023, id, 'submitMaterials', materials(id));
    await rejectedUnchanged(
      rA,
      () => reevaluationAction(client, 2023, A, 'submitMaterials', materials(A)),
      /Duplicate/,
    );
    await rejectedUnchanged(
      rA,
      () => reevaluationAction(client, 2023, A, 'recordInspection', reevaluationInspection(90, '2023-06-05')),
      /WrongPhase.*专项检查自/,
    );

    await sleepUntilMs(at('2023-08-07T02:00:00Z', rig().shiftDays));
    await rejectedUnchanged(
      rA,
      () =>
        reevaluationAction(client, 2023, A, 'recordInspection', {
          ...reevaluationInspection(90, '2023-08-07'),
          actor: A,
        }),
      /WrongActor/,
    );
    await applicationAction(client, 2023, F, 'recordInspection', {
      actor: 'inspector-1',
      scores: scores(93),
      total: 93,
      inspector: '郑立',
      date: '2023-08-07',
      notes: '',
    });
    const totals: Record<string, number> = { [A]: 72, [B]: 88, [C]: 91, [D]: 85, [E]: 95 };
    for (const id of [A, B, C, D, E])
      await reevaluationAction(client, 2023, id, 'recordInspection', reevaluationInspection(totals[id], '2023-08-07'));
    const rC = () => reevaluationStatus(client, 2023, C);
    const cancel = {
      actor: official(C),
      standardisationScore: 58,
      reason: '年度规范化评价成绩不合格：维修资金使用未按规定公示',
    };
    await rejectedUnchanged(
      rC,
      () => reevaluationAction(client, 2023, C, 'cancelEligibility', { ...cancel, actor: otherOfficial(C) }),
      /WrongActor/,
    );
    await reevaluationAction(client, 2023, C, 'cancelEligibility', cancel);
    for (const id of [A, B, D, E])
      await reevaluationAction(client, 2023, id, 'preReview', { actor: official(id), standardisationScore: 90 });
    await rejectedUnchanged(
      rA,
      () => reevaluationAction(client, 2023, A, 'confirm', { actor: official(A) }),
      /WrongActor/,
    );
    const runsBefore = Object.fromEntries(
      await Promise.all(
        [D, E].map(async (id) => [id, (await client.workflow.getHandle(titleId(id)).describe()).runId] as const),
      ),
    );
    for (const id of [A, B, C, D, E]) await reevaluationAction(client, 2023, id, 'confirm', { actor: 'bureau-lu' });
    for (const id of [D, E]) await continuedAsNew(titleId(id), runsBefore[id]);

    const results = Object.fromEntries(
      await Promise.all(
        [A, B, C, D, E].map(async (id) => [id, (await reevaluationStatus(client, 2023, id)).result!] as const),
      ),
    );
    expect(results[A]).toMatchObject({ outcome: 'fail', reasons: ['专项检查等级为“合格”（72 分），低于“良好”'] });
    expect(results[B].outcome).toBe('fail');
    expect(results[B].reasons).toEqual([
      expect.stringMatching(/^小区于 2023-07-15 发生严重治安、消防安全等事故：小区地下车库电动自行车充电引发火灾/),
    ]);
    expect(results[C]).toMatchObject({
      outcome: 'fail',
      reasons: [`${sdOf(C)}依据 2023 年度规范化评价成绩（58 分）取消其复评资格：${cancel.reason}`],
    });
    expect(results[D]).toMatchObject({ outcome: 'pass', grade: '良好' });
    expect(results[E]).toMatchObject({ outcome: 'pass', grade: '优秀' });
    await rejectedUnchanged(
      rA,
      () => reevaluationAction(client, 2023, A, 'confirm', { actor: 'bureau-lu' }),
      /Duplicate/,
    );

    // Failing revokes the title and tasks the original 街镇 with the recovery; passing continues the title.
    for (const id of [A, B, C]) {
      await eventually(async () => {
        const t = await titleStatus(client, titleId(id));
        expect(t.status).toBe('revoked');
        expect(t.revocation!.reason).toMatch(/^未通过 2023 年度复评：/);
        expect(t.pending).toEqual([
          expect.objectContaining({ role: 'subdistrict', who: sdOf(id), task: '回收已颁发的铭牌与奖状' }),
        ]);
      });
    }
    expect((await client.workflow.getHandle(titleId(A)).describe()).typedSearchAttributes.get(TitleStatus)).toBe(
      'revoked',
    );
    for (const id of [D, E]) {
      expect(await titleStatus(client, titleId(id))).toMatchObject({
        status: 'active',
        runs: 2,
        reevaluations: [expect.objectContaining({ year: 2023, outcome: 'pass' })],
      });
    }
    expect((await tB()).incidents[0].countedIn).toBe(2023);

    const tA = () => titleStatus(client, titleId(A));
    await rejectedUnchanged(
      tA,
      () => titleAction(client, titleId(A), 'confirmRecovery', { actor: otherOfficial(A) }),
      /WrongActor/,
    );
    await rejectedUnchanged(
      () => titleStatus(client, titleId(D)),
      () => titleAction(client, titleId(D), 'confirmRecovery', { actor: official(D) }),
      /WrongPhase.*无需回收/,
    );
    expect((await titleAction(client, titleId(A), 'confirmRecovery', { actor: official(A) })).message).toMatch(
      /已确认回收铭牌与奖状/,
    );
    await eventually(async () =>
      expect((await client.workflow.getHandle(titleId(A)).describe()).status.name).toBe('COMPLETED'),
    );
    await rejectedUnchanged(
      tA,
      () => titleAction(client, titleId(A), 'confirmRecovery', { actor: official(A) }),
      /Duplicate.*确认回收/,
    );

    // The round's final confirmation starts a title for each commended committee.
    await sleepUntilMs(at('2023-09-25T02:00:00Z', rig().shiftDays));
    await campaignAction(client, 2023, 'panelFinalize', {
      actor: 'panel-chair',
      ranking: [F],
      tieBreakRule: '总分相同时，以群众评价好得分高者居前',
    });
    await sleepUntilMs(at('2023-10-09T02:00:00Z', rig().shiftDays)); // 公示 of 5 whole working days from Tue Sep 26 ends Sun Oct 8 24:00
    await campaignAction(client, 2023, 'confirmFinal', { actor: 'bureau-lu' });
    await eventually(async () =>
      expect(await titleStatus(client, `title-${F}-2023`)).toMatchObject({
        status: 'active',
        awardYear: 2023,
        subdistrict: sdOf(F),
        source: 'campaign',
        nameplateIssued: true,
        certificateIssued: true,
      }),
    );
  });

  it('2024: a re-election revokes at once mid re-evaluation; materials missing at the deadline fail', async () => {
    const cal24: CampaignCalendar = { ...shiftCalendar(rig().calendar, 364), year: 2024 };
    const t24 = (iso2023: string) => at(iso2023, rig().shiftDays + 364);
    await startCampaign(client, {
      calendar: cal24,
      directory,
      taskQueue: rig().taskQueue,
      activeTitles: [titleId(D), titleId(E), titleId(B), titleId(A)],
    });
    await eventually(async () => {
      for (const id of [D, E]) expect((await titleStatus(client, titleId(id))).current?.year).toBe(2024);
    });
    // B is revoked (recovery still open): the start is refused and recorded; A has ended and is skipped.
    await eventually(async () =>
      expect((await titleStatus(client, titleId(B))).audit.at(-1)).toMatchObject({
        action: 'startReevaluation',
        outcome: 'rejected',
      }),
    );

    await sleepUntilMs(t24('2023-04-03T02:00:00Z'));
    await reevaluationAction(client, 2024, D, 'submitMaterials', {
      actor: D,
      summary: '2024 年度书面复评材料，含换届筹备情况',
    });
    const tD = () => titleStatus(client, titleId(D));
    await rejectedUnchanged(
      tD,
      () => titleAction(client, titleId(D), 'fileReelection', { actor: 'inspector-1' }),
      /WrongActor/,
    );
    const filed = await titleAction(client, titleId(D), 'fileReelection', {
      actor: D,
      note: '第三届业主委员会已选举产生并备案',
    });
    expect(filed.status).toBe('revoked');
    const revoked = await tD();
    expect(revoked.revocation).toMatchObject({
      kind: 'reelection',
      reason: expect.stringMatching(/^新一届业委会已于 \d{4}-\d{2}-\d{2} 备案，原“红色示范业委会”称号即时失效$/),
    });
    await eventually(async () =>
      expect((await reevaluationStatus(client, 2024, D)).result).toMatchObject({
        outcome: 'closed',
        reasons: [expect.stringMatching(/2024 年度复评终止/)],
      }),
    );
    await eventually(async () =>
      expect((await tD()).reevaluations.map((r) => [r.year, r.outcome])).toEqual([
        [2023, 'pass'],
        [2024, 'closed'],
      ]),
    );
    expect(
      await reevaluationAction(client, 2024, D, 'recordInspection', reevaluationInspection(90, '2024-08-05')).catch(
        explain,
      ),
    ).toMatch(/WrongPhase.*复评已终止/);
    await rejectedUnchanged(tD, () => titleAction(client, titleId(D), 'fileReelection', { actor: D }), /Duplicate/);
    await titleAction(client, titleId(D), 'confirmRecovery', { actor: official(D), note: '铭牌、奖状已收回' });
    await eventually(async () =>
      expect((await client.workflow.getHandle(titleId(D)).describe()).status.name).toBe('COMPLETED'),
    );
    expect((await tD()).recovery).toMatchObject({ confirmedBy: official(D), items: ['铭牌', '奖状'] });
    // Nothing in the application path stops a revoked committee from entering the selection again.
    const app = await submitApplication(client, {
      year: 2024,
      directory,
      committeeId: D,
      form: formFor(D),
      taskQueue: rig().taskQueue,
    });
    expect(app.workflowId).toBe(`application-2024-${D}`);

    // E never sends its materials.
    const due = t24('2023-09-30T16:00:00Z');
    expect((await reevaluationStatus(client, 2024, E)).materialsDue).toBe(new Date(due).toISOString());
    await sleepUntilMs(t24('2023-10-09T02:00:00Z'));
    const rE = () => reevaluationStatus(client, 2024, E);
    await rejectedUnchanged(
      rE,
      () => reevaluationAction(client, 2024, E, 'submitMaterials', { actor: E, summary: '逾期提交的书面复评材料' }),
      /WrongPhase.*截止，逾期不予受理/,
    );
    expect((await rE()).stage).toBe('awaiting-confirmation');
    await reevaluationAction(client, 2024, E, 'confirm', { actor: 'bureau-lu' });
    const missing = `未在截止时间 ${formatDeadline(due)}（北京时间） 前提交书面复评材料，不能通过复评`;
    expect((await rE()).result).toMatchObject({ outcome: 'fail', reasons: [missing] });
    await eventually(async () =>
      expect((await titleStatus(client, titleId(E))).revocation?.reason).toBe(`未通过 2024 年度复评：${missing}`),
    );
  });

  it('a 10-year title lifecycle keeps every run small', { timeout: 300_000 }, async () => {
    const { calendar: base, shiftDays } = calendar2023Ahead(await rig().env.currentTimeMs());
    const holder = 'beixinjing-001';
    const data = titlesFile([holder], '2023-02-15');
    const [row] = await importTitles(client, { data, directory, taskQueue: rig().taskQueue });
    for (let k = 0; k < 10; k++) {
      const year = 2023 + k;
      const cal: CampaignCalendar = { ...shiftCalendar(base, 364 * k), year };
      await sendReevaluationStarts(client, [row.workflowId], {
        year,
        calendar: cal,
        materialsDue: materialsDueFor(cal),
        staff: directory.people,
        gradeBands: DEFAULT_GRADE_BANDS,
      });
      await eventually(async () => expect((await titleStatus(client, row.workflowId)).current?.year).toBe(year));
      await reevaluationAction(client, year, holder, 'submitMaterials', {
        actor: holder,
        summary: `${year} 年度书面复评材料汇编`,
      });
      await sleepUntilMs(at('2023-08-07T02:00:00Z', shiftDays + 364 * k));
      await reevaluationAction(client, year, holder, 'recordInspection', reevaluationInspection(92, `${year}-08-07`));
      await reevaluationAction(client, year, holder, 'preReview', { actor: official(holder) });
      const runBefore = (await client.workflow.getHandle(row.workflowId).describe()).runId;
      await reevaluationAction(client, year, holder, 'confirm', { actor: 'bureau-lu' });
      await continuedAsNew(row.workflowId, runBefore);
      expect((await titleStatus(client, row.workflowId)).reevaluations).toHaveLength(k + 1);
    }
    const final = await titleStatus(client, row.workflowId);
    expect(final).toMatchObject({ status: 'active', runs: 11 });
    expect(final.reevaluations.map((r) => r.outcome)).toEqual(Array(10).fill('pass'));

    // Walk the runs back from the current one: every run's history is small.
    const sizes: number[] = [];
    let runId: string | undefined = (await client.workflow.getHandle(row.workflowId).describe()).runId;
    while (runId) {
      const history = await client.workflow.getHandle(row.workflowId, runId).fetchHistory();
      sizes.push(history.events!.length);
      runId = history.events![0].workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    }
    expect(sizes).toHaveLength(11);
    for (const n of sizes) expect(n).toBeLessThan(1_000);
    for (let year = 2023; year < 2033; year++) {
      const h = await client.workflow.getHandle(reevaluationWorkflowId(year, holder)).fetchHistory();
      expect(h.events!.length).toBeLessThan(1_000);
    }
  });
});
