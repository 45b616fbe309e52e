/**
 * An application's email: reminders to its committee while the paper form has not been received,
 * before the applications deadline. Undeliverable ones (no or a bad address) go to the campaign,
 * which reports them to the bureau.
 */
import { getExternalWorkflowHandle, log, workflowInfo } from '@temporalio/workflow';
import { toCalendar, toIso } from '../domain/calendar';
import type { ApplicationInput, ApplicationState } from './application-state';
import { initialMailOutboxState, startMailOutbox } from './mail-outbox';
import { mailUndeliverableSignal } from './messages/campaign-report';
import { paperFormJobs, paperFormSlots } from './reminder-plan';
import { nextSlotAt } from './reminder-slots';

export function applicationMail(input: ApplicationInput, s: ApplicationState) {
  const state = (s.mail ??= initialMailOutboxState());
  const workflowId = workflowInfo().workflowId;
  const calNow = () => toCalendar(input.calendar, Date.now());
  const outbox = startMailOutbox(state, {
    report: (entries) => {
      getExternalWorkflowHandle(input.campaignWorkflowId)
        .signal(mailUndeliverableSignal, entries)
        .catch((err) => log.warn('could not report undeliverable mail to the campaign', { error: String(err) }));
    },
  });
  outbox.resume();
  const cursorOr = (now: number) => (state.remindedThrough ? Date.parse(state.remindedThrough) : now);

  return {
    tick() {
      const now = calNow();
      const cursor = cursorOr(now);
      if (now > cursor) outbox.enqueue(paperFormJobs(input, s, cursor, now, workflowId));
      state.remindedThrough = toIso(Math.max(now, cursor));
    },
    /** The next reminder instant (calendar time) after the last tick, or undefined. */
    nextAt: (): number | undefined => nextSlotAt(paperFormSlots(input, s), cursorOr(calNow())),
    drained: outbox.drained,
    beforeContinueAsNew: outbox.beforeContinueAsNew,
  };
}
