/** Org Dept / bureau, or the company it commissions: the special inspection (专项检查), scored as in the selection. */
import { requireAnyRole } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { inspectionMessage, inspectionRecord, inspectionSchema } from '../../application/actions/record-inspection';
import { deadlineText as fmt, reevaluationAction, requireUndecided } from './context';

export const recordInspection = reevaluationAction({
  schema: inspectionSchema,
  who: (data, { input }) => void requireAnyRole(input.staff, data.actor, ['bureau', 'inspector'], 'recordInspection'),
  when: (_data, { s, input, late }) => {
    requireUndecided(s, false);
    if (s.inspection)
      reject('Duplicate', `专项检查已于 ${s.inspection.date} 录入（${s.inspection.total} 分，${s.inspection.grade}）`);
    if (late < Date.parse(input.calendar.inspectionOpens))
      reject('WrongPhase', `专项检查自 ${fmt(input.calendar.inspectionOpens)} 开始`);
  },
  apply: (data, { s, input, at }) => {
    s.inspection = { ...inspectionRecord(data, input.gradeBands), recordedAt: new Date(at).toISOString() };
    return { message: inspectionMessage(s.inspection) };
  },
});
