/** The committee's 街镇 does not recommend it, with a reason (notice 三(二)); final once the list is confirmed. */
import { z } from 'zod';
import { toIso } from '../../../domain/calendar';
import { actor, text } from '../../shared/fields';
import { applicationAction } from './context';
import { requireReviewOpen, requireReviewer } from './review';

export const notRecommend = applicationAction({
  schema: () => z.object({ actor, reason: text(2, 2000) }).strict(),
  who: (data, c) => requireReviewer('notRecommend', data.actor, c),
  when: (_data, c) => requireReviewOpen('not-recommend', c),
  apply: (data, { s, input, at }) => {
    s.decision = { kind: 'not-recommend', by: data.actor, at: toIso(at), note: data.reason };
    s.stage = 'not-recommended';
    s.reason = data.reason;
    return { message: `${input.form.subdistrict}不予推荐：${data.reason}` };
  },
});
