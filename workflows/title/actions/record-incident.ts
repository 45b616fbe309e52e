/** The bureau records a serious incident in the quarter (notice 五(三)3), at any time; it counts against a re-evaluation. */
import { z } from 'zod';
import { requireRole } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { INCIDENT_LABELS, INCIDENT_TYPES, isoDate, type Incident } from '../../../domain/titles';
import { actor, text } from '../../shared/fields';
import { revokedLine } from '../state';
import { titleAction, yearOf } from './context';

export const recordIncident = titleAction({
  schema: () => z.object({ actor, type: z.enum(INCIDENT_TYPES), date: isoDate, description: text(5, 2000) }).strict(),
  who: (data, { s }) => void requireRole(s.staff, data.actor, 'bureau', 'recordIncident'),
  when: (data, { s, input, today }) => {
    if (s.status === 'revoked') reject('WrongPhase', revokedLine(s));
    if (data.date > today) reject('InvalidInput', `date: ${data.date} 晚于今天（${today}）`);
    if (yearOf(data.date) < input.awardYear)
      reject('InvalidInput', `date: ${data.date} 早于称号授予年度 ${input.awardYear}`);
    if (s.incidents.some((i) => i.type === data.type && i.date === data.date && i.description === data.description))
      reject('Duplicate', `该事件已记录（${data.date} ${INCIDENT_LABELS[data.type]}）`);
  },
  apply: (data, { s, now }) => {
    const incident: Incident = {
      id: `incident-${s.incidents.length + 1}`,
      type: data.type,
      date: data.date,
      description: data.description,
      recordedBy: data.actor,
      recordedAt: new Date(now).toISOString(),
    };
    s.incidents.push(incident);
    const counts = s.current && yearOf(data.date) <= s.current.year ? ` ${s.current.year} 年度复评` : '下一次复评';
    return {
      message: `已记录重大影响事件 ${incident.id}（${data.date} ${INCIDENT_LABELS[incident.type]}），计入${counts}`,
    };
  },
});
