/** Campaign operations shared by the CLI, the demo, the benchmark and the tests. */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy, type Duration, type QueryDefinition } from '@temporalio/common';
import type { CampaignCalendar } from '../domain/calendar';
import type { TimeScale } from '../domain/time-scale';
import type { Directory } from '../domain/directory';
import { DEFAULT_GRADE_BANDS, type GradeBands } from '../domain/grades';
import { campaignWorkflowId, TASK_QUEUE } from '../temporal/ids';
import { CampaignYear, Stage } from '../temporal/search-attributes';
import { campaign } from '../workflows/campaign/workflow';
import {
  initialCampaignState,
  type CampaignInput,
  type CampaignState,
  type CampaignStatus,
} from '../workflows/campaign/state';
import {
  SUBMISSION_MEMO_KEY,
  submissionMemo,
  submissionTerms,
  submissionTermsSchema,
  type SubmissionTerms,
} from '../workflows/campaign/memo';
import {
  campaignMailQuery,
  campaignNoticesQuery,
  type NoticesStatus,
  campaignStatusQuery,
  type CampaignActionInput,
  type CampaignActionName,
  type CampaignActionResult,
} from '../workflows/campaign/messages';
import { actOnCampaign } from './act';
import type { MailStatus } from '../workflows/shared/mail-outbox';
import * as updates from '../workflows/campaign/messages';
import { materialsDueFor } from '../domain/titles';
import { isNotFound, requireWorkflow, UserError } from './errors';
import { CAMPAIGN_TASK_TIMEOUT } from '../temporal/task-timeouts';
import { COORDINATOR_PRIORITY } from '../temporal/priority';
import { resolveCalendar, type CalendarOverrides } from '../domain/calendar';
import { withZonedUntil } from '../domain/beijing-time';
import { loadWorkdays } from '../domain/holidays';
import { activeTitleIds } from './titles';
import { reminderSettings } from '../workflows/reminders/slots';
import { forwardReportsNow, relayBatchMsFromEnv, startSubdistrictRelays } from './subdistrict-reports';
import { relayCountsFor } from '../workflows/subdistrict-reports/relays';

/** startCampaign found `campaign-<year>` already there; nothing was started. */
export class CampaignExistsError extends UserError {}
import { checkCalendar, checked, startCampaignOptionsSchema, yearSchema } from './input';

export interface StartCampaignOptions {
  calendar: CampaignCalendar;
  /** Compressed time for demo, bench, fault and test runs (domain/calendar.ts compressCalendar); none in production. */
  timeScale?: TimeScale;
  directory: Directory;
  quota?: number;
  gradeBands?: GradeBands;
  taskQueue?: string;
  /** Titles to re-evaluate this year; the CLI passes client/titles.ts activeTitleIds() (visibility). */
  activeTitles?: string[];
  /** Re-evaluation materials deadline: YYYY-MM-DD (24:00 Beijing) or an ISO instant; default Sep 30 24:00. */
  reevaluationMaterialsDue?: string;
  /** Reminder offsets in working days before each deadline and the hour (Beijing); default 7, 3, 1 at 09:00. */
  reminders?: CampaignInput['reminders'];
  /** The campaign's workflow-task timeout (temporal/task-timeouts.ts); default 60 s. */
  workflowTaskTimeout?: Duration;
  /** The instant the deadlines must lie after; default the real clock (the kickoff passes the one it resolved with). */
  now?: number;
  /** The most committees one 街镇 relay serves (workflows/subdistrict-reports/relays.ts); default 200. */
  committeesPerRelay?: number;
  /** How long each relay's first report waits for more (ms; 0: none); default REPORT_RELAY_BATCH_MS, else per relay. */
  relayBatchMs?: number;
}

export async function startCampaign(client: Client, opts: StartCampaignOptions) {
  checked(startCampaignOptionsSchema, opts, 'startCampaign');
  checkCalendar(opts.calendar, opts.now ?? Date.now(), opts.timeScale);
  // Read before anything starts: a malformed setting refuses the start and leaves nothing behind.
  const batchMs = opts.relayBatchMs ?? relayBatchMsFromEnv();
  const year = opts.calendar.year;
  const input: CampaignInput = {
    year,
    calendar: opts.calendar,
    quota: opts.quota ?? 5,
    subdistricts: opts.directory.subdistricts,
    staff: opts.directory.people,
    gradeBands: opts.gradeBands ?? DEFAULT_GRADE_BANDS,
    activeTitles: opts.activeTitles,
    reevaluationMaterialsDue: opts.reevaluationMaterialsDue,
    reminders: opts.reminders,
    timeScale: opts.timeScale,
    // Reports come in batches through the 街镇 relays (workflows/subdistrict-reports/), started below: one per 街镇,
    // more where a 街镇 has more committees than one relay serves.
    reportsBySubdistrict: true,
  };
  const relays = relayCountsFor(opts.directory.committees, opts.committeesPerRelay);
  if (Object.keys(relays).length > 0) input.reportRelays = relays;
  if (opts.reevaluationMaterialsDue !== undefined) {
    try {
      input.reevaluationMaterialsDue = materialsDueFor(opts.calendar, opts.reevaluationMaterialsDue);
    } catch (err) {
      throw new UserError((err as Error).message);
    }
  }
  const taskQueue = opts.taskQueue ?? process.env.TASK_QUEUE ?? TASK_QUEUE;
  let handle;
  try {
    handle = await client.workflow.start(campaign, {
      workflowId: campaignWorkflowId(year),
      taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowTaskTimeout: opts.workflowTaskTimeout ?? CAMPAIGN_TASK_TIMEOUT,
      // Ahead of the applications' tasks on a busy worker (temporal/priority.ts).
      priority: COORDINATOR_PRIORITY,
      // What a submission needs (calendar, deadlines, reminders, time scale), read without running the campaign.
      memo: submissionMemo(submissionTerms(input, initialCampaignState(input))),
      typedSearchAttributes: [
        { key: CampaignYear, value: year },
        { key: Stage, value: 'preparing' },
      ],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      throw new CampaignExistsError(
        `campaign ${year} already exists (${campaignWorkflowId(year)}); nothing was started`,
      );
    throw err;
  }
  // Before this returns, so no submission can come first; an application whose relay is missing reports directly.
  await startSubdistrictRelays(client, {
    year,
    subdistricts: input.subdistricts,
    relays: input.reportRelays,
    campaignWorkflowId: campaignWorkflowId(year),
    taskQueue,
    batchMs,
  });
  return handle;
}

/**
 * The year's calendar as `campaign start` resolves it: holiday data from chinese-days, a holiday file or
 * weekends only; the notice's windows with overrides; every deadline still ahead of `now`.
 * Throws HolidayDataError (no data for the year, bad file) or CalendarError (bad or passed window).
 */
export function resolveYearCalendar(
  year: number,
  opts: { holidayFile?: string; weekendsOnly?: boolean; overrides?: CalendarOverrides; now: number },
): CampaignCalendar {
  const workdays = loadWorkdays(year, { holidayFile: opts.holidayFile, weekendsOnly: opts.weekendsOnly });
  return resolveCalendar({ year, overrides: opts.overrides, workdays, now: opts.now });
}

/**
 * What `campaign start` does once the calendar is resolved: every title active now is re-evaluated this
 * year (listed by search attributes), then the campaign starts. Used by the CLI and the yearly kickoff.
 */
export async function startYearCampaign(client: Client, opts: Omit<StartCampaignOptions, 'activeTitles'>) {
  const activeTitles = await activeTitleIds(client);
  const handle = await startCampaign(client, { ...opts, activeTitles });
  return { handle, activeTitles };
}

/** What a person reads when they name a year that has no campaign. */
const noCampaign = (year: number) => `no campaign for ${year}: start it with \`campaign start --year ${year}\``;

export async function campaignStatus(client: Client, year: number): Promise<CampaignStatus> {
  checked(yearSchema, year, 'year');
  return requireWorkflow(
    () => client.workflow.getHandle(campaignWorkflowId(year)).query(campaignStatusQuery),
    noCampaign(year),
  );
}

/**
 * What an application needs from its campaign, read from the campaign's memo with one Describe: the server
 * answers from its own record, with no worker and no replay, so a submission never waits on the campaign.
 * `running`: false once the campaign has ended (or was terminated).
 */
export async function submissionTermsOf(
  client: Client,
  year: number,
): Promise<{ terms: SubmissionTerms; running: boolean; from: 'memo' | 'query' }> {
  checked(yearSchema, year, 'year');
  const handle = client.workflow.getHandle(campaignWorkflowId(year));
  const described = await requireWorkflow(() => handle.describe(), noCampaign(year));
  const running = described.status.name === 'RUNNING';
  const memo = described.memo?.[SUBMISSION_MEMO_KEY];
  if (memo !== undefined) {
    const parsed = submissionTermsSchema().safeParse(memo);
    if (parsed.success) return { terms: parsed.data, running, from: 'memo' };
  }
  // A campaign started before it carried this memo (or one whose memo does not parse): ask the campaign itself,
  // as every submission did before. Such a run gets the memo when it next continues as new.
  const status = await campaignStatus(client, year);
  return {
    terms: {
      calendar: status.calendar,
      applicationsClose: status.applicationsClose,
      reviewDeadlines: status.reviewDeadlines,
      inspectionCloses: status.inspectionCloses,
      reminders: status.reminders ?? reminderSettings(undefined),
      ...(status.timeScale ? { timeScale: status.timeScale } : {}),
    },
    running,
    from: 'query',
  };
}

/**
 * How long a submission may use terms another submission read: at city scale thousands of committees submit in
 * the same hours, and every Describe of the campaign waits in the same server queue as the campaign's own work.
 * A copy this old is safe: a deadline the bureau moved since reaches the new application from the campaign
 * (workflows/campaign/registration.ts), and submitApplication refuses only on a fresh read.
 */
export const SUBMISSION_TERMS_REUSE_MS = 5_000;

type Terms = Awaited<ReturnType<typeof submissionTermsOf>>;
const recentTerms = new WeakMap<Client, Map<number, { readAt: number; terms: Promise<Terms> }>>();

/** submissionTermsOf, or the same client's read of the same year if it is under SUBMISSION_TERMS_REUSE_MS old. */
export async function recentSubmissionTermsOf(
  client: Client,
  year: number,
  opts: { fresh?: boolean } = {},
): Promise<Terms & { reused: boolean }> {
  let byYear = recentTerms.get(client);
  if (!byYear) recentTerms.set(client, (byYear = new Map()));
  const kept = byYear.get(year);
  // Real time, not the campaign's calendar: this is the age of a read.
  if (!opts.fresh && kept && Date.now() - kept.readAt < SUBMISSION_TERMS_REUSE_MS)
    return { ...(await kept.terms), reused: true };
  const terms = submissionTermsOf(client, year);
  const entry = { readAt: Date.now(), terms };
  byYear.set(year, entry);
  try {
    return { ...(await terms), reused: false };
  } catch (err) {
    // A failed read is not kept: the next submission asks again.
    if (byYear.get(year) === entry) byYear.delete(year);
    throw err;
  }
}

/**
 * Applications as the campaign's registry has them, current with every accepted decision: where reports come
 * through 街镇 relays, those relays forward what they hold first. `subdistrict` '' for all.
 */
export async function campaignApplications(
  client: Client,
  year: number,
  subdistrict = '',
): Promise<updates.RegistryRow[]> {
  const { terms } = await recentSubmissionTermsOf(client, year);
  if (terms.reportsBySubdistrict)
    await forwardReportsNow(
      client,
      year,
      subdistrict ? [subdistrict] : Object.keys(terms.reviewDeadlines),
      terms.reportRelays,
    );
  return requireWorkflow(
    () => client.workflow.getHandle(campaignWorkflowId(year)).query(updates.registryRowsQuery, subdistrict),
    noCampaign(year),
  );
}

/** The campaign's email: reminder settings, sent and queued counts, undeliverable addresses (also emailed to the bureau). */
export async function campaignMailStatus(client: Client, year: number): Promise<MailStatus> {
  checked(yearSchema, year, 'year');
  return requireWorkflow(
    () => client.workflow.getHandle(campaignWorkflowId(year)).query(campaignMailQuery),
    noCampaign(year),
  );
}

/** Decisions still on their way to applications: how many applications are not yet told. */
export async function campaignNoticesStatus(client: Client, year: number): Promise<NoticesStatus> {
  return queryCampaign(client, year, campaignNoticesQuery);
}

/** The campaign's audit trail, oldest first; refused Updates are in it when the client that sent them reported them. */
export async function campaignAudit(client: Client, year: number): Promise<CampaignState['audit']> {
  return queryCampaign(client, year, updates.campaignAuditQuery);
}

/** The panel's votes so far: committee → panel member → { support, note }. */
export async function panelVotes(client: Client, year: number): Promise<CampaignState['votes']> {
  return queryCampaign(client, year, updates.panelVotesQuery);
}

async function queryCampaign<T>(client: Client, year: number, query: QueryDefinition<T>): Promise<T> {
  checked(yearSchema, year, 'year');
  return requireWorkflow(() => client.workflow.getHandle(campaignWorkflowId(year)).query(query), noCampaign(year));
}

/** Sends a campaign action as an Update: validated here first (zod), then by the workflow's validator. */
export async function campaignAction<N extends CampaignActionName>(
  client: Client,
  year: number,
  name: N,
  payload: CampaignActionInput<N>,
  /** `updateId`: a repeated id (a double-submitted form) gets the first Update's result, one effect. */
  opts: { updateId?: string } = {},
): Promise<CampaignActionResult> {
  checked(yearSchema, year, 'year');
  payload = withZonedUntil(payload); // a typed Beijing date or time: the workflow takes only zoned instants
  try {
    return await actOnCampaign(client.workflow.getHandle(campaignWorkflowId(year)), name, payload, opts);
  } catch (err) {
    if (isNotFound(err)) throw new UserError(`no running campaign for ${year}`);
    throw err;
  }
}
