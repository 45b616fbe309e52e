/** Fans a campaign notice out to many application workflows without growing the campaign's history. */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { encodeToPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { campaignDecisionSignal } from '../workflows/application/messages';
import type { CampaignDecision } from '../workflows/application/state';
import { applicationWorkflowId } from '../temporal/ids';

const CONCURRENCY = 32;
/** gRPC's NOT_FOUND: the raw service call's answer for an application that has completed (or never started). */
const GRPC_NOT_FOUND = 5;
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
    const { namespace, identity, loadedDataConverter } = client.options;
    // One notice for every application of the batch: encoded once.
    const input = { payloads: await encodeToPayloads(loadedDataConverter, notice) };
    // The same request id for a committee in every attempt of this fan-out: the server takes a signal once per
    // request id, so an attempt that resends (a retry resumes from its last heartbeat, up to 32 sends back, and a
    // timed-out attempt may still be sending) adds no second notice. A second notice that reached an application
    // while it completed used to fail that completion (UnhandledCommand) and cost it a replay.
    const fanOut = `${ctx.info.workflowExecution?.runId}/${ctx.info.activityId}`;
    const requestId = (committeeId: string) =>
      createHash('sha256').update(`${fanOut}/${committeeId}`).digest('hex').slice(0, 32);
    // Resume after a retry where the last heartbeat left off; signals are idempotent for applications anyway.
    let next: number = (ctx.info.heartbeatDetails as number | undefined) ?? 0;
    const missing: string[] = [];
    let sent = 0;
    // Progress for a retry: everything below the lowest index still in flight has been signalled.
    const inFlight = new Set<number>();
    const done = () => (inFlight.size ? Math.min(...inFlight) : Math.min(next, committeeIds.length));
    const beat = setInterval(() => ctx.heartbeat(done()), NOTIFY_HEARTBEAT_MS);
    const worker = async () => {
      // An attempt the server gave up on (heartbeat timeout) stops sending: the next attempt takes over.
      while (!ctx.cancellationSignal.aborted) {
        const i = next++;
        if (i >= committeeIds.length) return;
        inFlight.add(i);
        try {
          await client.workflowService.signalWorkflowExecution({
            namespace,
            identity,
            workflowExecution: { workflowId: applicationWorkflowId(year, committeeIds[i]) },
            signalName: campaignDecisionSignal.name,
            input,
            requestId: requestId(committeeIds[i]),
          });
          sent++;
        } catch (err: any) {
          // A finished application cannot be told anything more; that is not an error of the fan-out.
          if (err?.code === GRPC_NOT_FOUND) missing.push(committeeIds[i]);
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
    ctx.cancellationSignal.throwIfAborted();
    return { sent, missing };
  };
}
