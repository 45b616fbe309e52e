/**
 * A title's yearly re-evaluation (复评, notice 五): state and rules, pure functions of
 * (state, input, calendar-now); the actions themselves are in ./actions/, one file each.
 *
 * Order rules (the notice gives the steps, not their order; these are ours):
 * - Materials: from the start until `materialsDue` (bureau may extend it before it passes). None by
 *   then → the re-evaluation cannot pass, and the result says so.
 * - Inspection (bureau, or the inspection company it commissions): from the inspection window's
 *   opening until the bureau decides. Its window's end is a target for reminders, not a wall: a late
 *   inspection must not leave a title undecidable.
 * - 街镇 pre-review: `preReview` (keep on the list, report to the bureau) needs the materials and the
 *   inspection, since the 街镇 reviews "根据专项检查结果". `cancelEligibility` may come at any time
 *   before the decision (the standardisation score is independent of both), even after a preReview.
 * - Bureau `confirm`: at once when a failure is already certain (missing materials, cancellation,
 *   incident, grade below 良好); otherwise only after materials, inspection and pre-review.
 * - Incidents come from the title (recorded there); one that arrives after the decision is not
 *   counted here and the title keeps it for the next re-evaluation.
 */
import type { CampaignCalendar } from '../../domain/calendar';
import { formatDeadline } from '../../domain/calendar';
import type { Staff } from '../../domain/directory';
import { atLeastGood, type GradeBands } from '../../domain/grades';
import { INCIDENT_LABELS, type Incident } from '../../domain/titles';
import type { Inspection } from '../application/state';
import type { AuditTrail } from '../shared/audit';
import type { InputCalendar, TimeScale } from '../shared/clock';
import type { MailOutboxState } from '../shared/mail-outbox';
import type { ReminderSettings } from '../reminders/slots';

export interface ReevaluationInput {
  year: number;
  committeeId: string;
  subdistrict: string;
  awardYear: number;
  titleWorkflowId: string;
  /** The notice's dates; `clock` inside it only in histories recorded before `timeScale` (InputCalendar). */
  calendar: InputCalendar;
  materialsDue: string;
  staff: Staff;
  gradeBands: GradeBands;
  /** Incidents not yet counted by an earlier re-evaluation, dated this year or before. */
  incidents: Incident[];
  /** The holder's name and email from the directory, for its materials reminders (workflows/reevaluation/mail.ts). */
  committeeName?: string;
  contactEmail?: string;
  /** Reminder offsets (working days) and hour; default 7/3/1 at 09:00 Beijing. */
  reminders?: Partial<ReminderSettings>;
  /** Compressed time for demo, bench, fault and test runs, read only by workflows/shared/clock.ts. */
  timeScale?: TimeScale;
  carried?: ReevaluationState;
}

export type ReevaluationStage =
  | 'awaiting-materials'
  | 'awaiting-inspection'
  | 'awaiting-pre-review'
  | 'awaiting-confirmation'
  | 'passed'
  | 'failed'
  | 'closed';
export const REEVALUATION_STAGE_LABELS: Record<ReevaluationStage, string> = {
  'awaiting-materials': '待提交书面复评材料',
  'awaiting-inspection': '待专项检查',
  'awaiting-pre-review': '待街镇预审',
  'awaiting-confirmation': '待区房管局再评审确认',
  passed: '复评通过',
  failed: '复评未通过',
  closed: '复评终止',
};

export interface ReevaluationResult {
  year: number;
  workflowId: string;
  outcome: 'pass' | 'fail' | 'closed';
  reasons: string[];
  decidedBy?: string;
  decidedAt: string;
  note?: string;
  grade?: string;
  total?: number;
  /** Incident ids this decision took into account. */
  countedIncidents: string[];
}

/** Who owes the next step, and since when: the hook for reminders. */
export interface PendingTask {
  role: 'committee' | 'subdistrict' | 'bureau';
  who: string;
  task: string;
  since: string;
  due?: string;
}

export interface ReevaluationState extends AuditTrail {
  stage: ReevaluationStage;
  stageSince: string;
  startedAt: string;
  materialsDue: string;
  materials?: { summary: string; documents: string[]; by: string; at: string };
  materialsMissing?: { deadline: string; notedAt: string };
  inspection?: Inspection & { recordedAt: string };
  preReview?: { by: string; at: string; standardisationScore?: number; note?: string };
  cancellation?: { by: string; at: string; standardisationScore: number; reason: string };
  incidents: Incident[];
  result?: ReevaluationResult;
  /** Reminders to the holder and the 街镇 (workflows/reevaluation/mail.ts); created on first use. */
  mail?: MailOutboxState;
  /** What the campaign last heard from this re-evaluation (workflows/reevaluation/campaign-report.ts); unset in older runs. */
  reported?: { seq: number; waiting: boolean; fallback?: boolean };
  /** The calendar instant this re-evaluation's timers have reached (workflows/shared/clock.ts); unset in older runs. */
  reached?: string;
}

export interface ReevaluationSnapshot extends ReevaluationState {
  workflowId: string;
  year: number;
  committeeId: string;
  subdistrict: string;
  awardYear: number;
  titleWorkflowId: string;
  stageLabel: string;
  inspectionOpens: string;
  inspectionCloses: string;
  /** The year's calendar and time scale, so pages show its deadlines on its own (possibly compressed) clock. */
  calendar: CampaignCalendar;
  timeScale?: TimeScale;
  /** What confirming now would decide: reasons of a certain failure, or 'undetermined'. */
  provisional: { outcome: 'fail' | 'undetermined'; reasons: string[] };
  pending: PendingTask[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const fmt = (v: string | number) => `${formatDeadline(typeof v === 'number' ? v : Date.parse(v))}（北京时间）`;

export function initialReevaluationState(input: ReevaluationInput, now: number): ReevaluationState {
  return {
    stage: 'awaiting-materials',
    stageSince: iso(now),
    startedAt: iso(now),
    materialsDue: input.materialsDue,
    incidents: [...input.incidents],
    audit: [],
    rejectedCount: 0,
  };
}

/** Every reason the re-evaluation fails on the record so far (notice 五(三)), in a fixed order. */
export function failureReasons(s: ReevaluationState, input: ReevaluationInput): string[] {
  const reasons: string[] = [];
  if (s.materialsMissing)
    reasons.push(`未在截止时间 ${fmt(s.materialsMissing.deadline)} 前提交书面复评材料，不能通过复评`);
  if (s.cancellation)
    reasons.push(
      `${input.subdistrict}依据 ${input.year} 年度规范化评价成绩（${s.cancellation.standardisationScore} 分）取消其复评资格：${s.cancellation.reason}`,
    );
  for (const i of s.incidents) reasons.push(`小区于 ${i.date} 发生${INCIDENT_LABELS[i.type]}：${i.description}`);
  if (s.inspection && !atLeastGood(s.inspection.grade))
    reasons.push(`专项检查等级为“${s.inspection.grade}”（${s.inspection.total} 分），低于“良好”`);
  return reasons;
}

export function stageOf(s: ReevaluationState, input: ReevaluationInput): ReevaluationStage {
  if (s.result) return s.result.outcome === 'pass' ? 'passed' : s.result.outcome === 'fail' ? 'failed' : 'closed';
  if (failureReasons(s, input).length || (s.materials && s.inspection && s.preReview)) return 'awaiting-confirmation';
  if (!s.materials) return 'awaiting-materials';
  return s.inspection ? 'awaiting-pre-review' : 'awaiting-inspection';
}

export function pendingTasks(s: ReevaluationState, input: ReevaluationInput): PendingTask[] {
  if (s.result) return [];
  const cal = input.calendar;
  const certain = failureReasons(s, input).length > 0;
  const tasks: PendingTask[] = [];
  if (!s.materials && !certain)
    tasks.push({
      role: 'committee',
      who: input.committeeId,
      task: `向${input.subdistrict}提交书面复评材料`,
      since: s.startedAt,
      due: s.materialsDue,
    });
  if (!s.inspection && !certain) {
    const since = s.startedAt > cal.inspectionOpens ? s.startedAt : cal.inspectionOpens;
    tasks.push({
      role: 'bureau',
      who: '区委组织部、区房管局',
      task: '开展专项检查并录入等级',
      since,
      due: cal.inspectionCloses,
    });
  }
  if (s.materials && s.inspection && !s.preReview && !certain)
    tasks.push({
      role: 'subdistrict',
      who: input.subdistrict,
      task: '街镇预审：确认复评名单报区房管局，或依规范化评价成绩取消资格',
      since: s.stageSince,
    });
  if (s.stage === 'awaiting-confirmation')
    tasks.push({ role: 'bureau', who: '区房管局', task: '再评审并确认复评结果', since: s.stageSince });
  return tasks;
}
