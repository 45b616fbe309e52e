/**
 * The year's re-evaluations report to their campaign whether they wait on their 街镇's pre-review, so the
 * campaign sends each 街镇 official one digest per reminder slot naming every holder still waiting on them
 * (an official with five holders got five emails per slot when each re-evaluation mailed its officials).
 * A report is a few fields; stale ones (lower seq, e.g. delivered out of order) are ignored.
 */
import { defineSignal } from '@temporalio/workflow';
import { z } from 'zod';
import { isoInstantSchema } from '../../domain/calendar-schema';
import { lazy } from '../../domain/lazy';
import type { CampaignState } from './state';

/** Built on first use, as every schema a workflow module holds (domain/lazy.ts). */
export const reevaluationReportSchema = lazy(() => {
  const isoInstant = isoInstantSchema();
  return z
    .object({
      committeeId: z.string().min(1).max(64),
      subdistrict: z.string().min(1).max(64),
      name: z.string().max(200).optional(),
      /** Increases with every report of one re-evaluation. */
      seq: z.number().int().positive(),
      stage: z.string().min(1).max(64),
      waiting: z.boolean(),
      due: isoInstant,
      opens: isoInstant,
    })
    .strict();
});
export type ReevaluationReport = z.infer<ReturnType<typeof reevaluationReportSchema>>;

export const reevaluationReportSignal = defineSignal<[ReevaluationReport]>('reevaluationReport');

/** Records a report; returns an error line (naming the field) for a malformed one, which changes nothing. */
export function recordReevaluationReport(s: CampaignState, raw: unknown): string | undefined {
  const r = reevaluationReportSchema().safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    return `InvalidInput: ${issue.path.join('.') || 'report'}: ${issue.message}`;
  }
  const { committeeId, subdistrict, name, seq, waiting, due, opens } = r.data;
  const all = (s.reevaluations ??= {});
  const prev = all[committeeId];
  if (prev && prev.seq >= seq) return undefined;
  all[committeeId] = { sd: subdistrict, seq, waiting, due, opens, ...(name ? { name } : {}) };
  return undefined;
}
