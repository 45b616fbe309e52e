/**
 * A Red Model title's state and rules (notice 五(四), the exit mechanism): incidents, re-election,
 * revocation and the recovery of the nameplate and certificate. Pure functions of (state, input, now).
 *
 * Incident rule: an incident counts against the re-evaluation of its date's year. If that year's
 * re-evaluation has already been decided (or there is none, e.g. the award year), the next one counts
 * it, so no event after the award escapes a re-evaluation.
 */
import type { InputCalendar, TimeScale } from '../shared/clock';
import { beijingDate } from '../../domain/calendar';
import type { Staff } from '../../domain/directory';
import type { GradeBands } from '../../domain/grades';
import { TITLE_STATUS_LABELS, type Incident, type TitleStatus } from '../../domain/titles';
import type { AuditTrail } from '../shared/audit';
import type { MailOutboxState } from '../shared/mail-outbox';
import type { ReminderSettings } from '../reminders/slots';
import type { StartReevaluation } from './messages';
import type { PendingTask, ReevaluationResult } from '../reevaluation/state';

export interface TitleInput {
  committeeId: string;
  /** The recommending 街镇 (原申报的推荐街镇). */
  subdistrict: string;
  awardYear: number;
  awardedOn: string;
  nameplateIssued: boolean;
  certificateIssued: boolean;
  source: 'campaign' | 'import';
  note?: string;
  staff: Staff;
  gradeBands: GradeBands;
  /** The committee's name and email from the directory: its revocation notice and its re-evaluations' reminders. */
  committeeName?: string;
  contactEmail?: string;
  /** Reminder offsets (working days) and hour, passed on to every re-evaluation; default 7/3/1 at 09:00. */
  reminders?: Partial<ReminderSettings>;
  carried?: TitleState;
}

export interface Revocation {
  kind: 'failed-reevaluation' | 'reelection';
  reason: string;
  at: string;
  date: string;
}

export interface Recovery {
  subdistrict: string;
  items: string[];
  taskedAt: string;
  confirmedBy?: string;
  confirmedAt?: string;
  recoveredOn?: string;
  note?: string;
}

export interface TitleState extends AuditTrail {
  status: TitleStatus;
  revocation?: Revocation;
  recovery?: Recovery;
  reelection?: { by: string; filedOn: string; at: string; note?: string };
  /** Every year's result, oldest first. */
  reevaluations: ReevaluationResult[];
  current?: { year: number; workflowId: string; startedAt: string };
  /** Start requests not yet acted on (carried across continue-as-new). */
  queue: StartReevaluation[];
  incidents: Incident[];
  /** Refreshed by every year's start request, so authorisation follows staff changes. */
  staff: Staff;
  gradeBands: GradeBands;
  /** The latest campaign calendar (a legacy `clock` inside it in runs recorded before `timeScale`). */
  calendar?: InputCalendar;
  /** The latest re-evaluation's time scale (compressed runs), read only by workflows/shared/clock.ts. */
  timeScale?: TimeScale;
  runs: number;
  /** The revocation notice and the weekly recovery reminders (workflows/title/mail.ts); created on first use. */
  mail?: MailOutboxState;
  /** The calendar instant this title's timers have reached (workflows/shared/clock.ts); unset in older runs. */
  reached?: string;
}

export interface TitleSnapshot extends Omit<TitleState, 'queue' | 'staff' | 'calendar' | 'timeScale'> {
  workflowId: string;
  committeeId: string;
  subdistrict: string;
  awardYear: number;
  awardedOn: string;
  nameplateIssued: boolean;
  certificateIssued: boolean;
  source: TitleInput['source'];
  statusLabel: string;
  queuedYears: number[];
  pending: PendingTask[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const yearOf = (date: string) => Number(date.slice(0, 4));

export function initialTitleState(input: TitleInput): TitleState {
  return {
    status: 'active',
    reevaluations: [],
    queue: [],
    incidents: [],
    staff: input.staff,
    gradeBands: input.gradeBands,
    audit: [],
    rejectedCount: 0,
    runs: 1,
  };
}

export function snapshotOf(s: TitleState, input: TitleInput, workflowId: string): TitleSnapshot {
  const { queue, staff, calendar, timeScale, ...rest } = s;
  const r = s.recovery;
  const pending: PendingTask[] =
    r && !r.confirmedAt
      ? [{ role: 'subdistrict', who: r.subdistrict, task: `回收已颁发的${r.items.join('与')}`, since: r.taskedAt }]
      : [];
  return {
    ...rest,
    workflowId,
    committeeId: input.committeeId,
    subdistrict: input.subdistrict,
    awardYear: input.awardYear,
    awardedOn: input.awardedOn,
    nameplateIssued: input.nameplateIssued,
    certificateIssued: input.certificateIssued,
    source: input.source,
    statusLabel: TITLE_STATUS_LABELS[s.status],
    queuedYears: queue.map((q) => q.year),
    pending,
  };
}

/** Revokes the title (failed re-evaluation, or re-election) and tasks its 街镇 with the recovery. */
export function revoke(s: TitleState, input: TitleInput, kind: Revocation['kind'], reason: string, now: number): void {
  s.status = 'revoked';
  s.revocation = { kind, reason, at: iso(now), date: beijingDate(now) };
  const items = [input.nameplateIssued ? '铭牌' : '', input.certificateIssued ? '奖状' : ''].filter(Boolean);
  s.recovery = { subdistrict: input.subdistrict, items, taskedAt: iso(now) };
  // Nothing was handed out, so there is nothing to recover.
  if (!items.length)
    Object.assign(s.recovery, { confirmedBy: '(system)', confirmedAt: iso(now), note: '未颁发铭牌与奖状，无需回收' });
}

export const revokedLine = (s: TitleState) => `称号已于 ${s.revocation!.date} 撤销：${s.revocation!.reason}`;

/** Why a start request from a campaign is not acted on, as `Kind: message`; undefined when it is. */
export function startRejection(req: StartReevaluation, s: TitleState, input: TitleInput): string | undefined {
  if (s.status === 'revoked') return `WrongPhase: ${revokedLine(s)}，不再复评`;
  if (req.year <= input.awardYear)
    return `WrongPhase: ${input.awardYear} 年度授予的称号自 ${input.awardYear + 1} 年起复评`;
  const years = [
    ...s.reevaluations.map((r) => r.year),
    ...s.queue.map((q) => q.year),
    ...(s.current ? [s.current.year] : []),
  ];
  if (years.includes(req.year)) return `Duplicate: ${req.year} 年度复评已开始`;
  if (years.some((y) => y > req.year)) return `WrongPhase: 已有更晚年度的复评，不再开始 ${req.year} 年度复评`;
  return undefined;
}

/** Incidents the re-evaluation of `year` must count: not yet counted, dated that year or before. */
export const incidentsFor = (s: TitleState, year: number): Incident[] =>
  s.incidents.filter((i) => i.countedIn === undefined && yearOf(i.date) <= year);

/** Records a finished re-evaluation: counted incidents, and revocation on failure. */
export function recordResult(s: TitleState, input: TitleInput, r: ReevaluationResult): void {
  s.reevaluations.push(r);
  for (const i of s.incidents) if (r.countedIncidents.includes(i.id)) i.countedIn = r.year;
  if (r.outcome === 'fail' && s.status === 'active')
    revoke(
      s,
      input,
      'failed-reevaluation',
      `未通过 ${r.year} 年度复评：${r.reasons.join('；')}`,
      Date.parse(r.decidedAt),
    );
}
