/**
 * The 街镇 relays of a campaign (workflows/subdistrict-reports/), one or more per 街镇: started with it, and asked
 * to forward at once before a reader lists a 街镇's applications from the campaign.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { CampaignYear } from '../temporal/search-attributes';
import { subdistrictReports } from '../workflows/subdistrict-reports/workflow';
import { forwardNowUpdate, NOTHING_TO_FORWARD } from '../workflows/subdistrict-reports/messages';
import { relayBatchMs, relaysOfAll, type RelayCounts } from '../workflows/subdistrict-reports/relays';
import { z } from 'zod';
import { numberFromEnv } from '../temporal/env';
import { COORDINATOR_PRIORITY } from '../temporal/priority';
import { isNotFound, UserError } from './errors';

/**
 * REPORT_RELAY_BATCH_MS: how long a relay's first report waits for more, in milliseconds, for every relay of the
 * campaigns this process starts; 0 sends each report as it comes. Unset: 1 s for a 街镇's only relay, n × 10 s for
 * each of a 街镇's n relays (workflows/subdistrict-reports/relays.ts).
 *
 * The time-skipping test server needs 0: while a test's Update runs, its time passes at the real pace, and a batch
 * timer that fires while the task cancelling it (a gather) is with the worker strands the relay. That server
 * refuses to cancel a timer that has just fired, and then neither times the task out nor hands it out again
 * (temporalio/sdk-java#2606 and #3088; the real server records the cancellation).
 */
export function relayBatchMsFromEnv(): number | undefined {
  try {
    return numberFromEnv('REPORT_RELAY_BATCH_MS', z.coerce.number().int().min(0).max(600_000), 'whole ms, 0–600000');
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

/** Every 街镇's relays, before any application can be filed; one already running (a retried start) is kept. */
export async function startSubdistrictRelays(
  client: Client,
  opts: {
    year: number;
    subdistricts: string[];
    relays?: RelayCounts;
    campaignWorkflowId: string;
    taskQueue: string;
    /** Every relay's batch wait; default relayBatchMs(relay). */
    batchMs?: number;
  },
): Promise<void> {
  await Promise.all(
    relaysOfAll(opts.year, opts.subdistricts, opts.relays).map(async (relay) => {
      const { subdistrict, shard, workflowId } = relay;
      const batchMs = opts.batchMs ?? relayBatchMs(relay);
      try {
        await client.workflow.start(subdistrictReports, {
          workflowId,
          taskQueue: opts.taskQueue,
          // Ahead of the applications' tasks on a busy worker, like the campaign (temporal/priority.ts).
          priority: COORDINATOR_PRIORITY,
          args: [
            {
              year: opts.year,
              subdistrict,
              ...(shard !== undefined ? { shard } : {}),
              ...(batchMs !== undefined ? { batchMs } : {}),
              campaignWorkflowId: opts.campaignWorkflowId,
            },
          ],
          typedSearchAttributes: [{ key: CampaignYear, value: opts.year }],
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }),
  );
}

/**
 * Every report the relays of these 街镇 hold reaches the campaign before this returns. A relay that has ended (the
 * server answers an Update to a closed workflow as not found) has nothing to forward: its applications report to
 * the campaign directly.
 */
export async function forwardReportsNow(
  client: Client,
  year: number,
  subdistricts: string[],
  relays: RelayCounts | undefined,
): Promise<void> {
  await Promise.all(
    relaysOfAll(year, subdistricts, relays).map(({ workflowId }) =>
      client.workflow
        .getHandle(workflowId)
        .executeUpdate(forwardNowUpdate)
        .catch((err) => {
          if (!isNotFound(err) && !nothingToForward(err)) throw err;
        }),
    ),
  );
}

const nothingToForward = (err: unknown) =>
  err instanceof WorkflowUpdateFailedError &&
  err.cause instanceof ApplicationFailure &&
  err.cause.type === NOTHING_TO_FORWARD;
