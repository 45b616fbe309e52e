/**
 * Files a confirmed public objection into its campaign: the campaign's `fileObjection` Update, with the pending
 * objection's workflow id as the Update id, so a retried activity is one objection. A refusal by the campaign (公示 has
 * ended, the committee is not on the list) is an outcome, not a failure; only an unreachable campaign is retried.
 */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { campaignAction } from '../client/campaigns';
import { UserError } from '../client/errors';
import type { CampaignActionInput } from '../workflows/campaign/messages';
import type { PublicObjectionOutcome } from '../workflows/public-objection/workflow';

export interface FilePublicObjectionInput {
  year: number;
  ref: string;
  updateId: string;
  objection: CampaignActionInput<'fileObjection'>;
}

export function publicObjectionActivities(client: Client) {
  return {
    async filePublicObjection(input: FilePublicObjectionInput): Promise<PublicObjectionOutcome> {
      try {
        const r = await campaignAction(client, input.year, 'fileObjection', input.objection, {
          updateId: input.updateId,
        });
        return { outcome: 'filed', objectionId: r.objectionId!, message: r.message };
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
          return { outcome: 'refused', kind: err.cause.type ?? 'Error', message: err.cause.message };
        }
        // No running campaign for the year, or input its schema refuses: retrying would not change it.
        if (err instanceof UserError) return { outcome: 'refused', kind: 'NotFound', message: err.message };
        throw err;
      }
    },
  };
}
