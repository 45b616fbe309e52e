/**
 * One Red Model title (title-<committeeId>-<awardYear>), alive as long as the title: it holds the
 * award, every year's re-evaluation result, incidents, and the exit (notice 五(四)). Each year's
 * campaign asks it to start that year's re-evaluation, a child workflow; when that ends and the title
 * is still active the title continues-as-new, so each run's history covers about one year.
 * A revoked title waits for its 街镇 to confirm the recovery of the nameplate and certificate, then ends.
 */
import {
  allHandlersFinished,
  condition,
  log,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { reevaluationWorkflowId } from '../../temporal/ids';
import { zodLine } from '../../domain/rejections';
import { CampaignYear, CommitteeId, Stage, Subdistrict, TitleStatus } from '../../temporal/search-attributes';
import { staffForTitle, type Incident } from '../../domain/titles';
import { recordAudit } from '../shared/audit';
import { refusedDetail, rejectedAttemptSchema, rejectedAttemptSignal } from '../shared/rejected-attempt';
import { closeReevaluationSignal, incidentNoticeSignal } from '../reevaluation/messages';
import { startReevaluationSchema, startReevaluationSignal, titleStatusQuery, titleUpdates } from './messages';
import { titleActions, titleContext } from './actions';
import { registerActions } from '../shared/actions';
import {
  continueAsNewWhenSettled,
  HISTORY_LIMITS,
  historyIsLarge as historyIsLargeAfter,
} from '../shared/continue-as-new';
import { reevaluation } from '../reevaluation/workflow';
import { storyClock, timeFromTimers, timeScaleOf } from '../shared/clock';
import { titleMail } from './mail';
import { reminderTimers, runReminders } from '../reminders/runner';
import type { UnsentMail } from '../shared/mail-outbox';
import type { ReevaluationResult } from '../reevaluation/state';
import {
  incidentsFor,
  initialTitleState,
  recordResult,
  snapshotOf,
  startRejection,
  type TitleInput,
  type TitleSnapshot,
  type TitleState,
} from './state';

export async function title(input: TitleInput): Promise<TitleSnapshot> {
  // First, before any command: runs recorded before time-from-timers keep their clock-reading path.
  const useTimers = timeFromTimers();
  // Then, also before any command: whether the weekly recovery reminders have a coroutine of their own.
  const ownReminderTimers = reminderTimers(useTimers);
  const s: TitleState = input.carried ?? initialTitleState(input);
  const workflowId = workflowInfo().workflowId;
  // The scale of the latest re-evaluation (legacy: of its calendar). A title's checks compare typed dates with
  // today, so they read the live clock (day precision); its weekly recovery reminders are due by clock.now(), its timers.
  const clock = storyClock(() => s.timeScale ?? timeScaleOf({ calendar: s.calendar }), s, useTimers);
  const calNow = clock.live;
  let child: ChildWorkflowHandle<typeof reevaluation> | undefined;
  let finished: { result?: ReevaluationResult & { unsentMail?: UnsentMail }; error?: string } | undefined;

  const audit = (action: string, payload: unknown, error?: string) =>
    recordAudit(s, calNow(), s.staff, input.committeeId, action, payload, error);
  // Every run, not only at start: cheap, and right however the run was started.
  const upsertAttributes = () =>
    upsertSearchAttributes([
      { key: TitleStatus, value: s.status },
      { key: Subdistrict, value: input.subdistrict },
      { key: CommitteeId, value: input.committeeId },
    ]);
  upsertAttributes();

  /** Tells the running re-evaluation about an incident of its year (or earlier). */
  const forward = async (incident: Incident) => {
    if (!child || !s.current || Number(incident.date.slice(0, 4)) > s.current.year) return;
    try {
      await child.signal(incidentNoticeSignal, incident);
    } catch (err) {
      // It has just finished: the incident stays uncounted and goes to the next re-evaluation.
      log.warn('could not forward an incident', { error: String(err) });
    }
  };
  const closeChild = async () => {
    if (!child || !s.current) return;
    try {
      await child.signal(closeReevaluationSignal, {
        reason: `新一届业委会已备案，称号即时失效，${s.current.year} 年度复评终止`,
      });
    } catch (err) {
      log.warn('could not close the re-evaluation', { error: String(err) });
    }
  };

  // Every action is one Update (workflows/title/actions/): checked in the validator, checked again and applied in the handler.
  let statusBefore = s.status;
  registerActions(titleActions, {
    updates: titleUpdates,
    context: (at) => {
      if (at === 'handle') statusBefore = s.status;
      return titleContext(s, input, calNow());
    },
    audit: (name, payload) => audit(name, payload),
    settle: async (name, { message }) => {
      if (s.status !== statusBefore) upsertAttributes();
      if (name === 'recordIncident') await forward(s.incidents[s.incidents.length - 1]);
      if (name === 'fileReelection') await closeChild();
      return { stage: s.status, status: s.status, message };
    },
  });
  // A refused Update, reported by the client that sent it (client/refusals.ts): recorded, nothing else.
  setHandler(rejectedAttemptSignal, (attempt) => {
    const r = rejectedAttemptSchema().safeParse(attempt);
    if (r.success) audit(r.data.action, { actor: r.data.actor ?? '(system)' }, refusedDetail(r.data.error));
    else audit('rejectedAttempt', attempt, 'InvalidInput: malformed report of a refused attempt');
  });
  setHandler(startReevaluationSignal, (req) => {
    // A malformed request may not even be an object: read its two fields defensively.
    const summary = { year: req?.year, materialsDue: req?.materialsDue };
    const parsed = startReevaluationSchema.safeParse(req);
    if (!parsed.success) return audit('startReevaluation', summary, `InvalidInput: ${zodLine(parsed.error)}`);
    const why = startRejection(parsed.data, s, input);
    if (why) return audit('startReevaluation', summary, why);
    s.queue.push(parsed.data);
    audit('startReevaluation', summary);
  });
  setHandler(titleStatusQuery, () => snapshotOf(s, input, workflowId));
  // The revocation notice and the weekly recovery reminders (workflows/title/mail.ts), sent beside the main loop.
  const mail = titleMail(input, s, workflowId, clock, (action, payload) => audit(action, payload));

  const startNext = async () => {
    const req = s.queue.shift()!;
    s.staff = staffForTitle(req.staff, input.subdistrict);
    s.gradeBands = req.gradeBands;
    s.calendar = req.calendar;
    s.timeScale = timeScaleOf(req);
    const incidents = incidentsFor(s, req.year);
    const childId = reevaluationWorkflowId(req.year, input.committeeId);
    try {
      child = await startChild(reevaluation, {
        workflowId: childId,
        args: [
          {
            year: req.year,
            committeeId: input.committeeId,
            subdistrict: input.subdistrict,
            awardYear: input.awardYear,
            titleWorkflowId: workflowId,
            calendar: req.calendar,
            timeScale: req.timeScale,
            materialsDue: req.materialsDue,
            staff: s.staff,
            gradeBands: req.gradeBands,
            incidents,
            committeeName: input.committeeName,
            contactEmail: input.contactEmail,
            reminders: input.reminders,
          },
        ],
        typedSearchAttributes: [
          { key: CampaignYear, value: req.year },
          { key: Subdistrict, value: input.subdistrict },
          { key: CommitteeId, value: input.committeeId },
          { key: Stage, value: 'awaiting-materials' },
        ],
      });
    } catch (err) {
      log.error('could not start the re-evaluation', { year: req.year, error: String(err) });
      audit('startReevaluation', { year: req.year }, `Error: ${String(err)}`);
      return;
    }
    s.current = { year: req.year, workflowId: childId, startedAt: clock.stamp() };
    child.result().then(
      (result) => (finished = { result }),
      (err) => (finished = { error: String(err) }),
    );
    // Changes that arrived while the child was being started.
    if (s.status !== 'active') await closeChild();
    for (const i of incidentsFor(s, req.year)) if (!incidents.includes(i)) await forward(i);
  };

  const historyIsLarge = () => historyIsLargeAfter(HISTORY_LIMITS.title);
  // Unsent mail is carried in s.mail.
  const nextRun = () =>
    continueAsNewWhenSettled<typeof title>([mail.beforeContinueAsNew], () => ({
      ...input,
      carried: { ...s, runs: s.runs + 1 },
    }));
  const done = () => s.status === 'revoked' && !!s.recovery?.confirmedAt && !child;

  // Weekly recovery reminders on their own timer (new runs); the loop below then waits for events only.
  let remindersStopped = false;
  if (ownReminderTimers) void runReminders(clock, mail, () => remindersStopped);

  for (;;) {
    mail.tick();
    const ready = () =>
      finished !== undefined ||
      mail.noticeDue() ||
      (!child && (done() || (s.status === 'active' && s.queue.length > 0) || historyIsLarge()));
    // Runs recorded before the reminder coroutine: a revoked title with the recovery open also wakes for its
    // next weekly reminder.
    if (ownReminderTimers) await condition(ready);
    else if (clock.legacy) {
      const wait = mail.waitMs();
      if (wait === undefined) await condition(ready);
      else await condition(ready, wait);
    } else await clock.waitUntil(mail.nextAt(), ready);
    if (finished) {
      const f = finished;
      finished = undefined;
      child = undefined;
      if (f.result) {
        // Mail the re-evaluation had not sent when it decided (SMTP down): this title sends it, same Message-IDs.
        const { unsentMail, ...result } = f.result;
        if (unsentMail) mail.adopt(unsentMail);
        recordResult(s, input, result);
      } else audit('reevaluation-failed', { year: s.current?.year }, `Error: ${f.error}`);
      s.current = undefined;
      upsertAttributes();
      // Once a year: the year's re-evaluation is over, so a fresh run carries the state on.
      if (s.status === 'active') await nextRun();
      continue;
    }
    if (child) continue; // woke for mail only: the re-evaluation still runs
    if (done()) break;
    if (s.status === 'active' && s.queue.length) await startNext();
    else if (historyIsLarge()) await nextRun();
  }
  remindersStopped = true;
  mail.tick(); // the revocation notice, when the revocation and its confirmation came together
  await mail.drained(); // the notice and any reminder still retrying go out before the title ends
  await condition(allHandlersFinished);
  return snapshotOf(s, input, workflowId);
}
