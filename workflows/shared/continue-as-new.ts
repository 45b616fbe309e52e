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
   * The campaign's backstop, for runs that find no quiet moment (below). Its run carries every application's
   * registry row, so a replay costs more per event than other workflows': at 10,000 applications, runs of 3,004 and
   * 3,126 events replayed in 1.6 and 1.4 s on this 2-core machine after the bench, about 0.5 ms per event. 1,500
   * keeps a replay under 1 s. Runs started before CAMPAIGN_BACKSTOP_PATCH keep CAMPAIGN_BACKSTOP_BEFORE_PATCH.
   */
  campaign: 1_500,
  application: 2_000,
  title: 2_000,
  reevaluation: 2_000,
  /** A 街镇's relay keeps next to nothing: a short history replays in well under a second after a refused hand-over. */
  subdistrictReports: 1_500,
} as const;

/** The campaign's backstop for runs recorded before CAMPAIGN_BACKSTOP_PATCH. */
export const CAMPAIGN_BACKSTOP_BEFORE_PATCH = 3_000;

/** Read once at a campaign run's start, before any command: true selects HISTORY_LIMITS.campaign. */
export const CAMPAIGN_BACKSTOP_PATCH = 'campaign-backstop-1500';

/**
 * The campaign's soft limit: past it, the run continues as new at its first quiet moment (`quietHandOver`), and
 * HISTORY_LIMITS.campaign stays as the backstop. The server refuses a continue-as-new when any event arrived while
 * its task ran (UnhandledCommand); the worker then evicts the run and replays its whole history (2.5 s for 3,000
 * events on a loaded 2-core machine) before it tries again, while more reports arrive. At 1,000 applications a busy
 * window (1,000 submissions, 1,000 review decisions, 800 inspections) adds 1,400–2,000 events to the campaign, each
 * report arriving 20–50 ms after the last: 1,000 events puts the hand-over in the quiet after each window, so no
 * run reaches 3,000 in the middle of the next one (with 1,500 the review's run went on into the inspection and
 * its hand-over at 3,000 was refused twice).
 */
export const SOFT_HISTORY_LIMITS = { campaign: 1_000, subdistrictReports: 600 } as const;

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
 * Past `softLimit` events, a coroutine waits for QUIET_MS of real time in which `heard()` (the count of Signals and
 * Updates the run took) did not move; `due()` is then true and the run's main loop continues as new. `wake()` is
 * for the main loop's wait: true once the soft limit is passed (the loop then calls `watch()`), and once it is due.
 * `enabled` is `patched(QUIET_HAND_OVER_PATCH)`, read at the run's start: false on replays of histories recorded
 * before it, which then never wake, arm no timer and replay as they ran.
 */
export function quietHandOver(enabled: boolean, softLimit: number, heard: () => number) {
  let state: 'below' | 'watching' | 'off' | 'due' = enabled ? 'below' : 'off';
  const passed = () => state === 'below' && workflowInfo().historyLength > softLimit;
  return {
    wake: () => passed() || state === 'due',
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
          const before = heard();
          await sleep(QUIET_MS);
          if (state === 'watching' && heard() === before) state = 'due';
        }
      })();
    },
    /** No hand-over any more (the run is ending): the coroutine arms no further timer. */
    stop(): void {
      if (state === 'watching') state = 'off';
    },
  };
}

export function historyIsLarge(limit: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > limit;
}

/**
 * Hands over to a new run of the same workflow: first each step in `settle` (in order: e.g. sends in flight given a
 * short grace, so that unsent mail is carried in the state), then every Update and Signal handler finishes, then the
 * new run starts with `next`. `keepTaskTimeout`: the new run keeps this run's workflow task timeout (a campaign's is
 * longer than the default: its first task after a replay of 3,000 events takes a while). `memo`: the new run's memo
 * (without it the server copies this run's).
 */
export async function continueAsNewWhenSettled<F extends Workflow>(
  settle: Array<() => Promise<unknown>>,
  next: Parameters<F>[0],
  opts: { keepTaskTimeout?: boolean; memo?: Record<string, unknown> } = {},
): Promise<never> {
  for (const step of settle) await step();
  await condition(allHandlersFinished);
  const options = {
    ...(opts.keepTaskTimeout ? { workflowTaskTimeout: workflowInfo().taskTimeoutMs } : {}),
    ...(opts.memo ? { memo: opts.memo } : {}),
  };
  return makeContinueAsNewFunc<F>(options)(...([next] as Parameters<F>));
}
