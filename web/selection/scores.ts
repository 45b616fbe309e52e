/**
 * Inspection scores from the console: one form's fields or one CSV row, checked into the payload of
 * `recordInspection`. Labels are the five goods of domain/grades.ts; the grade band is gradeFor's.
 */
import { z } from 'zod';
import { isValidDate } from '../../domain/calendar';
import { FIVE_GOODS, FIVE_GOODS_LABELS, gradeFor, type FiveGoods, type Grade } from '../../domain/grades';
import type { FieldError } from '../forms';

export const SCORE_FIELDS = FIVE_GOODS.map((key) => ({ key, label: FIVE_GOODS_LABELS[key] }));
export const OTHER_LABELS = { inspector: '检查人员', date: '检查日期', notes: '检查说明' } as const;

export interface ScoreEntry {
  scores: Record<FiveGoods, number>;
  total: number;
  grade: Grade;
  inspector: string;
  date: string;
  notes: string;
}

export type ScoreValues = Partial<Record<FiveGoods | 'inspector' | 'date' | 'notes', string>>;

const SCORE = /^\d{1,2}$/;
const inspectorSchema = z.string().trim().min(2).max(50);

/** Every problem of one entry, each naming its field (key) and label; an entry with none is the Update's payload. */
export function checkScores(values: ScoreValues): { entry?: ScoreEntry; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const scores = {} as Record<FiveGoods, number>;
  for (const { key, label } of SCORE_FIELDS) {
    const raw = (values[key] ?? '').trim();
    const n = Number(raw);
    if (!raw) errors.push({ field: key, message: `请填写“${label}”得分` });
    else if (!SCORE.test(raw) || n > 20)
      errors.push({ field: key, message: `“${label}”得分须为 0–20 的整数，填写的是“${raw.slice(0, 20)}”` });
    else scores[key] = n;
  }
  const inspector = (values.inspector ?? '').trim();
  if (!inspectorSchema.safeParse(inspector).success)
    errors.push({ field: 'inspector', message: `${OTHER_LABELS.inspector}须为 2–50 个字` });
  const date = (values.date ?? '').trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !isValidDate(date))
    errors.push({ field: 'date', message: `${OTHER_LABELS.date}须为“年-月-日”，例如 2023-08-15` });
  const notes = (values.notes ?? '').trim();
  if (notes.length > 5000) errors.push({ field: 'notes', message: `${OTHER_LABELS.notes}不能超过 5000 个字` });
  if (errors.length) return { errors };
  const total = FIVE_GOODS.reduce((a, k) => a + scores[k], 0);
  return { entry: { scores, total, grade: gradeFor(total), inspector, date, notes }, errors };
}
