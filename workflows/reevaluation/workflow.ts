/**
 * One title's re-evaluation in one year (reevaluation-<year>-<committeeId>), a child of the title
 * workflow. Materials → special inspection → 街镇 pre-review → bureau confirmation (notice 五(二)).
 * The materials deadline is a durable timer on an absolute calendar instant; the result goes back to
 * the title as this workflow's return value. Rules and their order: reevaluation/state.ts.
 */
import {
  allHandlersFinished,
  condition,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Stage } from '../../temporal/search-attributes';
import { recordAudit } from '../shared/audit';
import { refusedDetail, rejectedAttemptSchema, rejectedAttemptSignal } from '../shared/rejected-attempt';
import { reevaluationMail, reevaluationReminderView } from './mail';
import { campaignReporter, REEVALUATION_DIGEST_PATCH, type CampaignReporter } from './campaign-report';
import type { UnsentMail } from '../shared/mail-outbox';
import { storyClock, timeFromTimers, timeScaleOf } from '../shared/clock';
import { withRecordedDates } from '../shared/instant';
import { reminderTimers, runReminders } from '../reminders/runner';
import {
  closeReevaluationSignal,
  incidentNoticeSignal,
  reevaluationStatusQuery,
  reevaluationUpdates,
} from './messages';
import { reevaluationActions, reevaluationContext } from './actions';
import { registerActions } from '../shared/actions';
import {
  continueAsNewWhenSettled,
  HISTORY_LIMITS,
  historyIsLarge as historyIsLargeAfter,
} from '../shared/continue-as-new';
import {
  REEVALUATION_STAGE_LABELS,
  failureReasons,
  initialReevaluationState,
  pendingTasks,
  stageOf,
  type ReevaluationInput,
  type ReevaluationResult,
  type ReevaluationSnapshot,
  type ReevaluationState,
} from './state';

/** Selects returning the result without waiting for the mail queue to drain; absent in histories recorded before it. */
export const RESULT_BEFORE_MAIL_PATCH = 'reevaluation-result-before-mail';

export async function reevaluation(
  input: ReevaluationInput,
): Promise<ReevaluationResult & { unsentMail?: UnsentMail }> {
  // First, before any command: runs recorded before time-from-timers keep their clock-reading path.
  const useTimers = timeFromTimers();
  // Then, also before any command: whether reminders have a coroutine of their own.
  const ownReminderTimers = reminderTimers(useTimers);
  // And whether the result is returned at once, its unsent mail handed to the title (not waited for).
  const resultBeforeMail = useTimers && patched(RESULT_BEFORE_MAIL_PATCH);
  // And whether the campaign sends the 街镇 officials one digest for all their holders (./campaign-report.ts).
  const digest = ownReminderTimers && patched(REEVALUATION_DIGEST_PATCH);
  const cal = input.calendar;
  // Deadline checks and due reminders read clock.now(): the instant the last timer reached.
  const clock = storyClock(timeScaleOf(input), () => s, useTimers);
  const s: ReevaluationState = input.carried ?? initialReevaluationState(input, clock.live());
  const workflowId = workflowInfo().workflowId;
  /** Bumped by every accepted change, so the main loop re-arms its deadline timer. */
  let changes = 0;

  const snapshot = (): ReevaluationSnapshot => {
    const reasons = failureReasons(s, input);
    return {
      ...s,
      workflowId,
      year: input.year,
      committeeId: input.committeeId,
      subdistrict: input.subdistrict,
      awardYear: input.awardYear,
      titleWorkflowId: input.titleWorkflowId,
      stageLabel: REEVALUATION_STAGE_LABELS[s.stage],
      inspectionOpens: cal.inspectionOpens,
      inspectionCloses: cal.inspectionCloses,
      calendar: cal,
      timeScale: timeScaleOf(input),
      provisional: { outcome: reasons.length ? 'fail' : 'undetermined', reasons },
      pending: pendingTasks(s, input),
    };
  };
  const audit = (action: string, payload: unknown, error?: string) =>
    recordAudit(s, clock.live(), input.staff, input.committeeId, action, payload, error);
  let reporter: CampaignReporter | undefined;
  const refresh = () => {
    changes++;
    // Whether it now waits on its 街镇's pre-review, as the reminder plan sees it; sent only when that changes.
    reporter?.report(reevaluationReminderView(input, s).preReviewPending, stageOf(s, input));
    const stage = stageOf(s, input);
    if (stage === s.stage) return;
    s.stage = stage;
    s.stageSince = clock.stamp();
    upsertSearchAttributes([{ key: Stage, value: stage }]);
  };

  // Every action is one Update (workflows/reevaluation/actions/): checked in the validator, checked again and applied in the handler.
  registerActions(reevaluationActions, {
    updates: reevaluationUpdates,
    // An older history's payload as it was meant (a bare date is 24:00 Beijing): handlers only, never validators.
    recorded: withRecordedDates,
    context: (at) => {
      // Validators do not run on replay: they may read the clock. Handlers decide with state only (workflows/shared/clock.ts).
      if (at === 'validate') {
        const [now, late] = clock.forValidator();
        return reevaluationContext(s, input, workflowId, { now, late });
      }
      const [now, late] = clock.forHandler();
      return reevaluationContext(s, input, workflowId, { now, late, at: clock.live() });
    },
    audit: (name, payload) => audit(name, payload),
    settle: (_name, { message }) => {
      refresh();
      return { stage: s.stage, message };
    },
  });
  // A refused Update, reported by the client that sent it (client/refusals.ts): recorded, nothing else.
  setHandler(rejectedAttemptSignal, (attempt) => {
    const r = rejectedAttemptSchema().safeParse(attempt);
    if (r.success) audit(r.data.action, { actor: r.data.actor ?? '(system)' }, refusedDetail(r.data.error));
    else audit('rejectedAttempt', attempt, 'InvalidInput: malformed report of a refused attempt');
  });
  setHandler(incidentNoticeSignal, (incident) => {
    // After the decision an incident is not ours: the title keeps it for the next re-evaluation.
    if (s.result || s.incidents.some((i) => i.id === incident.id)) return;
    s.incidents.push(incident);
    audit('incident', incident);
    refresh();
  });
  setHandler(closeReevaluationSignal, ({ reason }) => {
    if (s.result) return;
    s.result = {
      year: input.year,
      workflowId,
      outcome: 'closed',
      reasons: [reason],
      decidedAt: clock.stamp(),
      countedIncidents: [],
    };
    audit('close', { reason });
    refresh();
  });
  setHandler(reevaluationStatusQuery, snapshot);

  // Reminders to the holder and the 街镇 (workflows/reevaluation/mail.ts), sent beside the main loop.
  // A report that cannot reach the campaign hands the officials' reminders back here: the loop wakes, re-plans.
  if (digest) reporter = campaignReporter(input, s, () => changes++);
  const mail = reevaluationMail(input, s, clock, () => !reporter || !reporter.officialsByCampaign());

  const historyIsLarge = () => historyIsLargeAfter(HISTORY_LIMITS.reevaluation);
  if (!input.carried) {
    audit('start', { materialsDue: s.materialsDue, incidents: input.incidents.map((i) => i.id) });
    refresh(); // incidents known at the start may already decide the stage
  }
  // Reminders on their own timers (new runs); the loop below then sleeps only until its deadline or opening.
  if (ownReminderTimers) void runReminders(clock, mail, () => !!s.result);

  while (!s.result) {
    mail.tick(); // before the deadline check: a reminder due before the deadline still goes out
    const seen = changes;
    const waiting = !s.materials && !s.materialsMissing;
    const due = Date.parse(s.materialsDue);
    // Legacy runs: real milliseconds to the deadline by the clock; others: whether a timer reached it.
    const remaining = !waiting ? undefined : clock.legacy ? clock.realUntil(due) : due - clock.now();
    if (remaining !== undefined && remaining <= 0) {
      s.materialsMissing = { deadline: s.materialsDue, notedAt: clock.stamp() };
      audit('materials-deadline', { deadline: s.materialsDue });
      refresh();
      continue;
    }
    const wake = () => changes !== seen || historyIsLarge();
    if (clock.legacy) {
      const reminder = mail.waitMs();
      const timeout =
        remaining === undefined ? reminder : reminder === undefined ? remaining : Math.min(remaining, reminder);
      if (timeout === undefined) await condition(wake);
      else await condition(wake, Math.max(1, timeout));
    } else {
      // The materials deadline (moved by extendDeadline: the loop re-arms) or the inspection's opening; runs
      // recorded before reminders had their own timer also wake for the next reminder.
      const now = clock.now();
      const reminder = ownReminderTimers ? undefined : mail.nextAt();
      const next = [waiting ? due : undefined, Date.parse(cal.inspectionOpens), reminder].filter(
        (t): t is number => t !== undefined && t > now,
      );
      await clock.waitUntil(next.length ? Math.min(...next) : undefined, wake);
    }
    if (!s.result && historyIsLarge()) {
      // Unsent mail is carried in s.mail; what the campaign heard (or the fallback) in s.reported.
      await continueAsNewWhenSettled<typeof reevaluation>(
        [mail.beforeContinueAsNew, async () => reporter?.settled()],
        () => ({ ...input, carried: s }),
      );
    }
  }
  if (!resultBeforeMail) {
    await mail.drained(); // runs recorded before the hand-over: queued mail went out before the result
    await condition(allHandlersFinished);
    return s.result;
  }
  // The result goes to the title now, even while SMTP is down; the title sends what is still queued.
  await reporter?.settled(); // the campaign has heard this one no longer waits
  await condition(allHandlersFinished);
  const unsentMail = await mail.handOver();
  return unsentMail.queue.length || unsentMail.unreported.length ? { ...s.result, unsentMail } : s.result;
}
