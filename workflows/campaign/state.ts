/**
 * The campaign's state and rules (notice 三): phases by the calendar, 街镇 lists, the panel, 公示.
 * Pure functions of (state, input, calendar-now); the actions themselves are in ./actions/, one file each.
 */
import type { CampaignCalendar } from '../../domain/calendar';
import { formatDeadline } from '../../domain/calendar';
import type { Staff } from '../../domain/directory';
import type { GradeBands } from '../../domain/grades';
import type { CampaignPhase } from '../../domain/stages';
import type { CampaignDecision } from '../application/state';
import type { MailOutboxState } from '../shared/mail-outbox';
import type { ReminderSettings } from '../reminders/slots';
import type { CarriedCampaignState } from './registry';
import type { InputCalendar, TimeScale } from '../shared/clock';
import type { AuditEntry } from '../shared/audit';
import type { RelayCounts } from '../subdistrict-reports/relays';

export type CampaignAuditEntry = AuditEntry & { detail: string };

export interface CampaignInput {
  year: number;
  /** The notice's dates; `clock` inside it only in histories recorded before `timeScale` (InputCalendar). */
  calendar: InputCalendar;
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
  /** Compressed time for demo, bench, fault and test runs, read only by workflows/shared/clock.ts. */
  timeScale?: TimeScale;
  /**
   * Applications report through their 街镇's relay (workflows/subdistrict-reports/), which forwards them in
   * batches; unset in campaigns started before relays, whose applications report here one by one.
   */
  reportsBySubdistrict?: boolean;
  /** 街镇 with more than one relay and how many (workflows/subdistrict-reports/relays.ts); unset: one each. */
  reportRelays?: RelayCounts;
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

/** What the campaign knows of one re-evaluation, for its 街镇 officials' digest. */
export interface ReevaluationEntry {
  sd: string;
  name?: string;
  seq: number;
  /** The re-evaluation waits on its 街镇's pre-review. */
  waiting: boolean;
  /** The pre-review deadline and the first instant it can be done (ISO). */
  due: string;
  opens: string;
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
  notice: CampaignDecision;
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
  /** Every entry carries `detail`, the line a person reads; payloads are not kept (objections carry names). */
  audit: CampaignAuditEntry[];
  rejectedCount: number;
  bureauToldPanelOverdue: boolean;
  /** Reminders and notices by email (workflows/campaign/mail.ts); created on first use. */
  mail?: MailOutboxState;
  /** The year's re-evaluations as they last reported (workflows/campaign/reevaluations.ts); unset in older runs. */
  reevaluations?: Record<string, ReevaluationEntry>;
  /** The calendar instant the campaign's timers have reached (workflows/shared/clock.ts); unset in older runs. */
  reached?: string;
  /** The last gather request sent to the relays, and each 街镇's last one answered (workflows/campaign/gather.ts). */
  gatherSeq?: number;
  gathered?: Record<string, number>;
}

export interface CampaignStatus {
  year: number;
  phase: CampaignPhase;
  calendar: CampaignCalendar;
  /** The campaign's time scale (compressed runs): what its applications are started with. */
  timeScale?: TimeScale;
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

/** A deadline as people read it, Beijing time. */
export const deadlineText = (iso: string | number) =>
  `${formatDeadline(typeof iso === 'number' ? iso : Date.parse(iso))} (北京时间)`;

export function onList(s: CampaignState): string[] {
  return (s.draft?.ranking ?? []).filter((id) => !s.removed.includes(id));
}

/** The committees whose registry entry matches. */
export function entriesWhere(s: CampaignState, pred: (e: RegistryEntry) => boolean): string[] {
  return Object.entries(s.registry)
    .filter(([, e]) => pred(e))
    .map(([id]) => id);
}

/** Rules that changed while campaigns ran; the workflow decides them with patched() so old histories replay. */
export interface CampaignRuleVersions {
  /** 公示 of whole working days (domain/calendar.ts publicityEnd); false: the publication day counted as day 1. */
  wholePublicityDays: boolean;
  /**
   * The panel's list tells each application left off it once, with its own reason; false: the inspected ones were
   * told twice (the second time with the reason for the uninspected), as the list was grouped after the first group
   * was already recorded as not selected.
   */
  notSelectedOnce: boolean;
}
export const CURRENT_RULES: CampaignRuleVersions = { wholePublicityDays: true, notSelectedOnce: true };

/** The campaign decides these outcomes, so it records them itself rather than wait for reports. */
export function decide(s: CampaignState, committeeIds: string[], notice: CampaignDecision): void {
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
