/**
 * The audit trail of every workflow with actions (campaign, application, title, re-evaluation): one entry
 * shape, one way to append. Accepted actions, refused signals and the refused Updates clients report
 * (workflows/shared/rejected-attempt.ts). Refused entries are capped so a flood cannot grow the state;
 * `rejectedCount` keeps the total.
 */
import type { Staff, StaffRef } from '../../domain/directory';

export interface AuditEntry {
  at: string;
  actor: string;
  /** The actor's role when acting: a directory role, 'committee', 'public', 'system' or 'unknown'. */
  role: string;
  action: string;
  outcome: 'accepted' | 'rejected';
  /** What was sent, as JSON cut at 500 characters. Not kept by the campaign: objections carry names and contacts. */
  payload?: string;
  /** The campaign's line for a person: its answer, or the refusal. */
  detail?: string;
  /** A refusal, `Kind: message`. */
  error?: string;
}

export interface AuditTrail {
  audit: AuditEntry[];
  rejectedCount: number;
}

/** How one workflow keeps its trail. */
export interface AuditPolicy {
  /** The actor recorded when the payload names none. */
  noActor: string;
  roleOf(actor: string): string;
  /** Refused entries kept; older ones are dropped. */
  maxRejected: number;
  /** Whether the payload is kept (the campaign keeps a `detail` line instead). */
  keepPayload: boolean;
}

const PAYLOAD_CHARS = 500;

/** The actor a payload names, if any. */
export function actorOf(payload: unknown): string | undefined {
  return typeof payload === 'object' && payload !== null && 'actor' in payload ? String(payload.actor) : undefined;
}

/** A directory person's role, or 'unknown'. */
export const staffRole = (staff: readonly StaffRef[], actor: string): string =>
  staff.find((p) => p.id === actor)?.role ?? 'unknown';

/** An entry's payload text: JSON, cut at 500 characters (readers rebuild entries whose payload a result leaves out). */
export function payloadText(payload: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(payload) ?? 'undefined';
  } catch {
    text = String(payload);
  }
  return text.length > PAYLOAD_CHARS ? `${text.slice(0, PAYLOAD_CHARS)}…(${text.length} chars)` : text;
}

/** Appends one entry: refused when `error` is given. */
export function appendAudit(
  t: AuditTrail,
  policy: AuditPolicy,
  at: string,
  action: string,
  payload: unknown,
  result: { error?: string; detail?: string } = {},
): void {
  const actor = actorOf(payload) ?? policy.noActor;
  t.audit.push({
    at,
    actor: actor.slice(0, 64),
    role: policy.roleOf(actor),
    action: action.slice(0, 64),
    outcome: result.error ? 'rejected' : 'accepted',
    ...(policy.keepPayload ? { payload: payloadText(payload) } : {}),
    ...(result.detail !== undefined ? { detail: result.detail.slice(0, 500) } : {}),
    ...(result.error !== undefined ? { error: result.error } : {}),
  });
  if (!result.error) return;
  t.rejectedCount++;
  const rejected = t.audit.filter((e) => e.outcome === 'rejected');
  if (rejected.length > policy.maxRejected) t.audit.splice(t.audit.indexOf(rejected[0]), 1);
}

/** The trail of a title or a re-evaluation: its committee, the directory's staff, the system. */
export function recordAudit(
  t: AuditTrail,
  at: number,
  staff: Staff,
  committeeId: string,
  action: string,
  payload: unknown,
  error?: string,
): void {
  const roleOf = (actor: string) =>
    actor === committeeId ? 'committee' : actor === '(system)' ? 'system' : staffRole(staff, actor);
  const policy = { noActor: '(system)', roleOf, maxRejected: 100, keepPayload: true };
  appendAudit(t, policy, new Date(at).toISOString(), action, payload, { error });
}
