/**
 * Runs a call to Temporal for a page: within a deadline, and with its failure sorted into what the
 * page shows — busy (no worker answered in time), a rejection by the workflow (in Chinese, with the
 * field it concerns) or a person's input error.
 */
import {
  isGrpcDeadlineError,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { UserError } from '../client/errors';

export const BUSY = '系统繁忙，请稍后再试';

export type ActionFailure =
  | { kind: 'busy'; message: string }
  | { kind: 'rejected'; message: string; field?: string; rejection: string }
  | { kind: 'input'; message: string; field?: string };

export class ActionError extends Error {
  constructor(readonly failure: ActionFailure) {
    super(failure.message);
  }
}

const KIND_TEXT: Record<string, string> = {
  WrongPhase: '当前阶段不能办理此事项',
  WrongActor: '您无权办理此事项',
  Duplicate: '此事项已办理，不能重复办理',
  InvalidInput: '填写有误',
  NotFound: '未找到',
  Unavailable: '暂时无法办理，请稍后重试',
};

/** The workflow's English detail is kept in brackets for support staff; the sentence before it is Chinese. */
export function rejectionText(kind: string, detail: string): string {
  return `${KIND_TEXT[kind] ?? '操作未被接受'}（${detail}）`;
}

/** Which form field a rejection concerns, from the field name the workflow puts first ("reason: …"). */
function fieldOf(detail: string): string | undefined {
  return /^(?:[a-zA-Z]+: )?([a-zA-Z.]+): /.exec(detail)?.[1]?.split('.')[0];
}

export async function withinDeadline<T>(client: Client, ms: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ms;
  try {
    return await client.withDeadline(deadline, fn);
  } catch (err) {
    throw new ActionError(classify(err, Date.now() >= deadline));
  }
}

export function classify(err: unknown, pastDeadline = false): ActionFailure {
  if (err instanceof ActionError) return err.failure;
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const kind = err.cause.type ?? 'Error';
    return {
      kind: 'rejected',
      rejection: kind,
      message: rejectionText(kind, err.cause.message),
      field: fieldOf(err.cause.message),
    };
  }
  if (err instanceof UserError)
    return { kind: 'input', message: rejectionText('InvalidInput', err.message), field: fieldOf(err.message) };
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err) || pastDeadline)
    return { kind: 'busy', message: BUSY };
  // E.g. "Failed to query Workflow" while a campaign continues as new: passing, so the person tries again.
  if (err instanceof ServiceError) return { kind: 'busy', message: BUSY };
  const code = (err as { code?: number })?.code;
  // gRPC UNAVAILABLE (14): Temporal itself cannot be reached.
  if (code === 14 || code === 4) return { kind: 'busy', message: BUSY };
  throw err;
}
