/**
 * One objection from the public to the year's 公示, held until it counts (public-objection-<year>-<ref>).
 *
 * The objector's name, contact and grounds live only in this workflow's (encrypted) input and in the campaign once
 * filed; the id carries the year and a random reference. An email contact must be confirmed by the emailed link
 * (`confirm` with the SHA-256 of its token, never the token) within `ttlMs`; a phone number is recorded as given, so
 * such an objection is filed at once. Filing is the campaign's own `fileObjection` Update, sent by an activity with
 * the reference as its Update id: the campaign alone decides whether 公示 is still open. Whatever happens — filed,
 * refused by the campaign (e.g. confirmed after 公示 ended), or never confirmed — the run ends with that outcome and
 * its history keeps what the person gave, for the bureau, until the namespace's retention.
 */
import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { z } from 'zod';
import type { createActivities } from '../../activities';
import { parse, reject } from '../../domain/rejections';
import { failing } from '../../temporal/rejections';
import { campaignActionSchemas } from '../campaign/messages';
import { wallStamp } from '../shared/clock';

export const publicObjectionInputSchema = z
  .object({
    year: z.number().int().min(2000).max(2200),
    /** The reference the objector is given: random, nothing personal. */
    ref: z.string().regex(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/),
    /** Exactly what the campaign's `fileObjection` takes. */
    objection: campaignActionSchemas.fileObjection,
    contactKind: z.enum(['email', 'phone']),
    /** SHA-256 (hex) of the emailed link's token; only for an email contact. */
    tokenHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    /** How long the emailed link stays valid (real ms). */
    ttlMs: z
      .number()
      .int()
      .min(1_000)
      .max(7 * 86_400_000),
    /** The stamped scan, stored encrypted by the web process (web/scan-store.ts). */
    scanId: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional(),
    /** When the person pressed 提交 (real time, ISO). */
    submittedAt: z.iso.datetime(),
  })
  .strict()
  .refine((v) => (v.contactKind === 'email') === (v.tokenHash !== undefined), {
    path: ['tokenHash'],
    message: 'is required for an email contact, and only for it',
  });
export type PublicObjectionInput = z.infer<typeof publicObjectionInputSchema>;

export type PublicObjectionOutcome =
  | { outcome: 'filed'; objectionId: string; message: string }
  | { outcome: 'refused'; kind: string; message: string }
  | { outcome: 'expired' };

export interface PublicObjectionState {
  year: number;
  ref: string;
  committeeId: string;
  contactKind: 'email' | 'phone';
  status: 'awaiting-confirmation' | 'filing' | 'filed' | 'refused' | 'expired';
  submittedAt: string;
  confirmedAt?: string;
  scanId?: string;
  result?: PublicObjectionOutcome;
}

export const confirmObjectionUpdate = defineUpdate<PublicObjectionOutcome, [{ tokenHash?: string }]>('confirm');
export const publicObjectionStateQuery = defineQuery<PublicObjectionState>('state');

const { filePublicObjection } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  // The campaign may be busy or continuing as new; keep trying, but not past a day: 公示 is days long.
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function publicObjection(raw: PublicObjectionInput): Promise<PublicObjectionOutcome> {
  const input = failing(() => parse(publicObjectionInputSchema, raw));
  const state: PublicObjectionState = {
    year: input.year,
    ref: input.ref,
    committeeId: input.objection.committeeId,
    contactKind: input.contactKind,
    status: input.contactKind === 'phone' ? 'filing' : 'awaiting-confirmation',
    submittedAt: input.submittedAt,
    scanId: input.scanId,
  };
  let confirmed = input.contactKind === 'phone';
  setHandler(publicObjectionStateQuery, () => state);
  setHandler(
    confirmObjectionUpdate,
    async () => {
      confirmed = true;
      state.confirmedAt = wallStamp();
      state.status = 'filing';
      await condition(() => state.result !== undefined);
      return state.result!;
    },
    {
      validator: (arg) =>
        failing(() => {
          if (input.contactKind !== 'email') reject('WrongPhase', 'a phone contact needs no confirmation');
          if (!arg || arg.tokenHash !== input.tokenHash)
            reject('NotFound', 'token: this link does not belong to this objection');
          if (state.status === 'expired') reject('WrongPhase', 'this link has expired');
          if (confirmed) reject('Duplicate', 'this objection has already been confirmed');
        }),
    },
  );

  if (!(await condition(() => confirmed, input.ttlMs))) {
    state.status = 'expired';
    state.result = { outcome: 'expired' };
  } else {
    try {
      state.result = await filePublicObjection({
        year: input.year,
        ref: input.ref,
        updateId: workflowInfo().workflowId,
        objection: input.objection,
      });
    } catch {
      // A day of retries without reaching the campaign: recorded as refused, the input stays in this history.
      state.result = { outcome: 'refused', kind: 'Unavailable', message: 'the campaign could not be reached' };
    }
    state.status = state.result.outcome === 'filed' ? 'filed' : 'refused';
  }
  await condition(allHandlersFinished);
  return state.result;
}
