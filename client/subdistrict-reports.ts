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
import { isNotFound } from './errors';

/** Every 街镇's relays, before any application can be filed; one already running (a retried start) is kept. */
export async function startSubdistrictRelays(
  client: Client,
  opts: { year: number; subdistricts: string[]; relays?: RelayCounts; campaignWorkflowId: string; taskQueue: string },
): Promise<void> {
  await Promise.all(
    relaysOfAll(opts.year, opts.subdistricts, opts.relays).map(async (relay) => {
      const { subdistrict, shard, workflowId } = relay;
      try {
        await client.workflow.start(subdistrictReports, {
          workflowId,
          taskQueue: opts.taskQueue,
          args: [
            {
              year: opts.year,
              subdistrict,
              ...(shard !== undefined ? { shard, batchMs: relayBatchMs(relay) } : {}),
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
