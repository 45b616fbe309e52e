/**
 * Refused attempts, recorded where they happen. Temporal drops an Update its validator refuses, and a
 * payload refused by the client's own schema never leaves this process; either way the client tells
 * the workflow with a `rejectedAttempt` signal so the refusal is in its audit trail, durable and readable
 * with `campaign audit` / `application history`. Never the payload itself: objections carry names.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { rejectedAttemptSignal } from '../workflows/shared/rejected-attempt';
import { explain, UserError } from './errors';

export async function reportRefused(
  handle: WorkflowHandle,
  action: string,
  payload: unknown,
  err: unknown,
): Promise<void> {
  if (!(err instanceof WorkflowUpdateFailedError) && !(err instanceof UserError)) return;
  const raw = payload && typeof payload === 'object' ? (payload as { actor?: unknown }).actor : undefined;
  const actor = typeof raw === 'string' && raw.length > 0 ? raw.slice(0, 64) : undefined;
  try {
    await handle.signal(rejectedAttemptSignal, {
      action: action.slice(0, 64),
      actor,
      error: explain(err).slice(0, 500),
    });
  } catch {
    // The workflow has ended or does not exist: there is no trail to add to, and the person still sees the error.
  }
}
