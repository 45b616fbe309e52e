/** Errors a person made (bad flag, wrong phase, …): printed as one line, exit code 1. */
import {
  WorkflowUpdateFailedError,
  WorkflowNotFoundError,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

export class UserError extends Error {
  override name = 'UserError';
}

/** Turns Temporal's errors into the one line a person should read. */
export function explain(err: unknown): string {
  if (err instanceof UserError) return err.message;
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) return `rejected (${cause.type}): ${cause.message}`;
    return `rejected: ${cause?.message ?? err.message}`;
  }
  if (err instanceof WorkflowNotFoundError) return `not found: ${err.message}`;
  if (err instanceof WorkflowExecutionAlreadyStartedError) return `already exists: ${err.workflowId}`;
  if (err instanceof ApplicationFailure) return `rejected (${err.type}): ${err.message}`;
  const e = err as Error;
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`.replace(/\s+/g, ' ');
}

/** True when a call named a workflow that does not exist (never started, or removed after retention). */
export function isNotFound(err: unknown): boolean {
  return (err as Error | undefined)?.name === 'WorkflowNotFoundError';
}

/** Runs a call on one workflow; a workflow that does not exist becomes the one line `missing`. */
export async function requireWorkflow<T>(call: () => Promise<T>, missing: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isNotFound(err)) throw new UserError(missing);
    throw err;
  }
}
