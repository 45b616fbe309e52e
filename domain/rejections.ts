/**
 * How a rule says "no": a typed, one-line Rejection. Plain TypeScript, no Temporal: the workflows map it
 * to a non-retryable ApplicationFailure whose `type` is the kind (temporal/rejections.ts), so an Update
 * validator refuses the Update and changes nothing, and a signal handler records it in the audit trail.
 */
import type { z } from 'zod';

/** `Unavailable`: the workflow could not gather what it decides with in time (e.g. a 街镇's reports); try again. */
export type RejectionKind = 'InvalidInput' | 'WrongPhase' | 'WrongActor' | 'Duplicate' | 'NotFound' | 'Unavailable';

export class Rejection extends Error {
  override name = 'Rejection';
  constructor(
    readonly kind: RejectionKind,
    message: string,
  ) {
    super(message);
  }
}

export function reject(kind: RejectionKind, message: string): never {
  throw new Rejection(kind, message);
}

/** zod's first issues as one line that names the field, e.g. `scores.partyLeadership: Too big: expected number to be <=20`. */
export function zodLine(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`)
    .join('; ')
    .replace(/\s+/g, ' ');
}

export function parse<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (!result.success) reject('InvalidInput', zodLine(result.error));
  return result.data;
}
