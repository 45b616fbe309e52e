/** A new committee was filed (备案): the title lapses at once (notice 五(四)2). `filedOn` defaults to today. */
import { z } from 'zod';
import { requireFiler } from '../../../domain/reelection';
import { reject } from '../../../domain/rejections';
import { isoDate } from '../../../domain/titles';
import { actor, note } from '../../shared/fields';
import { revoke, revokedLine } from '../state';
import { titleAction } from './context';

export const fileReelection = titleAction({
  schema: () => z.object({ actor, filedOn: isoDate.optional(), note }).strict(),
  // The committee itself, its 街镇 or the bureau.
  who: (data, { s, input }) =>
    requireFiler(s.staff, data.actor, input.committeeId, input.subdistrict, 'fileReelection'),
  when: (data, { s, input, today }) => {
    if (s.reelection) reject('Duplicate', `新一届业委会已于 ${s.reelection.filedOn} 备案`);
    if (s.status === 'revoked') reject('WrongPhase', revokedLine(s));
    const filedOn = data.filedOn ?? today;
    if (filedOn > today) reject('InvalidInput', `filedOn: ${filedOn} 晚于今天（${today}）`);
    if (filedOn < input.awardedOn) reject('InvalidInput', `filedOn: ${filedOn} 早于称号授予日期 ${input.awardedOn}`);
  },
  apply: (data, { s, input, now, today }) => {
    const filedOn = data.filedOn ?? today;
    s.reelection = { by: data.actor, filedOn, at: new Date(now).toISOString(), note: data.note };
    revoke(s, input, 'reelection', `新一届业委会已于 ${filedOn} 备案，原“红色示范业委会”称号即时失效`, now);
    return {
      message: `${s.revocation!.reason}；已委托${input.subdistrict}回收${s.recovery!.items.join('与') || '（无）'}`,
    };
  },
});
