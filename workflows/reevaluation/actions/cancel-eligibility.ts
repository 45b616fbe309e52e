/** The original 街镇 cancels eligibility on the year's standardisation score (规范化评价成绩), at any time before the decision. */
import { z } from 'zod';
import { requireSubdistrictOfficial } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { actor, text } from '../../shared/fields';
import { deadlineText as fmt, reevaluationAction, requireUndecided } from './context';

export const standardisationScore = z.number().min(0).max(100);

export const cancelEligibility = reevaluationAction({
  schema: () => z.object({ actor, standardisationScore, reason: text(2, 2000) }).strict(),
  who: (data, { input }) =>
    void requireSubdistrictOfficial(input.staff, data.actor, input.subdistrict, 'cancelEligibility'),
  when: (_data, { s, input }) => {
    requireUndecided(s, false);
    if (s.cancellation) reject('Duplicate', `${input.subdistrict}已于 ${fmt(s.cancellation.at)} 取消其复评资格`);
  },
  apply: (data, { s, input, at }) => {
    s.cancellation = {
      by: data.actor,
      at: new Date(at).toISOString(),
      standardisationScore: data.standardisationScore,
      reason: data.reason,
    };
    return { message: `${input.subdistrict}已取消其复评资格（规范化评价成绩 ${data.standardisationScore} 分）` };
  },
});
