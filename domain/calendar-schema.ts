/**
 * Types and zod schema of the campaign calendar. Workflow-safe: zod only, no Node imports.
 * Instants are ISO-8601 UTC strings ("...Z"); dates are Beijing-time `YYYY-MM-DD`.
 * A calendar holds the notice's dates only: a compressed run's time scale is a separate workflow input
 * (domain/time-scale.ts).
 */
import { z } from 'zod';
import { lazy } from './lazy';

export interface WorkdayTable {
  /** First date covered, YYYY-MM-DD. */
  from: string;
  /** Last date covered (inclusive). */
  to: string;
  /** Official days off; weekend holiday dates may be listed too (harmless). */
  holidays: string[];
  /** 调休: weekend days that are working days. */
  makeupWorkdays: string[];
  /** Where the data came from: 'chinese-days@1.5.7', 'file:holidays-2027.json', 'weekends-only'. */
  source: string;
}

export interface CampaignCalendar {
  year: number;
  opens: string;
  applicationsClose: string;
  reviewOpens: string;
  reviewCloses: string;
  inspectionOpens: string;
  inspectionCloses: string;
  publicityWorkingDays: number;
  commendationBy: string;
  workdays: WorkdayTable;
}

// Built on first use (./lazy.ts): workflows import this module for its types and field lists, and a schema
// built at load would be held by every cached workflow's sandbox.
export const workdayTableSchema = lazy(() => {
  const isoDate = z.iso.date({ message: 'must be a date YYYY-MM-DD' });
  return z.object({
    from: isoDate,
    to: isoDate,
    holidays: z.array(isoDate),
    makeupWorkdays: z.array(isoDate),
    source: z.string().min(1),
  });
});

/** An instant as calendars and time scales (./time-scale.ts) carry it. */
export const isoInstantSchema = lazy(() =>
  z.iso.datetime({ message: 'must be an ISO-8601 UTC instant, e.g. 2023-05-31T16:00:00.000Z' }),
);

export const campaignCalendarSchema = lazy(() => {
  const isoInstant = isoInstantSchema();
  return z.object({
    year: z.number().int().min(2000).max(2200),
    opens: isoInstant,
    applicationsClose: isoInstant,
    reviewOpens: isoInstant,
    reviewCloses: isoInstant,
    inspectionOpens: isoInstant,
    inspectionCloses: isoInstant,
    // Range 1..30 is checked by validateCalendar so its message names the field like the others.
    publicityWorkingDays: z.number(),
    commendationBy: isoInstant,
    workdays: workdayTableSchema(),
  }) satisfies z.ZodType<CampaignCalendar>;
});

/** The instant fields, in campaign order. */
export const INSTANT_FIELDS = [
  'opens',
  'applicationsClose',
  'reviewOpens',
  'reviewCloses',
  'inspectionOpens',
  'inspectionCloses',
  'commendationBy',
] as const;
export type InstantField = (typeof INSTANT_FIELDS)[number];

/** Fields that are deadlines: a bare date means 24:00 of that day. The others mean 00:00. */
export const DEADLINE_FIELDS = ['applicationsClose', 'reviewCloses', 'inspectionCloses', 'commendationBy'] as const;

export type CalendarOverrides = Partial<Record<InstantField, string>> & { publicityWorkingDays?: number };

/** Thrown by resolveCalendar; `field` names the (first) offending field. Message is one line. */
export class CalendarError extends Error {
  constructor(
    public readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'CalendarError';
  }
}
