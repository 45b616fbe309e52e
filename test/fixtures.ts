/** Test data: the generated directory, forms, and calendars moved ahead of a server's clock. */
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { defaultCalendar, shiftCalendar, type CampaignCalendar } from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import type { ApplicationForm } from '../domain/application-form';
import { generateDirectory } from '../data/generate-directory';
import { BUNDLE_OPTIONS } from '../worker/create-worker';

export const directory = generateDirectory(3);

const DAY = 86_400_000;

/** The 2023 calendar's shape, moved ahead by whole weeks so that it opens after `nowMs` (+ `leadDays`). */
export function calendar2023Ahead(nowMs: number, leadDays = 1): { calendar: CampaignCalendar; shiftDays: number } {
  const base = defaultCalendar(2023, loadWorkdays(2023));
  const weeks = Math.ceil((nowMs + leadDays * DAY - Date.parse(base.opens)) / (7 * DAY));
  const shiftDays = weeks * 7;
  return { calendar: shiftCalendar(base, shiftDays), shiftDays };
}

/** An instant of the 2023 calendar ("2023-06-05T02:00:00Z"), moved like the calendar. */
export function at(iso: string, shiftDays: number): number {
  return Date.parse(iso) + shiftDays * DAY;
}

export function formFor(committeeId: string, paperFormReceived = true): Partial<ApplicationForm> {
  return {
    members: 7,
    partyMembers: 4,
    crossAppointedMembers: 2,
    selfAssessment: {
      partyLeadership: '成立业委会党的工作小组，每月召开联席会议。',
      rulesFollowed: '业主大会议事规则、财务公开制度齐全并按季公开。',
      selfBuilding: '成员分工明确，两名成员与居委会交叉任职。',
      rolePlayed: '监督物业服务合同履行，协调完成加装电梯两部。',
      residentsEvaluation: '年度满意度测评 92 分。',
    },
    summary: `${committeeId} 申报红色示范业委会。`,
    paperFormReceived,
  };
}

export function scores(total: number) {
  const base = Math.floor(total / 5);
  const extra = total - base * 5;
  return {
    partyLeadership: base + (extra > 0 ? 1 : 0),
    rulesFollowed: base + (extra > 1 ? 1 : 0),
    selfBuilding: base + (extra > 2 ? 1 : 0),
    rolePlayed: base + (extra > 3 ? 1 : 0),
    residentsEvaluation: base,
  };
}

/** A titles file (data/titles-2022.json's shape): 2022 titles of `committeeIds`, nameplate and certificate issued. */
export function titlesFile(committeeIds: string[], awardedOn = '2022-12-20') {
  const subdistrictOf = (id: string) => directory.committees.find((c) => c.id === id)!.subdistrict;
  return {
    awardYear: 2022,
    titles: committeeIds.map((committeeId) => ({
      committeeId,
      subdistrict: subdistrictOf(committeeId),
      awardedOn,
      nameplateIssued: true,
      certificateIssued: true,
    })),
  };
}

/** The inspection company's record of a title's re-evaluation, as the bureau enters it. */
export function reevaluationInspection(total = 90, date = '2023-08-07') {
  return { actor: 'bureau-org', scores: scores(total), total, inspector: '钱文', date, notes: '现场检查台账' };
}

/** A holder's written materials for its re-evaluation. */
export function reevaluationMaterials(committeeId: string) {
  return { actor: committeeId, summary: `${committeeId} 2023 年度书面复评材料：党建引领、制度执行情况汇报` };
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** One workflow bundle per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    ...BUNDLE_OPTIONS,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as any,
  });
  return bundle;
}
