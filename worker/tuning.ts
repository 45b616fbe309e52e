/**
 * The worker's optional tuning, from the environment: read and checked here once, for the project's worker
 * (worker/run.ts) and for the bench's floor worker, so that both run with the same settings.
 */
import { z } from 'zod';
import { numberFromEnv } from '../temporal/env';

/**
 * WORKER_MAX_CACHED_WORKFLOWS: how many workflows the worker keeps in memory (about 2 MB each).
 * Unset: the SDK's default from the heap size (about 2,300 here). A smaller cache means smaller
 * garbage-collection pauses at city scale, at the price of replaying evicted workflows.
 */
const cacheSize = () =>
  numberFromEnv('WORKER_MAX_CACHED_WORKFLOWS', z.coerce.number().int().min(0), 'a whole number ≥ 0');

/**
 * WORKER_STICKY_TIMEOUT_SECONDS: how long a workflow task may wait on this worker's own (sticky) queue before the
 * server hands it to the shared queue. Unset: the SDK's 10 s. A task handed over arrives with its whole history and
 * is replayed from the start, so when thousands of applications wake at one calendar boundary and the queue takes
 * longer than 10 s to drain, each late task costs a full replay on top of the task itself. A longer timeout avoids
 * that, at a price: a task already queued for a worker that was killed waits that long before another worker gets it.
 */
const stickySeconds = () =>
  numberFromEnv(
    'WORKER_STICKY_TIMEOUT_SECONDS',
    z.coerce.number().int().min(1).max(600),
    'whole seconds from 1 to 600',
  );

/**
 * WORKER_WORKFLOW_THREADS: how many threads run workflow code. Unset: the SDK's 1 (with its reused V8 context).
 * A thread runs one workflow task at a time; with one, a burst of tasks (thousands of submissions, or every
 * application woken by one notice) queues behind it while another core idles. Each thread has its own sandbox;
 * the cache is shared among them.
 */
const workflowThreads = () =>
  numberFromEnv('WORKER_WORKFLOW_THREADS', z.coerce.number().int().min(1).max(16), 'a whole number from 1 to 16');

/**
 * WORKER_MAX_WORKFLOW_TASKS: how many workflow tasks the worker holds at once (polled, queued for its thread or
 * running). Unset: the SDK's 40. The server hands out tasks by priority (temporal/priority.ts), but a task the worker
 * already holds waits behind every task polled before it: at 10,000 applications the campaign's tasks ran 0.3–2.4 s
 * from poll to completion while each list confirmation's notices woke hundreds of applications. Fewer held tasks
 * leave that backlog on the server, where the campaign's go first; too few leave the thread idle between polls.
 */
const workflowTasks = () =>
  numberFromEnv('WORKER_MAX_WORKFLOW_TASKS', z.coerce.number().int().min(2).max(1000), 'a whole number from 2 to 1000');

export interface WorkerTuning {
  /** Worker options for a worker with a workflow cache. */
  options: {
    maxCachedWorkflows?: number;
    stickyQueueScheduleToStartTimeout?: number;
    workflowThreadPoolSize?: number;
    maxConcurrentWorkflowTaskExecutions?: number;
  };
  /** The thread count and held-task limit alone, for a worker without a cache (worker/cold-start.ts). */
  uncached: { workflowThreadPoolSize?: number; maxConcurrentWorkflowTaskExecutions?: number };
  /** One line per setting given, for the worker's start-up log. */
  lines: string[];
}

export function workerTuningFromEnv(): WorkerTuning {
  const cache = cacheSize();
  const sticky = stickySeconds();
  const threadCount = workflowThreads();
  const taskLimit = workflowTasks();
  const uncached = {
    ...(threadCount === undefined ? {} : { workflowThreadPoolSize: threadCount }),
    ...(taskLimit === undefined ? {} : { maxConcurrentWorkflowTaskExecutions: taskLimit }),
  };
  return {
    options: {
      ...(cache === undefined ? {} : { maxCachedWorkflows: cache }),
      ...(sticky === undefined ? {} : { stickyQueueScheduleToStartTimeout: sticky * 1000 }),
      ...uncached,
    },
    uncached,
    lines: [
      ...(cache === undefined ? [] : [`workflow cache: ${cache} workflows (WORKER_MAX_CACHED_WORKFLOWS)`]),
      ...(sticky === undefined
        ? []
        : [`sticky queue schedule-to-start timeout: ${sticky} s (WORKER_STICKY_TIMEOUT_SECONDS)`]),
      ...(threadCount === undefined ? [] : [`workflow threads: ${threadCount} (WORKER_WORKFLOW_THREADS)`]),
      ...(taskLimit === undefined ? [] : [`workflow tasks held at once: ${taskLimit} (WORKER_MAX_WORKFLOW_TASKS)`]),
    ],
  };
}
