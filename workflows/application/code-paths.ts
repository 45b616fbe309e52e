/**
 * Which code path an application's run takes, decided once at its start, before any command.
 *
 * Four changes were made while applications ran, each behind a patch of its own. A new run recorded all four
 * markers, and the SDK's core follows each marker with an upsert of `TemporalChangeVersion` (a visibility write on
 * the server). New runs now record one marker, `APPLICATION_PATHS_PATCH`, that stands for all four: 6 events fewer
 * per run, and 916 of 8,094 history bytes in the golden recording of an application that was not recommended
 * (44 → 38 events). A run recorded before it gets `false` for it on replay (no command) and reads the four as it
 * did, in the same order.
 */
import { patched } from '@temporalio/workflow';
import { timeFromTimers } from '../shared/clock';
import { reminderTimers } from '../reminders/runner';

/** New runs: time from timers, reminders on their own timers, deadline timers only, the deadline-day reminder. */
export const APPLICATION_PATHS_PATCH = 'application-paths-2026-12';

/**
 * New runs wait for the pre-review's and the inspection's deadlines only; runs recorded before also woke at each
 * window's opening. That wake changed nothing (a handler leaves openings to its validator, which reads the clock),
 * but it woke every application of the year at one instant: 10,000 workflow tasks at the start of the review and
 * 8,000 at the start of the inspection, queued ahead of the first decisions.
 */
export const DEADLINE_TIMERS_ONLY_PATCH = 'application-deadline-timers-only';

/**
 * Committees still without a paper form are also reminded on the deadline day itself (workflows/application/mail.ts).
 */
export const DEADLINE_DAY_REMINDER_PATCH = 'paper-form-reminder-on-deadline-day';

export interface ApplicationPaths {
  /** Phases and deadlines from the instant the timers reached (else the clock-reading legacy path). */
  useTimers: boolean;
  /** Paper-form reminders in a coroutine with a timer of their own. */
  ownReminderTimers: boolean;
  /** Also wakes at the pre-review's and the inspection's openings (runs recorded before the deadline-only change). */
  openingTimers: boolean;
  /** Also reminds on the applications deadline day itself. */
  deadlineDayReminder: boolean;
}

export function applicationPaths(): ApplicationPaths {
  if (patched(APPLICATION_PATHS_PATCH))
    return { useTimers: true, ownReminderTimers: true, openingTimers: false, deadlineDayReminder: true };
  // The order in which runs recorded before read them: each marker is a command, matched in order on replay.
  const useTimers = timeFromTimers();
  const ownReminderTimers = reminderTimers(useTimers);
  const openingTimers = !patched(DEADLINE_TIMERS_ONLY_PATCH);
  const deadlineDayReminder = patched(DEADLINE_DAY_REMINDER_PATCH);
  return { useTimers, ownReminderTimers, openingTimers, deadlineDayReminder };
}
