/**
 * When a long-lived run hands over to a new one, and how: one rule for the campaign, applications, titles and
 * re-evaluations. A campaign runs for eight months and a title for years; their histories must stay short enough to
 * replay quickly (a query or a restarted worker replays the whole run).
 */
import {
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  workflowInfo,
  type Workflow,
} from '@temporalio/workflow';

/**
 * Events after which a run continues as new. Temporal suggests it at 4,096 events (`continueAsNewSuggested`); these
 * stop earlier and leave room for the last workflow task and for the signals that arrive while it runs.
 */
export const HISTORY_LIMITS = {
  /** The campaign hears from every application: 3,000 events are about 1,000 applications' reports. */
  campaign: 3_000,
  application: 2_000,
  title: 2_000,
  reevaluation: 2_000,
} as const;

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
