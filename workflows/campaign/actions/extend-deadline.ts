/** The bureau moves a deadline later: the applications window, a 街镇's (or every 街镇's) review, or the inspection. */
import { z } from 'zod';
import { requireRole } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { actor } from '../../shared/fields';
import { instantMs, zonedInstant } from '../../shared/instant';
import { deadlineText as fmt, entriesWhere } from '../state';
import { campaignAction } from './context';

export const extendDeadline = campaignAction({
  schema: () =>
    z
      .object({
        actor,
        window: z.enum(['applications', 'review', 'inspection']),
        subdistrict: z.string().min(1).max(30).optional(),
        /** A Beijing date (YYYY-MM-DD, meaning 24:00 of that day) or an ISO instant with a zone. */
        until: zonedInstant,
      })
      .strict()
      .refine((v) => v.window === 'review' || !v.subdistrict, {
        path: ['subdistrict'],
        message: 'only the review window is extended per 街镇',
      }),
  who: (data, c) => void requireRole(c.input.staff, data.actor, 'bureau', 'extendDeadline'),
  when: (data, { s, input, now, live, phase }) => {
    const until = instantMs(data.until);
    if (until <= Math.max(now, live)) reject('InvalidInput', `until: ${fmt(until)} is not in the future`);
    if (s.draft) reject('WrongPhase', 'the panel has finalised its list; deadlines can no longer move');
    if (data.window === 'applications') {
      if (phase !== 'preparing' && phase !== 'applications')
        reject('WrongPhase', `applications closed ${fmt(s.applicationsClose)}`);
      if (until <= Date.parse(s.applicationsClose))
        reject('InvalidInput', `until: must be after the current deadline ${fmt(s.applicationsClose)}`);
      const firstReview = Math.min(...Object.values(s.reviewDeadlines).map(Date.parse));
      if (until >= firstReview) reject('InvalidInput', `until: must be before the review deadline ${fmt(firstReview)}`);
    } else if (data.window === 'review') {
      const sds = data.subdistrict ? [data.subdistrict] : input.subdistricts;
      if (data.subdistrict && !input.subdistricts.includes(data.subdistrict))
        reject('NotFound', `subdistrict: unknown 街镇 ${data.subdistrict}`);
      for (const sd of sds) {
        if (s.confirmed[sd]) reject('WrongPhase', `${sd} has already confirmed its list`);
        if (Date.parse(s.reviewDeadlines[sd]) <= now)
          reject('WrongPhase', `${sd}'s review deadline ${fmt(s.reviewDeadlines[sd])} has passed`);
        if (until <= Date.parse(s.reviewDeadlines[sd]))
          reject('InvalidInput', `until: must be after ${sd}'s deadline ${fmt(s.reviewDeadlines[sd])}`);
      }
      if (until >= Date.parse(s.inspectionCloses))
        reject('InvalidInput', `until: must be before the inspection deadline ${fmt(s.inspectionCloses)}`);
    } else if (until <= Date.parse(s.inspectionCloses)) {
      reject('InvalidInput', `until: must be after the current inspection deadline ${fmt(s.inspectionCloses)}`);
    }
  },
  apply: (data, { s, input }) => {
    const until = new Date(instantMs(data.until)).toISOString();
    if (data.window === 'applications') {
      s.applicationsClose = until;
      // Applications remind their committee of the paper form until this deadline.
      const unpaid = entriesWhere(s, (e) => !e.paper);
      if (unpaid.length)
        s.outbox.push({ committeeIds: unpaid, notice: { type: 'deadline', window: 'applications', until } });
    } else if (data.window === 'inspection') {
      s.inspectionCloses = until;
      s.bureauToldPanelOverdue = false;
      s.outbox.push({
        committeeIds: entriesWhere(s, (e) => e.stage === 'recommended' || e.stage === 'inspected'),
        notice: { type: 'deadline', window: 'inspection', until },
      });
    } else {
      const sds = data.subdistrict ? [data.subdistrict] : input.subdistricts;
      for (const sd of sds) s.reviewDeadlines[sd] = until;
      s.outbox.push({
        committeeIds: entriesWhere(s, (e) => sds.includes(e.sd)),
        notice: { type: 'deadline', window: 'review', until },
      });
    }
    return {
      message: `${data.window} 截止时间延长至 ${fmt(until)}${data.subdistrict ? `（${data.subdistrict}）` : ''}`,
    };
  },
});
