/**
 * The campaign's email: deadline reminders and phase notices (workflows/reminders/plan.ts), sent through
 * the mail outbox beside the main loop. The main loop calls tick() whenever it wakes; reminders have a
 * coroutine and a timer of their own (workflows/reminders/runner.ts), except in runs recorded before it,
 * whose main loop sleeps until min(next phase boundary, nextAt()). Nothing here blocks the main loop.
 */
import { setHandler, workflowInfo } from '@temporalio/workflow';
import { toIso } from '../../domain/calendar';
import type { CampaignInput, CampaignState } from './state';
import { initialMailOutboxState, startMailOutbox } from '../shared/mail-outbox';
import { campaignMailQuery } from './messages';
import { mailUndeliverableSignal } from './stage-report';
import { campaignNoticeJobs, campaignReminderJobs, campaignSlots, undeliverableReportJobs } from '../reminders/plan';
import { nextSlotAt, reminderSettings } from '../reminders/slots';
import { digestJobs, digestSlots } from '../reminders/digest';
import type { StoryClock } from '../shared/clock';

export function campaignMail(input: CampaignInput, s: CampaignState, clock: StoryClock) {
  const state = (s.mail ??= initialMailOutboxState());
  const workflowId = workflowInfo().workflowId;
  const settings = reminderSettings(input.reminders);
  const outbox = startMailOutbox(state, {
    report: (entries, seq) =>
      outbox.enqueue(undeliverableReportJobs(input, workflowId, entries, seq, clock.live()), { report: false }),
  });
  setHandler(mailUndeliverableSignal, (entries) =>
    outbox.recordUndeliverable(Array.isArray(entries) ? entries.slice(0, 1000) : []),
  );
  setHandler(campaignMailQuery, () => outbox.status(settings));
  // Sends carried over by continue-as-new start again (same Message-IDs).
  outbox.resume();
  let revision = 0;

  return {
    settings,
    /** Queues the reminders due since the last tick and the phase notices not yet sent. */
    tick() {
      revision++;
      const now = clock.now();
      const cursor = state.remindedThrough ? Date.parse(state.remindedThrough) : now;
      if (now > cursor) outbox.enqueue(campaignReminderJobs(input, s, cursor, now, workflowId));
      // The 街镇 officials' re-evaluation digest: nothing unless re-evaluations reported (workflows/reminders/digest.ts).
      if (now > cursor) outbox.enqueue(digestJobs(input, s, cursor, now, workflowId, settings));
      for (const notice of campaignNoticeJobs(input, s, now, workflowId, state.noticesDone)) {
        outbox.enqueue(notice.jobs);
        state.noticesDone.push(notice.key);
      }
      state.remindedThrough = toIso(Math.max(now, cursor));
    },
    /** The next reminder instant (calendar time) after the last tick. */
    nextAt(): number | undefined {
      const cursor = state.remindedThrough ? Date.parse(state.remindedThrough) : clock.now();
      return nextSlotAt([...campaignSlots(input, s, settings), ...digestSlots(input, s, settings)], cursor);
    },
    revision: () => revision,
    /** Some holder still waits on its 街镇's pre-review and a digest slot is still ahead (workflows/reminders/digest.ts). */
    digestOutstanding(): boolean {
      const cursor = state.remindedThrough ? Date.parse(state.remindedThrough) : clock.now();
      return nextSlotAt(digestSlots(input, s, settings), cursor) !== undefined;
    },
    /** A re-evaluation's report may move the next digest: the reminder coroutine looks at nextAt() again. */
    poke() {
      revision++;
    },
    drained: outbox.drained,
    beforeContinueAsNew: outbox.beforeContinueAsNew,
  };
}
