/**
 * The first seconds after a worker starts: workflow tasks run without a workflow cache.
 *
 * Why: with the SDK this project uses (TypeScript 1.24.0 and the sdk-core it bundles), a Query that reaches a worker
 * whose cache does not hold the workflow loads the run from history, including events of a workflow task that has not
 * run yet (a timer that fired while no worker ran), and keeps the run cached. The next workflow task then runs on that
 * cache: a message that came with it (an Update or a Signal) is handled after the timer, while a replay of the same
 * history handles it before. The history no longer replays ("[TMPRL1100] … Update machine does not handle this event"),
 * so the workflow is stuck at its next replay. test/repro/ reproduces it in 40 s (and the stale `Date.now()` it also
 * causes).
 *
 * When: Queries wait in the server for a worker while none runs (a crash, a deploy), and a timer fires meanwhile. A new
 * worker gets those Queries first. So for its first WORKER_COLD_START_SECONDS the worker's workflow tasks run with
 * `maxCachedWorkflows: 0`: each task (and each Query) replays its history from the start and nothing a Query loaded is
 * kept. Then a worker with the cache takes over (started before the first one stops, so polling never pauses).
 * Activities run on a worker of their own throughout.
 *
 * The price of the hand-over: the uncached worker stops with its long polls outstanding, and a workflow task one of
 * them receives then is not run; it waits for its task timeout (a campaign's 60 s, temporal/task-timeouts.ts). Seen
 * once in the fault suite: a campaign idle for 60 s after a restart. A stuck campaign (the defect) costs more.
 *
 * How long: the Queries that waited through an outage are handed to the first polls, within a second of the start,
 * so the default is 5 s. Longer costs more than it guards: with 60 s the fault suite's first round of submissions
 * took 62–74 s instead of about 10, every task and Query replaying the campaign's history.
 */
import type { Worker, WorkerOptions } from '@temporalio/worker';
import { z } from 'zod';
import { numberFromEnv } from '../temporal/env';

export const DEFAULT_COLD_START_SECONDS = 5;

export function coldStartSecondsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return (
    numberFromEnv('WORKER_COLD_START_SECONDS', z.coerce.number().min(0).max(3600), 'seconds from 0 to 3600', env) ??
    DEFAULT_COLD_START_SECONDS
  );
}

/**
 * The uncached worker's options. Two workers of one process may not poll the same task queue for the same kind of
 * task unless their deployment build ids differ, so the uncached one reports a build id of its own (without worker
 * versioning: tasks are routed as before). That lets the cached worker start polling before the uncached one stops.
 */
export function uncachedWorkflowOptions(buildId: string): Partial<WorkerOptions> {
  return {
    maxCachedWorkflows: 0,
    buildId: undefined,
    workerDeploymentOptions: {
      version: { deploymentName: 'red-model-committees', buildId: `${buildId}-uncached` },
      useWorkerVersioning: false,
    },
  };
}

export interface ColdStartWorkers {
  /** Activities only, for the worker's whole life. */
  activities: () => Promise<Worker>;
  /** Workflows only; `cached: false`: with uncachedWorkflowOptions. */
  workflows: (cached: boolean) => Promise<Worker>;
  log: (line: string) => void;
}

/** Runs until SIGINT/SIGTERM (the SDK shuts every worker down then). */
export async function runWithColdStart(seconds: number, make: ColdStartWorkers): Promise<void> {
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const coldOver = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, seconds * 1000);
    const stop = () => {
      stopping = true;
      clearTimeout(timer);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const activities = await make.activities();
  const cold = await make.workflows(false);
  const runs: Promise<void>[] = [activities.run()];
  // The cached worker polls before the uncached one stops.
  const handOver = coldOver.then(async () => {
    if (stopping) return;
    const warm = await make.workflows(true);
    runs.push(warm.run());
    make.log(`workflow cache on, after a cold start of ${seconds} s`);
  });
  runs.push(cold.runUntil(handOver));
  await Promise.all(runs);
  // The hand-over added the cached worker's run after Promise.all took its list.
  await Promise.all(runs);
}
