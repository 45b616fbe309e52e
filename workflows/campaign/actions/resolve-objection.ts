/** The bureau resolves an objection: upheld takes the committee off the draft list, dismissed keeps it. */
import { z } from 'zod';
import { requireRole } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { actor, text } from '../../shared/fields';
import { decide } from '../state';
import { campaignAction } from './context';

export const resolveObjection = campaignAction({
  schema: () =>
    z
      .object({
        actor,
        objectionId: z.string().min(1).max(20),
        outcome: z.enum(['upheld', 'dismissed']),
        reason: text(2, 2000),
      })
      .strict(),
  who: (data, c) => void requireRole(c.input.staff, data.actor, 'bureau', 'resolveObjection'),
  when: (data, { s }) => {
    const o = s.objections.find((x) => x.id === data.objectionId);
    if (!o) reject('NotFound', `objectionId: no objection ${data.objectionId}`);
    if (o.resolution) reject('Duplicate', `${o.id} was already ${o.resolution.outcome} by ${o.resolution.by}`);
  },
  apply: (data, { s, at }) => {
    const o = s.objections.find((x) => x.id === data.objectionId)!;
    o.resolution = { outcome: data.outcome, reason: data.reason, by: data.actor, at: new Date(at).toISOString() };
    if (data.outcome === 'upheld' && !s.removed.includes(o.committeeId)) {
      s.removed.push(o.committeeId);
      decide(s, [o.committeeId], { type: 'removed', reason: `公示异议成立：${data.reason}` });
    }
    return { message: `异议 ${o.id} ${data.outcome === 'upheld' ? '成立' : '不成立'}` };
  },
});
