/** The bureau moves the materials deadline later, before it has passed and no later than the commendation. */
import { z } from 'zod';
import { requireRole } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { actor } from '../../shared/fields';
import { instantMs, zonedInstant } from '../../shared/instant';
import { deadlineText as fmt, reevaluationAction, requireUndecided } from './context';

export const extendDeadline = reevaluationAction({
  /** `until`: a Beijing date (YYYY-MM-DD, meaning 24:00 of that day) or an ISO instant with a zone. */
  schema: () => z.object({ actor, until: zonedInstant }).strict(),
  who: (data, { input }) => void requireRole(input.staff, data.actor, 'bureau', 'extendDeadline'),
  when: (data, { s, input, now }) => {
    requireUndecided(s, false);
    if (s.materials) reject('WrongPhase', '书面复评材料已提交，无需延期');
    if (s.materialsMissing || now >= Date.parse(s.materialsDue))
      reject('WrongPhase', `材料截止时间 ${fmt(s.materialsDue)} 已过，不能再延期`);
    const until = instantMs(data.until);
    if (until <= Date.parse(s.materialsDue))
      reject('InvalidInput', `until: 必须晚于当前截止时间 ${fmt(s.materialsDue)}`);
    if (until > Date.parse(input.calendar.commendationBy))
      reject('InvalidInput', `until: 不能晚于 ${fmt(input.calendar.commendationBy)}`);
  },
  apply: (data, { s }) => {
    s.materialsDue = new Date(instantMs(data.until)).toISOString();
    return { message: `书面复评材料截止时间延长至 ${fmt(s.materialsDue)}` };
  },
});
