/** The audit trail of the title and re-evaluation workflows: same entries as an application's. */
import { findPerson } from '../../domain/authorization';
import type { Staff } from '../../domain/directory';
import type { AuditEntry } from '../application/state';

export type { AuditEntry };

export interface AuditTrail {
  audit: AuditEntry[];
  rejectedCount: number;
}

const MAX_REJECTED = 100;
const PAYLOAD_CHARS = 500;

/** Appends one entry; rejected entries are capped so a flood of bad signals cannot grow the state. */
export function recordAudit(
  t: AuditTrail,
  at: number,
  staff: Staff,
  committeeId: string,
  action: string,
  payload: unknown,
  error?: string,
): void {
  const actor =
    typeof payload === 'object' && payload && 'actor' in payload ? String((payload as any).actor) : '(system)';
  let role = 'unknown';
  if (actor === committeeId) role = 'committee';
  else if (actor === '(system)') role = 'system';
  else {
    try {
      role = findPerson(staff, actor).role;
    } catch {
      // stays 'unknown'
    }
  }
  let text: string;
  try {
    text = JSON.stringify(payload) ?? 'undefined';
  } catch {
    text = String(payload);
  }
  t.audit.push({
    at: new Date(at).toISOString(),
    actor: actor.slice(0, 64),
    role,
    action: action.slice(0, 64),
    outcome: error ? 'rejected' : 'accepted',
    payload: text.length > PAYLOAD_CHARS ? `${text.slice(0, PAYLOAD_CHARS)}…(${text.length} chars)` : text,
    error,
  });
  if (!error) return;
  t.rejectedCount++;
  const rejected = t.audit.filter((e) => e.outcome === 'rejected');
  if (rejected.length > MAX_REJECTED) t.audit.splice(t.audit.indexOf(rejected[0]), 1);
}
