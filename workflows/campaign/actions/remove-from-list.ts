/** The bureau takes a committee off the draft list on other grounds than an objection, e.g. a serious incident (notice 五(三)). */
import { z } from 'zod';
import { requireRole } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { actor, committeeId, text } from '../../shared/fields';
import { decide } from '../state';
import { campaignAction } from './context';

export const removeFromList = campaignAction({
  schema: () => z.object({ actor, committeeId, reason: text(4, 2000) }).strict(),
  who: (data, c) => void requireRole(c.input.staff, data.actor, 'bureau', 'removeFromList'),
  when: (data, { s, phase }) => {
    if (phase === 'commended')
      reject(
        'WrongPhase',
        'the final list is already confirmed; a commended committee loses its title by revocation, not here',
      );
    if (!s.draft) reject('WrongPhase', `there is no draft list yet; phase is ${phase}`);
    if (!s.draft.ranking.includes(data.committeeId))
      reject('NotFound', `committeeId: ${data.committeeId} is not on the draft list`);
    if (s.removed.includes(data.committeeId))
      reject('Duplicate', `${data.committeeId} has already been removed from the draft list`);
  },
  apply: (data, { s, at }) => {
    s.removed.push(data.committeeId);
    (s.listRemovals ??= []).push({
      committeeId: data.committeeId,
      reason: data.reason,
      by: data.actor,
      at: new Date(at).toISOString(),
    });
    decide(s, [data.committeeId], { type: 'removed', reason: `区房管局决定移出拟表彰名单：${data.reason}` });
    return { message: `${data.committeeId} 已移出拟表彰名单：${data.reason}` };
  },
});
