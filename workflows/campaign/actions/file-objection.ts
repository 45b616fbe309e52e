/** Anyone objects to a committee on the draft list during 公示 (notice 三(四)); a unit's objection carries its stamp. */
import { z } from 'zod';
import { reject } from '../../../domain/rejections';
import { committeeId, text } from '../../shared/fields';
import { deadlineText as fmt, onList } from '../state';
import { campaignAction } from './context';

export const fileObjection = campaignAction({
  schema: () =>
    z
      .object({
        name: text(2, 50),
        contact: text(5, 100),
        grounds: text(10, 5000),
        committeeId,
        organisation: text(2, 100).optional(),
        stamped: z.boolean().optional(),
      })
      .strict()
      .refine((v) => !v.organisation || v.stamped === true, {
        path: ['stamped'],
        message: "a unit's objection must carry its stamp (盖章)",
      }),
  // The public: anyone may object, by name (the notice asks objectors to give it).
  who: () => {},
  when: (data, { s, now, phase }) => {
    if (phase !== 'publicity' || now >= Date.parse(s.draft!.publicityEnds))
      reject(
        'WrongPhase',
        s.draft ? `公示已于 ${fmt(s.draft.publicityEnds)} 结束，不再受理异议` : '拟表彰名单尚未公示，暂不受理异议',
      );
    if (!onList(s).includes(data.committeeId)) reject('NotFound', `committeeId: ${data.committeeId} 不在公示名单中`);
  },
  apply: (data, { s, at }) => {
    const id = `obj-${s.objections.length + 1}`;
    s.objections.push({
      id,
      committeeId: data.committeeId,
      name: data.name,
      contact: data.contact,
      grounds: data.grounds,
      organisation: data.organisation,
      filedAt: new Date(at).toISOString(),
    });
    return { message: `异议已受理，编号 ${id}`, objectionId: id };
  },
});
