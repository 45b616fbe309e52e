/** A special inspection typed at the CLI: the same five scores for an application and for a re-evaluation. */
import { z } from 'zod';
import { FIVE_GOODS } from '../../domain/grades';
import { UserError } from '../../client/errors';
import { flags } from './flags';

export const inspectionFlags = {
  scores: flags.list,
  total: z.coerce.number().int().optional(),
  inspector: flags.text(2, 50),
  date: flags.date,
  notes: z.string().optional(),
};

type InspectionFlags = z.output<z.ZodObject<typeof inspectionFlags>>;

/** The recordInspection payload: `--scores` in the order of the five goods, `--total` their sum unless given. */
export function inspectionPayload(f: InspectionFlags, actor: string) {
  if (f.scores.length !== 5) throw new UserError(`--scores: give five comma-separated scores, got ${f.scores.length}`);
  const values = f.scores.map(Number);
  const scores = Object.fromEntries(FIVE_GOODS.map((k, i) => [k, values[i]])) as Record<
    (typeof FIVE_GOODS)[number],
    number
  >;
  return {
    actor,
    scores,
    total: f.total ?? values.reduce((a, b) => a + b, 0),
    inspector: f.inspector,
    date: f.date,
    notes: f.notes ?? '',
  };
}
