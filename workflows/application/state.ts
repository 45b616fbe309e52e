/**
 * The application's state and its rules: which action is allowed when, by whom.
 * Pure functions of (state, input, now), so the workflow, its Update validators and its
 * signal handler share one set of checks.
 */
import type { CampaignCalendar } from '../../domain/calendar';
import { formatBeijing, formatDeadline, toIso } from '../../domain/calendar';
import type { ApplicationForm } from '../../domain/application-form';
import type { Staff } from '../../domain/directory';
import { requireRole, requireSubdistrictOfficial } from '../../domain/authorization';
import { gradeFor, type Grade, type GradeBands } from '../../domain/grades';
import { requireFiler } from '../../domain/reelection';
import { parse, reject } from '../../domain/rejections';
import { FINAL_STAGES, STAGE_LABELS, type ApplicationStage } from '../../domain/stages';
import { applicationActionSchemas, type ApplicationActionName } from './messages';
import type { MailOutboxState } from '../shared/mail-outbox';
import type { ReminderSettings } from '../reminders/slots';
import type { z } from 'zod';
import type { TimeScale } from '../shared/clock';

export interface AuditEntry {
  at: string;
  actor: string;
  role: string;
  action: string;
  outcome: 'accepted' | 'rejected';
  payload: string;
  error?: string;
}

export interface ApplicationInput {
  year: number;
  form: ApplicationForm;
  calendar: CampaignCalendar;
  /** The committee's 街镇 review deadline and the inspection deadline, as known at submission. */
  reviewDeadline: string;
  inspectionDeadline: string;
  /** People who may act on this application: bureau, the 街镇's officials, inspectors. */
  staff: Staff;
  gradeBands: GradeBands;
  campaignWorkflowId: string;
  submittedBy: string;
  /** The committee's email from the directory, for its paper-form reminders; missing ones are reported to the bureau. */
  contactEmail?: string;
  /** The campaign's reminder settings (offsets in working days, hour). */
  reminders?: Partial<ReminderSettings>;
  /** Compressed time for demo, bench and fault runs, read only by workflows/shared/clock.ts. */
  timeScale?: TimeScale;
  /** Set when continuing as new. */
  carried?: ApplicationState;
}

export interface Inspection {
  scores: Record<string, number>;
  total: number;
  grade: Grade;
  inspector: string;
  date: string;
  notes: string;
  recordedBy: string;
}

export interface ApplicationState {
  stage: ApplicationStage;
  reason?: string;
  paperFormReceived: boolean;
  paperFormReceivedOn?: string;
  decision?: { kind: 'recommend' | 'not-recommend'; by: string; at: string; note?: string };
  locked: boolean;
  inspection?: Inspection;
  rank?: number;
  reviewDeadline: string;
  inspectionDeadline: string;
  audit: AuditEntry[];
  rejectedCount: number;
  reportSeq: number;
  /** Set when the bureau extends the applications window after submission (paper forms are due by then). */
  applicationsClose?: string;
  /** Paper-form reminders (workflows/application/mail.ts); created on first use. */
  mail?: MailOutboxState;
  /** The calendar instant this application's timers have reached (workflows/shared/clock.ts); unset in older runs. */
  reached?: string;
  /** The committee's re-election was filed while the application ran (换届改选备案). */
  reelection?: { filedOn: string; filingRef: string; by: string; at: string; note?: string };
}

export interface ApplicationSnapshot extends ApplicationState {
  workflowId: string;
  year: number;
  form: ApplicationForm;
  stageLabel: string;
  final: boolean;
}

export type CampaignNotice =
  | { type: 'deadline'; window: 'applications' | 'review' | 'inspection'; until: string }
  | { type: 'locked' }
  | { type: 'listed'; rank: number }
  | { type: 'removed'; reason: string }
  | { type: 'commended' }
  | { type: 'not-selected'; reason: string };

export function initialState(input: ApplicationInput): ApplicationState {
  return {
    stage: 'submitted',
    paperFormReceived: input.form.paperFormReceived,
    locked: false,
    reviewDeadline: input.reviewDeadline,
    inspectionDeadline: input.inspectionDeadline,
    audit: [],
    rejectedCount: 0,
    reportSeq: 0,
  };
}

const at = (ms: number) => formatDeadline(ms) + ' (北京时间)';
const from = (ms: number) => formatBeijing(ms) + ' (北京时间)';

/** Validates an action against the state and the calendar instant `now` (calendar time). Throws a typed rejection; changes nothing. */
export function checkAction(
  name: ApplicationActionName,
  payload: unknown,
  s: ApplicationState,
  input: ApplicationInput,
  now: number,
  /** Decides openings; see workflows/campaign/state.ts checkCampaignAction for why it may be later than `now`. */
  late = now,
): z.infer<(typeof applicationActionSchemas)[ApplicationActionName]> {
  const schema = applicationActionSchemas[name];
  if (!schema) reject('InvalidInput', `unknown action ${String(name)}`);
  const data = parse(schema as z.ZodType<any>, payload);
  const cal = input.calendar;
  const sd = input.form.subdistrict;
  if (isFinal(s))
    reject('WrongPhase', `application is closed: ${STAGE_LABELS[s.stage]}${s.reason ? `（${s.reason}）` : ''}`);
  switch (name) {
    case 'recordPaperForm': {
      requireRole(input.staff, data.actor, 'bureau', 'recordPaperForm');
      if (s.paperFormReceived) reject('Duplicate', 'the paper form is already recorded as received');
      if (now >= Date.parse(s.reviewDeadline))
        reject('WrongPhase', `paper forms are recorded until the review deadline ${at(Date.parse(s.reviewDeadline))}`);
      return data;
    }
    case 'recommend':
    case 'notRecommend': {
      requireSubdistrictOfficial(input.staff, data.actor, sd, name);
      if (late < Date.parse(cal.reviewOpens))
        reject('WrongPhase', `街镇 pre-review opens ${from(Date.parse(cal.reviewOpens))}`);
      if (s.locked) reject('WrongPhase', `${sd} has confirmed its list or its deadline passed; decisions are locked`);
      if (now >= Date.parse(s.reviewDeadline))
        reject('WrongPhase', `the review deadline ${at(Date.parse(s.reviewDeadline))} has passed`);
      const kind = name === 'recommend' ? 'recommend' : 'not-recommend';
      if (s.decision?.kind === kind) reject('Duplicate', `already decided: ${kind} by ${s.decision.by}`);
      return data;
    }
    case 'recordReelection': {
      requireFiler(input.staff, data.actor, input.form.committeeId, sd, name);
      if (s.reelection)
        reject(
          'Duplicate',
          `新一届业委会已于 ${s.reelection.filedOn} 备案（备案编号 ${s.reelection.filingRef}），已记录`,
        );
      return data;
    }
    case 'recordInspection': {
      requireRole(input.staff, data.actor, 'inspector', 'recordInspection');
      if (s.inspection) reject('Duplicate', `already inspected on ${s.inspection.date} by ${s.inspection.inspector}`);
      if (s.stage !== 'recommended' || !s.locked)
        reject('WrongPhase', `only recommended applications with a confirmed list are inspected; stage is ${s.stage}`);
      if (late < Date.parse(cal.inspectionOpens))
        reject('WrongPhase', `inspection opens ${from(Date.parse(cal.inspectionOpens))}`);
      if (now >= Date.parse(s.inspectionDeadline))
        reject('WrongPhase', `the inspection deadline ${at(Date.parse(s.inspectionDeadline))} has passed`);
      return data;
    }
  }
}

/** Applies a checked action. Returns the message for the sender. */
export function applyAction(
  name: ApplicationActionName,
  data: any,
  s: ApplicationState,
  input: ApplicationInput,
  now: number,
): string {
  const when = toIso(now);
  switch (name) {
    case 'recordPaperForm':
      s.paperFormReceived = true;
      s.paperFormReceivedOn = data.receivedOn;
      return '已登记纸质推荐表（一式两份）';
    case 'recommend':
      s.decision = { kind: 'recommend', by: data.actor, at: when, note: data.note };
      s.stage = 'recommended';
      s.reason = undefined;
      return `${input.form.subdistrict}已推荐`;
    case 'notRecommend':
      s.decision = { kind: 'not-recommend', by: data.actor, at: when, note: data.reason };
      s.stage = 'not-recommended';
      s.reason = data.reason;
      return `${input.form.subdistrict}不予推荐：${data.reason}`;
    case 'recordReelection':
      s.reelection = { filedOn: data.filedOn, filingRef: data.filingRef, by: data.actor, at: when, note: data.note };
      return `已记录换届改选备案：新一届业委会于 ${data.filedOn} 备案（备案编号 ${data.filingRef}）`;
    case 'recordInspection': {
      const grade = gradeFor(data.total, input.gradeBands);
      s.inspection = {
        scores: data.scores,
        total: data.total,
        grade,
        inspector: data.inspector,
        date: data.date,
        notes: data.notes,
        recordedBy: data.actor,
      };
      s.stage = 'inspected';
      return `专项检查得分 ${data.total}，等级 ${grade}`;
    }
  }
}

/** A 'not-recommend' may be revised while the 街镇 list is open; it is final only once locked. */
export function isFinal(s: ApplicationState): boolean {
  if (s.stage === 'not-recommended') return s.locked;
  return FINAL_STAGES.has(s.stage);
}
