/**
 * A title's email: the revocation notice (the committee, its 街镇's officials, the bureau) and
 * the weekly chase of the 街镇 officials — 09:00 Beijing on the first working day of each week — until
 * they confirm the recovery of the nameplate and certificate. Undeliverable mail is recorded and the
 * title emails the bureau a report (it has the staff list); nothing here fails the workflow.
 *
 * Working days for the weekly chase: the title's latest campaign calendar (the one its last
 * re-evaluation ran on). Where that table has no data — a title revoked by a re-election before any
 * re-evaluation has no calendar at all, and a recovery can outlast the table's last day — the chase
 * goes on with weekends-only working days (and, without a calendar, on the workflow's own clock), up
 * to RECOVERY_HORIZON_DAYS after the revocation. The choice is recorded in the audit trail
 * ('recovery-reminders') when the revocation is noticed.
 */
import type { StoryClock } from '../shared/clock';
import { INSTANT_FIELDS, addDays, toIso, type CampaignCalendar, type WorkdayTable } from '../../domain/calendar';
import { cli } from '../../templates/layout';
import { initialMailOutboxState, startMailOutbox } from '../shared/mail-outbox';
import {
  nextRecoveryAt,
  recoveryJobs,
  revocationNoticeJobs,
  undeliverableReportJobs,
  type RecoveryReminderView,
} from '../reminders/plan';
import { recipientOf, reminderSettings } from '../reminders/slots';
import type { TitleInput, TitleState } from './state';

/** How long after a revocation the weekly chase may run (about three years): a bound, not a target. */
export const RECOVERY_HORIZON_DAYS = 1096;

/** `title confirm-recovery` (cli/commands/titles.ts), as one 街镇 official runs it. */
export const confirmRecoveryCommand = (committeeId: string, awardYear: number, officialId: string): string =>
  cli('title confirm-recovery', `--committee ${committeeId}`, `--award-year ${awardYear}`, `--as ${officialId}`);

/**
 * The calendar the weekly chase runs on: the title's calendar with its workday table widened to cover
 * the revocation week and the horizon (weekends-only where the table has no data); without a
 * calendar, a weekends-only table on the workflow's own clock.
 */
export function recoveryCalendar(s: TitleState): CampaignCalendar {
  const r = s.revocation!;
  const from = addDays(r.date, -7);
  const to = addDays(r.date, RECOVERY_HORIZON_DAYS);
  const t = s.calendar?.workdays;
  const workdays: WorkdayTable = t
    ? {
        from: t.from < from ? t.from : from,
        to: t.to > to ? t.to : to,
        holidays: t.holidays,
        makeupWorkdays: t.makeupWorkdays,
        source: t.from <= from && t.to >= to ? t.source : `${t.source}, weekends-only outside ${t.from}..${t.to}`,
      }
    : { from, to, holidays: [], makeupWorkdays: [], source: 'weekends-only (the title has no campaign calendar)' };
  if (s.calendar) return { ...s.calendar, workdays };
  // Only the workday table is used; the windows are placeholders.
  const cal = {
    year: Number(r.date.slice(0, 4)),
    publicityWorkingDays: 5,
    workdays,
  } as CampaignCalendar;
  for (const f of INSTANT_FIELDS) cal[f] = r.at;
  return cal;
}

/**
 * The year a date belongs to, as the title's calendar labels years. Workday tables start on Jan 1 of
 * the calendar's year; a calendar moved ahead by whole weeks (tests) keeps its `year` while its dates
 * and table move, so the date is moved back by the same number of days first. Production: no shift.
 */
export function campaignYearOf(s: TitleState, date: string): number {
  const cal = s.calendar;
  if (!cal) return Number(date.slice(0, 4));
  const shiftDays = Math.round((Date.parse(cal.workdays.from) - Date.parse(`${cal.year}-01-01`)) / 86_400_000);
  return Number(addDays(date, -shiftDays).slice(0, 4));
}

export function recoveryReminderView(input: TitleInput, s: TitleState): RecoveryReminderView | undefined {
  if (s.status !== 'revoked' || !s.revocation) return undefined;
  const r = s.revocation;
  return {
    year: campaignYearOf(s, r.date),
    awardYear: input.awardYear,
    committee: { id: input.committeeId, name: input.committeeName, email: input.contactEmail },
    subdistrict: input.subdistrict,
    calendar: recoveryCalendar(s),
    revokedAt: r.at,
    reason: r.reason,
    pending: !!s.recovery && !s.recovery.confirmedAt,
    officials: s.staff.filter((p) => p.role === 'subdistrict' && p.subdistrict === input.subdistrict).map(recipientOf),
    bureau: s.staff.filter((p) => p.role === 'bureau').map(recipientOf),
    recoverCommand: (officialId) => confirmRecoveryCommand(input.committeeId, input.awardYear, officialId),
  };
}

export function titleMail(
  input: TitleInput,
  s: TitleState,
  workflowId: string,
  clock: StoryClock,
  audit: (action: string, payload: unknown) => void,
) {
  const state = (s.mail ??= initialMailOutboxState());
  const settings = reminderSettings(input.reminders);
  const year = () =>
    s.revocation ? campaignYearOf(s, s.revocation.date) : (s.current?.year ?? s.calendar?.year ?? input.awardYear);
  const outbox = startMailOutbox(state, {
    report: (entries, seq) =>
      outbox.enqueue(
        undeliverableReportJobs({ year: year(), staff: s.staff }, workflowId, entries, seq, clock.live()),
        { report: false },
      ),
  });
  // Sends carried over by continue-as-new start again (same Message-IDs).
  outbox.resume();
  let revision = 0;
  const cursorOf = (v: RecoveryReminderView) =>
    state.remindedThrough ? Date.parse(state.remindedThrough) : Date.parse(v.revokedAt);

  return {
    settings,
    /** The title was revoked and its notice is not queued yet: the main loop wakes for it. */
    noticeDue: () => s.status === 'revoked' && !state.noticesDone.includes('revocation'),
    /** Queues the revocation notice once, and the weekly recovery reminders due since the last tick. */
    tick() {
      revision++;
      const v = recoveryReminderView(input, s);
      if (!v) return;
      const now = clock.now();
      if (!state.noticesDone.includes('revocation')) {
        outbox.enqueue(revocationNoticeJobs(v, workflowId));
        state.noticesDone.push('revocation');
        if (v.pending)
          audit('recovery-reminders', {
            weekly: `first working day of each week, ${settings.hour}:00 Beijing`,
            workdays: v.calendar.workdays.source,
            until: v.calendar.workdays.to,
          });
      }
      const cursor = cursorOf(v);
      if (v.pending && now > cursor) outbox.enqueue(recoveryJobs(v, cursor, now, workflowId, settings));
      state.remindedThrough = toIso(Math.max(now, cursor));
    },
    /** The next weekly reminder instant (calendar time), or undefined when none is pending. */
    nextAt(): number | undefined {
      const v = recoveryReminderView(input, s);
      return v?.pending ? nextRecoveryAt(v, cursorOf(v), settings) : undefined;
    },
    /** Legacy runs: real milliseconds until the next weekly reminder (at least 1), or undefined. */
    waitMs(): number | undefined {
      const v = recoveryReminderView(input, s);
      if (!v?.pending) return undefined;
      const next = nextRecoveryAt(v, cursorOf(v), settings);
      return next === undefined ? undefined : Math.max(1, clock.realUntil(next));
    },
    /** Bumped by every tick: the reminder coroutine then looks at nextAt() again. */
    revision: () => revision,
    /** Takes over the unsent mail of a re-evaluation that has decided. */
    adopt: outbox.adopt,
    drained: outbox.drained,
    beforeContinueAsNew: outbox.beforeContinueAsNew,
  };
}
