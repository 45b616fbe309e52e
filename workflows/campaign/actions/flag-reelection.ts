/** A committee on the draft list filed its re-election (换届改选备案): flagged for the bureau until it decides. */
import { z } from 'zod';
import { reject } from '../../../domain/rejections';
import { filingDate, filingRef, requireFiler } from '../../../domain/reelection';
import { actor, committeeId } from '../../shared/fields';
import { onList } from '../state';
import { campaignAction } from './context';

export const flagReelection = campaignAction({
  schema: () => z.object({ actor, committeeId, filedOn: filingDate(), filingRef: filingRef() }).strict(),
  // The committee itself, its 街镇 or the bureau: which 街镇 comes from the registry.
  who: (data, { s, input }) => {
    const sd = s.registry[data.committeeId]?.sd;
    if (!sd) reject('NotFound', `committeeId: no application from ${data.committeeId} this year`);
    requireFiler(input.staff, data.actor, data.committeeId, sd, 'flagReelection');
  },
  when: (data, { s, phase }) => {
    if (phase === 'commended')
      reject('WrongPhase', 'the final list is already confirmed; a filing now revokes the title itself');
    if (!onList(s).includes(data.committeeId))
      reject('NotFound', `committeeId: ${data.committeeId} is not on the draft list`);
    const flag = s.reelectionFlags?.find((f) => f.committeeId === data.committeeId);
    if (flag)
      reject(
        'Duplicate',
        `${data.committeeId} was already flagged: re-election filed ${flag.filedOn} (${flag.filingRef})`,
      );
  },
  apply: (data, { s, at }) => {
    (s.reelectionFlags ??= []).push({
      committeeId: data.committeeId,
      filedOn: data.filedOn,
      filingRef: data.filingRef,
      by: data.actor,
      at: new Date(at).toISOString(),
    });
    return {
      message: `${data.committeeId} 已于 ${data.filedOn} 完成换届改选备案（备案编号 ${data.filingRef}），已提请区房管局决定是否保留在拟表彰名单中`,
    };
  },
});
