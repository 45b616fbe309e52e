/**
 * A time scale: demo, bench, fault and test runs compress a campaign year into minutes. It is not part of
 * the campaign calendar (a calendar holds the notice's dates only); a run passes it beside the calendar as
 * the optional `timeScale` workflow input, and in workflows only workflows/shared/clock.ts reads it.
 * Workflow-safe: zod only, no Node imports.
 *
 * real = realOrigin + (calendar - calendarOrigin) / speed. Without a scale, calendar time is real time.
 */
import { z } from 'zod';
import { isoInstantSchema } from './calendar-schema';
import { lazy } from './lazy';

export interface TimeScale {
  /** The calendar instant (ISO) that happens at `realOrigin`. */
  calendarOrigin: string;
  /** The real instant (ISO) of `calendarOrigin`. */
  realOrigin: string;
  /** Calendar milliseconds per real millisecond. */
  speed: number;
}

/** Built on first use (./lazy.ts): workflows import this module for toReal and toCalendar. */
export const timeScaleSchema = lazy(() => {
  const isoInstant = isoInstantSchema();
  return z.object({
    calendarOrigin: isoInstant,
    realOrigin: isoInstant,
    speed: z.number().positive().finite(),
  }) satisfies z.ZodType<TimeScale>;
});

/**
 * Real (timer) time of a calendar instant. Rounded up so a timer never fires before the
 * calendar instant: toCalendar(s, toReal(s, x)) >= x, exceeding it by less than `speed` ms.
 */
export function toReal(scale: TimeScale | undefined, calendarMs: number): number {
  if (!scale) return calendarMs;
  return Math.ceil(Date.parse(scale.realOrigin) + (calendarMs - Date.parse(scale.calendarOrigin)) / scale.speed);
}

/** Calendar time of a real instant. */
export function toCalendar(scale: TimeScale | undefined, realMs: number): number {
  if (!scale) return realMs;
  return Math.floor(Date.parse(scale.calendarOrigin) + (realMs - Date.parse(scale.realOrigin)) * scale.speed);
}
