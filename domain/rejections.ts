/**
 * How a workflow says "no": one-line, typed ApplicationFailures. Thrown from Update validators they
 * reject the Update and change nothing; from signal handlers they are caught and recorded.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';

export type RejectionKind = 'InvalidInput' | 'WrongPhase' | 'WrongActor' | 'Duplicate' | 'NotFound';

export function reject(kind: RejectionKind, message: string): never {
  throw ApplicationFailure.create({ type: kind, message, nonRetryable: true });
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

export function rejectionOf(err: unknown): { kind: string; message: string } {
  if (err instanceof ApplicationFailure) return { kind: err.type ?? 'Error', message: err.message };
  return { kind: 'Error', message: err instanceof Error ? err.message : String(err) };
}
