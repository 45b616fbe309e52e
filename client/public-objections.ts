/**
 * Objections from the public (公示): each is held in its own workflow until it counts (workflows/public-objection/workflow.ts).
 * The emailed link's token is 32 random bytes that exist only in the link; Temporal sees its SHA-256.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import { TASK_QUEUE } from '../temporal/ids';
import { CampaignYear } from '../temporal/search-attributes';
import {
  confirmObjectionUpdate,
  publicObjection,
  publicObjectionInputSchema,
  publicObjectionStateQuery,
  type PublicObjectionInput,
  type PublicObjectionOutcome,
  type PublicObjectionState,
} from '../workflows/public-objection/workflow';
import { checked, yearSchema } from './input';

export const OBJECTION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const OBJECTION_REF_PATTERN = /^[A-Z0-9]{4}-[A-Z0-9]{4}$/;
// No 0/O or 1/I: a reference is read out over the phone.
const REF_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export const publicObjectionWorkflowId = (year: number, ref: string): string => `public-objection-${year}-${ref}`;
export const objectionTokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** 8 characters of a 32-letter alphabet (40 bits): `K7QM-3XWP`. */
export function newObjectionRef(): string {
  const c = Array.from({ length: 8 }, () => REF_ALPHABET[randomInt(REF_ALPHABET.length)]).join('');
  return `${c.slice(0, 4)}-${c.slice(4)}`;
}

export interface StartedObjection {
  ref: string;
  workflowId: string;
  /** The emailed link's token, for an email contact only; never stored. */
  token?: string;
}

/** Starts the pending objection. An email contact gets a token for its link; a phone contact is filed at once. */
export async function startPublicObjection(
  client: Client,
  input: Omit<PublicObjectionInput, 'ref' | 'tokenHash' | 'submittedAt'>,
  opts: { taskQueue?: string } = {},
): Promise<StartedObjection> {
  const ref = newObjectionRef();
  const token = input.contactKind === 'email' ? randomBytes(32).toString('base64url') : undefined;
  const full = checked(
    publicObjectionInputSchema,
    {
      ...input,
      ref,
      submittedAt: new Date().toISOString(),
      ...(token ? { tokenHash: objectionTokenHash(token) } : {}),
    },
    'startPublicObjection',
  );
  const workflowId = publicObjectionWorkflowId(input.year, ref);
  await client.workflow.start(publicObjection, {
    workflowId,
    taskQueue: opts.taskQueue ?? process.env.TASK_QUEUE ?? TASK_QUEUE,
    args: [full],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: [{ key: CampaignYear, value: input.year }],
  });
  return { ref, workflowId, token };
}

/** `used`: confirmed before; `state` says whether it is filed yet (a first confirmation may still be filing). */
export type ConfirmOutcome =
  PublicObjectionOutcome | { outcome: 'used'; state?: PublicObjectionState } | { outcome: 'forged' };

/** Spends an emailed link: files the objection into the campaign and returns what the campaign said. */
export async function confirmPublicObjection(
  client: Client,
  year: number,
  ref: string,
  token: string,
): Promise<ConfirmOutcome> {
  checked(yearSchema, year, 'year');
  if (!OBJECTION_REF_PATTERN.test(ref) || !OBJECTION_TOKEN_PATTERN.test(token)) return { outcome: 'forged' };
  const handle = client.workflow.getHandle(publicObjectionWorkflowId(year, ref));
  try {
    return await handle.executeUpdate(confirmObjectionUpdate, { args: [{ tokenHash: objectionTokenHash(token) }] });
  } catch (err: any) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      if (err.cause.type === 'NotFound') return { outcome: 'forged' };
      if (err.cause.type === 'Duplicate')
        return { outcome: 'used', state: await handle.query(publicObjectionStateQuery).catch(() => undefined) };
      return { outcome: 'expired' };
    }
    if (err?.name !== 'WorkflowNotFoundError') throw err;
  }
  // The run has ended: with the right token, it says how.
  try {
    const state = await handle.query(publicObjectionStateQuery);
    return state.status === 'expired' ? { outcome: 'expired' } : { outcome: 'used', state };
  } catch (err: any) {
    if (err?.name === 'WorkflowNotFoundError') return { outcome: 'forged' };
    throw err;
  }
}

/** Where a pending objection stands (no personal data: committee, status, times, scan id, outcome). */
export async function publicObjectionState(
  client: Client,
  year: number,
  ref: string,
): Promise<PublicObjectionState | undefined> {
  checked(yearSchema, year, 'year');
  if (!OBJECTION_REF_PATTERN.test(ref)) return undefined;
  try {
    return await client.workflow.getHandle(publicObjectionWorkflowId(year, ref)).query(publicObjectionStateQuery);
  } catch (err: any) {
    if (err?.name === 'WorkflowNotFoundError') return undefined;
    throw err;
  }
}

/** Waits (within the caller's deadline) for a phone objection to be filed. */
export async function publicObjectionResult(
  client: Client,
  year: number,
  ref: string,
): Promise<PublicObjectionOutcome> {
  return client.workflow.getHandle(publicObjectionWorkflowId(year, ref)).result();
}
