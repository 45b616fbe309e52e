/**
 * One sign-in request to the web console: durable single use for an emailed link.
 * The workflow id carries the SHA-256 of the token (never the token); the input names the person
 * by directory id only. It lives until the link is redeemed or it expires (at most 10 minutes),
 * so a link works once, even across restarts of the web process.
 */
import { condition, defineQuery, defineUpdate, setHandler, allHandlersFinished } from '@temporalio/workflow';
import { z } from 'zod';
import { parse, reject } from '../../domain/rejections';
import { failing } from '../../temporal/rejections';

export const signInInputSchema = z
  .object({
    personId: z.string().min(1).max(64),
    /** Lifetime in ms: the link expires this long after the workflow starts; at most 10 minutes. */
    ttlMs: z.number().int().min(1_000).max(600_000),
  })
  .strict();
export type SignInInput = z.infer<typeof signInInputSchema>;

export interface SignInResult {
  outcome: 'redeemed' | 'expired';
  personId: string;
}

export const redeemUpdate = defineUpdate<{ personId: string }, []>('redeem');
export const signInStateQuery = defineQuery<{ redeemed: boolean; expired: boolean }>('state');

export async function signIn(raw: SignInInput): Promise<SignInResult> {
  const input = failing(() => parse(signInInputSchema, raw));
  let redeemed = false;
  let expired = false;
  setHandler(
    redeemUpdate,
    () => {
      redeemed = true;
      return { personId: input.personId };
    },
    {
      validator: () =>
        failing(() => {
          if (redeemed) reject('Duplicate', 'this sign-in link has already been used');
          if (expired) reject('WrongPhase', 'this sign-in link has expired');
        }),
    },
  );
  setHandler(signInStateQuery, () => ({ redeemed, expired }));
  const inTime = await condition(() => redeemed, input.ttlMs);
  if (!inTime) expired = true;
  await condition(allHandlersFinished);
  return { outcome: redeemed ? 'redeemed' : 'expired', personId: input.personId };
}
