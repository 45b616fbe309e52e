/** The bureau records the committee's paper form (一式两份, notice 三(一)), until the 街镇 review deadline. */
import { z } from 'zod';
import { requireRole } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { actor } from '../../shared/fields';
import { applicationAction, deadlineText } from './context';

export const recordPaperForm = applicationAction({
  schema: () =>
    z.object({ actor, receivedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD') }).strict(),
  who: (data, c) => void requireRole(c.input.staff, data.actor, 'bureau', 'recordPaperForm'),
  when: (_data, { s, now }) => {
    if (s.paperFormReceived) reject('Duplicate', 'the paper form is already recorded as received');
    if (now >= Date.parse(s.reviewDeadline))
      reject(
        'WrongPhase',
        `paper forms are recorded until the review deadline ${deadlineText(Date.parse(s.reviewDeadline))}`,
      );
  },
  apply: (data, { s }) => {
    s.paperFormReceived = true;
    s.paperFormReceivedOn = data.receivedOn;
    return { message: '已登记纸质推荐表（一式两份）' };
  },
});
