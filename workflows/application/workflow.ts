/**
 * One committee's application in one year (application-<year>-<committeeId>).
 * Notice 三(二)–(四): submitted → 街镇 pre-review → special inspection → panel → 公示 → commendation.
 * Human decisions arrive as Updates (or Signals); deadlines are durable timers on absolute instants.
 */
import {
  condition,
  getExternalWorkflowHandle,
  log,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import { Stage } from '../../temporal/search-attributes';
import { STAGE_LABELS, type ApplicationStage } from '../../domain/stages';
import { applicationStatusQuery, applicationUpdates, campaignDecisionSignal } from './messages';
import { applicationActions, applicationContext, requireOpen } from './actions';
import { registerActions } from '../shared/actions';
import {
  continueAsNewWhenSettled,
  HISTORY_LIMITS,
  historyIsLarge as historyIsLargeAfter,
} from '../shared/continue-as-new';
import { appendAudit, staffRole, type AuditPolicy } from '../shared/audit';
import { applicationReportSignal, type ApplicationReport } from '../campaign/stage-report';
import { refusedDetail, rejectedAttemptSchema, rejectedAttemptSignal } from '../shared/rejected-attempt';
import { applicationMail } from './mail';
import { applicationResult, type ApplicationResult } from './result';
import { storyClock, timeScaleOf } from '../shared/clock';
import { runReminders } from '../reminders/runner';
import { applicationPaths } from './code-paths';
import {
  initialState,
  isFinal,
  type ApplicationInput,
  type ApplicationSnapshot,
  type ApplicationState,
  type CampaignDecision,
} from './state';

const MAX_REJECTED_IN_AUDIT = 100;

export async function application(input: ApplicationInput): Promise<ApplicationResult> {
  // First, before any command: which code path this run takes (runs recorded before a change keep theirs).
  const { useTimers, ownReminderTimers, openingTimers, deadlineDayReminder } = applicationPaths();
  const s: ApplicationState = input.carried ?? initialState(input);
  const cal = input.calendar;
  // Deadline checks and due reminders read clock.now(): the instant the last timer reached.
  const clock = storyClock(timeScaleOf(input), s, useTimers);
  const snapshot = (): ApplicationSnapshot => ({
    ...s,
    workflowId: workflowInfo().workflowId,
    year: input.year,
    form: input.form,
    stageLabel: STAGE_LABELS[s.stage],
    final: isFinal(s),
  });

  const auditPolicy: AuditPolicy = {
    noActor: '(none)',
    // The committee acts for itself under its own id; the campaign's notices and timers have no actor.
    roleOf: (actor) =>
      actor === input.form.committeeId || actor === input.submittedBy
        ? 'committee'
        : actor === '(none)'
          ? 'system'
          : staffRole(input.staff, actor),
    maxRejected: MAX_REJECTED_IN_AUDIT,
    keepPayload: true,
  };
  const audit = (action: string, payload: unknown, error?: string) =>
    appendAudit(s, auditPolicy, clock.stamp(), action, payload, { error });

  // To the 街镇's relay where there is one; a relay that has ended (or was never started) is passed by.
  const sendReport = async (r: ApplicationReport) => {
    if (input.reportsTo)
      try {
        return await getExternalWorkflowHandle(input.reportsTo).signal(applicationReportSignal, r);
      } catch (err) {
        log.warn('could not report to the 街镇 relay; reporting to the campaign', { error: String(err) });
      }
    await getExternalWorkflowHandle(input.campaignWorkflowId).signal(applicationReportSignal, r);
  };
  const report = async () => {
    s.reportSeq++;
    try {
      await sendReport({
        committeeId: input.form.committeeId,
        stage: s.stage,
        seq: s.reportSeq,
        paperFormReceived: s.paperFormReceived,
        total: s.inspection?.total,
        grade: s.inspection?.grade,
        // Reports name the committee, its 街镇 and the deadlines it holds until the campaign has one that did (the
        // submission's, unless that signal failed); the campaign keeps them, and sends a deadline moved since.
        ...(s.identityReported
          ? {}
          : {
              subdistrict: input.form.subdistrict,
              name: input.form.committeeName,
              deadlines: {
                applications: s.applicationsClose ?? cal.applicationsClose,
                review: s.reviewDeadline,
                inspection: s.inspectionDeadline,
              },
            }),
      });
      s.identityReported = true;
    } catch (err) {
      log.warn('could not report to the campaign', { error: String(err) });
    }
  };

  const setStage = (stage: ApplicationStage, reason?: string) => {
    s.stage = stage;
    s.reason = reason;
    upsertSearchAttributes([{ key: Stage, value: stage }]);
  };

  // Every action is one Update (workflows/application/actions/): checked in the validator, checked again and applied in the handler.
  let stageBefore = s.stage;
  registerActions(applicationActions, {
    updates: applicationUpdates,
    guard: requireOpen,
    context: (at) => {
      // Validators do not run on replay: they may read the clock. Handlers decide with state only (workflows/shared/clock.ts).
      if (at === 'validate') {
        const [now, late] = clock.forValidator();
        return applicationContext(s, input, { now, late });
      }
      stageBefore = s.stage;
      const [now, late] = clock.forHandler();
      return applicationContext(s, input, { now, late, at: clock.live() });
    },
    audit: (name, payload) => audit(name, payload),
    settle: async (name, { message }) => {
      if (s.stage !== stageBefore) upsertSearchAttributes([{ key: Stage, value: s.stage }]);
      // Answer only once the campaign has the report: a 街镇 that confirms its list right after its
      // last decision must find that decision there (answering first was tried, and lost that race).
      // A re-election filing changes no stage: the campaign hears of it from the client, if at all.
      if (name !== 'recordReelection') await report();
      return { stage: s.stage, message };
    },
  });

  const notices: CampaignDecision[] = [];
  setHandler(rejectedAttemptSignal, (attempt) => {
    const r = rejectedAttemptSchema().safeParse(attempt);
    if (r.success) audit(r.data.action, { actor: r.data.actor ?? '(none)' }, refusedDetail(r.data.error));
    else audit('rejectedAttempt', attempt, 'InvalidInput: malformed report of a refused attempt');
  });
  setHandler(campaignDecisionSignal, (notice) => {
    notices.push(notice);
  });
  setHandler(applicationStatusQuery, snapshot);
  // Paper-form reminders to the committee (workflows/application/mail.ts), sent beside the main path.
  const mail = applicationMail(input, s, clock, deadlineDayReminder);

  const applyNotices = async () => {
    while (notices.length) {
      const n = notices.shift()!;
      audit(`campaign:${n.type}`, n);
      if (isFinal(s)) continue;
      if (n.type === 'deadline') {
        if (n.window === 'review') s.reviewDeadline = n.until;
        else if (n.window === 'applications') s.applicationsClose = n.until;
        else s.inspectionDeadline = n.until;
      } else if (n.type === 'locked') {
        s.locked = true;
      } else if (n.type === 'listed') {
        // Outcomes come from the campaign, which has recorded them already: no report back.
        s.rank = n.rank;
        setStage('listed');
      } else if (n.type === 'removed') {
        setStage('removed', n.reason);
      } else if (n.type === 'commended') {
        setStage('commended', '经公示无异议，确定为红色示范业委会并颁发铭牌与奖状');
      } else if (n.type === 'not-selected') {
        setStage('not-selected', n.reason);
      }
    }
  };

  const historyIsLarge = () => historyIsLargeAfter(HISTORY_LIMITS.application);
  const continueIfLarge = async () => {
    if (!historyIsLarge()) return;
    // Unsent mail is carried in s.mail.
    await continueAsNewWhenSettled<typeof application>([mail.beforeContinueAsNew], () => ({ ...input, carried: s }));
  };

  if (!input.carried) {
    const close = Date.parse(cal.applicationsClose);
    if (clock.legacy ? clock.realUntil(close) <= 0 : clock.now() >= close) {
      // Defence in depth: the client checks first, but a start that races the close still ends here. A start
      // before the opening (a client clock a little ahead) is let through: the client refuses early submissions,
      // and a closed workflow here would block the committee's real submission by its id.
      setStage('rejected-late', '申报已于截止时间后提交');
      return applicationResult(s);
    }
    audit('submit', { actor: input.submittedBy, form: input.form });
    await report();
  }

  // Paper-form reminders on their own timers (new runs), for as long as the pre-review runs.
  let remindersStopped = false;
  if (ownReminderTimers) void runReminders(clock, mail, () => remindersStopped);

  // 街镇 pre-review: until the list is confirmed (locked) or the deadline passes.
  const woken = () => s.locked || notices.length > 0 || historyIsLarge();
  while (!s.locked) {
    mail.tick();
    const deadline = Date.parse(s.reviewDeadline);
    if (clock.legacy) {
      // The path these runs were recorded with: the clock decides whether the deadline has passed.
      const remaining = clock.realUntil(deadline);
      if (remaining <= 0) break;
      const reminder = mail.nextAt();
      const wait = reminder === undefined ? remaining : Math.min(remaining, clock.realUntil(reminder));
      await condition(woken, Math.max(wait, 1));
    } else {
      if (clock.now() >= deadline) break;
      // The deadline (moved by a campaign notice: the loop re-arms); runs recorded before the patch also wake at the
      // pre-review's opening, and those recorded before reminders had their own timer for the next reminder.
      const reminder = ownReminderTimers ? undefined : mail.nextAt();
      const opens = openingTimers ? Date.parse(cal.reviewOpens) : undefined;
      await clock.waitUntil(earliestAfter(clock.now(), [opens, deadline, reminder]), woken);
    }
    await applyNotices();
    await continueIfLarge();
  }
  remindersStopped = true;
  if (!s.locked) audit('review-deadline', { deadline: s.reviewDeadline });
  s.locked = true;
  if (!s.decision) {
    setStage('no-decision', '街镇未在截止时间前作出推荐决定');
    await report();
  }
  // Inspection, panel, 公示 and commendation: outcomes come from the campaign.
  while (!isFinal(s)) {
    const waiting = () => notices.length > 0 || historyIsLarge();
    if (clock.legacy) await condition(waiting);
    // Inspection is recorded before its deadline, a timer of this workflow (and, in runs recorded before the patch,
    // its opening too).
    else {
      const opens = openingTimers ? Date.parse(cal.inspectionOpens) : undefined;
      await clock.waitUntil(earliestAfter(clock.now(), [opens, Date.parse(s.inspectionDeadline)]), waiting);
    }
    await applyNotices();
    if (!isFinal(s)) await continueIfLarge();
  }
  await mail.drained();
  await condition(allHandlersFinished);
  // Not the snapshot: the start input has the form (workflows/application/result.ts). The status query still answers with it.
  return applicationResult(s);
}

/** The first instant after `now`, if any. */
function earliestAfter(now: number, instants: (number | undefined)[]): number | undefined {
  const later = instants.filter((t): t is number => t !== undefined && t > now);
  return later.length ? Math.min(...later) : undefined;
}
