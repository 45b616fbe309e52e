/**
 * A re-evaluation's email: reminders to the holder while its written materials are missing
 * (7/3/1 working days before materialsDue, 09:00 Beijing), and to its 街镇's officials while the
 * pre-review is pending (before the inspection window's end). Who is pending is computed at the
 * reminder's instant, so whoever acted before it gets nothing. The main loop calls tick() whenever it
 * wakes and sleeps no longer than waitMs(). Undeliverable mail goes to the year's campaign, which
 * reports it to the bureau; if the campaign cannot be signalled (it has ended, or the re-evaluation
 * was started without one), this workflow emails the report to the bureau itself.
 */
import { condition, getExternalWorkflowHandle, log, workflowInfo } from '@temporalio/workflow';
import { toIso } from '../../domain/calendar';
import type { StoryClock } from '../shared/clock';
import { campaignWorkflowId } from '../../temporal/ids';
import { preReviewCommand, submitMaterialsCommand } from './commands';
import { initialMailOutboxState, startMailOutbox, type UnsentMail } from '../shared/mail-outbox';
import { mailUndeliverableSignal } from '../campaign/stage-report';
import { failureReasons, type ReevaluationInput, type ReevaluationState } from './state';
import {
  reevaluationJobs,
  reevaluationSlots,
  undeliverableReportJobs,
  type ReevaluationReminderView,
} from '../reminders/plan';
import { nextSlotAt, recipientOf, reminderSettings } from '../reminders/slots';

/** What the reminder plan needs from a re-evaluation, as it stands now. */
export function reevaluationReminderView(
  input: ReevaluationInput,
  s: ReevaluationState,
  officialReminders = true,
): ReevaluationReminderView {
  const certain = failureReasons(s, input).length > 0 || !!s.result;
  return {
    year: input.year,
    committee: { id: input.committeeId, name: input.committeeName, email: input.contactEmail },
    subdistrict: input.subdistrict,
    calendar: input.calendar,
    startedAt: s.startedAt,
    materialsDue: s.materialsDue,
    materialsPending: !s.materials && !s.materialsMissing && !certain,
    preReviewPending: !!s.materials && !!s.inspection && !s.preReview && !certain,
    officials: input.staff
      .filter((p) => p.role === 'subdistrict' && p.subdistrict === input.subdistrict)
      .map(recipientOf),
    ...(officialReminders ? {} : { officialReminders }),
    submitCommand: submitMaterialsCommand(input.year, input.committeeId),
    preReviewCommand: (officialId) => preReviewCommand(input.year, input.committeeId, officialId),
  };
}

/** `officialReminders`: false while the campaign sends the officials' digest (./campaign-report.ts). */
export function reevaluationMail(
  input: ReevaluationInput,
  s: ReevaluationState,
  clock: StoryClock,
  officialReminders: () => boolean = () => true,
) {
  const state = (s.mail ??= initialMailOutboxState());
  const workflowId = workflowInfo().workflowId;
  const settings = reminderSettings(input.reminders);
  /** Reports on their way to the campaign: the workflow does not end before each has landed or fallen back. */
  let reporting = 0;
  const outbox = startMailOutbox(state, {
    report: (entries, seq) => {
      reporting++;
      getExternalWorkflowHandle(campaignWorkflowId(input.year))
        .signal(mailUndeliverableSignal, entries)
        .catch((err) => {
          log.warn('could not report undeliverable mail to the campaign; reporting to the bureau directly', {
            error: String(err),
          });
          outbox.enqueue(
            undeliverableReportJobs({ year: input.year, staff: input.staff }, workflowId, entries, seq, clock.live()),
            { report: false },
          );
        })
        .finally(() => reporting--);
    },
  });
  // Sends carried over by continue-as-new start again (same Message-IDs).
  outbox.resume();
  const cursorOr = (now: number) => (state.remindedThrough ? Date.parse(state.remindedThrough) : now);
  let revision = 0;
  const view = () => reevaluationReminderView(input, s, officialReminders());

  return {
    settings,
    /** Queues the reminders whose instant passed since the last tick, to whoever still owes the step now. */
    tick() {
      revision++;
      const now = clock.now();
      const cursor = cursorOr(now);
      if (now > cursor) outbox.enqueue(reevaluationJobs(view(), cursor, now, workflowId, settings));
      state.remindedThrough = toIso(Math.max(now, cursor));
    },
    /** The next reminder instant (calendar time) after the last tick, or undefined when there is none. */
    nextAt(): number | undefined {
      return nextSlotAt(reevaluationSlots(view(), settings), cursorOr(clock.now()));
    },
    /** Legacy runs: real milliseconds until the next reminder instant (at least 1), or undefined. */
    waitMs(): number | undefined {
      const next = nextSlotAt(reevaluationSlots(view(), settings), cursorOr(clock.now()));
      return next === undefined ? undefined : Math.max(1, clock.realUntil(next));
    },
    /** Bumped by every tick: the reminder coroutine then looks at nextAt() again. */
    revision: () => revision,
    /**
     * Once every report to the campaign has landed (signals, not SMTP), hands the unsent mail to the title:
     * the result must not wait for SMTP (a revocation during an outage would wait with it).
     */
    async handOver(): Promise<UnsentMail> {
      await condition(() => reporting === 0);
      return outbox.handOver();
    },
    /** Waits until everything queued was sent or found undeliverable, and every report has been handed on. */
    drained: () => condition(() => outbox.idle() && reporting === 0),
    async beforeContinueAsNew() {
      await outbox.beforeContinueAsNew();
      await condition(() => reporting === 0, '1 minute'); // a fallback report is queued, so carried
    },
  };
}
