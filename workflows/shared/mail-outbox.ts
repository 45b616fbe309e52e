/**
 * A workflow's outgoing mail, sent beside its main loop, never in its way.
 * - The queue lives in the workflow state, so continue-as-new carries whatever is not yet sent.
 * - Each queued mail is one `sendMail` activity, started without being awaited by the main loop; the
 *   activity retries with backoff without end while SMTP is down, and its Message-ID stays the same.
 * - An undeliverable result (missing or invalid address, recipient rejected) is recorded and reported
 *   through `report` (the campaign emails the bureau; an application tells its campaign). Never a failure.
 */
import { condition, log, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { SendMailInput, SendMailResult } from '../../activities/send-mail';
import type { UndeliverableEntry } from '../../templates/types';
import type { ReminderSettings } from '../reminders/slots';
import { redactContacts } from '../../domain/redact';

const { sendMail } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  // No maximumAttempts: retried until SMTP is back. Retries are not history events.
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const MAX_IN_FLIGHT = 20;
const KEEP_UNDELIVERABLE = 200;
const KEEP_REPORTED_KEYS = 5_000;
/** How long continue-as-new waits for in-flight sends before carrying them (they keep their Message-ID). */
const CAN_GRACE = '1 minute';

export interface QueuedMail {
  input: SendMailInput;
  /** Report to the bureau if undeliverable (false for the bureau's own reports). */
  report: boolean;
}

export interface MailOutboxState {
  /** Calendar instant (ISO) through which reminders were planned; unset until the first tick. */
  remindedThrough?: string;
  /** Keys of the notices already queued. */
  noticesDone: string[];
  queue: QueuedMail[];
  sent: number;
  /** The latest undeliverable mails (bounded), and their total. */
  undeliverable: UndeliverableEntry[];
  undeliverableTotal: number;
  /** Not yet reported to the bureau. */
  unreported: UndeliverableEntry[];
  /** Addresses already reported (recipient|email|reason): each bad address is reported once, not at every reminder. */
  reportedKeys?: string[];
  reports: number;
}

/** What a workflow that ends hands to the one that outlives it: mail not yet sent, undeliverable mail not yet reported. */
export interface UnsentMail {
  queue: QueuedMail[];
  unreported: UndeliverableEntry[];
}

export interface MailStatus {
  reminders?: ReminderSettings;
  sent: number;
  queued: number;
  undeliverableTotal: number;
  undeliverable: UndeliverableEntry[];
}

export function initialMailOutboxState(): MailOutboxState {
  return {
    noticesDone: [],
    queue: [],
    sent: 0,
    undeliverable: [],
    undeliverableTotal: 0,
    unreported: [],
    reportedKeys: [],
    reports: 0,
  };
}

const keyOf = (m: SendMailInput) => [m.kind, m.deadline, m.offset, m.to.id].join('|');

export interface MailOutboxOptions {
  /** Called once nothing is in flight with the undeliverable mails not yet reported, and the report's sequence number. */
  report?: (entries: UndeliverableEntry[], seq: number) => void;
}

export function startMailOutbox(state: MailOutboxState, opts: MailOutboxOptions = {}) {
  const inFlight = new Set<string>();
  let paused = false;

  const record = (entries: UndeliverableEntry[], report: boolean) => {
    state.undeliverable.push(...entries);
    state.undeliverableTotal += entries.length;
    if (state.undeliverable.length > KEEP_UNDELIVERABLE)
      state.undeliverable.splice(0, state.undeliverable.length - KEEP_UNDELIVERABLE);
    if (!report) return;
    const reported = (state.reportedKeys ??= []);
    for (const e of entries) {
      const k = [e.recipientId, e.email ?? '', e.reason].join('|');
      if (reported.includes(k)) continue;
      reported.push(k);
      state.unreported.push(e);
    }
    if (reported.length > KEEP_REPORTED_KEYS) reported.splice(0, reported.length - KEEP_REPORTED_KEYS);
  };

  const maybeReport = () => {
    if (!opts.report || inFlight.size > 0 || state.unreported.length === 0) return;
    if (state.queue.some((q) => q.report)) return; // wait for the rest of this round
    const entries = state.unreported.splice(0, state.unreported.length);
    opts.report(entries, state.reports++);
  };

  const settle = (job: QueuedMail, key: string, result: SendMailResult | { status: 'failed'; reason: string }) => {
    inFlight.delete(key);
    const i = state.queue.findIndex((q) => keyOf(q.input) === key);
    if (i >= 0) state.queue.splice(i, 1);
    if (result.status === 'sent') state.sent++;
    else {
      const m = job.input;
      log.warn('mail undeliverable', { to: m.to.id, kind: m.kind, reason: redactContacts(result.reason) });
      record(
        [
          {
            recipientId: m.to.id,
            recipientName: m.to.name,
            email: m.to.email,
            reason: result.reason,
            kind: m.kind,
            at: m.scheduledAt,
            workflowId: m.workflowId,
          },
        ],
        job.report,
      );
    }
    maybeReport();
    pump();
  };

  const pump = () => {
    if (paused) return;
    for (const job of state.queue) {
      if (inFlight.size >= MAX_IN_FLIGHT) return;
      const key = keyOf(job.input);
      if (inFlight.has(key)) continue;
      inFlight.add(key);
      // Not awaited: the result is handled whenever it arrives, while the main loop goes on.
      sendMail(job.input).then(
        (r: SendMailResult) => settle(job, key, r),
        (err: unknown) =>
          settle(job, key, {
            status: 'failed',
            reason: `failed: ${String((err as Error)?.message ?? err).slice(0, 200)}`,
          }),
      );
    }
  };

  const idle = () => state.queue.length === 0 && inFlight.size === 0;

  const outbox = {
    /** Queues mails (one per recipient); a mail already queued under the same key is not queued twice. */
    enqueue(inputs: SendMailInput[], o: { report?: boolean } = {}) {
      const queued = new Set(state.queue.map((q) => keyOf(q.input)));
      for (const input of inputs) {
        if (queued.has(keyOf(input))) continue;
        queued.add(keyOf(input));
        state.queue.push({ input, report: o.report ?? true });
      }
      pump();
    },
    /** Undeliverable mails of other workflows (applications), to be reported with this one's. */
    recordUndeliverable(entries: UndeliverableEntry[]) {
      record(entries, true);
      maybeReport();
    },
    /** Resumes the sends carried over by continue-as-new. */
    resume: pump,
    /**
     * Everything not yet settled, for another workflow to send (same inputs, so the same Message-IDs); this
     * outbox starts nothing more. A send in flight is handed over too: its attempt may still deliver it, and
     * the receiver drops the copy with the same Message-ID.
     */
    handOver(): UnsentMail {
      paused = true;
      return { queue: state.queue.slice(), unreported: state.unreported.slice() };
    },
    /** Takes over mail another workflow handed over (`handOver`). */
    adopt(unsent: UnsentMail) {
      for (const q of unsent.queue) outbox.enqueue([q.input], { report: q.report });
      if (unsent.unreported.length) outbox.recordUndeliverable(unsent.unreported);
    },
    idle,
    /** Waits until everything queued has been sent or found undeliverable. */
    drained: () => condition(idle),
    /** Stops starting sends and gives the ones in flight a short grace; whatever is left is carried in the state. */
    async beforeContinueAsNew() {
      paused = true;
      await condition(() => inFlight.size === 0, CAN_GRACE);
    },
    status: (reminders?: ReminderSettings): MailStatus => ({
      reminders,
      sent: state.sent,
      queued: state.queue.length,
      undeliverableTotal: state.undeliverableTotal,
      undeliverable: state.undeliverable.slice(-50),
    }),
  };
  return outbox;
}

export type MailOutbox = ReturnType<typeof startMailOutbox>;
