/** The committee's 街镇 recommends it (notice 三(二)); may replace a not-recommend until the list is confirmed. */
import { z } from 'zod';
import { toIso } from '../../../domain/calendar';
import { actor, note } from '../../shared/fields';
import { applicationAction } from './context';
import { requireReviewOpen, requireReviewer } from './review';

export const recommend = applicationAction({
  schema: () => z.object({ actor, note }).strict(),
  who: (data, c) => requireReviewer('recommend', data.actor, c),
  when: (_data, c) => requireReviewOpen('recommend', c),
  apply: (data, { s, input, at }) => {
    s.decision = { kind: 'recommend', by: data.actor, at: toIso(at), note: data.note };
    s.stage = 'recommended';
    s.reason = undefined;
    return { message: `${input.form.subdistrict}已推荐` };
  },
});
