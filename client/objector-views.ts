/** Records that a bureau member read an objector's details (workflows/campaign/objector-view.ts). */
import type { Client } from '@temporalio/client';
import { campaignWorkflowId } from '../temporal/ids';
import { objectorViewedSignal, objectorViewSchema } from '../workflows/campaign/objector-view';
import { checked, yearSchema } from './input';

/** Resolves once the server has the signal in the campaign's history: the read is durable before the details are shown. */
export async function recordObjectorView(
  client: Client,
  year: number,
  actor: string,
  objectionId: string,
): Promise<void> {
  checked(yearSchema, year, 'year');
  const view = checked(objectorViewSchema, { actor, objectionId }, 'recordObjectorView');
  await client.workflow.getHandle(campaignWorkflowId(year)).signal(objectorViewedSignal, view);
}
