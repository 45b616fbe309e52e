/**
 * The instant fields of workflow messages (an extension's `until`). A person's typed Beijing date or time
 * is converted by the caller (domain/beijing-time.ts); a zone-less date-time is refused here, because
 * `Date.parse` would read it in the worker's own zone. A bare date keeps its one meaning, 24:00 Beijing
 * of that day (zone-independent), as in the histories of running campaigns.
 */
import { z } from 'zod';
import { ZONED_INSTANT } from '../../domain/beijing-time';
import { endOfBeijingDay } from '../../domain/calendar';

export const zonedInstant = z
  .string()
  .refine(
    (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) || ZONED_INSTANT.test(v)) && !Number.isNaN(Date.parse(v)),
    'must be an ISO instant with a zone (…Z or …+08:00) or a date YYYY-MM-DD; a Beijing time without a zone is converted by the caller',
  );

/** Epoch ms of an accepted instant: a bare date is 24:00 Beijing of that day (domain/calendar.ts's deadline rule). */
export function instantMs(v: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? endOfBeijingDay(v) : Date.parse(v);
}
