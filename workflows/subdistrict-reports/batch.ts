/**
 * How a relay keeps reports between batches: one per application, the latest by `seq`. The campaign keeps only
 * an application's latest stage anyway (workflows/campaign/registration.ts); what only the first report carries
 * (街镇, name, the deadlines it holds) is kept when a later one replaces it, so the campaign still registers the
 * application with them.
 */
import { z } from 'zod';
import type { ApplicationReport } from '../campaign/stage-report';

const iso = z.string().max(40);

export const applicationReportSchema = z
  .object({
    committeeId: z.string().min(1).max(64),
    subdistrict: z.string().max(64).optional(),
    stage: z.string().min(1).max(40),
    seq: z.number().int().min(0),
    paperFormReceived: z.boolean(),
    total: z.number().optional(),
    grade: z.string().max(20).optional(),
    name: z.string().max(200).optional(),
    deadlines: z.object({ applications: iso, review: iso, inspection: iso }).optional(),
  })
  .strip() satisfies z.ZodType<ApplicationReport>;

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
