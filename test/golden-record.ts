/**
 * A history a test produced: replayed against this code, and, when `to` names a folder (an environment variable
 * the test reads), written there as a golden history for test/replay.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { dataConverter } from '../client/codec';
import { workflowBundle } from './fixtures';

export async function replayAndRecord(
  client: Client,
  workflowId: string,
  opts: {
    workflowType: string;
    /** One run of the workflow (default: its latest), e.g. a run that continued as new. */
    runId?: string;
    history?: Parameters<typeof historyToJSON>[0];
    label?: string;
    to?: string;
  },
): Promise<void> {
  const handle = client.workflow.getHandle(workflowId, opts.runId);
  const history = opts.history ?? (await handle.fetchHistory());
  await Worker.runReplayHistory(
    { workflowBundle: await workflowBundle(), dataConverter: dataConverter() },
    history,
    workflowId,
  );
  if (!opts.to) return;
  const { runId, status } = await handle.describe();
  const record = { workflowId, runId, workflowType: opts.workflowType, status: status.name };
  const name = opts.label ? `${workflowId}-${opts.label}` : workflowId;
  const file = join(opts.to, `${opts.workflowType}--${name}--${runId.slice(-8)}.json`);
  writeFileSync(file, JSON.stringify({ ...record, history: JSON.parse(historyToJSON(history)) }) + '\n');
}

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/**
 * Every run of a workflow, first to latest, each replayed against this code: a long-lived workflow continues as new
 * when its history grows (workflows/shared/continue-as-new.ts), so what a test did may be spread over several runs.
 * Each run's first event names the run it continued.
 */
export async function replayEveryRun(client: Client, workflowId: string): Promise<History[]> {
  const runs: History[] = [];
  let runId: string | undefined;
  do {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift(history);
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  } while (runId);
  const options = { workflowBundle: await workflowBundle(), dataConverter: dataConverter() };
  for (const history of runs) await Worker.runReplayHistory(options, history, workflowId);
  return runs;
}
