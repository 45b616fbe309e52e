/**
 * The 街镇 relays of a campaign (workflows/subdistrict-reports/): started with it, and asked to forward at once
 * before a reader lists a 街镇's applications from the campaign.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { subdistrictReportsWorkflowId } from '../temporal/ids';
import { CampaignYear } from '../temporal/search-attributes';
import { subdistrictReports } from '../workflows/subdistrict-reports/workflow';
import { forwardNowUpdate, NOTHING_TO_FORWARD } from '../workflows/subdistrict-reports/messages';
import { isNotFound } from './errors';

/** One relay per 街镇, before any application can be filed; one already running (a retried start) is kept. */
export async function startSubdistrictRelays(
  client: Client,
  opts: { year: number; subdistricts: string[]; campaignWorkflowId: string; taskQueue: string },
): Promise<void> {
  await Promise.all(
    opts.subdistricts.map(async (subdistrict) => {
      try {
        await client.workflow.start(subdistrictReports, {
          workflowId: subdistrictReportsWorkflowId(opts.year, subdistrict),
          taskQueue: opts.taskQueue,
          args: [{ year: opts.year, subdistrict, campaignWorkflowId: opts.campaignWorkflowId }],
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
export async function forwardReportsNow(client: Client, year: number, subdistricts: string[]): Promise<void> {
  await Promise.all(
    subdistricts.map((sd) =>
      client.workflow
        .getHandle(subdistrictReportsWorkflowId(year, sd))
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
