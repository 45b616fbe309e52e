/** The original 街镇 has recovered the nameplate and the certificate of a revoked title. `recoveredOn` defaults to today. */
import { z } from 'zod';
import { requireSubdistrictOfficial } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { isoDate } from '../../../domain/titles';
import { actor, note } from '../../shared/fields';
import { titleAction } from './context';

export const confirmRecovery = titleAction({
  schema: () => z.object({ actor, recoveredOn: isoDate.optional(), note }).strict(),
  who: (data, { s, input }) =>
    void requireSubdistrictOfficial(s.staff, data.actor, input.subdistrict, 'confirmRecovery'),
  when: (data, { s, today }) => {
    if (s.status === 'active') reject('WrongPhase', '称号有效，无需回收铭牌与奖状');
    const r = s.recovery!;
    if (r.confirmedAt)
      reject('Duplicate', `铭牌与奖状已于 ${r.recoveredOn ?? r.confirmedAt.slice(0, 10)} 由 ${r.confirmedBy} 确认回收`);
    const recoveredOn = data.recoveredOn ?? today;
    if (recoveredOn > today) reject('InvalidInput', `recoveredOn: ${recoveredOn} 晚于今天（${today}）`);
    if (recoveredOn < s.revocation!.date)
      reject('InvalidInput', `recoveredOn: ${recoveredOn} 早于撤销日期 ${s.revocation!.date}`);
  },
  apply: (data, { s, input, now, today }) => {
    Object.assign(s.recovery!, {
      confirmedBy: data.actor,
      confirmedAt: new Date(now).toISOString(),
      recoveredOn: data.recoveredOn ?? today,
      note: data.note,
    });
    return { message: `${input.subdistrict}已确认回收${s.recovery!.items.join('与')}` };
  },
});
