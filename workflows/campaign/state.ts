/**
 * The campaign's state and rules (notice 三): phases by the calendar, 街镇 lists, the panel, 公示.
 * Pure functions of (state, input, calendar-now) shared by validators, handlers and signals.
 */
import type { CampaignCalendar } from '../../domain/calendar';
import { formatBeijing, formatDeadline, publicityEnd, publicityEndCountingPublicationDay } from '../../domain/calendar';
import type { Staff } from '../../domain/directory';
import { requirePanelChair, requireRole } from '../../domain/authorization';
import type { GradeBands } from '../../domain/grades';
import { parse, reject } from '../../domain/rejections';
import { requireFiler } from '../../domain/reelection';
import type { CampaignPhase } from '../../domain/stages';
import type { CampaignNotice } from '../application/state';
import { campaignActionSchemas, type CampaignActionName } from './messages';
import { instantMs } from '../shared/instant';
import type { MailOutboxState } from '../shared/mail-outbox';
import type { ReminderSettings } from '../reminders/slots';
import type { CarriedCampaignState } from './registry';
import type { TimeScale } from '../shared/clock';

export interface CampaignInput {
  year: number;
  calendar: CampaignCalendar;
  quota: number;
  subdistricts: string[];
  staff: Staff;
  gradeBands: GradeBands;
  /** Reminder offsets (working days before each deadline) and hour; default 7, 3, 1 at 09:00 Beijing. */
  reminders?: Partial<ReminderSettings>;
  /** Title workflow ids active when the campaign began: each is re-evaluated this year. */
  activeTitles?: string[];
  /** Re-evaluation materials deadline override (date or instant); default: domain/titles.ts materialsDueFor. */
  reevaluationMaterialsDue?: string;
  /** Compressed time for demo, bench and fault runs, read only by workflows/shared/clock.ts. */
  timeScale?: TimeScale;
  /** Set by continue-as-new (workflows/campaign/registry.ts packs the registry). */
  carried?: CarriedCampaignState;
}

export interface RegistryEntry {
  sd: string;
  stage: string;
  seq: number;
  paper: boolean;
  total?: number;
  grade?: string;
  /** The committee's name, for reminders and notices. */
  name?: string;
}

export interface Objection {
  id: string;
  committeeId: string;
  name: string;
  contact: string;
  grounds: string;
  organisation?: string;
  filedAt: string;
  resolution?: { outcome: 'upheld' | 'dismissed'; reason: string; by: string; at: string };
}

export interface ListRemoval {
  committeeId: string;
  reason: string;
  by: string;
  at: string;
}

export interface ReelectionFlag {
  committeeId: string;
  filedOn: string;
  filingRef: string;
  by: string;
  at: string;
  decision?: { outcome: 'keep' | 'remove'; reason: string; by: string; at: string };
}

export interface Outbox {
  committeeIds: string[];
  notice: CampaignNotice;
}

export interface CampaignState {
  applicationsClose: string;
  reviewDeadlines: Record<string, string>;
  inspectionCloses: string;
  confirmed: Record<string, { by: string; at: string; recommended: string[] }>;
  registry: Record<string, RegistryEntry>;
  votes: Record<string, Record<string, { support: boolean; note?: string }>>;
  draft?: { ranking: string[]; tieBreakRule: string; by: string; at: string; publicityEnds: string };
  removed: string[];
  objections: Objection[];
  final?: { list: string[]; by: string; at: string };
  /** Committees the bureau took off the draft list itself (not by an objection), with its reason. */
  listRemovals?: ListRemoval[];
  /** Committees on the draft list that filed their re-election, and the bureau's decision on each. */
  reelectionFlags?: ReelectionFlag[];
  outbox: Outbox[];
  audit: { at: string; actor: string; action: string; outcome: 'accepted' | 'rejected'; detail: string }[];
  rejectedCount: number;
  bureauToldPanelOverdue: boolean;
  /** Reminders and notices by email (workflows/campaign/mail.ts); created on first use. */
  mail?: MailOutboxState;
  /** The calendar instant the campaign's timers have reached (workflows/shared/clock.ts); unset in older runs. */
  reached?: string;
}

export interface CampaignStatus {
  year: number;
  phase: CampaignPhase;
  calendar: CampaignCalendar;
  quota: number;
  applicationsClose: string;
  reviewDeadlines: Record<string, string>;
  inspectionCloses: string;
  confirmed: CampaignState['confirmed'];
  counts: { total: number; byStage: Record<string, number>; bySubdistrict: Record<string, Record<string, number>> };
  votes: number;
  draft?: CampaignState['draft'];
  removed: string[];
  objections: Objection[];
  final?: CampaignState['final'];
  listRemovals: ListRemoval[];
  reelectionFlags: ReelectionFlag[];
  panelOverdue: boolean;
  rejectedActions: number;
  /** Reminder offsets and hour; the mail itself is in the `mailStatus` query (campaignMailQuery). */
  reminders?: ReminderSettings;
}

export function initialCampaignState(input: CampaignInput): CampaignState {
  const c = input.calendar;
  return {
    applicationsClose: c.applicationsClose,
    reviewDeadlines: Object.fromEntries(input.subdistricts.map((sd) => [sd, c.reviewCloses])),
    inspectionCloses: c.inspectionCloses,
    confirmed: {},
    registry: {},
    votes: {},
    removed: [],
    objections: [],
    outbox: [],
    audit: [],
    rejectedCount: 0,
    bureauToldPanelOverdue: false,
  };
}

/** The phase follows from the calendar-time `now` and what has happened. */
export function phaseAt(input: CampaignInput, s: CampaignState, now: number): CampaignPhase {
  const c = input.calendar;
  if (s.final) return 'commended';
  if (s.draft) {
    const unresolved = s.objections.some((o) => !o.resolution);
    return now < Date.parse(s.draft.publicityEnds) || unresolved ? 'publicity' : 'awaiting-confirmation';
  }
  if (now < Date.parse(c.opens)) return 'preparing';
  if (now < Date.parse(s.applicationsClose)) return 'applications';
  if (now < Date.parse(c.inspectionOpens)) return 'review';
  return now < Date.parse(s.inspectionCloses) ? 'inspection' : 'awaiting-panel';
}

/** The next instant (calendar time) at which the phase can change by itself. */
export function nextBoundary(
  input: CampaignInput,
  s: CampaignState,
  now: number,
  timeFromTimers = true,
): number | undefined {
  const c = input.calendar;
  const candidates = [
    c.opens,
    s.applicationsClose,
    c.inspectionOpens,
    s.inspectionCloses,
    ...Object.values(s.reviewDeadlines),
  ]
    .concat(s.draft ? [s.draft.publicityEnds] : [])
    // confirmList checks the opening of the 街镇 pre-review; runs that read the clock had no timer for it.
    .concat(timeFromTimers ? [c.reviewOpens] : [])
    .map((x) => Date.parse(x))
    .filter((t) => t > now);
  return candidates.length ? Math.min(...candidates) : undefined;
}

const fmt = (iso: string | number) => `${formatDeadline(typeof iso === 'number' ? iso : Date.parse(iso))} (北京时间)`;

const parseInstant = instantMs;

export function onList(s: CampaignState): string[] {
  return (s.draft?.ranking ?? []).filter((id) => !s.removed.includes(id));
}

/**
 * `now` decides deadlines ("before D"), `late` openings ("from X on"); workflows/shared/clock.ts gives both:
 * a validator the later of the instant reached and the clock (`forValidator`), a handler the instant reached
 * and +Infinity (`forHandler`: state only; its validator checked the openings, and an opening whose timer is
 * overdue fires after the Update in the same task). `live`, given by validators only, refuses an extension
 * into the past.
 */
export function checkCampaignAction(
  name: CampaignActionName,
  payload: unknown,
  s: CampaignState,
  input: CampaignInput,
  now: number,
  late = now,
  live = now,
): any {
  const schema = campaignActionSchemas[name];
  const data: any = parse(schema as any, payload);
  const phase = phaseAt(input, s, now);
  const phaseFrom = phaseAt(input, s, late);
  const staff = input.staff;
  switch (name) {
    case 'extendDeadline': {
      requireRole(staff, data.actor, 'bureau', name);
      const until = parseInstant(data.until);
      if (until <= Math.max(now, live)) reject('InvalidInput', `until: ${fmt(until)} is not in the future`);
      if (s.draft) reject('WrongPhase', 'the panel has finalised its list; deadlines can no longer move');
      if (data.window === 'applications') {
        if (phase !== 'preparing' && phase !== 'applications')
          reject('WrongPhase', `applications closed ${fmt(s.applicationsClose)}`);
        if (until <= Date.parse(s.applicationsClose))
          reject('InvalidInput', `until: must be after the current deadline ${fmt(s.applicationsClose)}`);
        const firstReview = Math.min(...Object.values(s.reviewDeadlines).map(Date.parse));
        if (until >= firstReview)
          reject('InvalidInput', `until: must be before the review deadline ${fmt(firstReview)}`);
      } else if (data.window === 'review') {
        const sds = data.subdistrict ? [data.subdistrict] : input.subdistricts;
        if (data.subdistrict && !input.subdistricts.includes(data.subdistrict))
          reject('NotFound', `subdistrict: unknown 街镇 ${data.subdistrict}`);
        for (const sd of sds) {
          if (s.confirmed[sd]) reject('WrongPhase', `${sd} has already confirmed its list`);
          if (Date.parse(s.reviewDeadlines[sd]) <= now)
            reject('WrongPhase', `${sd}'s review deadline ${fmt(s.reviewDeadlines[sd])} has passed`);
          if (until <= Date.parse(s.reviewDeadlines[sd]))
            reject('InvalidInput', `until: must be after ${sd}'s deadline ${fmt(s.reviewDeadlines[sd])}`);
        }
        if (until >= Date.parse(s.inspectionCloses))
          reject('InvalidInput', `until: must be before the inspection deadline ${fmt(s.inspectionCloses)}`);
      } else if (until <= Date.parse(s.inspectionCloses)) {
        reject('InvalidInput', `until: must be after the current inspection deadline ${fmt(s.inspectionCloses)}`);
      }
      return data;
    }
    case 'confirmList': {
      const person = requireRole(staff, data.actor, 'subdistrict', name);
      const sd = person.subdistrict!;
      if (s.confirmed[sd])
        reject('Duplicate', `${sd} confirmed its list on ${formatBeijing(Date.parse(s.confirmed[sd].at))} (北京时间)`);
      if (late < Date.parse(input.calendar.reviewOpens))
        reject(
          'WrongPhase',
          `街镇 pre-review opens ${formatBeijing(Date.parse(input.calendar.reviewOpens))} (北京时间)`,
        );
      if (now >= Date.parse(s.reviewDeadlines[sd]))
        reject('WrongPhase', `${sd}'s review deadline ${fmt(s.reviewDeadlines[sd])} has passed`);
      const undecided = Object.entries(s.registry)
        .filter(([, e]) => e.sd === sd && e.stage === 'submitted')
        .map(([id]) => id);
      if (undecided.length)
        reject(
          'WrongPhase',
          `${sd} still has ${undecided.length} undecided application(s): ${undecided.slice(0, 10).join(', ')}`,
        );
      return data;
    }
    case 'panelVote': {
      requireRole(staff, data.actor, 'panel', name);
      if (phaseFrom !== 'inspection' && phaseFrom !== 'awaiting-panel')
        reject('WrongPhase', `the panel votes during the expert review, not in phase ${phaseFrom}`);
      const entry = s.registry[data.committeeId];
      if (!entry) reject('NotFound', `committeeId: no application from ${data.committeeId} this year`);
      if (entry.stage !== 'inspected')
        reject(
          'WrongPhase',
          `${data.committeeId} has not been inspected (stage ${entry.stage}); only inspected applications are eligible`,
        );
      // A member may change their vote until the chair finalises (the phase check above); only an identical vote is a duplicate.
      const prev = s.votes[data.committeeId]?.[data.actor];
      if (prev && prev.support === data.support && (prev.note ?? '') === (data.note ?? ''))
        reject('Duplicate', `${data.actor} has already voted the same on ${data.committeeId}`);
      return data;
    }
    case 'panelFinalize': {
      requirePanelChair(staff, data.actor, name);
      if (phaseFrom !== 'inspection' && phaseFrom !== 'awaiting-panel')
        reject('WrongPhase', `the list is finalised during the expert review, not in phase ${phaseFrom}`);
      if (data.ranking.length > input.quota)
        reject('InvalidInput', `ranking: ${data.ranking.length} committees exceed the quota of ${input.quota}`);
      for (const id of data.ranking) {
        const e = s.registry[id];
        if (!e || e.stage !== 'inspected')
          reject(
            'InvalidInput',
            `ranking: ${id} is not an inspected application; only inspected applications are eligible`,
          );
      }
      return data;
    }
    case 'fileObjection': {
      if (phase !== 'publicity' || now >= Date.parse(s.draft!.publicityEnds))
        reject(
          'WrongPhase',
          s.draft ? `公示已于 ${fmt(s.draft.publicityEnds)} 结束，不再受理异议` : '拟表彰名单尚未公示，暂不受理异议',
        );
      if (!onList(s).includes(data.committeeId)) reject('NotFound', `committeeId: ${data.committeeId} 不在公示名单中`);
      return data;
    }
    case 'resolveObjection': {
      requireRole(staff, data.actor, 'bureau', name);
      const o = s.objections.find((x) => x.id === data.objectionId);
      if (!o) reject('NotFound', `objectionId: no objection ${data.objectionId}`);
      if (o.resolution) reject('Duplicate', `${o.id} was already ${o.resolution.outcome} by ${o.resolution.by}`);
      return data;
    }
    case 'removeFromList': {
      requireRole(staff, data.actor, 'bureau', name);
      if (phase === 'commended')
        reject(
          'WrongPhase',
          'the final list is already confirmed; a commended committee loses its title by revocation, not here',
        );
      if (!s.draft) reject('WrongPhase', `there is no draft list yet; phase is ${phase}`);
      if (!s.draft.ranking.includes(data.committeeId))
        reject('NotFound', `committeeId: ${data.committeeId} is not on the draft list`);
      if (s.removed.includes(data.committeeId))
        reject('Duplicate', `${data.committeeId} has already been removed from the draft list`);
      return data;
    }
    case 'flagReelection': {
      const sd = s.registry[data.committeeId]?.sd;
      if (!sd) reject('NotFound', `committeeId: no application from ${data.committeeId} this year`);
      requireFiler(staff, data.actor, data.committeeId, sd, name);
      if (phase === 'commended')
        reject('WrongPhase', 'the final list is already confirmed; a filing now revokes the title itself');
      if (!onList(s).includes(data.committeeId))
        reject('NotFound', `committeeId: ${data.committeeId} is not on the draft list`);
      const flag = s.reelectionFlags?.find((f) => f.committeeId === data.committeeId);
      if (flag)
        reject(
          'Duplicate',
          `${data.committeeId} was already flagged: re-election filed ${flag.filedOn} (${flag.filingRef})`,
        );
      return data;
    }
    case 'decideReelection': {
      requireRole(staff, data.actor, 'bureau', name);
      if (phase === 'commended') reject('WrongPhase', 'the final list is already confirmed');
      const flag = s.reelectionFlags?.find((f) => f.committeeId === data.committeeId);
      if (!flag) reject('NotFound', `committeeId: ${data.committeeId} has no re-election flag`);
      if (flag.decision)
        reject(
          'Duplicate',
          `${data.committeeId}: the bureau already decided ${flag.decision.outcome} (${flag.decision.by})`,
        );
      return data;
    }
    case 'confirmFinal': {
      requireRole(staff, data.actor, 'bureau', name);
      if (phase === 'commended') reject('Duplicate', 'the final list is already confirmed');
      const open = (s.reelectionFlags ?? []).filter((f) => !f.decision).map((f) => f.committeeId);
      if (open.length)
        reject(
          'WrongPhase',
          `re-election filings await the bureau's decision: ${open.join(', ')} (campaign decide-reelection)`,
        );
      if (phaseFrom !== 'awaiting-confirmation')
        reject(
          'WrongPhase',
          `the final list is confirmed after 公示 ends and every objection is resolved; phase is ${phaseFrom}`,
        );
      return data;
    }
  }
}

/** Rules that changed while campaigns ran; the workflow decides them with patched() so old histories replay. */
export interface CampaignRuleVersions {
  /** 公示 of whole working days (domain/calendar.ts publicityEnd); false: the publication day counted as day 1. */
  wholePublicityDays: boolean;
}
export const CURRENT_RULES: CampaignRuleVersions = { wholePublicityDays: true };

export function applyCampaignAction(
  name: CampaignActionName,
  data: any,
  s: CampaignState,
  input: CampaignInput,
  now: number,
  rules: CampaignRuleVersions = CURRENT_RULES,
): { message: string; objectionId?: string } {
  const at = new Date(now).toISOString();
  const ids = (pred: (e: RegistryEntry) => boolean) =>
    Object.entries(s.registry)
      .filter(([, e]) => pred(e))
      .map(([id]) => id);
  switch (name) {
    case 'extendDeadline': {
      const until = new Date(parseInstant(data.until)).toISOString();
      if (data.window === 'applications') {
        s.applicationsClose = until;
        // Applications remind their committee of the paper form until this deadline.
        const unpaid = ids((e) => !e.paper);
        if (unpaid.length)
          s.outbox.push({ committeeIds: unpaid, notice: { type: 'deadline', window: 'applications', until } });
      } else if (data.window === 'inspection') {
        s.inspectionCloses = until;
        s.bureauToldPanelOverdue = false;
        s.outbox.push({
          committeeIds: ids((e) => e.stage === 'recommended' || e.stage === 'inspected'),
          notice: { type: 'deadline', window: 'inspection', until },
        });
      } else {
        const sds = data.subdistrict ? [data.subdistrict] : input.subdistricts;
        for (const sd of sds) s.reviewDeadlines[sd] = until;
        s.outbox.push({
          committeeIds: ids((e) => sds.includes(e.sd)),
          notice: { type: 'deadline', window: 'review', until },
        });
      }
      return {
        message: `${data.window} 截止时间延长至 ${fmt(until)}${data.subdistrict ? `（${data.subdistrict}）` : ''}`,
      };
    }
    case 'confirmList': {
      const sd = input.staff.find((p) => p.id === data.actor)!.subdistrict!;
      const recommended = ids((e) => e.sd === sd && e.stage === 'recommended');
      s.confirmed[sd] = { by: data.actor, at, recommended };
      s.outbox.push({ committeeIds: ids((e) => e.sd === sd), notice: { type: 'locked' } });
      return { message: `${sd} 推荐名单已确认（${recommended.length} 家），决定已锁定` };
    }
    case 'panelVote': {
      const changed = s.votes[data.committeeId]?.[data.actor] !== undefined;
      (s.votes[data.committeeId] ??= {})[data.actor] = { support: data.support, note: data.note };
      return { message: `已${changed ? '更改' : '记录'}对 ${data.committeeId} 的投票` };
    }
    case 'panelFinalize': {
      const end = rules.wholePublicityDays ? publicityEnd : publicityEndCountingPublicationDay;
      const ends = end(now, input.calendar.publicityWorkingDays, input.calendar.workdays);
      s.draft = {
        ranking: data.ranking,
        tieBreakRule: data.tieBreakRule,
        by: data.actor,
        at,
        publicityEnds: new Date(ends).toISOString(),
      };
      data.ranking.forEach((id: string, i: number) => decide(s, [id], { type: 'listed', rank: i + 1 }));
      const notListed = ids((e) => e.stage === 'inspected' || e.stage === 'recommended').filter(
        (id) => !data.ranking.includes(id),
      );
      const reasonFor = (id: string) =>
        s.registry[id].stage === 'inspected' ? '评选团未将其列入拟表彰名单' : '未完成专项检查，不具备评选资格';
      for (const reason of ['评选团未将其列入拟表彰名单', '未完成专项检查，不具备评选资格']) {
        const group = notListed.filter((id) => reasonFor(id) === reason);
        if (group.length) decide(s, group, { type: 'not-selected', reason });
      }
      return { message: `拟表彰名单已确定（${data.ranking.length} 家），公示至 ${fmt(ends)}` };
    }
    case 'fileObjection': {
      const id = `obj-${s.objections.length + 1}`;
      s.objections.push({
        id,
        committeeId: data.committeeId,
        name: data.name,
        contact: data.contact,
        grounds: data.grounds,
        organisation: data.organisation,
        filedAt: at,
      });
      return { message: `异议已受理，编号 ${id}`, objectionId: id };
    }
    case 'resolveObjection': {
      const o = s.objections.find((x) => x.id === data.objectionId)!;
      o.resolution = { outcome: data.outcome, reason: data.reason, by: data.actor, at };
      if (data.outcome === 'upheld' && !s.removed.includes(o.committeeId)) {
        s.removed.push(o.committeeId);
        decide(s, [o.committeeId], { type: 'removed', reason: `公示异议成立：${data.reason}` });
      }
      return { message: `异议 ${o.id} ${data.outcome === 'upheld' ? '成立' : '不成立'}` };
    }
    case 'removeFromList': {
      s.removed.push(data.committeeId);
      (s.listRemovals ??= []).push({ committeeId: data.committeeId, reason: data.reason, by: data.actor, at });
      decide(s, [data.committeeId], { type: 'removed', reason: `区房管局决定移出拟表彰名单：${data.reason}` });
      return { message: `${data.committeeId} 已移出拟表彰名单：${data.reason}` };
    }
    case 'flagReelection':
      (s.reelectionFlags ??= []).push({
        committeeId: data.committeeId,
        filedOn: data.filedOn,
        filingRef: data.filingRef,
        by: data.actor,
        at,
      });
      return {
        message: `${data.committeeId} 已于 ${data.filedOn} 完成换届改选备案（备案编号 ${data.filingRef}），已提请区房管局决定是否保留在拟表彰名单中`,
      };
    case 'decideReelection': {
      const flag = s.reelectionFlags!.find((f) => f.committeeId === data.committeeId)!;
      flag.decision = { outcome: data.outcome, reason: data.reason, by: data.actor, at };
      if (data.outcome === 'keep')
        return { message: `${data.committeeId} 保留在拟表彰名单中，称号授予新一届业委会：${data.reason}` };
      s.removed.push(data.committeeId);
      decide(s, [data.committeeId], {
        type: 'removed',
        reason: `换届改选备案后，区房管局决定移出拟表彰名单：${data.reason}`,
      });
      return { message: `${data.committeeId} 已移出拟表彰名单：${data.reason}` };
    }
    case 'confirmFinal': {
      const list = onList(s);
      s.final = { list, by: data.actor, at };
      decide(s, list, { type: 'commended' });
      return { message: `最终名单已确定：${list.join('、') || '（空）'}` };
    }
  }
}

/** The campaign decides these outcomes, so it records them itself rather than wait for reports. */
function decide(s: CampaignState, committeeIds: string[], notice: CampaignNotice): void {
  s.outbox.push({ committeeIds, notice });
  const stage =
    notice.type === 'listed'
      ? 'listed'
      : notice.type === 'removed'
        ? 'removed'
        : notice.type === 'commended'
          ? 'commended'
          : notice.type === 'not-selected'
            ? 'not-selected'
            : undefined;
  if (stage) for (const id of committeeIds) if (s.registry[id]) s.registry[id].stage = stage;
}

export function countsOf(s: CampaignState): CampaignStatus['counts'] {
  const byStage: Record<string, number> = {};
  const bySubdistrict: Record<string, Record<string, number>> = {};
  const entries = Object.values(s.registry);
  for (const e of entries) {
    byStage[e.stage] = (byStage[e.stage] ?? 0) + 1;
    const sd = (bySubdistrict[e.sd] ??= {});
    sd[e.stage] = (sd[e.stage] ?? 0) + 1;
  }
  return { total: entries.length, byStage, bySubdistrict };
}
