/**
 * Rejections as Temporal sees them: a Rejection (domain/rejections.ts) becomes a non-retryable
 * ApplicationFailure with `type` = its kind and the same one-line message. Thrown from an Update
 * validator it refuses the Update (nothing enters history); from a handler or a workflow's start it
 * fails that Update or the workflow instead of retrying the task forever. Clients and tests read
 * `type` and `message`.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Rejection } from '../domain/rejections';

/** The error to throw in Temporal code for `err`: a Rejection as its ApplicationFailure, anything else unchanged. */
export function toFailure(err: unknown): unknown {
  if (err instanceof Rejection)
    return ApplicationFailure.create({ type: err.kind, message: err.message, nonRetryable: true });
  return err;
}

/** Runs `fn`, rethrowing a Rejection as its ApplicationFailure. */
export function failing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toFailure(err);
  }
}

/** The kind and message of a refusal, whether still a Rejection or already an ApplicationFailure. */
export function rejectionOf(err: unknown): { kind: string; message: string } {
  if (err instanceof Rejection) return { kind: err.kind, message: err.message };
  if (err instanceof ApplicationFailure) return { kind: err.type ?? 'Error', message: err.message };
  return { kind: 'Error', message: err instanceof Error ? err.message : String(err) };
}
