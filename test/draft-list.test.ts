/** The bureau's removal from the draft list, pure: its checks, its effect, its email; and the confirmation message's time. */
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { defaultCalendar } from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import { DEFAULT_GRADE_BANDS } from '../domain/grades';
import { directory } from './fixtures';
import { initialCampaignState, type CampaignInput, type CampaignState } from '../workflows/campaign/state';
import { applyCampaignAction, checkCampaignAction } from '../workflows/campaign/actions';
import { campaignNoticeJobs, campaignReminderJobs } from '../workflows/reminders/plan';
import { renderMail } from '../templates';
import { renderNotice } from '../templates/notices';

const CAL = defaultCalendar(2023, loadWorkdays(2023));
const input: CampaignInput = {
  year: 2023,
  calendar: CAL,
  quota: 5,
  subdistricts: directory.subdistricts,
  staff: directory.people,
  gradeBands: DEFAULT_GRADE_BANDS,
};
const [A, B, C] = directory.committees.filter((c) => c.subdistrict === directory.subdistricts[0]).map((c) => c.id);
const SEP25 = Date.parse('2023-09-25T02:00:00.000Z');
const reason = '小区发生重大消防安全事故';

function drafted(): CampaignState {
  const s = initialCampaignState(input);
  for (const id of [A, B, C])
    s.registry[id] = {
      sd: directory.subdistricts[0],
      stage: 'inspected',
      seq: 1,
      paper: true,
      name: `${id} 业主委员会`,
    };
  applyCampaignAction(
    'panelFinalize',
    { actor: 'panel-chair', ranking: [A, B], tieBreakRule: '按总分排序' },
    s,
    input,
    SEP25,
  );
  s.outbox = [];
  return s;
}

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return `${(err as ApplicationFailure).type}: ${(err as ApplicationFailure).message}`;
  }
  throw new Error('expected a rejection');
};

describe('removeFromList', () => {
  it('is for the bureau, for a committee on the draft list, once, before the final list', () => {
    const s = drafted();
    const check =
      (payload: unknown, state = s, now = SEP25 + 3_600_000) =>
      () =>
        checkCampaignAction('removeFromList', payload, state, input, now);
    const official = directory.people.find((p) => p.role === 'subdistrict')!.id;
    expect(refusal(check({ actor: official, committeeId: B, reason }))).toBe(
      `WrongActor: removeFromList needs role bureau; ${official} is subdistrict`,
    );
    expect(refusal(check({ actor: 'bureau-lu', committeeId: C, reason }))).toBe(
      `NotFound: committeeId: ${C} is not on the draft list`,
    );
    expect(refusal(check({ actor: 'bureau-lu', committeeId: B, reason: '' }))).toMatch(/^InvalidInput: reason: /);
    expect(refusal(check({ actor: 'bureau-lu', committeeId: B, reason, extra: 1 }))).toMatch(/^InvalidInput: .*extra/);
    expect(refusal(check({ actor: 'bureau-lu', committeeId: B, reason }, initialCampaignState(input)))).toMatch(
      /^WrongPhase: there is no draft list yet/,
    );

    const data = check({ actor: 'bureau-lu', committeeId: B, reason })();
    const r = applyCampaignAction('removeFromList', data, s, input, SEP25 + 3_600_000);
    expect(r.message).toBe(`${B} 已移出拟表彰名单：${reason}`);
    expect(s.removed).toEqual([B]);
    expect(s.registry[B].stage).toBe('removed');
    expect(s.listRemovals).toEqual([{ committeeId: B, reason, by: 'bureau-lu', at: '2023-09-25T03:00:00.000Z' }]);
    expect(s.outbox).toEqual([
      { committeeIds: [B], notice: { type: 'removed', reason: `区房管局决定移出拟表彰名单：${reason}` } },
    ]);
    expect(refusal(check({ actor: 'bureau-lu', committeeId: B, reason }))).toBe(
      `Duplicate: ${B} has already been removed from the draft list`,
    );

    applyCampaignAction('confirmFinal', { actor: 'bureau-lu' }, s, input, Date.parse('2023-10-09T02:00:00.000Z'));
    expect(s.final!.list).toEqual([A]);
    expect(refusal(check({ actor: 'bureau-lu', committeeId: A, reason }))).toMatch(
      /^WrongPhase: the final list is already confirmed/,
    );
  });

  it("tells the bureau and the committee's 街镇 by email, once, with the reason", () => {
    const s = drafted();
    applyCampaignAction('removeFromList', { actor: 'bureau-lu', committeeId: B, reason }, s, input, SEP25 + 3_600_000);
    const jobs = campaignNoticeJobs(input, s, SEP25 + 3_600_000, 'campaign-2023', [
      'campaign-opened',
      'draft-published',
    ]);
    expect(jobs.map((j) => j.key)).toEqual([`list-removal|${B}`]);
    const to = jobs[0].jobs.map((j) => j.to.id).sort();
    const sd = directory.subdistricts[0];
    expect(to).toEqual(
      directory.people
        .filter((p) => p.role === 'bureau' || (p.role === 'subdistrict' && p.subdistrict === sd))
        .map((p) => p.id)
        .sort(),
    );
    expect(
      campaignNoticeJobs(input, s, SEP25 + 3_600_000, 'campaign-2023', [
        'campaign-opened',
        'draft-published',
        `list-removal|${B}`,
      ]),
    ).toEqual([]);
    const mail = renderNotice(jobs[0].jobs[0].template as any, jobs[0].jobs[0].to);
    expect(mail.subject).toContain(`2023年拟表彰名单调整：${B} 业主委员会 移出名单`);
    expect(mail.text).toContain(
      `已于 2023-09-25 11:00（北京时间）由区房管局（bureau-lu）移出2023年红色示范业委会拟表彰名单。`,
    );
    expect(mail.text).toContain(`原因：${reason}`);
  });
});

describe('times in messages', () => {
  it('a duplicate list confirmation names the time in Beijing time, not UTC', () => {
    const s = initialCampaignState(input);
    const official = directory.people.find(
      (p) => p.role === 'subdistrict' && p.subdistrict === directory.subdistricts[0],
    )!.id;
    const jun5 = Date.parse('2023-06-05T02:00:01.596Z');
    applyCampaignAction('confirmList', { actor: official }, s, input, jun5);
    expect(refusal(() => checkCampaignAction('confirmList', { actor: official }, s, input, jun5 + 60_000))).toBe(
      `Duplicate: ${directory.subdistricts[0]} confirmed its list on 2023-06-05 10:00 (北京时间)`,
    );
  });
});

describe('re-election flags on the draft list', () => {
  const filing = { committeeId: B, filedOn: '2023-09-26', filingRef: 'HY-2023-031' };
  const at = (iso: string) => Date.parse(iso);

  it('a filing flags a listed committee once; the final list waits for the bureau, who keeps or removes it with a reason', () => {
    const s = drafted();
    const official = directory.people.find(
      (p) => p.role === 'subdistrict' && p.subdistrict === directory.subdistricts[0],
    )!.id;
    const other = directory.people.find(
      (p) => p.role === 'subdistrict' && p.subdistrict !== directory.subdistricts[0],
    )!.id;
    const now = at('2023-09-26T02:00:00.000Z');
    const flag = (payload: unknown) => () => checkCampaignAction('flagReelection', payload, s, input, now);
    expect(refusal(flag({ ...filing, actor: other }))).toMatch(/^WrongActor: flagReelection: .* is an official of /);
    expect(refusal(flag({ ...filing, actor: 'panel-2' }))).toBe(
      'WrongActor: flagReelection is for the committee itself, its 街镇 or the bureau; panel-2 is panel',
    );
    expect(refusal(flag({ ...filing, committeeId: C, actor: C }))).toBe(
      `NotFound: committeeId: ${C} is not on the draft list`,
    );
    expect(refusal(flag({ ...filing, actor: B, filedOn: '2023-02-30' }))).toMatch(
      /^InvalidInput: filedOn: must be a date/,
    );
    applyCampaignAction('flagReelection', flag({ ...filing, actor: B })(), s, input, now);
    expect(refusal(flag({ ...filing, actor: official }))).toBe(
      `Duplicate: ${B} was already flagged: re-election filed 2023-09-26 (HY-2023-031)`,
    );

    const after = at('2023-10-09T02:00:00.000Z');
    expect(refusal(() => checkCampaignAction('confirmFinal', { actor: 'bureau-lu' }, s, input, after))).toBe(
      `WrongPhase: re-election filings await the bureau's decision: ${B} (campaign decide-reelection)`,
    );
    const decide = (payload: unknown) => () => checkCampaignAction('decideReelection', payload, s, input, after);
    expect(refusal(decide({ actor: official, committeeId: B, outcome: 'keep', reason: '新一届班子延续' }))).toMatch(
      /^WrongActor: decideReelection needs role bureau/,
    );
    expect(refusal(decide({ actor: 'bureau-lu', committeeId: A, outcome: 'keep', reason: '新一届班子延续' }))).toBe(
      `NotFound: committeeId: ${A} has no re-election flag`,
    );
    expect(refusal(decide({ actor: 'bureau-lu', committeeId: B, outcome: 'maybe', reason: '新一届班子延续' }))).toMatch(
      /^InvalidInput: outcome: /,
    );
    applyCampaignAction(
      'decideReelection',
      decide({ actor: 'bureau-lu', committeeId: B, outcome: 'remove', reason: '交接尚未完成' })(),
      s,
      input,
      after,
    );
    expect(s.removed).toEqual([B]);
    expect(s.registry[B].stage).toBe('removed');
    expect(refusal(decide({ actor: 'bureau-lu', committeeId: B, outcome: 'keep', reason: '再议一次' }))).toBe(
      `Duplicate: ${B}: the bureau already decided remove (bureau-lu)`,
    );
    expect(() => checkCampaignAction('confirmFinal', { actor: 'bureau-lu' }, s, input, after)).not.toThrow();

    const jobs = campaignNoticeJobs(input, s, after, 'campaign-2023', ['campaign-opened', 'draft-published']);
    expect(jobs.map((j) => j.key)).toEqual([`reelection-flag|${B}`, `reelection-decision|${B}`]);
    const decision = renderNotice(jobs[1].jobs[0].template as any, jobs[1].jobs[0].to);
    expect(decision.text).toContain('移出拟表彰名单（新一届业委会备案编号 HY-2023-031）');
    expect(decision.text).toContain('理由：交接尚未完成');
  });
});

describe('the final-list reminder', () => {
  it('names each re-election flag still awaiting the bureau, with the command to decide', () => {
    const s = drafted();
    applyCampaignAction(
      'flagReelection',
      { actor: B, committeeId: B, filedOn: '2023-09-26', filingRef: 'HY-2023-031' },
      s,
      input,
      Date.parse('2023-09-26T02:00:00.000Z'),
    );
    // Nov 21 09:00 Beijing: the 7th working day before the commendation deadline (Nov 30).
    const jobs = campaignReminderJobs(
      input,
      s,
      Date.parse('2023-11-21T00:59:00.000Z'),
      Date.parse('2023-11-21T01:00:00.000Z'),
      'campaign-2023',
    );
    const finals = jobs.filter((j) => j.kind === 'final');
    expect(finals.map((j) => j.to.id).sort()).toEqual(
      directory.people
        .filter((p) => p.role === 'bureau')
        .map((p) => p.id)
        .sort(),
    );
    const text = renderMail(finals[0].template, finals[0].to).text;
    expect(text).toContain(
      `【换届改选待决定】${B} 业主委员会（${B}，${directory.subdistricts[0]}）已于 2023-09-26 备案（备案编号 HY-2023-031）`,
    );
    // The bureau decides on the objections page, where it also reads and resolves objections.
    expect(text).toContain(
      '决定前不能确认最终名单：\n   在公示异议与最终名单页中办理：http://127.0.0.1:3000/objections',
    );
    expect(text).not.toContain('npm run');
    applyCampaignAction(
      'decideReelection',
      { actor: 'bureau-lu', committeeId: B, outcome: 'keep', reason: '主要成员连任' },
      s,
      input,
      Date.parse('2023-10-09T02:00:00.000Z'),
    );
    const after = campaignReminderJobs(
      input,
      s,
      Date.parse('2023-11-21T00:59:00.000Z'),
      Date.parse('2023-11-21T01:00:00.000Z'),
      'campaign-2023',
    ).filter((j) => j.kind === 'final');
    expect(renderMail(after[0].template, after[0].to).text).not.toContain('换届改选待决定');
  });
});
