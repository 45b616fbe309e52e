/**
 * How a relay keeps reports between batches: one per application, the latest by `seq`. The campaign keeps only
 * an application's latest stage anyway (workflows/campaign/registration.ts); what only the first report carries
 * (街镇, name, the deadlines it holds) is kept when a later one replaces it, so the campaign still registers the
 * application with them.
 */
import type { ApplicationReport } from '../campaign/stage-report';

export function mergeReport(held: ApplicationReport | undefined, next: ApplicationReport): ApplicationReport {
  if (!held) return next;
  const [older, newer] = held.seq > next.seq ? [next, held] : [held, next];
  return {
    ...newer,
    ...((newer.subdistrict ?? older.subdistrict) ? { subdistrict: newer.subdistrict ?? older.subdistrict } : {}),
    ...((newer.name ?? older.name) ? { name: newer.name ?? older.name } : {}),
    ...((newer.deadlines ?? older.deadlines) ? { deadlines: newer.deadlines ?? older.deadlines } : {}),
  };
}
