/**
 * A refused Update never reaches workflow history (Temporal drops it), so the client that was refused
 * reports it here: the workflow records it in its audit trail as rejected, and changes nothing else.
 * Only the action, the actor and the one-line reason: never the payload (objections carry names).
 */
import { defineSignal } from '@temporalio/workflow';
import { z } from 'zod';
import { lazy } from '../../domain/lazy';

/** Built on first use (domain/lazy.ts): most workflows never hear of a refused attempt. */
export const rejectedAttemptSchema = lazy(() =>
  z
    .object({
      action: z.string().min(1).max(64),
      actor: z.string().min(1).max(64).optional(),
      error: z.string().min(1).max(500),
    })
    .strict(),
);
export type RejectedAttempt = z.infer<ReturnType<typeof rejectedAttemptSchema>>;

export const rejectedAttemptSignal = defineSignal<[RejectedAttempt]>('rejectedAttempt');

/** The audit text of a refused attempt, so a reader tells it from a refused signal. */
export const refusedDetail = (error: string) => `${error} [refused before execution; reported by the client]`;
