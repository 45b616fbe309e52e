/**
 * When a long-lived run hands over to a new one, and how: one rule for the campaign, applications, titles and
 * re-evaluations. A campaign runs for eight months and a title for years; their histories must stay short enough to
 * replay quickly (a query or a restarted worker replays the whole run).
 */
import {
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  sleep,
  workflowInfo,
  type Workflow,
} from '@temporalio/workflow';

/**
 * Events after which a run continues as new. Temporal suggests it at 4,096 events (`continueAsNewSuggested`); these
 * stop earlier and leave room for the last workflow task and for the signals that arrive while it runs.
 */
export const HISTORY_LIMITS = {
  /**
   * The campaign's backstop, for runs that find no quiet moment (below), with CAMPAIGN_BACKSTOP_800_PATCH. Its run
   * carries every application's registry row, so a replay costs more per event than other workflows'. At 10,000
   * applications, runs of 3,004 and 3,126 events replayed in 1.6 and 1.4 s (about 0.5 ms per event), so 1,500 was
   * taken; with relays batching and the registry full, later runs cost 1.1 ms per event on a slower day's machine
   * (1,027 events in 1,145 ms, the soft limit's quiet moment not found in a busy window). 800 replays in about 0.9 s
   * there. Past it a run hands over when its BACKSTOP_QUIET_MS timer fires in a task that took no report
   * (`quietHandOver`'s `quietInTask`), so a lower backstop adds hand-overs, not refusals.
   */
  campaign: 800,
  application: 2_000,
  title: 2_000,
  reevaluation: 2_000,
  /**
   * A 街镇's relay, for runs with RELAY_BACKSTOP_PATCH: past it the run hands over when its BACKSTOP_QUIET_MS timer
   * fires in a task that took no report (`quietHandOver`'s `backstop` and `quietInTask`). A relay keeps next to nothing, yet its replay
   * costs as much per event as the campaign's, one workflow task per report: at 10,000 applications relay runs
   * of 1,379 and 1,399 events replayed in 2.37 s and 1.18 s on two days' machines (1.7 and 0.84 ms per event), since
   * a 2 s quiet moment seldom came in a busy window and the old backstop, 1,500, ended them. 500 replays in about
   * 0.85 s at the slower rate. A relay's hand-over is cheap (it carries its waiting reports, under 200), so it may
   * come often: about twice per relay in a busy window at 10,000 applications (200 committees, some 4 events each).
   */
  subdistrictReports: 500,
} as const;

/**
 * A relay's soft limit with RELAY_QUIET_WATCH_PATCH: past it the run hands over at a 2 s quiet moment (QUIET_MS),
 * which comes between a round's windows. Why: a hand-over at the backstop inside a window is tried while reports
 * arrive every 20-50 ms, and the server refused two of ten at 1,000 applications (UnhandledCommand), where one
 * relay took 300 reports in 10 s of the review. Starting each window at most 200 events in, a relay serving
 * COMMITTEES_PER_RELAY (50) committees takes a window's reports (at most about 150, some 1.5 events each) below
 * its 500 backstop.
 */
export const RELAY_SOFT_LIMIT = 200;
/**
 * Read once at a relay run's start, after RELAY_BACKSTOP_PATCH and QUIET_WATCH_FROM_EVENTS_PATCH and only with both:
 * true selects RELAY_SOFT_LIMIT.
 */
export const RELAY_QUIET_WATCH_PATCH = 'relay-quiet-watch-200';

/** A relay's limits for runs recorded before RELAY_BACKSTOP_PATCH: a 2 s quiet moment past 600, at once past 1,500. */
export const RELAY_LIMITS_BEFORE_PATCH = { soft: 600, backstop: 1_500 } as const;

/** Read once at a relay run's start, before any command: true selects HISTORY_LIMITS.subdistrictReports. */
export const RELAY_BACKSTOP_PATCH = 'relay-backstop-500';

/** The campaign's backstop for runs recorded before CAMPAIGN_BACKSTOP_PATCH. */
export const CAMPAIGN_BACKSTOP_BEFORE_PATCH = 3_000;

/** Read once at a campaign run's start, before any command: true selects CAMPAIGN_BACKSTOP_1500. */
export const CAMPAIGN_BACKSTOP_PATCH = 'campaign-backstop-1500';
/** The campaign's backstop for runs recorded after CAMPAIGN_BACKSTOP_PATCH and before CAMPAIGN_BACKSTOP_800_PATCH. */
export const CAMPAIGN_BACKSTOP_1500 = 1_500;
/**
 * Read once at a campaign run's start, after CAMPAIGN_SOFT_LIMIT_PATCH: true selects HISTORY_LIMITS.campaign. Only
 * with that patch, whose backstop waits for a quiet moment (a run without it keeps its own backstop).
 */
export const CAMPAIGN_BACKSTOP_800_PATCH = 'campaign-backstop-800';

/**
 * The soft limits: past one, the run continues as new at its first quiet moment (`quietHandOver`), and
 * HISTORY_LIMITS stays as the backstop. The server refuses a continue-as-new when any event arrived while its task
 * ran (UnhandledCommand); the worker then evicts the run and replays its whole history before it tries again, while
 * more reports arrive. So a run hands over only after QUIET_MS without a report or an action.
 *
 * The campaign, 500 (patch `campaign-soft-limit-500`, which also counts no moment quiet while a fan-out of notices is
 * in flight, and has the backstop wait for a moment of BACKSTOP_QUIET_MS). At 10,000 applications a busy window brings the campaign some 1,500 events, and its runs replayed at
 * 1.1–1.5 ms per event (a profile at 3,000: per relay batch about 0.7 ms of the SDK's own work and 0.5 ms checking
 * its reports): the runs of 1,000 events that the earlier limit allowed took up to 1.5 s. At 500, with each 街镇's
 * relays forwarding about every 10 s (subdistrict-reports/relays.ts), a quiet moment comes within a window (ten
 * 街镇, one batch a second between them: no batch in 2 s about one time in seven), so a run should stay near
 * 500–700 events.
 *
 * SOFT_LIMITS_BEFORE_PATCH.campaign is the limit for runs recorded before that patch: 1,000 put the hand-over in
 * the quiet after each window at 1,000 applications (with 1,500 the review's run went on into the inspection and
 * its hand-over at 3,000 was refused twice).
 *
 * A relay's soft limit was 600 (RELAY_LIMITS_BEFORE_PATCH: at 300 its watch armed a 2 s timer after timer through
 * whole windows); with RELAY_BACKSTOP_PATCH its backstop, 500, comes first, and with RELAY_QUIET_WATCH_PATCH
 * RELAY_SOFT_LIMIT comes before it.
 */
export const SOFT_HISTORY_LIMITS = { campaign: 500 } as const;
export const SOFT_LIMITS_BEFORE_PATCH = { campaign: 1_000 } as const;
/** Read once at a campaign run's start, before any command: true selects SOFT_HISTORY_LIMITS.campaign. */
export const CAMPAIGN_SOFT_LIMIT_PATCH = 'campaign-soft-limit-500';

/**
 * How long nothing may arrive before a hand-over is tried. A continue-as-new task takes some 100 ms; reports in a
 * busy window arrive every 20–50 ms, while people act (a 街镇 official, an inspector) they come seconds apart.
 */
export const QUIET_MS = 2_000;

/**
 * The patch for `quietHandOver`. Read once at the start of a run, before any command: the wake it adds to the main
 * loop's wait re-arms that wait's timer, so a run recorded before it must not see the wake at all.
 */
export const QUIET_HAND_OVER_PATCH = 'continue-as-new-when-quiet';

/**
 * How long nothing may arrive before a run past its backstop hands over, where the backstop waits for a quiet
 * moment too (`quietHandOver`'s `backstop`). A refused hand-over costs the run a full replay: the worker evicts it,
 * and its next task replays the whole history (about 1.6 s for 1,530 campaign events in
 * test/campaign-quiet-handover.test.ts). A hand-over tried in that task is refused again by the reports that arrive
 * during it: with 32 reports a second, 39 tries in a row were refused while the history grew from 1,504 to 3,405
 * events. Tried only in a task that took no report, it is never tried in the task after a refusal (that task takes
 * the reports that refused it): that task completes, the run stays in the worker's cache, and the next try is a task
 * of some 10–50 ms. 250 ms: at 10,000 applications the gaps between relay batches at the campaign, and between
 * reports at one relay, are about a second.
 */
export const BACKSTOP_QUIET_MS = 250;

/**
 * The patch that starts a run's watch for a quiet moment from the events that bring a run past its limit (Signals,
 * Updates and timers, `quietHandOver`'s `fromEvents`), not from its main loop's wait. Why: that wait read the
 * history length, which also grows in a workflow task that no event explains (one that took an Update its
 * validator refused): a run that crossed its limit in such a task armed a timer there, and its replay, which has no
 * job to run that task on, armed it a task later (a DeterminismViolation in test/reelection.test.ts, one run in
 * three). Read once at a run's start, before any command.
 */
export const QUIET_WATCH_FROM_EVENTS_PATCH = 'quiet-watch-from-events';

/** The Signals and Updates a run took (its handlers call `hear()`), and the workflow task that took the last. */
export function heardCounter() {
  let count = 0;
  let lastTask = -1;
  const listeners: Array<() => void> = [];
  return {
    hear(): void {
      count++;
      lastTask = workflowInfo().historyLength;
      for (const listener of listeners) listener();
    },
    /** Called after each `hear()` from now on (`quietHandOver`'s `fromEvents`). */
    onHear(listener: () => void): void {
      listeners.push(listener);
    },
    count: () => count,
    /** The history length of the workflow task that took the last Signal or Update; -1 before any. */
    lastTask: () => lastTask,
  };
}
export type Heard = ReturnType<typeof heardCounter>;

/**
 * Past `softLimit` events, a coroutine waits for QUIET_MS of real time in which `heard.count()` (the Signals and
 * Updates the run took) did not move; `due()` is then true and the run's main loop continues as new. `wake()` is
 * for the main loop's wait: true once it is due, and (without `fromEvents`) once the soft limit is passed, the loop
 * then calling `watch()`.
 * `enabled` is `patched(QUIET_HAND_OVER_PATCH)`, read at the run's start: false on replays of histories recorded
 * before it, which then never wake, arm no timer and replay as they ran.
 *
 * Options, for runs that read them behind a patch of their own:
 * - `busy()`: while true (the campaign: a fan-out of notices in flight, which a hand-over would have to wait for
 *   while the phase stood still) no moment is quiet, and the coroutine arms no timer until it is not.
 * - `backstop`: past it (or when Temporal suggests a hand-over) the run still waits for a quiet moment, of
 *   BACKSTOP_QUIET_MS, rather than handing over at once; the main loop then leaves the backstop to `due()`.
 * - `quietInTask`: with `backstop`, past it the moment is quiet when the timer
 *   fires in a task that took none, whatever came while the timer ran. Why: a timer of BACKSTOP_QUIET_MS fires
 *   after about 1 s on the dev server (43 in one relay run at 10,000 applications: 960–1,108 ms), and that relay
 *   took a report every 200–400 ms, so past 500 events it found no second without one for 46 s and grew to 1,438
 *   events. The server refuses a hand-over only for events that arrive while its task runs (some 50–150 ms in a
 *   cached run), not for those the task took. The task to avoid is the full replay after a refusal, and it takes
 *   the reports that refused it (Signals and Updates come before timers in an activation, so their handlers have
 *   run when the timer's wait returns).
 * - `fromEvents` (QUIET_WATCH_FROM_EVENTS_PATCH): each `heard.hear()` calls `watch()`, and `wake()` is true only
 *   once the hand-over is due (set by the coroutine's timer), never from the history length. A wait on `wake()` then
 *   returns only in a task with a job (a Signal, an accepted Update, a timer), which its replay runs alike.
 */
export function quietHandOver(
  enabled: boolean,
  softLimit: number,
  heard: Heard,
  opts: { busy?: () => boolean; backstop?: number; quietInTask?: boolean; fromEvents?: boolean } = {},
) {
  const busy = opts.busy ?? (() => false);
  const pastBackstop = () => opts.backstop !== undefined && historyIsLarge(opts.backstop);
  let state: 'below' | 'watching' | 'off' | 'due' = enabled ? 'below' : 'off';
  const passed = () => state === 'below' && (workflowInfo().historyLength > softLimit || pastBackstop());
  const quiet = {
    wake: () => (opts.fromEvents ? state === 'due' : passed() || state === 'due'),
    due: () => state === 'due',
    /**
     * Starts the coroutine the first time the soft limit is found passed. Where it is called decides when a run
     * records the coroutine's first timer: a new call site goes behind a patch (the relay's report handlers).
     */
    watch(): void {
      if (!passed()) return;
      state = 'watching';
      void (async () => {
        while (state === 'watching') {
          // Only when busy: an await here when not would move this timer after commands of the same task.
          if (busy()) await condition(() => !busy() || state !== 'watching');
          if (state !== 'watching') break;
          const before = heard.count();
          const atBackstop = pastBackstop();
          await sleep(atBackstop ? BACKSTOP_QUIET_MS : QUIET_MS);
          const quiet =
            atBackstop && opts.quietInTask
              ? heard.lastTask() !== workflowInfo().historyLength
              : heard.count() === before;
          if (state === 'watching' && quiet && !busy()) state = 'due';
        }
      })();
    },
    /** No hand-over any more (the run is ending): the coroutine arms no further timer. */
    stop(): void {
      if (state === 'watching') state = 'off';
    },
  };
  if (opts.fromEvents) heard.onHear(quiet.watch);
  return quiet;
}

export function historyIsLarge(limit: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > limit;
}

/**
 * Hands over to a new run of the same workflow: first each step in `settle` (in order: e.g. sends in flight given a
 * short grace, so that unsent mail is carried in the state), then every Update and Signal handler finishes, then the
 * new run starts with what `next` returns. `next` is called only then, with nothing awaited between it and the hand-
 * over: the settle steps can wait across tasks (an email in flight, up to its grace), and a Signal or Update taken
 * meanwhile changes the state. Built before the wait, a copy (the campaign's packed registry, a relay's pending
 * reports) lost what came in during it: a 街镇's inspection report taken while the campaign waited for a courier
 * would leave that application uninspected on the list. `keepTaskTimeout`: the new run keeps this run's workflow task timeout (a
 * campaign's is longer than the default: its first task after a replay of 3,000 events takes a while). `memo`: the
 * new run's memo (without it the server copies this run's), also read after the wait.
 */
export async function continueAsNewWhenSettled<F extends Workflow>(
  settle: Array<() => Promise<unknown>>,
  next: () => Parameters<F>[0],
  opts: { keepTaskTimeout?: boolean; memo?: () => Record<string, unknown> } = {},
): Promise<never> {
  for (const step of settle) await step();
  await condition(allHandlersFinished);
  const memo = opts.memo?.();
  const options = {
    ...(opts.keepTaskTimeout ? { workflowTaskTimeout: workflowInfo().taskTimeoutMs } : {}),
    ...(memo ? { memo } : {}),
  };
  return makeContinueAsNewFunc<F>(options)(...([next()] as Parameters<F>));
}
