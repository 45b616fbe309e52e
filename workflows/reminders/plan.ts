/**
 * The selection's reminder plan: who owes what before which deadline, from the campaign's state.
 * Pure and workflow-safe. Slots come from the calendar resolved at campaign start and the deadlines in
 * the state (per-街镇 extensions move them); what is pending is computed at send time, so whoever acted
 * before the reminder's instant gets none, and each recipient gets one email naming all their items.
 *
 *   review      街镇 officials: undecided applications, unconfirmed list      before their 街镇's review deadline
 *   inspection  everyone with role inspector: recommended, not inspected      before inspectionCloses
 *   panel       the panel chair: draft list not finalised                     before inspectionCloses
 *   objections  bureau staff: unresolved objections                           before the end of 公示
 *   final       bureau staff: final confirmation (and what blocks it)         before commendationBy
 *   paper-form  the committee (application workflow): paper form missing      before applicationsClose
 *   reevaluation-materials / -review, recovery (weekly), revocation notice: pure helpers at the end,
 *   for the title and re-evaluation workflows.
 */
import { beijingDate, toIso } from '../../domain/calendar';
import type { SendMailInput } from '../../activities/send-mail';
import type { CommitteeRef, PendingItem, Recipient, UndeliverableEntry } from '../../templates/types';
import { onList, type CampaignInput, type CampaignState, type RegistryEntry } from '../campaign/state';
import type { ApplicationInput, ApplicationState } from '../application/state';
import {
  deadlineSlots,
  dueSlots,
  noticeJob,
  recipientOf,
  reminderJob,
  reminderSettings,
  weeklySlots,
  type ReminderSettings,
  type Slot,
} from './slots';

// ---- the campaign -------------------------------------------------------------------------

type WithStaff = Pick<CampaignInput, 'staff'>;
const people = (input: WithStaff, pred: (p: CampaignInput['staff'][number]) => boolean): Recipient[] =>
  input.staff.filter(pred).map(recipientOf);
const bureau = (input: WithStaff) => people(input, (p) => p.role === 'bureau');
const officials = (input: CampaignInput, sd?: string) =>
  people(input, (p) => p.role === 'subdistrict' && (sd === undefined || p.subdistrict === sd));

/** Registry entries in committee-id order, so emails list items the same way every time. */
function entries(s: CampaignState): [string, RegistryEntry][] {
  return Object.entries(s.registry).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
const refOf = (s: CampaignState, id: string): CommitteeRef => ({
  committeeId: id,
  committeeName: s.registry[id]?.name,
  subdistrict: s.registry[id]?.sd,
});

/** Every reminder slot of the campaign as it stands; recomputed whenever deadlines move. */
export function campaignSlots(
  input: CampaignInput,
  s: CampaignState,
  settings: ReminderSettings = reminderSettings(input.reminders),
): Slot[] {
  const c = input.calendar;
  const t = c.workdays;
  const out: Slot[] = [];
  for (const sd of input.subdistricts) {
    if (!s.confirmed[sd]) out.push(...deadlineSlots('review', sd, s.reviewDeadlines[sd], c.reviewOpens, t, settings));
  }
  if (!s.draft) {
    out.push(...deadlineSlots('inspection', '', s.inspectionCloses, c.inspectionOpens, t, settings));
    out.push(...deadlineSlots('panel', '', s.inspectionCloses, c.inspectionOpens, t, settings));
  } else {
    out.push(...deadlineSlots('objections', '', s.draft.publicityEnds, s.draft.at, t, settings));
  }
  if (!s.final) out.push(...deadlineSlots('final', '', c.commendationBy, c.inspectionOpens, t, settings));
  return out.sort((a, b) => a.at - b.at);
}

/** Who owes what for one slot, at calendar time `now`. Recipients with nothing pending are left out. */
export function campaignPending(
  slot: Slot,
  input: CampaignInput,
  s: CampaignState,
  now: number,
): { to: Recipient; items: PendingItem[] }[] {
  const to = (recipients: Recipient[], items: PendingItem[]) =>
    items.length ? recipients.map((r) => ({ to: r, items })) : [];
  const unresolved = (): PendingItem[] =>
    s.objections
      .filter((o) => !o.resolution)
      .map((o) => ({
        action: 'resolve-objection',
        objectionId: o.id,
        filedAt: o.filedAt,
        grounds: o.grounds,
        ...refOf(s, o.committeeId),
      }));
  switch (slot.kind) {
    case 'review': {
      const sd = slot.scope;
      if (s.confirmed[sd]) return [];
      const mine = entries(s).filter(([, e]) => e.sd === sd);
      const undecided = mine.filter(([, e]) => e.stage === 'submitted');
      const items: PendingItem[] = undecided.map(([id]) => ({ action: 'decide', ...refOf(s, id) }));
      items.push({
        action: 'confirm-list',
        subdistrict: sd,
        recommended: mine.filter(([, e]) => e.stage === 'recommended').length,
        undecided: undecided.length,
      });
      return to(officials(input, sd), items);
    }
    case 'inspection': {
      const locked = (e: RegistryEntry) =>
        Boolean(s.confirmed[e.sd]) || Date.parse(s.reviewDeadlines[e.sd] ?? input.calendar.reviewCloses) <= now;
      const items: PendingItem[] = entries(s)
        .filter(([, e]) => e.stage === 'recommended' && locked(e))
        .map(([id]) => ({ action: 'inspect', ...refOf(s, id) }));
      return to(
        people(input, (p) => p.role === 'inspector'),
        items,
      );
    }
    case 'panel': {
      if (s.draft) return [];
      const inspected = entries(s).filter(([, e]) => e.stage === 'inspected').length;
      return to(
        people(input, (p) => p.role === 'panel' && p.chair === true),
        [{ action: 'finalize', inspected, quota: input.quota }],
      );
    }
    case 'objections':
      return s.draft ? to(bureau(input), unresolved()) : [];
    case 'final': {
      if (s.final) return [];
      const items: PendingItem[] = [];
      if (!s.draft) {
        if (now >= Date.parse(s.inspectionCloses))
          items.push({ action: 'panel-overdue', inspectionCloses: s.inspectionCloses });
      } else {
        if (now >= Date.parse(s.draft.publicityEnds)) items.push(...unresolved());
        for (const f of (s.reelectionFlags ?? []).filter((x) => !x.decision)) {
          items.push({
            action: 'decide-reelection',
            filedOn: f.filedOn,
            filingRef: f.filingRef,
            ...refOf(s, f.committeeId),
          });
        }
        items.push({ action: 'confirm-final', publicityEnds: s.draft.publicityEnds, listed: onList(s).length });
      }
      return to(bureau(input), items);
    }
    default:
      return [];
  }
}

/** The reminder emails due at `now` since the cursor: one per recipient per slot. */
export function campaignReminderJobs(
  input: CampaignInput,
  s: CampaignState,
  cursor: number,
  now: number,
  workflowId: string,
): SendMailInput[] {
  const jobs: SendMailInput[] = [];
  for (const slot of dueSlots(campaignSlots(input, s), cursor, now)) {
    for (const { to, items } of campaignPending(slot, input, s, now))
      jobs.push(reminderJob(workflowId, input.year, slot, to, items));
  }
  return jobs;
}

/** Phase notices that are due and not yet sent (`done` holds their keys): campaign opened, draft list, final list, panel overdue. */
export function campaignNoticeJobs(
  input: CampaignInput,
  s: CampaignState,
  now: number,
  workflowId: string,
  done: string[],
): { key: string; jobs: SendMailInput[] }[] {
  const c = input.calendar;
  const out: { key: string; jobs: SendMailInput[] }[] = [];
  const add = (key: string, at: string, to: Recipient[], template: Parameters<typeof noticeJob>[3]) => {
    if (!done.includes(key)) out.push({ key, jobs: to.map((r) => noticeJob(workflowId, at, r, template)) });
  };
  // A notice sent once per campaign: its Message-ID is keyed by the notice type and its Beijing date, not by
  // the event's instant (a stamp taken when a decision arrived), so the same notice keeps its Message-ID
  // whichever run of the year's campaign sends it, and recipients' mail systems drop a second copy.
  const addOnce = (key: string, at: string, to: Recipient[], template: Parameters<typeof noticeJob>[3]) => {
    const date = beijingDate(Date.parse(at));
    if (!done.includes(key))
      out.push({ key, jobs: to.map((r) => ({ ...noticeJob(workflowId, at, r, template), deadline: date })) });
  };
  const panel = people(input, (p) => p.role === 'panel');
  const year = input.year;
  if (now >= Date.parse(c.opens)) {
    const windows = {
      opens: c.opens,
      applicationsClose: s.applicationsClose,
      reviewOpens: c.reviewOpens,
      reviewCloses: c.reviewCloses,
      inspectionOpens: c.inspectionOpens,
      inspectionCloses: s.inspectionCloses,
      commendationBy: c.commendationBy,
      publicityWorkingDays: c.publicityWorkingDays,
    };
    addOnce('campaign-opened', c.opens, [...bureau(input), ...officials(input)], {
      type: 'notice',
      notice: 'campaign-opened',
      year,
      windows,
    });
  }
  if (s.bureauToldPanelOverdue && !s.draft) {
    const inspected = entries(s).filter(([, e]) => e.stage === 'inspected').length;
    const chair = people(input, (p) => p.role === 'panel' && p.chair === true);
    addOnce(`panel-overdue|${s.inspectionCloses}`, s.inspectionCloses, [...bureau(input), ...chair], {
      type: 'notice',
      notice: 'panel-overdue',
      year,
      inspectionCloses: s.inspectionCloses,
      inspected,
    });
  }
  if (s.draft) {
    addOnce('draft-published', s.draft.at, [...bureau(input), ...officials(input), ...panel], {
      type: 'notice',
      notice: 'draft-published',
      year,
      ranking: s.draft.ranking.map((id) => refOf(s, id)),
      publicityEnds: s.draft.publicityEnds,
      tieBreakRule: s.draft.tieBreakRule,
    });
  }
  for (const r of s.listRemovals ?? []) {
    const sd = s.registry[r.committeeId]?.sd;
    add(`list-removal|${r.committeeId}`, r.at, [...bureau(input), ...(sd ? officials(input, sd) : [])], {
      type: 'notice',
      notice: 'list-removal',
      year,
      committee: refOf(s, r.committeeId),
      reason: r.reason,
      by: r.by,
      at: r.at,
    });
  }
  for (const f of s.reelectionFlags ?? []) {
    const sd = s.registry[f.committeeId]?.sd;
    const to = [...bureau(input), ...(sd ? officials(input, sd) : [])];
    const committee = refOf(s, f.committeeId);
    add(`reelection-flag|${f.committeeId}`, f.at, to, {
      type: 'notice',
      notice: 'reelection-flag',
      year,
      committee,
      filedOn: f.filedOn,
      filingRef: f.filingRef,
      by: f.by,
      at: f.at,
    });
    const d = f.decision;
    if (d) {
      add(`reelection-decision|${f.committeeId}`, d.at, to, {
        type: 'notice',
        notice: 'reelection-decision',
        year,
        committee,
        filingRef: f.filingRef,
        outcome: d.outcome,
        reason: d.reason,
        by: d.by,
        at: d.at,
      });
    }
  }
  if (s.final) {
    addOnce('final-list', s.final.at, [...bureau(input), ...officials(input), ...panel], {
      type: 'notice',
      notice: 'final-list',
      year,
      list: s.final.list.map((id) => refOf(s, id)),
      removed: s.removed.map((id) => refOf(s, id)),
      confirmedAt: s.final.at,
    });
  }
  return out;
}

/** The bureau's report of undeliverable mail (one email per bureau member); any workflow with the staff list can send it. */
export function undeliverableReportJobs(
  input: Pick<CampaignInput, 'year' | 'staff'>,
  workflowId: string,
  entries: UndeliverableEntry[],
  seq: number,
  now: number,
): SendMailInput[] {
  const at = toIso(now);
  const shown = entries.slice(0, 100);
  return bureau(input).map((to) =>
    noticeJob(
      workflowId,
      at,
      to,
      { type: 'notice', notice: 'undeliverable', year: input.year, entries: shown, total: entries.length },
      `report-${seq}`,
    ),
  );
}

// ---- one application: its paper form --------------------------------------------------------

/** The paper-form deadline as the application knows it (an extension of the applications window moves it). */
export const paperFormDeadline = (input: ApplicationInput, s: ApplicationState): string =>
  s.applicationsClose ?? input.calendar.applicationsClose;

export function paperFormSlots(input: ApplicationInput, s: ApplicationState): Slot[] {
  if (s.paperFormReceived) return [];
  const c = input.calendar;
  return deadlineSlots(
    'paper-form',
    '',
    paperFormDeadline(input, s),
    c.opens,
    c.workdays,
    reminderSettings(input.reminders),
  );
}

export function paperFormJobs(
  input: ApplicationInput,
  s: ApplicationState,
  cursor: number,
  now: number,
  workflowId: string,
): SendMailInput[] {
  if (s.paperFormReceived) return [];
  const f = input.form;
  const to: Recipient = { id: f.committeeId, name: f.committeeName, role: 'committee', email: input.contactEmail };
  return dueSlots(paperFormSlots(input, s), cursor, now).map((slot) =>
    reminderJob(workflowId, input.year, slot, to, [
      { action: 'paper-form', committeeId: f.committeeId, committeeName: f.committeeName, subdistrict: f.subdistrict },
    ]),
  );
}

// ---- re-evaluation and recovery (wired into reevaluation.ts and title.ts) -------

/** What a re-evaluation workflow knows, reduced to what its reminders need. */
export interface ReevaluationReminderView {
  year: number;
  committee: { id: string; name?: string; email?: string };
  subdistrict: string;
  calendar: CampaignInput['calendar'];
  /** When the re-evaluation started (ISO): no reminder before it. */
  startedAt: string;
  materialsDue: string;
  /** !s.materials && no failure is certain yet. */
  materialsPending: boolean;
  /** s.materials && s.inspection && !s.preReview && no failure is certain yet. */
  preReviewPending: boolean;
  /** The 街镇 pre-review deadline; default the inspection window's end. */
  preReviewDue?: string;
  /** The 街镇's officials (role subdistrict of `subdistrict`). */
  officials: Recipient[];
  /** False when the campaign sends the officials' digest (workflows/reminders/digest.ts); absent means true. */
  officialReminders?: boolean;
  /** The exact commands, from the titles CLI. */
  submitCommand: string;
  preReviewCommand: (officialId: string) => string;
}

export function reevaluationSlots(v: ReevaluationReminderView, settings: ReminderSettings): Slot[] {
  const t = v.calendar.workdays;
  const out: Slot[] = [];
  if (v.materialsPending)
    out.push(...deadlineSlots('reevaluation-materials', v.committee.id, v.materialsDue, v.startedAt, t, settings));
  if (v.officialReminders === false) return out.sort((a, b) => a.at - b.at);
  const opens = v.startedAt > v.calendar.inspectionOpens ? v.startedAt : v.calendar.inspectionOpens;
  out.push(
    ...deadlineSlots(
      'reevaluation-review',
      v.subdistrict,
      v.preReviewDue ?? v.calendar.inspectionCloses,
      opens,
      t,
      settings,
    ),
  );
  return out.sort((a, b) => a.at - b.at);
}

/** Reminders due since the cursor: the committee for its materials, the 街镇 officials for the pre-review. */
export function reevaluationJobs(
  v: ReevaluationReminderView,
  cursor: number,
  now: number,
  workflowId: string,
  settings: ReminderSettings,
): SendMailInput[] {
  const ref = { committeeId: v.committee.id, committeeName: v.committee.name, subdistrict: v.subdistrict };
  const jobs: SendMailInput[] = [];
  for (const slot of dueSlots(reevaluationSlots(v, settings), cursor, now)) {
    if (slot.kind === 'reevaluation-materials' && v.materialsPending) {
      const to: Recipient = {
        id: v.committee.id,
        name: v.committee.name ?? v.committee.id,
        role: 'committee',
        email: v.committee.email,
      };
      jobs.push(
        reminderJob(workflowId, v.year, slot, to, [{ action: 'submit-materials', command: v.submitCommand, ...ref }]),
      );
    }
    if (slot.kind === 'reevaluation-review' && v.preReviewPending && v.officialReminders !== false) {
      for (const to of v.officials)
        jobs.push(
          reminderJob(workflowId, v.year, slot, to, [
            { action: 'review-reevaluation', command: v.preReviewCommand(to.id), ...ref },
          ]),
        );
    }
  }
  return jobs;
}

/** What a revoked title knows, for the weekly recovery chase and the revocation notice. */
export interface RecoveryReminderView {
  year: number;
  awardYear: number;
  committee: { id: string; name?: string; email?: string };
  subdistrict: string;
  calendar: CampaignInput['calendar'];
  revokedAt: string;
  reason: string;
  /** The recovery is still to be confirmed. */
  pending: boolean;
  officials: Recipient[];
  /** Bureau staff get the revocation notice too. */
  bureau: Recipient[];
  recoverCommand: (officialId: string) => string;
}

/** Weekly, on the first working day of each week after the revocation, while the recovery is pending (up to the workday table's end). */
export function recoverySlots(
  v: RecoveryReminderView,
  settings: ReminderSettings,
  horizonMs = Number.MAX_SAFE_INTEGER,
): Slot[] {
  return v.pending
    ? weeklySlots('recovery', v.committee.id, v.revokedAt, horizonMs, v.calendar.workdays, settings)
    : [];
}

export function recoveryJobs(
  v: RecoveryReminderView,
  cursor: number,
  now: number,
  workflowId: string,
  settings: ReminderSettings,
): SendMailInput[] {
  const ref = { committeeId: v.committee.id, committeeName: v.committee.name, subdistrict: v.subdistrict };
  return dueSlots(recoverySlots(v, settings, now + 1), cursor, now).flatMap((slot) =>
    v.officials.map((to) =>
      reminderJob(workflowId, v.year, slot, to, [
        { action: 'recover-nameplate', revokedAt: v.revokedAt, command: v.recoverCommand(to.id), ...ref },
      ]),
    ),
  );
}

/** The revocation notice: the committee, its 街镇's officials (with the recovery command) and the bureau. */
export function revocationNoticeJobs(v: RecoveryReminderView, workflowId: string): SendMailInput[] {
  const committee: Recipient = {
    id: v.committee.id,
    name: v.committee.name ?? v.committee.id,
    role: 'committee',
    email: v.committee.email,
  };
  const ref = { committeeId: v.committee.id, committeeName: v.committee.name, subdistrict: v.subdistrict };
  const notice = (recoverCommand?: string) =>
    ({
      type: 'notice',
      notice: 'revocation',
      year: v.year,
      awardYear: v.awardYear,
      committee: ref,
      reason: v.reason,
      revokedAt: v.revokedAt,
      recoverCommand,
    }) as const;
  return [
    noticeJob(workflowId, v.revokedAt, committee, notice()),
    ...v.officials.map((to) =>
      noticeJob(workflowId, v.revokedAt, to, notice(v.pending ? v.recoverCommand(to.id) : undefined)),
    ),
    ...v.bureau.map((to) => noticeJob(workflowId, v.revokedAt, to, notice())),
  ];
}

/** The next weekly recovery reminder after the cursor (calendar ms), for the title workflow's timer. */
export function nextRecoveryAt(
  v: RecoveryReminderView,
  cursor: number,
  settings: ReminderSettings,
): number | undefined {
  const slots = recoverySlots(v, settings, cursor + 15 * 86_400_000);
  return slots.find((s) => s.at > cursor)?.at;
}
