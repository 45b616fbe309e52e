/**
 * Reminders in a coroutine of their own: one durable timer to the next reminder instant, then `tick()`
 * queues whatever is due. The workflow's main loop sleeps only until its own next boundary (a phase, a
 * deadline); it no longer merges that with the next reminder.
 *
 * The timer is re-armed when the next instant moves: `tick()` (called by this coroutine and by the main
 * loop whenever it wakes, e.g. after an accepted action) bumps `revision()`, and the coroutine then
 * recomputes `nextAt()`. Only a changed instant cancels the timer, so an action that moves no reminder
 * adds no command. Everything read here is workflow state, so a replay arms the same timers.
 *
 * New runs take this path behind `patched(REMINDER_TIMERS_PATCH)`; runs recorded before it keep the
 * merged wait of their main loop (see the README, "Changing workflow code").
 */
import { patched } from '@temporalio/workflow';
import type { StoryClock } from '../shared/clock';

/** The patch that gives reminders a coroutine and a timer of their own; absent in histories recorded before it. */
export const REMINDER_TIMERS_PATCH = 'reminder-timers';

/** Whether this run sends reminders from their own coroutine. Call it once, at the workflow's start. */
export function reminderTimers(useTimers: boolean): boolean {
  // Runs on the legacy clock path never get here: their history has neither marker.
  return useTimers && patched(REMINDER_TIMERS_PATCH);
}

export interface ReminderSource {
  /** Queues the reminders due up to the clock's `now()`; bumps `revision()`. */
  tick(): void;
  /** The next reminder instant (calendar time) after the last tick, or undefined when none is planned. */
  nextAt(): number | undefined;
  /** Changes whenever `tick()` ran: the cue to look at `nextAt()` again. */
  revision(): number;
}

/**
 * Runs until `stopped()` holds. Start it without awaiting (`void runReminders(...)`); it ends on its own
 * once the workflow stops it, and a continue-as-new simply drops its pending timer.
 */
export async function runReminders(clock: StoryClock, mail: ReminderSource, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    const at = mail.nextAt();
    let seen = mail.revision();
    // Wakes early only when a tick moved the next instant (a deadline moved, a step was done) or on stop.
    const moved = () => {
      if (stopped()) return true;
      if (mail.revision() === seen) return false;
      seen = mail.revision();
      return mail.nextAt() !== at;
    };
    const fired = await clock.waitUntil(at, moved);
    if (fired && !stopped()) mail.tick();
  }
}
