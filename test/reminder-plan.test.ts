/** The reminder plan, pure: exact send instants of the 2023 calendar, who owes what, and which reminders are due. */
import { messageIdFor } from '../activities/send-mail';
import { describe, expect, it } from 'vitest';
import {
  defaultCalendar,
  endOfBeijingDay,
  formatBeijing,
  resolveCalendar,
  type CampaignCalendar,
} from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import { DEFAULT_GRADE_BANDS } from '../domain/grades';
import { directory } from './fixtures';
import { initialCampaignState, type CampaignInput, type CampaignState } from '../workflows/campaign/state';
import type { ApplicationInput, ApplicationState } from '../workflows/application/state';
import {
  campaignNoticeJobs,
  campaignPending,
  campaignReminderJobs,
  campaignSlots,
  nextRecoveryAt,
  paperFormJobs,
  paperFormSlots,
  recoveryJobs,
  reevaluationJobs,
  reevaluationSlots,
  revocationNoticeJobs,
  type RecoveryReminderView,
  type ReevaluationReminderView,
} from '../workflows/reminders/plan';
import {
  deadlineSlots,
  dueSlots,
  nextSlotAt,
  weeklySlots,
  DEFAULT_REMINDER_SETTINGS,
  type Slot,
} from '../workflows/reminders/slots';

const T2023 = loadWorkdays(2023);
const CAL = defaultCalendar(2023, T2023);
const bj = (slots: Slot[]) => slots.map((s) => formatBeijing(s.at));
const t = (iso: string) => Date.parse(iso);
const HUAYANG = '华阳路街道';

function campaignInput(overrides: Partial<CampaignInput> = {}, calendar: CampaignCalendar = CAL): CampaignInput {
  return {
    year: 2023,
    calendar,
    quota: 5,
    subdistricts: directory.subdistricts,
    staff: directory.people,
    gradeBands: DEFAULT_GRADE_BANDS,
    ...overrides,
  };
}

function withRegistry(
  input: CampaignInput,
  entries: Record<string, { sd: string; stage: string; paper?: boolean }>,
): CampaignState {
  const s = initialCampaignState(input);
  for (const [id, e] of Object.entries(entries))
    s.registry[id] = { sd: e.sd, stage: e.stage, seq: 1, paper: e.paper ?? true, name: `${id} 业主委员会` };
  return s;
}

describe('send instants of the 2023 plan', () => {
  it('reminds each 街镇 at 09:00 Beijing on the 7th, 3rd and 1st working day before Jul 31: Jul 20, 26, 28', () => {
    const input = campaignInput();
    const slots = campaignSlots(input, initialCampaignState(input));
    for (const sd of directory.subdistricts) {
      const review = slots.filter((s) => s.kind === 'review' && s.scope === sd);
      expect(review.map((s) => [s.offset, new Date(s.at).toISOString()])).toEqual([
        [7, '2023-07-20T01:00:00.000Z'],
        [3, '2023-07-26T01:00:00.000Z'],
        [1, '2023-07-28T01:00:00.000Z'],
      ]);
      expect(review.every((s) => s.deadline === '2023-07-31T16:00:00.000Z')).toBe(true);
    }
    expect(bj(slots.filter((s) => s.kind === 'inspection'))).toEqual([
      '2023-10-20 09:00',
      '2023-10-26 09:00',
      '2023-10-30 09:00',
    ]);
    expect(bj(slots.filter((s) => s.kind === 'panel'))).toEqual([
      '2023-10-20 09:00',
      '2023-10-26 09:00',
      '2023-10-30 09:00',
    ]);
    expect(bj(slots.filter((s) => s.kind === 'final'))).toEqual([
      '2023-11-21 09:00',
      '2023-11-27 09:00',
      '2023-11-29 09:00',
    ]);
    expect(slots.filter((s) => s.kind === 'objections')).toEqual([]); // no draft list yet
  });

  it('skips the National Day holiday: 公示 ending Sat Oct 7 is reminded on Sep 26 and Sep 28; the 7-day one precedes the list', () => {
    const input = campaignInput();
    const s = initialCampaignState(input);
    s.draft = {
      ranking: ['a'],
      tieBreakRule: 'x',
      by: 'panel-chair',
      at: '2023-09-25T02:00:00.000Z',
      publicityEnds: new Date(endOfBeijingDay('2023-10-07')).toISOString(),
    };
    const objections = campaignSlots(input, s).filter((x) => x.kind === 'objections');
    expect(objections.map((x) => [x.offset, formatBeijing(x.at)])).toEqual([
      [3, '2023-09-26 09:00'],
      [1, '2023-09-28 09:00'], // Sep 29 – Oct 6 are holidays; Oct 7 itself is a make-up workday
    ]);
    // With a draft list, the panel and inspection reminders stop.
    expect(campaignSlots(input, s).filter((x) => x.kind === 'panel' || x.kind === 'inspection')).toEqual([]);
  });

  it('skips 劳动节 and counts the Saturday make-up workday: paper forms due May 8', () => {
    const cal = resolveCalendar({
      year: 2023,
      overrides: { applicationsClose: '2023-05-08' },
      workdays: T2023,
      now: t('2023-03-01T00:00:00Z'),
    });
    const slots = deadlineSlots('paper-form', '', cal.applicationsClose, cal.opens, T2023, DEFAULT_REMINDER_SETTINGS);
    expect(slots.map((x) => [x.offset, formatBeijing(x.at)])).toEqual([
      [7, '2023-04-25 09:00'],
      [3, '2023-05-04 09:00'], // Apr 29 – May 3 off
      [1, '2023-05-06 09:00'], // Saturday make-up workday
    ]);
  });

  it('follows a per-街镇 extension and the configured offsets', () => {
    const input = campaignInput({ reminders: { offsets: [5, 0], hour: 10 } });
    const s = initialCampaignState(input);
    s.reviewDeadlines[HUAYANG] = new Date(endOfBeijingDay('2023-08-10')).toISOString();
    const review = campaignSlots(input, s).filter((x) => x.kind === 'review');
    expect(bj(review.filter((x) => x.scope === HUAYANG))).toEqual(['2023-08-03 10:00', '2023-08-10 10:00']);
    expect(bj(review.filter((x) => x.scope === '新泾镇'))).toEqual(['2023-07-24 10:00', '2023-07-31 10:00']);
  });

  it('drops reminders before the window opens and offsets outside the workday table', () => {
    // Applications open Apr 1; Apr 5 is 清明, so the 1st working day before Apr 6 is Apr 4; the 3rd and 7th fall in March.
    expect(
      bj(
        deadlineSlots(
          'paper-form',
          '',
          new Date(endOfBeijingDay('2023-04-06')).toISOString(),
          CAL.opens,
          T2023,
          DEFAULT_REMINDER_SETTINGS,
        ),
      ),
    ).toEqual(['2023-04-04 09:00']);
    const early = { ...T2023, from: '2023-04-01' };
    expect(
      deadlineSlots(
        'paper-form',
        '',
        new Date(endOfBeijingDay('2023-04-06')).toISOString(),
        '2023-01-01T00:00:00Z',
        early,
        { offsets: [30, 1], hour: 9 },
      ).map((x) => x.offset),
    ).toEqual([1]);
  });

  it('plans weekly reminders on the first working day of each week', () => {
    const slots = weeklySlots(
      'recovery',
      'huayang-001',
      '2023-09-27T02:00:00.000Z',
      t('2023-10-24T00:00:00Z'),
      T2023,
      DEFAULT_REMINDER_SETTINGS,
    );
    // Week of Oct 2 is all holiday until Sat Oct 7 (make-up workday).
    expect(bj(slots)).toEqual(['2023-10-07 09:00', '2023-10-09 09:00', '2023-10-16 09:00', '2023-10-23 09:00']);
    expect(slots.every((x) => x.offset === null && x.deadline === new Date(x.at).toISOString())).toBe(true);
  });
});

describe('which reminders are due', () => {
  const input = campaignInput();
  const slots = campaignSlots(input, initialCampaignState(input)).filter(
    (s) => s.kind === 'review' && s.scope === HUAYANG,
  );

  it('sends a slot once the clock passes it, and only the latest of one deadline after a gap', () => {
    expect(dueSlots(slots, t('2023-07-19T00:00:00Z'), t('2023-07-20T00:59:59Z'))).toEqual([]);
    expect(dueSlots(slots, t('2023-07-19T00:00:00Z'), t('2023-07-20T01:00:00Z')).map((s) => s.offset)).toEqual([7]);
    expect(dueSlots(slots, t('2023-07-20T01:00:00Z'), t('2023-07-25T00:00:00Z'))).toEqual([]);
    // The worker was down from Jul 19 to Jul 27: one reminder (the 3-day one), not two.
    expect(dueSlots(slots, t('2023-07-19T00:00:00Z'), t('2023-07-27T00:00:00Z')).map((s) => s.offset)).toEqual([3]);
    // Nothing after the deadline.
    expect(dueSlots(slots, t('2023-07-19T00:00:00Z'), t('2023-08-01T00:00:00Z'))).toEqual([]);
    expect(nextSlotAt(slots, t('2023-07-20T01:00:00Z'))).toBe(t('2023-07-26T01:00:00Z'));
    expect(nextSlotAt(slots, t('2023-07-28T01:00:00Z'))).toBeUndefined();
  });
});

describe('who owes what', () => {
  const input = campaignInput();
  const officials = (sd: string) =>
    directory.people.filter((p) => p.role === 'subdistrict' && p.subdistrict === sd).map((p) => p.id);
  const slotAt = (kind: Slot['kind'], scope = ''): Slot =>
    campaignSlots(input, s0).find((x) => x.kind === kind && x.scope === scope)!;
  const s0 = initialCampaignState(input);

  it('gives a 街镇 official one email naming all 12 undecided applications and the list to confirm', () => {
    const entries: Record<string, { sd: string; stage: string }> = {};
    for (let i = 1; i <= 12; i++)
      entries[`huayang-${String(i).padStart(3, '0')}`] = { sd: HUAYANG, stage: 'submitted' };
    entries['huayang-013'] = { sd: HUAYANG, stage: 'recommended' };
    entries['jiangsu-001'] = { sd: '江苏路街道', stage: 'submitted' };
    const s = withRegistry(input, entries);
    const now = t('2023-07-20T01:00:00Z');
    const jobs = campaignReminderJobs(input, s, now - 1, now, 'campaign-2023');
    const huayang = jobs.filter((j) => j.to.id === officials(HUAYANG)[0]);
    expect(huayang).toHaveLength(1);
    const tpl = huayang[0].template;
    expect(tpl.type === 'reminder' && tpl.items.map((i) => (i.action === 'decide' ? i.committeeId : i.action))).toEqual(
      [...Array.from({ length: 12 }, (_, i) => `huayang-${String(i + 1).padStart(3, '0')}`), 'confirm-list'],
    );
    expect(huayang[0]).toMatchObject({
      workflowId: 'campaign-2023',
      kind: 'review',
      deadline: '2023-07-31T16:00:00.000Z',
      offset: '7',
      scheduledAt: '2023-07-20T01:00:00.000Z',
    });
    // One email per official of every 街镇 that has not confirmed, and nobody else.
    expect(jobs.map((j) => j.to.id).sort()).toEqual(
      directory.people
        .filter((p) => p.role === 'subdistrict')
        .map((p) => p.id)
        .sort(),
    );
  });

  it('sends nothing to a 街镇 that has confirmed, and only the list to one that has decided everything', () => {
    const s = withRegistry(input, {
      'huayang-001': { sd: HUAYANG, stage: 'recommended' },
      'jiangsu-001': { sd: '江苏路街道', stage: 'recommended' },
    });
    s.confirmed['江苏路街道'] = {
      by: 'official-jiangsu',
      at: '2023-06-05T02:00:00.000Z',
      recommended: ['jiangsu-001'],
    };
    const now = t('2023-07-20T01:00:00Z');
    expect(campaignPending(slotAt('review', '江苏路街道'), input, s, now)).toEqual([]);
    const [p] = campaignPending(slotAt('review', HUAYANG), input, s, now);
    expect(p.items).toEqual([{ action: 'confirm-list', subdistrict: HUAYANG, recommended: 1, undecided: 0 }]);
    // The confirmed 街镇 has no slots left at all.
    expect(campaignSlots(input, s).some((x) => x.scope === '江苏路街道')).toBe(false);
  });

  it('reminds every inspector of recommended applications not yet inspected, the chair until the list is final', () => {
    const s = withRegistry(input, {
      'huayang-001': { sd: HUAYANG, stage: 'recommended' },
      'huayang-002': { sd: HUAYANG, stage: 'inspected' },
      'jiangsu-001': { sd: '江苏路街道', stage: 'recommended' },
      'jiangsu-002': { sd: '江苏路街道', stage: 'not-recommended' },
    });
    const now = t('2023-10-20T01:00:00Z');
    const insp = campaignPending(slotAt('inspection'), input, s, now);
    expect(insp.map((x) => x.to.id)).toEqual(['inspector-1', 'inspector-2']);
    expect(insp[0].items.map((i) => (i.action === 'inspect' ? i.committeeId : ''))).toEqual([
      'huayang-001',
      'jiangsu-001',
    ]);
    const panel = campaignPending(slotAt('panel'), input, s, now);
    expect(panel).toEqual([
      { to: expect.objectContaining({ id: 'panel-chair' }), items: [{ action: 'finalize', inspected: 1, quota: 5 }] },
    ]);
    s.draft = {
      ranking: ['huayang-002'],
      tieBreakRule: 'x',
      by: 'panel-chair',
      at: '2023-10-19T02:00:00.000Z',
      publicityEnds: '2023-10-25T16:00:00.000Z',
    };
    expect(campaignPending(slotAt('panel'), input, s, now)).toEqual([]);
  });

  it('reminds the bureau of unresolved objections and of the final confirmation', () => {
    const s = withRegistry(input, { 'huayang-002': { sd: HUAYANG, stage: 'listed' } });
    s.draft = {
      ranking: ['huayang-002'],
      tieBreakRule: 'x',
      by: 'panel-chair',
      at: '2023-10-19T02:00:00.000Z',
      publicityEnds: '2023-10-25T16:00:00.000Z',
    };
    s.objections.push(
      {
        id: 'obj-1',
        committeeId: 'huayang-002',
        name: '张三',
        contact: '138',
        grounds: '理由一二三四五六七八',
        filedAt: '2023-10-20T02:00:00.000Z',
      },
      {
        id: 'obj-2',
        committeeId: 'huayang-002',
        name: '李四',
        contact: '139',
        grounds: '理由一二三四五六七八',
        filedAt: '2023-10-20T03:00:00.000Z',
        resolution: { outcome: 'dismissed', reason: 'x', by: 'bureau-lu', at: '2023-10-21T02:00:00.000Z' },
      },
    );
    const objSlot = campaignSlots(input, s).find((x) => x.kind === 'objections')!;
    const obj = campaignPending(objSlot, input, s, objSlot.at);
    expect(obj.map((x) => x.to.id)).toEqual(['bureau-lu', 'bureau-org']);
    expect(obj[0].items).toEqual([
      expect.objectContaining({
        action: 'resolve-objection',
        objectionId: 'obj-1',
        committeeId: 'huayang-002',
        committeeName: 'huayang-002 业主委员会',
      }),
    ]);
    const finSlot = campaignSlots(input, s).find((x) => x.kind === 'final')!;
    const fin = campaignPending(finSlot, input, s, finSlot.at);
    expect(fin[0].items.map((i) => i.action)).toEqual(['resolve-objection', 'confirm-final']);
    s.final = { list: ['huayang-002'], by: 'bureau-lu', at: '2023-11-01T02:00:00.000Z' };
    expect(campaignPending(finSlot, input, s, finSlot.at)).toEqual([]);
  });

  it('tells the bureau when the panel is overdue', () => {
    const finSlot = campaignSlots(input, s0).find((x) => x.kind === 'final')!;
    expect(campaignPending(finSlot, input, s0, finSlot.at)[0].items).toEqual([
      { action: 'panel-overdue', inspectionCloses: '2023-10-31T16:00:00.000Z' },
    ]);
  });
});

describe('phase notices', () => {
  it('announces the opening, the draft list and the final list once each', () => {
    const input = campaignInput();
    const s = withRegistry(input, { 'huayang-001': { sd: HUAYANG, stage: 'listed' } });
    const done: string[] = [];
    const at = (iso: string) => campaignNoticeJobs(input, s, t(iso), 'campaign-2023', done);
    expect(at('2023-03-31T00:00:00Z')).toEqual([]);
    const opened = at('2023-04-01T00:00:00Z');
    expect(opened.map((n) => n.key)).toEqual(['campaign-opened']);
    expect(opened[0].jobs.map((j) => j.to.role).sort()).toEqual([
      ...Array(2).fill('bureau'),
      ...Array(10).fill('subdistrict'),
    ]);
    done.push('campaign-opened');
    s.draft = {
      ranking: ['huayang-001'],
      tieBreakRule: 'x',
      by: 'panel-chair',
      at: '2023-09-25T02:00:00.000Z',
      publicityEnds: '2023-10-07T16:00:00.000Z',
    };
    const draft = at('2023-09-25T02:00:00Z');
    expect(draft.map((n) => n.key)).toEqual(['draft-published']);
    expect(draft[0].jobs).toHaveLength(2 + 10 + 3);
    expect(draft[0].jobs[0].template).toMatchObject({
      notice: 'draft-published',
      ranking: [{ committeeId: 'huayang-001', committeeName: 'huayang-001 业主委员会', subdistrict: HUAYANG }],
    });
  });

  it('keys a once-per-campaign notice by its type and Beijing date, not by the instant of the event', () => {
    const input = campaignInput();
    const s = withRegistry(input, { 'huayang-001': { sd: HUAYANG, stage: 'listed' } });
    const ids = (publishedAt: string) => {
      s.draft = {
        ranking: ['huayang-001'],
        tieBreakRule: 'x',
        by: 'panel-chair',
        at: publishedAt,
        publicityEnds: '2023-10-07T16:00:00.000Z',
      };
      const [draft] = campaignNoticeJobs(input, s, t('2023-09-26T00:00:00Z'), 'campaign-2023', ['campaign-opened']);
      return draft.jobs.map(messageIdFor);
    };
    // 10:00 and 17:59 Beijing on Mon 2023-09-25: one notice, one Message-ID per recipient.
    const morning = ids('2023-09-25T02:00:00.000Z');
    expect(ids('2023-09-25T09:59:00.000Z')).toEqual(morning);
    expect(new Set(morning).size).toBe(2 + 10 + 3);
    // 08:30 Beijing the next day (00:30Z) is another date: another notice.
    expect(ids('2023-09-26T00:30:00.000Z')).not.toEqual(morning);
    const [draft] = campaignNoticeJobs(input, s, t('2023-09-26T01:00:00Z'), 'campaign-2023', ['campaign-opened']);
    expect(draft.jobs[0]).toMatchObject({ kind: 'draft-published', deadline: '2023-09-26' });
  });
});

describe('paper-form reminders of one application', () => {
  const app = (contactEmail?: string): ApplicationInput => ({
    year: 2023,
    form: {
      committeeId: 'huayang-001',
      committeeName: '和福锦苑业主委员会',
      subdistrict: HUAYANG,
    } as ApplicationInput['form'],
    calendar: CAL,
    reviewDeadline: CAL.reviewCloses,
    inspectionDeadline: CAL.inspectionCloses,
    staff: directory.people,
    gradeBands: DEFAULT_GRADE_BANDS,
    campaignWorkflowId: 'campaign-2023',
    submittedBy: 'huayang-001',
    contactEmail,
  });
  const state = (paper: boolean): ApplicationState => ({
    stage: 'submitted',
    paperFormReceived: paper,
    locked: false,
    reviewDeadline: CAL.reviewCloses,
    inspectionDeadline: CAL.inspectionCloses,
    audit: [],
    rejectedCount: 0,
    reportSeq: 0,
  });

  it('reminds the committee on May 22, 26 and 30 until the paper form is recorded', () => {
    expect(bj(paperFormSlots(app(), state(false)))).toEqual([
      '2023-05-22 09:00',
      '2023-05-26 09:00',
      '2023-05-30 09:00',
    ]);
    const now = t('2023-05-22T01:00:00Z');
    const [job] = paperFormJobs(
      app('huayang-001@example.org'),
      state(false),
      now - 1,
      now,
      'application-2023-huayang-001',
    );
    expect(job).toMatchObject({
      kind: 'paper-form',
      offset: '7',
      to: { id: 'huayang-001', role: 'committee', email: 'huayang-001@example.org' },
    });
    expect(paperFormJobs(app('x@example.org'), state(true), now - 1, now, 'w')).toEqual([]);
    // An extension of the applications window, told to the application, moves the reminders.
    const extended = { ...state(false), applicationsClose: new Date(endOfBeijingDay('2023-06-15')).toISOString() };
    expect(bj(paperFormSlots(app(), extended))).toEqual(['2023-06-06 09:00', '2023-06-12 09:00', '2023-06-14 09:00']);
  });
});

describe('re-evaluation and recovery helpers', () => {
  const officials = directory.people
    .filter((p) => p.role === 'subdistrict' && p.subdistrict === HUAYANG)
    .map((p) => ({ id: p.id, name: p.name, role: 'subdistrict' as const, email: p.email }));
  const view = (over: Partial<ReevaluationReminderView> = {}): ReevaluationReminderView => ({
    year: 2023,
    committee: { id: 'huayang-001', name: '和福锦苑业主委员会', email: 'huayang-001@example.org' },
    subdistrict: HUAYANG,
    calendar: CAL,
    startedAt: '2023-04-01T00:00:00.000Z',
    materialsDue: new Date(endOfBeijingDay('2023-09-30')).toISOString(),
    materialsPending: true,
    preReviewPending: false,
    officials,
    submitCommand: 'npm run cli -- reevaluation submit --year 2023 --as huayang-001',
    preReviewCommand: (id) => `npm run cli -- reevaluation pre-review --year 2023 --committee huayang-001 --as ${id}`,
    ...over,
  });

  it('reminds the holder of its materials before Sat Sep 30 (Fri Sep 29 is 中秋), and the 街镇 of its pre-review', () => {
    const slots = reevaluationSlots(view(), DEFAULT_REMINDER_SETTINGS);
    expect(bj(slots.filter((x) => x.kind === 'reevaluation-materials'))).toEqual([
      '2023-09-20 09:00',
      '2023-09-26 09:00',
      '2023-09-28 09:00',
    ]);
    expect(bj(slots.filter((x) => x.kind === 'reevaluation-review'))).toEqual([
      '2023-10-20 09:00',
      '2023-10-26 09:00',
      '2023-10-30 09:00',
    ]);
    const now = t('2023-09-20T01:00:00Z');
    const [job] = reevaluationJobs(view(), now - 1, now, 'reevaluation-2023-huayang-001', DEFAULT_REMINDER_SETTINGS);
    expect(job).toMatchObject({
      kind: 'reevaluation-materials',
      to: { id: 'huayang-001', role: 'committee' },
      template: { items: [{ action: 'submit-materials', command: expect.stringContaining('reevaluation submit') }] },
    });
    expect(reevaluationJobs(view({ materialsPending: false }), now - 1, now, 'w', DEFAULT_REMINDER_SETTINGS)).toEqual(
      [],
    );
    const oct20 = t('2023-10-20T01:00:00Z');
    const review = reevaluationJobs(
      view({ materialsPending: false, preReviewPending: true }),
      oct20 - 1,
      oct20,
      'w',
      DEFAULT_REMINDER_SETTINGS,
    );
    expect(review.map((j) => j.to.id)).toEqual(officials.map((o) => o.id));
  });

  it('chases the 街镇 weekly until the nameplate is recovered, and announces the revocation', () => {
    const v: RecoveryReminderView = {
      year: 2023,
      awardYear: 2022,
      committee: { id: 'huayang-001', name: '和福锦苑业主委员会', email: 'huayang-001@example.org' },
      subdistrict: HUAYANG,
      calendar: CAL,
      revokedAt: '2023-09-27T02:00:00.000Z',
      reason: '未通过 2023 年度复评',
      pending: true,
      officials,
      bureau: [],
      recoverCommand: (id) => `npm run cli -- title confirm-recovery --committee huayang-001 --as ${id}`,
    };
    expect(new Date(nextRecoveryAt(v, t('2023-09-27T02:00:00Z'), DEFAULT_REMINDER_SETTINGS)!).toISOString()).toBe(
      '2023-10-07T01:00:00.000Z',
    );
    const now = t('2023-10-09T01:00:00Z');
    const jobs = recoveryJobs(v, t('2023-10-07T01:00:00Z'), now, 'title-huayang-001-2022', DEFAULT_REMINDER_SETTINGS);
    expect(jobs.map((j) => [j.to.id, j.offset, j.scheduledAt])).toEqual(
      officials.map((o) => [o.id, 'weekly', '2023-10-09T01:00:00.000Z']),
    );
    expect(
      recoveryJobs({ ...v, pending: false }, t('2023-10-07T01:00:00Z'), now, 'w', DEFAULT_REMINDER_SETTINGS),
    ).toEqual([]);
    const notices = revocationNoticeJobs(v, 'title-huayang-001-2022');
    expect(notices.map((j) => j.to.role)).toEqual(['committee', ...officials.map(() => 'subdistrict')]);
    expect(notices[1].template).toMatchObject({
      notice: 'revocation',
      recoverCommand: expect.stringContaining('confirm-recovery'),
    });
  });
});
