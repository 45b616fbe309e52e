/**
 * An application's reports, as the campaign's registry records them. The first report the campaign receives from
 * an application registers it, with the deadlines the application holds. A submission takes those from the
 * campaign's memo as a client read it, at most a few seconds earlier (client/applications.ts keeps it briefly): if
 * the bureau moved a deadline in between, the move's notices went only to the applications registered by then, so
 * the newcomer is sent the deadline here. Reports without deadlines (older applications) are recorded as before.
 */
import { zodLine } from '../../domain/rejections';
import { parseApplicationReport, type ApplicationReport, type HeldDeadlines } from './stage-report';
import type { CampaignState } from './state';

/**
 * Records a report as it arrives (from an application, or within a relay's batch); returns an error line naming
 * the field for a malformed one, which changes nothing. `at` names where it sat, e.g. `reports.3`.
 */
export function receiveReport(s: CampaignState, raw: unknown, at?: string): string | undefined {
  const r = parseApplicationReport(raw);
  if (!r.success) return `InvalidInput: ${at ? `${at}.` : ''}${zodLine(r.error)}`;
  recordReport(s, r.data);
  return undefined;
}

function recordReport(s: CampaignState, r: ApplicationReport): void {
  const prev = s.registry[r.committeeId];
  if (prev && prev.seq >= r.seq) return;
  // Name and 街镇 come with an application's first delivered report; later ones keep them (about 100 bytes a report).
  const sd = r.subdistrict ?? prev?.sd ?? '';
  s.registry[r.committeeId] = {
    sd,
    stage: r.stage,
    seq: r.seq,
    paper: r.paperFormReceived,
    total: r.total,
    grade: r.grade,
    name: r.name ?? prev?.name,
  };
  if (!prev && r.deadlines) sendMovedDeadlines(s, r.committeeId, sd, r.deadlines);
}

function sendMovedDeadlines(s: CampaignState, committeeId: string, sd: string, held: HeldDeadlines): void {
  const current: HeldDeadlines = {
    applications: s.applicationsClose,
    review: s.reviewDeadlines[sd] ?? held.review,
    inspection: s.inspectionCloses,
  };
  for (const window of ['applications', 'review', 'inspection'] as const) {
    const until = current[window];
    if (Date.parse(until) !== Date.parse(held[window]))
      s.outbox.push({ committeeIds: [committeeId], notice: { type: 'deadline', window, until } });
  }
}
