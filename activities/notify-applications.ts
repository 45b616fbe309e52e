/** Fans a campaign notice out to many application workflows without growing the campaign's history. */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { campaignNoticeSignal } from '../workflows/application/messages';
import type { CampaignNotice } from '../workflows/application/state';
import { applicationWorkflowId } from '../temporal/ids';

const CONCURRENCY = 32;

export interface NotifyApplicationsInput {
  year: number;
  committeeIds: string[];
  notice: CampaignNotice;
}

export function notifyApplicationsActivity(client: Client) {
  return async function notifyApplications({
    year,
    committeeIds,
    notice,
  }: NotifyApplicationsInput): Promise<{ sent: number; missing: string[] }> {
    const ctx = Context.current();
    // Resume after a retry where the last heartbeat left off; signals are idempotent for applications anyway.
    let next: number = (ctx.info.heartbeatDetails as number | undefined) ?? 0;
    const missing: string[] = [];
    let sent = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= committeeIds.length) return;
        try {
          await client.workflow
            .getHandle(applicationWorkflowId(year, committeeIds[i]))
            .signal(campaignNoticeSignal, notice);
          sent++;
        } catch (err: any) {
          // A finished application cannot be told anything more; that is not an error of the fan-out.
          if (err?.name === 'WorkflowNotFoundError') missing.push(committeeIds[i]);
          else throw err;
        }
        if (i % 50 === 0) ctx.heartbeat(Math.max(0, i - CONCURRENCY));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, committeeIds.length) }, worker));
    return { sent, missing };
  };
}
