/**
 * The campaign's notices to its applications (deadline moves, locks, outcomes): sent in order, one batch at a time,
 * by a coroutine of their own beside the main loop.
 *
 * Why beside it: the loop's phase timer is what moves the campaign's clock (workflows/shared/clock.ts). When the loop
 * itself sent the notices before arming that timer, a long fan-out held the phase: at 10,000 applications the panel's
 * list tells some 8,000 of them they were not chosen, and 公示 (about 2 minutes of real time in the bench) ended
 * while the loop still waited on the sends, so the campaign stayed in 'publicity' past its end.
 */
import { condition } from '@temporalio/workflow';
import type { CampaignState, Outbox } from './state';

/**
 * The patch that sends notices beside the main loop. Read once at a run's start, before any command: the loop of a
 * run recorded before it sends them itself, before it arms its timer, and wakes for each new batch.
 */
export const NOTICES_BESIDE_TIMERS_PATCH = 'campaign-notices-beside-timers';

export interface NoticeCourier {
  /** A batch is being sent (a hand-over now would wait for it). */
  busy(): boolean;
  /** Before continue-as-new: no new batch starts, the one in flight finishes; the rest goes on in s.outbox. */
  hold(): Promise<void>;
  /** At the end of the campaign: every batch still queued goes out, then the coroutine ends. */
  finish(): Promise<void>;
}

export function noticeCourier(s: CampaignState, send: (batch: Outbox) => Promise<unknown>): NoticeCourier {
  let sending = false;
  let held = false;
  let finishing = false;
  const done = (async () => {
    for (;;) {
      await condition(() => (s.outbox.length > 0 && !held) || finishing);
      if (held || !s.outbox.length) return;
      sending = true;
      // The head leaves the queue only once sent: a run that continues as new meanwhile carries it on.
      while (s.outbox.length && !held) {
        // A decision may concern no application yet (a deadline moved before any report came in): nothing to send.
        if (s.outbox[0].committeeIds.length) await send(s.outbox[0]);
        s.outbox.shift();
      }
      sending = false;
    }
  })();
  return {
    busy: () => sending,
    async hold() {
      held = true;
      await condition(() => !sending);
    },
    async finish() {
      finishing = true;
      await done;
    },
  };
}
