/** Grade bands for the five-goods inspection. Configurable; the notice's attachments are not public. */
import { z } from 'zod';
import { lazy } from './lazy';

export const GRADES = ['优秀', '良好', '合格', '不合格'] as const;
export type Grade = (typeof GRADES)[number];

/** Built on first use (./lazy.ts): an application imports this module for gradeFor. */
export const gradeBandsSchema = lazy(() =>
  z
    .object({
      excellent: z.number().min(0).max(100),
      good: z.number().min(0).max(100),
      pass: z.number().min(0).max(100),
    })
    .refine((b) => b.excellent > b.good && b.good > b.pass, { message: 'bands must satisfy excellent > good > pass' }),
);
export type GradeBands = z.infer<ReturnType<typeof gradeBandsSchema>>;

export const DEFAULT_GRADE_BANDS: GradeBands = { excellent: 90, good: 80, pass: 60 };

export function gradeFor(total: number, bands: GradeBands = DEFAULT_GRADE_BANDS): Grade {
  if (total >= bands.excellent) return '优秀';
  if (total >= bands.good) return '良好';
  if (total >= bands.pass) return '合格';
  return '不合格';
}

/** 复评 passes only at 良好 or better (notice 五(三)1: below 优良 fails). */
export function atLeastGood(grade: Grade): boolean {
  return grade === '优秀' || grade === '良好';
}

/** The five goods (五好), one inspection score (0–20) each. */
export const FIVE_GOODS = [
  'partyLeadership',
  'rulesFollowed',
  'selfBuilding',
  'rolePlayed',
  'residentsEvaluation',
] as const;
export type FiveGoods = (typeof FIVE_GOODS)[number];
export const FIVE_GOODS_LABELS: Record<FiveGoods, string> = {
  partyLeadership: '党建引领好',
  rulesFollowed: '制度执行好',
  selfBuilding: '自身建设好',
  rolePlayed: '作用发挥好',
  residentsEvaluation: '群众评价好',
};

/** The five goods' labels in the notice's order, joined (e.g. '、' in Chinese text). */
export const fiveGoodsText = (separator: string): string => FIVE_GOODS.map((k) => FIVE_GOODS_LABELS[k]).join(separator);
