/** The holder gives its original 街镇 its written materials (书面复评材料), before the materials deadline. */
import { z } from 'zod';
import { requireCommittee } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { actor, text } from '../../shared/fields';
import { deadlineText as fmt, reevaluationAction, requireUndecided } from './context';

export const submitMaterials = reevaluationAction({
  schema: () =>
    z.object({ actor, summary: text(10, 5000), documents: z.array(text(1, 200)).max(50).default([]) }).strict(),
  who: (data, { input }) => requireCommittee(input.staff, data.actor, input.committeeId, 'submitMaterials'),
  when: (_data, { s, now }) => {
    requireUndecided(s, false);
    if (s.materials) reject('Duplicate', `书面复评材料已于 ${fmt(s.materials.at)} 提交`);
    if (now >= Date.parse(s.materialsDue))
      reject('WrongPhase', `书面复评材料已于 ${fmt(s.materialsDue)} 截止，逾期不予受理`);
  },
  apply: (data, { s, input, at }) => {
    s.materials = { summary: data.summary, documents: data.documents, by: data.actor, at: new Date(at).toISOString() };
    return { message: `已向${input.subdistrict}提交书面复评材料` };
  },
});
