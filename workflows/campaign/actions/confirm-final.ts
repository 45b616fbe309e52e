/** The bureau confirms the final list after 公示 (notice 三(四)): every objection resolved, every re-election flag decided. */
import { z } from 'zod';
import { requireRole } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { actor } from '../../shared/fields';
import { decide, onList } from '../state';
import { campaignAction } from './context';

export const confirmFinal = campaignAction({
  schema: () => z.object({ actor }).strict(),
  who: (data, c) => void requireRole(c.input.staff, data.actor, 'bureau', 'confirmFinal'),
  when: (_data, { s, phase, phaseFrom }) => {
    if (phase === 'commended') reject('Duplicate', 'the final list is already confirmed');
    const open = (s.reelectionFlags ?? []).filter((f) => !f.decision).map((f) => f.committeeId);
    if (open.length)
      reject(
        'WrongPhase',
        `re-election filings await the bureau's decision: ${open.join(', ')} (campaign decide-reelection)`,
      );
    if (phaseFrom !== 'awaiting-confirmation')
      reject(
        'WrongPhase',
        `the final list is confirmed after 公示 ends and every objection is resolved; phase is ${phaseFrom}`,
      );
  },
  apply: (data, { s, at }) => {
    const list = onList(s);
    s.final = { list, by: data.actor, at: new Date(at).toISOString() };
    decide(s, list, { type: 'commended' });
    return { message: `最终名单已确定：${list.join('、') || '（空）'}` };
  },
});
