/**
 * Sign-in links: 32 random bytes, base64url, in the link only. Temporal sees just the SHA-256
 * (in the workflow id), so neither the history nor the logs can replay a link.
 */
import { createHash, randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import { TASK_QUEUE } from '../temporal/ids';
import { redeemUpdate, signIn, type SignInResult } from '../workflows/sign-in/workflow';
import { isNotFound } from '../client/errors';

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const newToken = (): string => randomBytes(32).toString('base64url');
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');
export const signInWorkflowId = (hash: string): string => `signin-${hash}`;

/** `idOf`: the same single-use link under another id prefix, e.g. the fresh confirmation of an irreversible action. */
export async function startSignIn(
  client: Client,
  personId: string,
  ttlMs: number,
  taskQueue?: string,
  idOf = signInWorkflowId,
): Promise<string> {
  const token = newToken();
  await client.workflow.start(signIn, {
    workflowId: idOf(tokenHash(token)),
    taskQueue: taskQueue ?? process.env.TASK_QUEUE ?? TASK_QUEUE,
    args: [{ personId, ttlMs }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    // A link nobody opens must not linger: the run ends on its own timer; this is a hard stop.
    workflowExecutionTimeout: ttlMs + 60_000,
  });
  return token;
}

export type RedeemOutcome = { ok: true; personId: string } | { ok: false; reason: 'forged' | 'used' | 'expired' };

/** Spends a token once. A forged token has no workflow; a used or expired one says which. */
export async function redeem(client: Client, token: string, idOf = signInWorkflowId): Promise<RedeemOutcome> {
  if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: 'forged' };
  const handle = client.workflow.getHandle(idOf(tokenHash(token)));
  try {
    const r = await handle.executeUpdate(redeemUpdate);
    return { ok: true, personId: r.personId };
  } catch (err: any) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      return { ok: false, reason: err.cause.type === 'Duplicate' ? 'used' : 'expired' };
    }
    if (!isNotFound(err)) throw err;
  }
  // The run has ended: it tells whether its link was used or expired.
  try {
    const d = await handle.describe();
    if (d.status.name === 'COMPLETED')
      return {
        ok: false,
        reason: ((await handle.result()) as SignInResult).outcome === 'redeemed' ? 'used' : 'expired',
      };
    return { ok: false, reason: 'expired' };
  } catch (err: any) {
    if (isNotFound(err)) return { ok: false, reason: 'forged' };
    throw err;
  }
}

export { WorkflowExecutionAlreadyStartedError };
