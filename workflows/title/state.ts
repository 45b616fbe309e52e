/**
 * A Red Model title's state and rules (notice 五(四), the exit mechanism): incidents, re-election,
 * revocation and the recovery of the nameplate and certificate. Pure functions of (state, input, now).
 *
 * Incident rule: an incident counts against the re-evaluation of its date's year. If that year's
 * re-evaluation has already been decided (or there is none, e.g. the award year), the next one counts
 * it, so no event after the award escapes a re-evaluation.
 */
import type { CampaignCalendar } from '../../domain/calendar';
import { beijingDate } from '../../domain/calendar';
import type { Staff } from '../../domain/directory';
import { findPerson, requireRole, requireSubdistrictOfficial } from '../../domain/authorization';
import type { GradeBands } from '../../domain/grades';
import { parse, reject } from '../../domain/rejections';
import { INCIDENT_LABELS, TITLE_STATUS_LABELS, type Incident, type TitleStatus } from '../../domain/titles';
import type { AuditTrail } from '../shared/audit';
import type { MailOutboxState } from '../shared/mail-outbox';
import type { ReminderSettings } from '../reminders/slots';
import { titleActionSchemas, type StartReevaluation, type TitleActionName } from './messages';
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
  /** The latest campaign calendar: maps workflow time to calendar time (compressed demo clocks). */
  calendar?: CampaignCalendar;
  runs: number;
  /** The revocation notice and the weekly recovery reminders (workflows/title/mail.ts); created on first use. */
  mail?: MailOutboxState;
  /** The calendar instant this title's timers have reached (workflows/shared/clock.ts); unset in older runs. */
  reached?: string;
}

export interface TitleSnapshot extends Omit<TitleState, 'queue' | 'staff' | 'calendar'> {
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
  const { queue, staff, calendar, ...rest } = s;
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

function revoke(s: TitleState, input: TitleInput, kind: Revocation['kind'], reason: string, now: number): void {
  s.status = 'revoked';
  s.revocation = { kind, reason, at: iso(now), date: beijingDate(now) };
  const items = [input.nameplateIssued ? '铭牌' : '', input.certificateIssued ? '奖状' : ''].filter(Boolean);
  s.recovery = { subdistrict: input.subdistrict, items, taskedAt: iso(now) };
  // Nothing was handed out, so there is nothing to recover.
  if (!items.length)
    Object.assign(s.recovery, { confirmedBy: '(system)', confirmedAt: iso(now), note: '未颁发铭牌与奖状，无需回收' });
}

const revokedLine = (s: TitleState) => `称号已于 ${s.revocation!.date} 撤销：${s.revocation!.reason}`;

/** Validates an action; throws a typed one-line rejection and changes nothing. `now` is calendar time. */
export function checkTitleAction(
  name: TitleActionName,
  payload: unknown,
  s: TitleState,
  input: TitleInput,
  now: number,
): any {
  const schema = titleActionSchemas[name];
  if (!schema) reject('InvalidInput', `unknown action ${String(name)}`);
  const data: any = parse(schema as any, payload);
  const today = beijingDate(now);
  switch (name) {
    case 'recordIncident':
      requireRole(s.staff, data.actor, 'bureau', name);
      if (s.status === 'revoked') reject('WrongPhase', revokedLine(s));
      if (data.date > today) reject('InvalidInput', `date: ${data.date} 晚于今天（${today}）`);
      if (yearOf(data.date) < input.awardYear)
        reject('InvalidInput', `date: ${data.date} 早于称号授予年度 ${input.awardYear}`);
      if (s.incidents.some((i) => i.type === data.type && i.date === data.date && i.description === data.description))
        reject('Duplicate', `该事件已记录（${data.date} ${INCIDENT_LABELS[data.type as Incident['type']]}）`);
      return data;
    case 'fileReelection': {
      if (data.actor !== input.committeeId) {
        const p = findPerson(s.staff, data.actor);
        if (p.role === 'subdistrict') requireSubdistrictOfficial(s.staff, data.actor, input.subdistrict, name);
        else if (p.role !== 'bureau')
          reject(
            'WrongActor',
            `${name} is for the committee itself, its 街镇 or the bureau; ${data.actor} is ${p.role}`,
          );
      }
      if (s.reelection) reject('Duplicate', `新一届业委会已于 ${s.reelection.filedOn} 备案`);
      if (s.status === 'revoked') reject('WrongPhase', revokedLine(s));
      const filedOn = data.filedOn ?? today;
      if (filedOn > today) reject('InvalidInput', `filedOn: ${filedOn} 晚于今天（${today}）`);
      if (filedOn < input.awardedOn) reject('InvalidInput', `filedOn: ${filedOn} 早于称号授予日期 ${input.awardedOn}`);
      return { ...data, filedOn };
    }
    case 'confirmRecovery': {
      requireSubdistrictOfficial(s.staff, data.actor, input.subdistrict, name);
      if (s.status === 'active') reject('WrongPhase', '称号有效，无需回收铭牌与奖状');
      const r = s.recovery!;
      if (r.confirmedAt)
        reject(
          'Duplicate',
          `铭牌与奖状已于 ${r.recoveredOn ?? r.confirmedAt.slice(0, 10)} 由 ${r.confirmedBy} 确认回收`,
        );
      const recoveredOn = data.recoveredOn ?? today;
      if (recoveredOn > today) reject('InvalidInput', `recoveredOn: ${recoveredOn} 晚于今天（${today}）`);
      if (recoveredOn < s.revocation!.date)
        reject('InvalidInput', `recoveredOn: ${recoveredOn} 早于撤销日期 ${s.revocation!.date}`);
      return { ...data, recoveredOn };
    }
  }
}

/** Applies a checked action; returns the message for the sender. */
export function applyTitleAction(
  name: TitleActionName,
  data: any,
  s: TitleState,
  input: TitleInput,
  now: number,
): string {
  switch (name) {
    case 'recordIncident': {
      const incident: Incident = {
        id: `incident-${s.incidents.length + 1}`,
        type: data.type,
        date: data.date,
        description: data.description,
        recordedBy: data.actor,
        recordedAt: iso(now),
      };
      s.incidents.push(incident);
      const counts = s.current && yearOf(data.date) <= s.current.year ? ` ${s.current.year} 年度复评` : '下一次复评';
      return `已记录重大影响事件 ${incident.id}（${data.date} ${INCIDENT_LABELS[incident.type]}），计入${counts}`;
    }
    case 'fileReelection':
      s.reelection = { by: data.actor, filedOn: data.filedOn, at: iso(now), note: data.note };
      revoke(s, input, 'reelection', `新一届业委会已于 ${data.filedOn} 备案，原“红色示范业委会”称号即时失效`, now);
      return `${s.revocation!.reason}；已委托${input.subdistrict}回收${s.recovery!.items.join('与') || '（无）'}`;
    case 'confirmRecovery':
      Object.assign(s.recovery!, {
        confirmedBy: data.actor,
        confirmedAt: iso(now),
        recoveredOn: data.recoveredOn,
        note: data.note,
      });
      return `${input.subdistrict}已确认回收${s.recovery!.items.join('与')}`;
  }
}

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
