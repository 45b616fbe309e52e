/** The original 街镇 keeps the holder on its re-evaluation list and reports it to the bureau, after materials and inspection. */
import { z } from 'zod';
import { requireSubdistrictOfficial } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { actor, note } from '../../shared/fields';
import { deadlineText as fmt, reevaluationAction, requireUndecided } from './context';
import { standardisationScore } from './cancel-eligibility';

export const preReview = reevaluationAction({
  schema: () => z.object({ actor, standardisationScore: standardisationScore.optional(), note }).strict(),
  who: (data, { input }) => void requireSubdistrictOfficial(input.staff, data.actor, input.subdistrict, 'preReview'),
  when: (_data, { s, input }) => {
    const sd = input.subdistrict;
    requireUndecided(s, false);
    if (s.cancellation) reject('WrongPhase', `${sd}已取消其复评资格，不能再确认列入复评名单`);
    if (s.preReview) reject('Duplicate', `${sd}已于 ${fmt(s.preReview.at)} 完成预审`);
    if (!s.materials) reject('WrongPhase', '尚未收到书面复评材料，街镇无法预审');
    if (!s.inspection) reject('WrongPhase', '街镇依据专项检查结果预审，专项检查结果尚未录入');
  },
  apply: (data, { s, input, at }) => {
    s.preReview = {
      by: data.actor,
      at: new Date(at).toISOString(),
      standardisationScore: data.standardisationScore,
      note: data.note,
    };
    return { message: `${input.subdistrict}已确认列入复评名单，报区房管局再评审` };
  },
});
