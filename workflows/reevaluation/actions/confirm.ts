/** Bureau re-review (再评审): confirms the outcome that follows from the record; at once when a failure is already certain. */
import { z } from 'zod';
import { requireRole } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { actor, note } from '../../shared/fields';
import { failureReasons } from '../state';
import { deadlineText as fmt, reevaluationAction, requireUndecided } from './context';

export const confirm = reevaluationAction({
  schema: () => z.object({ actor, note }).strict(),
  who: (data, { input }) => void requireRole(input.staff, data.actor, 'bureau', 'confirm'),
  when: (_data, { s, input }) => {
    requireUndecided(s, true);
    if (failureReasons(s, input).length) return;
    if (!s.materials) reject('WrongPhase', `尚未收到书面复评材料（截止 ${fmt(s.materialsDue)}），暂不能确认`);
    if (!s.inspection) reject('WrongPhase', '专项检查结果尚未录入，暂不能确认');
    if (!s.preReview) reject('WrongPhase', `${input.subdistrict}尚未完成预审，暂不能确认`);
  },
  apply: (data, { s, input, at, workflowId }) => {
    const fails = failureReasons(s, input);
    const pass = s.inspection
      ? [
          `专项检查等级为“${s.inspection.grade}”（${s.inspection.total} 分），书面材料已提交，街镇预审通过，当年未发生重大影响事件`,
        ]
      : [];
    s.result = {
      year: input.year,
      workflowId,
      outcome: fails.length ? 'fail' : 'pass',
      reasons: fails.length ? fails : pass,
      decidedBy: data.actor,
      decidedAt: new Date(at).toISOString(),
      note: data.note,
      grade: s.inspection?.grade,
      total: s.inspection?.total,
      countedIncidents: s.incidents.map((i) => i.id),
    };
    return { message: `${input.year} 年度复评${fails.length ? `未通过：${fails.join('；')}` : '通过'}` };
  },
});
