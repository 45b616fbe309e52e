/** A 街镇 confirms its recommendation list (notice 三(二)): every application decided, before its deadline; locks them. */
import { z } from 'zod';
import { requireRole } from '../../../domain/authorization';
import { formatBeijing } from '../../../domain/calendar';
import { reject } from '../../../domain/rejections';
import { actor } from '../../shared/fields';
import { deadlineText as fmt, entriesWhere } from '../state';
import { campaignAction } from './context';
import type { CampaignContext } from './context';

const subdistrictOf = (actorId: string, c: CampaignContext) =>
  c.input.staff.find((p) => p.id === actorId)!.subdistrict!;

export const confirmList = campaignAction({
  schema: () => z.object({ actor }).strict(),
  who: (data, c) => void requireRole(c.input.staff, data.actor, 'subdistrict', 'confirmList'),
  // Every decision of the 街镇 and every application filed in it, including one whose report is still on its way.
  gathers: (data, c) => [subdistrictOf(data.actor, c)],
  when: (data, c) => {
    const { s, input, now, late } = c;
    const sd = subdistrictOf(data.actor, c);
    if (s.confirmed[sd])
      reject('Duplicate', `${sd} confirmed its list on ${formatBeijing(Date.parse(s.confirmed[sd].at))} (北京时间)`);
    if (late < Date.parse(input.calendar.reviewOpens))
      reject('WrongPhase', `街镇 pre-review opens ${formatBeijing(Date.parse(input.calendar.reviewOpens))} (北京时间)`);
    if (now >= Date.parse(s.reviewDeadlines[sd]))
      reject('WrongPhase', `${sd}'s review deadline ${fmt(s.reviewDeadlines[sd])} has passed`);
  },
  reported: (data, c) => {
    const { s } = c;
    const sd = subdistrictOf(data.actor, c);
    const undecided = entriesWhere(s, (e) => e.sd === sd && e.stage === 'submitted');
    if (undecided.length)
      reject(
        'WrongPhase',
        `${sd} still has ${undecided.length} undecided application(s): ${undecided.slice(0, 10).join(', ')}`,
      );
  },
  apply: (data, c) => {
    const { s } = c;
    const sd = subdistrictOf(data.actor, c);
    const recommended = entriesWhere(s, (e) => e.sd === sd && e.stage === 'recommended');
    s.confirmed[sd] = { by: data.actor, at: new Date(c.at).toISOString(), recommended };
    s.outbox.push({ committeeIds: entriesWhere(s, (e) => e.sd === sd), notice: { type: 'locked' } });
    return { message: `${sd} 推荐名单已确认（${recommended.length} 家），决定已锁定` };
  },
});
