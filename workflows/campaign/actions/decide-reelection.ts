/** The bureau decides on a flagged committee: keep it (the title goes to the newly elected committee) or remove it. */
import { z } from 'zod';
import { requireRole } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { actor, committeeId, text } from '../../shared/fields';
import { decide } from '../state';
import { campaignAction } from './context';

export const decideReelection = campaignAction({
  schema: () => z.object({ actor, committeeId, outcome: z.enum(['keep', 'remove']), reason: text(4, 2000) }).strict(),
  who: (data, c) => void requireRole(c.input.staff, data.actor, 'bureau', 'decideReelection'),
  when: (data, { s, phase }) => {
    if (phase === 'commended') reject('WrongPhase', 'the final list is already confirmed');
    const flag = s.reelectionFlags?.find((f) => f.committeeId === data.committeeId);
    if (!flag) reject('NotFound', `committeeId: ${data.committeeId} has no re-election flag`);
    if (flag.decision)
      reject(
        'Duplicate',
        `${data.committeeId}: the bureau already decided ${flag.decision.outcome} (${flag.decision.by})`,
      );
  },
  apply: (data, { s, at }) => {
    const flag = s.reelectionFlags!.find((f) => f.committeeId === data.committeeId)!;
    flag.decision = { outcome: data.outcome, reason: data.reason, by: data.actor, at: new Date(at).toISOString() };
    if (data.outcome === 'keep')
      return { message: `${data.committeeId} 保留在拟表彰名单中，称号授予新一届业委会：${data.reason}` };
    s.removed.push(data.committeeId);
    decide(s, [data.committeeId], {
      type: 'removed',
      reason: `换届改选备案后，区房管局决定移出拟表彰名单：${data.reason}`,
    });
    return { message: `${data.committeeId} 已移出拟表彰名单：${data.reason}` };
  },
});
