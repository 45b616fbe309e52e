/**
 * An application's email: reminders to its committee while the paper form has not been received,
 * before the applications deadline. Undeliverable ones (no or a bad address) go to the campaign,
 * which reports them to the bureau.
 */
import { getExternalWorkflowHandle, log, workflowInfo } from '@temporalio/workflow';
import { toIso } from '../../domain/calendar';
import type { ApplicationInput, ApplicationState } from './state';
import { initialMailOutboxState, startMailOutbox } from '../shared/mail-outbox';
import { mailUndeliverableSignal } from '../campaign/stage-report';
import { paperFormJobs, paperFormSlots } from '../reminders/plan';
import { nextSlotAt, reminderSettings } from '../reminders/slots';
import type { StoryClock } from '../shared/clock';

/**
 * A change made after applications were already running: committees still without a paper form are also reminded
 * on the deadline day itself. Runs recorded before it keep their old plan (workflows/application/code-paths.ts).
 */
function withDeadlineDayReminder(input: ApplicationInput): ApplicationInput {
  const settings = reminderSettings(input.reminders);
  return { ...input, reminders: { ...settings, offsets: [...new Set([...settings.offsets, 0])] } };
}

export function applicationMail(
  original: ApplicationInput,
  s: ApplicationState,
  clock: StoryClock,
  deadlineDayReminder: boolean,
) {
  const input = deadlineDayReminder ? withDeadlineDayReminder(original) : original;
  const state = (s.mail ??= initialMailOutboxState());
  const workflowId = workflowInfo().workflowId;
  const outbox = startMailOutbox(state, {
    report: (entries) => {
      getExternalWorkflowHandle(input.campaignWorkflowId)
        .signal(mailUndeliverableSignal, entries)
        .catch((err) => log.warn('could not report undeliverable mail to the campaign', { error: String(err) }));
    },
  });
  outbox.resume();
  const cursorOr = (now: number) => (state.remindedThrough ? Date.parse(state.remindedThrough) : now);
  let revision = 0;

  return {
    tick() {
      revision++;
      const now = clock.now();
      const cursor = cursorOr(now);
      if (now > cursor) outbox.enqueue(paperFormJobs(input, s, cursor, now, workflowId));
      state.remindedThrough = toIso(Math.max(now, cursor));
    },
    /** The next reminder instant (calendar time) after the last tick, or undefined. */
    nextAt: (): number | undefined => nextSlotAt(paperFormSlots(input, s), cursorOr(clock.now())),
    /** Bumped by every tick: the reminder coroutine then looks at nextAt() again. */
    revision: () => revision,
    drained: outbox.drained,
    beforeContinueAsNew: outbox.beforeContinueAsNew,
  };
}
