/**
 * The yearly kickoff: when the campaign starts by itself, and which year a kickoff is for.
 * Workflow-safe (zod and pure functions only); the Temporal Schedule lives in client/kickoff-schedule.ts.
 */
import { z } from 'zod';
import { beijingDate } from './calendar';

export const KICKOFF_SCHEDULE_ID = 'campaign-kickoff';

/** Days in each month of a common year: Feb 29 would fire only one year in four, so it is refused. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** When the kickoff fires, in Beijing time. Default: April 1, 09:00 (notice 三(一): 宣传发动 starts in April). */
export const kickoffTimeSchema = z
  .object({ month: int(1, 12).default(4), day: int(1, 31).default(1), hour: int(0, 23).default(9) })
  .strict()
  .refine((t) => t.day <= MONTH_DAYS[t.month - 1], {
    path: ['day'],
    message: 'is not a day of that month in every year',
  });
export type KickoffTime = z.infer<typeof kickoffTimeSchema>;

export const campaignYearSchema = z.number().int().min(2000).max(2100);

/** The kickoff workflow's input. A run started by the Schedule ignores `year`: its scheduled time decides. */
export const kickoffInputSchema = z.object({ year: campaignYearSchema.optional() }).strict();
export type KickoffInput = z.infer<typeof kickoffInputSchema>;

/**
 * The campaign year of a kickoff scheduled at `scheduledAt`: its year in Beijing time. A run caught up
 * days late, or a backfill, still starts the year it was scheduled for, not the year it runs in.
 */
export function kickoffYear(scheduledAt: Date): number {
  return Number(beijingDate(scheduledAt.getTime()).slice(0, 4));
}

export type KickoffOutcome = 'started' | 'exists';
export interface KickoffResult {
  year: number;
  outcome: KickoffOutcome;
  workflowId: string;
  /** Titles re-evaluated this year (started only). */
  activeTitles?: number;
}

/** Why a kickoff could not start its campaign; each gets its own advice in the bureau's email. */
export type KickoffFailureKind = 'holiday-data' | 'calendar' | 'other';
/** ApplicationFailure types thrown by the kickoff activity. */
export const KICKOFF_FAILURE_TYPES: Record<KickoffFailureKind, string> = {
  'holiday-data': 'HolidayDataMissing',
  calendar: 'CalendarInvalid',
  other: 'KickoffFailed',
};

/** How a failed kickoff's pause note begins: a campaign started by hand for that year lifts that pause only. */
export const kickoffFailedNote = (year: number): string => `The ${year} kickoff failed: `;
