/** Fans a campaign notice out to many application workflows without growing the campaign's history. */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { campaignDecisionSignal } from '../workflows/application/messages';
import type { CampaignDecision } from '../workflows/application/state';
import { applicationWorkflowId } from '../temporal/ids';

const CONCURRENCY = 32;
/**
 * Heartbeats go out on a timer, not every N signals: the campaign's heartbeat timeout (a few seconds,
 * workflows/campaign/workflow.ts) must hold however slowly the server answers, and a worker that dies
 * mid-fan-out is noticed within that timeout, which is minutes of story time even at 100,000×, not days.
 */
export const NOTIFY_HEARTBEAT_MS = 1_000;

export interface NotifyApplicationsInput {
  year: number;
  committeeIds: string[];
  notice: CampaignDecision;
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
    // Progress for a retry: everything below the lowest index still in flight has been signalled.
    const inFlight = new Set<number>();
    const done = () => (inFlight.size ? Math.min(...inFlight) : Math.min(next, committeeIds.length));
    const beat = setInterval(() => ctx.heartbeat(done()), NOTIFY_HEARTBEAT_MS);
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= committeeIds.length) return;
        inFlight.add(i);
        try {
          await client.workflow
            .getHandle(applicationWorkflowId(year, committeeIds[i]))
            .signal(campaignDecisionSignal, notice);
          sent++;
        } catch (err: any) {
          // A finished application cannot be told anything more; that is not an error of the fan-out.
          if (err?.name === 'WorkflowNotFoundError') missing.push(committeeIds[i]);
          else throw err;
        } finally {
          inFlight.delete(i);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, committeeIds.length) }, worker));
    } finally {
      clearInterval(beat);
    }
    return { sent, missing };
  };
}
