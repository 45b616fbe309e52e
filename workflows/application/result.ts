/**
 * What a finished application returns. Not its whole snapshot: the start input already holds the form, the
 * year and the committee's submission, so the result leaves them out and readers put them back
 * (client/application-result.ts). On the recorded round this halves the result payload (1,626 → 733 bytes
 * stored). The mail outbox, the clock's instant and the report counter are the run's own bookkeeping.
 */
import type { ApplicationState, AuditEntry } from './state';

/** The 'submit' entry's payload is the start input's `{ actor: submittedBy, form }`: left out here. */
export type ApplicationResult = Omit<ApplicationState, 'mail' | 'reached' | 'reportSeq' | 'identityReported'>;

export function applicationResult(s: ApplicationState): ApplicationResult {
  const { mail: _mail, reached: _reached, reportSeq: _seq, identityReported: _id, ...rest } = s;
  return { ...rest, audit: rest.audit.map(withoutSubmitPayload) };
}

function withoutSubmitPayload(e: AuditEntry): AuditEntry {
  if (e.action !== 'submit' || e.outcome !== 'accepted') return e;
  const { payload: _payload, ...entry } = e;
  return entry;
}
