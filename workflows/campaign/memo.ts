/**
 * What an application needs from its campaign, kept in the campaign workflow's memo (key `submission`), so a
 * submission reads it with one DescribeWorkflowExecution: served from the server's record of the workflow, with
 * no workflow task and no replay. A Query had to replay the campaign (about 3,000 events after each
 * continue-as-new): at 1,000 applications that made a submission's p99 several seconds.
 *
 * The client sets the memo when it starts the campaign; the campaign upserts it when an action moves one of
 * these deadlines (patch `campaign-submission-memo`) and passes it on when it continues as new. Dates only: no
 * personal data. Workflow-safe: zod only, no Node imports.
 */
import { z } from 'zod';
import { campaignCalendarSchema, isoInstantSchema, type CampaignCalendar } from '../../domain/calendar-schema';
import { lazy } from '../../domain/lazy';
import { timeScaleSchema, type TimeScale } from '../../domain/time-scale';
import { reminderSettings, type ReminderSettings } from '../reminders/slots';
import { timeScaleOf } from '../shared/clock';
import type { RelayCounts } from '../subdistrict-reports/relays';
import type { CampaignInput } from './state';

/** The memo key; its value is a SubmissionTerms. */
export const SUBMISSION_MEMO_KEY = 'submission';

/** The patch under which a campaign keeps its memo current when a deadline moves (an UpsertMemo command). */
export const SUBMISSION_MEMO_PATCH = 'campaign-submission-memo';

export interface SubmissionTerms {
  /** The notice's dates, without the legacy `clock` (the time scale is `timeScale`). */
  calendar: CampaignCalendar;
  /** The applications deadline as it is now (the bureau may have moved it). */
  applicationsClose: string;
  /** Each 街镇's review deadline as it is now. */
  reviewDeadlines: Record<string, string>;
  inspectionCloses: string;
  reminders: ReminderSettings;
  timeScale?: TimeScale;
  /** Applications report through their 街镇's relay (CampaignInput.reportsBySubdistrict). */
  reportsBySubdistrict?: boolean;
  /** 街镇 with more than one relay (CampaignInput.reportRelays). */
  reportRelays?: RelayCounts;
}

/** Built on first use, as every schema a workflow module holds (domain/lazy.ts). */
export const submissionTermsSchema = lazy(() => {
  const isoInstant = isoInstantSchema();
  return z.object({
    calendar: campaignCalendarSchema(),
    applicationsClose: isoInstant,
    reviewDeadlines: z.record(z.string(), isoInstant),
    inspectionCloses: isoInstant,
    reminders: z.object({ offsets: z.array(z.number().int().min(0)), hour: z.number().int().min(0).max(23) }),
    timeScale: timeScaleSchema().optional(),
    reportsBySubdistrict: z.boolean().optional(),
    reportRelays: z.record(z.string(), z.number().int().min(2).max(1_000)).optional(),
  }) satisfies z.ZodType<SubmissionTerms>;
});

/** The deadlines a campaign's state holds (CampaignState has these fields; its initial state takes them from the calendar). */
export interface DeadlinesHolder {
  applicationsClose: string;
  reviewDeadlines: Record<string, string>;
  inspectionCloses: string;
}

export function submissionTerms(input: CampaignInput, s: DeadlinesHolder): SubmissionTerms {
  const { clock: _legacyScale, ...calendar } = input.calendar;
  const timeScale = timeScaleOf(input);
  return {
    calendar,
    applicationsClose: s.applicationsClose,
    reviewDeadlines: { ...s.reviewDeadlines },
    inspectionCloses: s.inspectionCloses,
    reminders: reminderSettings(input.reminders),
    ...(timeScale ? { timeScale } : {}),
    ...(input.reportsBySubdistrict ? { reportsBySubdistrict: true } : {}),
    ...(input.reportRelays && Object.keys(input.reportRelays).length > 0 ? { reportRelays: input.reportRelays } : {}),
  };
}

/** The memo as it goes into start options, upsertMemo and continue-as-new. */
export const submissionMemo = (terms: SubmissionTerms) => ({ [SUBMISSION_MEMO_KEY]: terms });
