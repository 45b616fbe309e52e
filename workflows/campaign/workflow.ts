/**
 * One year's campaign (campaign-<year>): the phases of notice 三 on durable timers that sleep until
 * absolute instants, the 街镇 lists, the expert panel, 公示 with objections, and the final list.
 * Applications are separate workflows; they report stage changes here, so the campaign knows every
 * stage without querying them, and it continues-as-new before its history grows large.
 */
import {
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { Stage } from '../../temporal/search-attributes';
import {
  campaignAuditQuery,
  campaignNoticesQuery,
  campaignStatusQuery,
  campaignUpdates,
  panelVotesQuery,
  registryRowsQuery,
} from './messages';
import { campaignActions } from './actions';
import { campaignContext } from './actions/context';
import { registerActions } from '../shared/actions';
import {
  continueAsNewWhenSettled,
  CAMPAIGN_BACKSTOP_BEFORE_PATCH,
  CAMPAIGN_BACKSTOP_PATCH,
  CAMPAIGN_BACKSTOP_800_PATCH,
  CAMPAIGN_BACKSTOP_1500,
  CAMPAIGN_SOFT_LIMIT_PATCH,
  heardCounter,
  HISTORY_LIMITS,
  historyIsLarge as historyIsLargeAfter,
  QUIET_HAND_OVER_PATCH,
  quietHandOver,
  QUIET_WATCH_FROM_EVENTS_PATCH,
  SOFT_HISTORY_LIMITS,
  SOFT_LIMITS_BEFORE_PATCH,
} from '../shared/continue-as-new';
import { appendAudit, staffRole, type AuditPolicy } from '../shared/audit';
import { applicationReportSignal, applicationReportsSignal } from './stage-report';
import { receiveReport } from './registration';
import { closeRelays, gatherReports, recordBatch } from './gather';
import { recordReevaluationReport, reevaluationReportSignal } from './reevaluations';
import { refusedDetail, rejectedAttemptSchema, rejectedAttemptSignal } from '../shared/rejected-attempt';
import { objectorViewedSignal, objectorViewSchema } from './objector-view';
import { campaignMail } from './mail';
import { storyClock, timeFromTimers, timeScaleOf } from '../shared/clock';
import { withRecordedDates } from '../shared/instant';
import { reminderTimers, runReminders } from '../reminders/runner';
import { carryState, resumeState } from './registry';
import { SUBMISSION_MEMO_PATCH, submissionMemo, submissionTerms } from './memo';
import { NOT_SELECTED_ONCE_PATCH } from './actions/panel-finalize';
import { NOTICES_BESIDE_TIMERS_PATCH, noticeCourier } from './notices';
import {
  countsOf,
  initialCampaignState,
  nextBoundary,
  phaseAt,
  type CampaignInput,
  type CampaignState,
  type CampaignStatus,
} from './state';

// The fan-out heartbeats every second while it runs (activities/notify-applications.ts): a dead worker is
// noticed after 5 s of real time, about 12 story days at 210,000× (demo) rather than the 145 days a minute was,
// so a retry lands before the next phase boundary. Activity options are not part of replay: no patch needed.
const { notifyApplications } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// The campaign's links to titles (activities/titles.ts); both activities are idempotent.
const titleLinks = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const MAX_REJECTED_IN_AUDIT = 200;

export interface CampaignResult {
  year: number;
  finalList: string[];
  removed: string[];
  counts: CampaignStatus['counts'];
}

export async function campaign(input: CampaignInput): Promise<CampaignResult> {
  // First, before any command: runs recorded before time-from-timers keep their clock-reading path.
  const useTimers = timeFromTimers();
  // Then, also before any command: whether reminders have a coroutine of their own.
  const ownReminderTimers = reminderTimers(useTimers);
  // Then: whether this run keeps its memo (what a submission reads, workflows/campaign/memo.ts) current when a
  // deadline moves. Runs recorded before it never upserted their memo; their submissions fall back to a Query.
  const keepMemo = patched(SUBMISSION_MEMO_PATCH);
  // Then: whether, past its soft history limit, this run hands over at a quiet moment (workflows/shared/continue-as-new.ts).
  const quietHandOverOn = patched(QUIET_HAND_OVER_PATCH);
  // Then: the history backstop, lowered for new runs so that a run that never finds a quiet moment replays in < 1 s
  // (lowered again below, behind a patch of its own).
  const backstop1500 = patched(CAMPAIGN_BACKSTOP_PATCH);
  // Then: whether notices to applications go out beside the main loop, so a long fan-out never holds a phase (./notices.ts).
  const noticesBeside = patched(NOTICES_BESIDE_TIMERS_PATCH);
  // Then: the soft limit past which a quiet moment hands over, lowered for new runs (workflows/shared/continue-as-new.ts).
  // At 10,000 applications the panel's list tells some 8,000 applications in one fan-out, for minutes; a hand-over
  // waits for it (courier.hold), and with it the phase: a run with this patch counts no moment quiet meanwhile. Its
  // backstop waits for a short quiet moment too (BACKSTOP_QUIET_MS), so a refused hand-over is not tried again in
  // the full replay that follows, which the reports arriving meanwhile would refuse again.
  const lowSoftLimit = patched(CAMPAIGN_SOFT_LIMIT_PATCH);
  const softLimit = lowSoftLimit ? SOFT_HISTORY_LIMITS.campaign : SOFT_LIMITS_BEFORE_PATCH.campaign;
  // Then: the lower backstop, only where the backstop waits for a quiet moment (workflows/shared/continue-as-new.ts);
  // past it a task that took no report is quiet enough (`quietInTask`).
  const backstop800 = lowSoftLimit && patched(CAMPAIGN_BACKSTOP_800_PATCH);
  // Then: whether the watch for a quiet moment starts from the reports and actions that pass the limit, and the main
  // loop's wait never reads the history length (QUIET_WATCH_FROM_EVENTS_PATCH).
  const watchFromEvents = quietHandOverOn && patched(QUIET_WATCH_FROM_EVENTS_PATCH);
  const backstop = backstop800
    ? HISTORY_LIMITS.campaign
    : backstop1500
      ? CAMPAIGN_BACKSTOP_1500
      : CAMPAIGN_BACKSTOP_BEFORE_PATCH;
  const s: CampaignState = input.carried ? resumeState(input.carried) : initialCampaignState(input);
  const cal = input.calendar;
  // Phases, deadline checks and due reminders read clock.now(): the instant the last timer reached.
  const clock = storyClock(timeScaleOf(input), s, useTimers);
  let changed = false;
  // Signals and Updates this run took: a quiet moment for continue-as-new is one in which none arrives.
  const heard = heardCounter();
  const hear = heard.hear;
  // The deadlines in the memo now (the rest of it never changes): the client set them at the start, or the run
  // this one continues passed them on.
  const memoDeadlines = () => JSON.stringify([s.applicationsClose, s.reviewDeadlines, s.inspectionCloses]);
  let inMemo = memoDeadlines();
  // Reminders and notices by email, sent beside the main loop (workflows/campaign/mail.ts).
  const mail = campaignMail(input, s, clock);

  const status = (): CampaignStatus => ({
    year: input.year,
    phase: phaseAt(input, s, clock.now()),
    calendar: cal,
    timeScale: timeScaleOf(input),
    quota: input.quota,
    applicationsClose: s.applicationsClose,
    reviewDeadlines: s.reviewDeadlines,
    inspectionCloses: s.inspectionCloses,
    confirmed: s.confirmed,
    counts: countsOf(s),
    votes: Object.values(s.votes).reduce((n, v) => n + Object.keys(v).length, 0),
    draft: s.draft,
    removed: s.removed,
    objections: s.objections,
    final: s.final,
    listRemovals: s.listRemovals ?? [],
    reelectionFlags: s.reelectionFlags ?? [],
    panelOverdue: s.bureauToldPanelOverdue,
    rejectedActions: s.rejectedCount,
    reminders: mail.settings,
  });

  // The campaign's trail keeps a line for people in `detail` and no payload (objections carry names and contacts).
  const auditPolicy: AuditPolicy = {
    noActor: '(public)',
    roleOf: (actor) =>
      actor === '(public)' ? 'public' : s.registry[actor] ? 'committee' : staffRole(input.staff, actor),
    maxRejected: MAX_REJECTED_IN_AUDIT,
    keepPayload: false,
  };
  const audit = (action: string, payload: unknown, outcome: 'accepted' | 'rejected', detail: string) =>
    appendAudit(
      s,
      auditPolicy,
      clock.stamp(),
      action,
      payload,
      outcome === 'rejected' ? { detail, error: detail } : { detail },
    );

  // Every action is one Update (workflows/campaign/actions/): checked in the validator, checked again and applied in the handler.
  registerActions(campaignActions, {
    updates: campaignUpdates,
    // An older history's payload as it was meant (a bare date is 24:00 Beijing): handlers only, never validators.
    recorded: withRecordedDates,
    context: (at, name) => {
      // Validators do not run on replay: they may read the clock. Handlers decide with state only (workflows/shared/clock.ts).
      const [now, late] = at === 'validate' ? clock.forValidator() : clock.forHandler();
      const t = at === 'validate' ? { now, late, live: clock.live() } : { now, late, at: clock.live() };
      // Lists finalised before 公示 counted whole working days keep the end they were given.
      // Lists finalised before the not-selected notices were grouped first tell the inspected ones twice.
      const rules = () => ({
        wholePublicityDays: name === 'panelFinalize' && patched('publicity-whole-working-days'),
        notSelectedOnce: name === 'panelFinalize' && patched(NOT_SELECTED_ONCE_PATCH),
      });
      return campaignContext(s, input, t, rules);
    },
    // Decisions on a 街镇's reports wait until its relay has forwarded every report it holds (./gather.ts).
    gather: input.reportsBySubdistrict ? (which) => gatherReports(input, s, which) : undefined,
    audit: (name, payload, applied) => audit(name, payload, 'accepted', applied.message),
    settle: (_name, applied) => {
      changed = true;
      hear();
      // A moved deadline goes into the memo in the same task, so a submission after this Update answered reads it.
      if (keepMemo && memoDeadlines() !== inMemo) {
        inMemo = memoDeadlines();
        upsertMemo(submissionMemo(submissionTerms(input, s)));
      }
      const phase = phaseAt(input, s, clock.now());
      return { stage: phase, phase, ...applied };
    },
  });
  setHandler(rejectedAttemptSignal, (attempt) => {
    hear();
    const r = rejectedAttemptSchema().safeParse(attempt);
    if (r.success)
      audit(r.data.action, r.data.actor ? { actor: r.data.actor } : undefined, 'rejected', refusedDetail(r.data.error));
    else audit('rejectedAttempt', undefined, 'rejected', 'InvalidInput: malformed report of a refused attempt');
  });
  // A read of an objector's details: an audit entry only (no command, no other state), so histories without it replay unchanged.
  setHandler(objectorViewedSignal, (v) => {
    hear();
    const r = objectorViewSchema.safeParse(v);
    if (!r.success) return audit('viewedObjector', undefined, 'rejected', 'InvalidInput: malformed record of a read');
    const reader = input.staff.find((p) => p.id === r.data.actor);
    if (reader?.role !== 'bureau')
      return audit(
        'viewedObjector',
        { actor: r.data.actor },
        'rejected',
        `WrongActor: objectors' details are for the bureau; ${r.data.actor} is ${reader?.role ?? 'not in the directory'}`,
      );
    if (!s.objections.some((o) => o.id === r.data.objectionId))
      return audit(
        'viewedObjector',
        { actor: r.data.actor },
        'rejected',
        `NotFound: no objection ${r.data.objectionId}`,
      );
    audit(
      'viewedObjector',
      { actor: r.data.actor },
      'accepted',
      `read the objector's details of ${r.data.objectionId}`,
    );
  });
  // Reports do not wake the main loop (phases depend on time and actions, not on counts), unless one brings a
  // notice to send (workflows/campaign/registration.ts).
  // A malformed report or batch changes nothing but the audit trail, which names the field (no payload is kept).
  setHandler(applicationReportSignal, (r) => {
    hear();
    const error = receiveReport(s, r);
    if (error) audit('applicationReport', undefined, 'rejected', error);
  });
  // A 街镇 relay's batch: only campaigns started with relays receive these (./gather.ts).
  setHandler(applicationReportsSignal, (batch) => {
    hear();
    for (const error of recordBatch(s, batch)) audit('applicationReports', undefined, 'rejected', error);
  });
  // Re-evaluations waiting on their 街镇's pre-review, for the officials' digest. Only runs that get these
  // reports (their re-evaluations took the digest patch) plan digest timers, so older histories replay unchanged.
  setHandler(reevaluationReportSignal, (r) => {
    hear();
    const error = recordReevaluationReport(s, r);
    if (error) audit('reevaluationReport', undefined, 'rejected', error);
    else mail.poke();
  });
  setHandler(campaignStatusQuery, status);
  setHandler(campaignAuditQuery, () => s.audit);
  setHandler(campaignNoticesQuery, () => ({
    pending: s.outbox.reduce((n, b) => n + b.committeeIds.length, 0),
    batches: s.outbox.length,
  }));
  setHandler(panelVotesQuery, () => s.votes);
  // Queries add no command to the history: safe for running campaigns and their replays.
  setHandler(registryRowsQuery, (sd) =>
    Object.entries(s.registry)
      .filter(([, e]) => !sd || e.sd === sd)
      .map(([committeeId, e]) => ({
        committeeId,
        subdistrict: e.sd,
        stage: e.stage,
        paper: e.paper,
        name: e.name,
        total: e.total,
        grade: e.grade,
      })),
  );

  let lastPhase = '';
  const onPhase = () => {
    const phase = phaseAt(input, s, clock.now());
    if (phase === lastPhase) return;
    lastPhase = phase;
    upsertSearchAttributes([{ key: Stage, value: phase }]);
    log.info('campaign phase', { year: input.year, phase });
    if (phase === 'awaiting-panel' && !s.bureauToldPanelOverdue) {
      // The campaign never picks on its own: it waits, and the bureau is told (status, and email by the reminders).
      s.bureauToldPanelOverdue = true;
      log.warn('expert review window ended without a finalised list; waiting for the panel', { year: input.year });
    }
  };

  const historyIsLarge = () => historyIsLargeAfter(backstop);
  // Past the soft limit, the hand-over waits for a quiet moment; the limit above stays the backstop.
  // With the lower soft limit, the backstop too waits for a (short) quiet moment, and a fan-out in flight is none;
  // the courier (below) exists by the time the loop first calls quiet.watch().
  const quiet = quietHandOver(
    quietHandOverOn,
    softLimit,
    heard,
    lowSoftLimit
      ? { busy: () => courier?.busy() ?? false, backstop, quietInTask: backstop800, fromEvents: watchFromEvents }
      : { fromEvents: watchFromEvents },
  );
  const handOverAtBackstop = () => !lowSoftLimit && historyIsLarge();

  // Re-evaluate the titles active at the start. First run only: a continued run must not repeat it.
  if (!input.carried && input.activeTitles?.length) {
    const { year, calendar, staff, gradeBands, activeTitles: titleIds, reevaluationMaterialsDue: materialsDue } = input;
    const timeScale = timeScaleOf(input);
    await titleLinks.startReevaluations({ year, calendar, timeScale, titleIds, staff, gradeBands, materialsDue });
  }

  // Reminders on their own timers (new runs); the loop below then sleeps only until the next phase boundary.
  let remindersStopped = false;
  // After the final list they keep running while a digest to 街镇 officials is still ahead (only runs with reports).
  const digestsAhead = () => ownReminderTimers && mail.digestOutstanding();
  if (ownReminderTimers) void runReminders(clock, mail, () => remindersStopped && !digestsAhead());

  // Tell applications what the campaign decided (deadline moves, locks, outcomes), in batches.
  const notify = (batch: (typeof s.outbox)[number]) =>
    notifyApplications({ year: input.year, committeeIds: batch.committeeIds, notice: batch.notice });
  const courier = noticesBeside ? noticeCourier(s, notify) : undefined;

  while (!s.final || (!courier && s.outbox.length)) {
    onPhase();
    mail.tick();
    // Runs recorded before the courier send here, and arm the phase timer only once the queue is empty.
    while (!courier && s.outbox.length) {
      await notify(s.outbox[0]);
      s.outbox.shift();
    }
    if (s.final) break;
    quiet.watch();
    if (handOverAtBackstop() || quiet.due()) {
      // Unsent mail and notices are carried in the state (s.mail, s.outbox). The memo is passed on explicitly (the
      // server would copy it when none is given): a run started before the memo existed gets one here, from its
      // state, so its next run's submissions no longer need a Query.
      await continueAsNewWhenSettled<typeof campaign>(
        courier ? [courier.hold, mail.beforeContinueAsNew] : [mail.beforeContinueAsNew],
        () => ({ ...input, carried: carryState(s) }),
        { keepTaskTimeout: true, memo: () => submissionMemo(submissionTerms(input, s)) },
      );
    }
    const boundary = nextBoundary(input, s, clock.now(), !clock.legacy);
    // Runs recorded before reminders had their own timer: one timer to the next boundary or reminder.
    const reminder = ownReminderTimers ? undefined : mail.nextAt();
    const next = reminder !== undefined && (boundary === undefined || reminder < boundary) ? reminder : boundary;
    changed = false;
    // An action that moves a deadline wakes the loop, which re-arms the timer.
    await clock.waitUntil(
      next,
      () => changed || (!courier && s.outbox.length > 0) || handOverAtBackstop() || quiet.wake(),
    );
  }
  remindersStopped = true;
  quiet.stop();
  onPhase();
  mail.tick();
  await courier?.finish(); // the final list's notices reach every application before the campaign ends
  await mail.drained(); // the final-list notice, and anything still retrying, goes out before the campaign ends
  if (input.reportsBySubdistrict) await closeRelays(input);
  // Every commended committee now holds a title (one long-lived workflow each).
  const commended = s.final!.list.map((committeeId) => ({ committeeId, subdistrict: s.registry[committeeId].sd }));
  if (commended.length)
    await titleLinks.startTitles({
      awardYear: input.year,
      awardedAt: s.final!.at,
      titles: commended,
      staff: input.staff,
      gradeBands: input.gradeBands,
    });
  // Re-evaluations may still wait on their 街镇's pre-review (due with the inspection window): their digests
  // go out before the campaign ends; a report that arrives after it ends falls back to the re-evaluation.
  if (digestsAhead()) {
    await condition(() => !digestsAhead());
    await mail.drained();
  }
  await condition(allHandlersFinished);
  return { year: input.year, finalList: s.final!.list, removed: s.removed, counts: countsOf(s) };
}
