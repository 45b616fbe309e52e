/** Application operations shared by the CLI, the demo, the benchmark and the tests. */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { applicationFormSchema, type ApplicationForm } from '../domain/application-form';
import { formatBeijing, formatDeadline } from '../domain/calendar';
import type { Directory } from '../domain/directory';
import { z } from 'zod';
import { DEFAULT_GRADE_BANDS } from '../domain/grades';
import { applicationWorkflowId, campaignWorkflowId, TASK_QUEUE } from '../temporal/ids';
import { relayFor } from '../workflows/subdistrict-reports/relays';
import { zodLine } from '../domain/rejections';
import { CampaignYear, CommitteeId, Stage, Subdistrict } from '../temporal/search-attributes';
import { application } from '../workflows/application/workflow';
import type { ApplicationInput, ApplicationSnapshot } from '../workflows/application/state';
import type { SubmissionTerms } from '../workflows/campaign/memo';
import * as msg from '../workflows/application/messages';
import { recentSubmissionTermsOf } from './campaigns';
import { clientNow } from './clock';
import { toCalendar } from '../domain/time-scale';
import { findCommittee, staffForApplication } from './directory';
import { isNotFound, UserError } from './errors';
import { byCommittee, listWorkflows, stageRow, visibilityQuery } from './visibility';
import { actOnApplication } from './act';
import { closedApplicationSnapshot } from './application-result';
import { checkDirectory, checked, idSchema, listApplicationsFilterSchema, yearSchema } from './input';

export interface SubmitOptions {
  year: number;
  directory: Directory;
  /** The committee submitting (its id is the actor). */
  committeeId: string;
  /** Form fields; identity fields default from the directory. */
  form: Partial<ApplicationForm>;
  taskQueue?: string;
}

const submitOptionsSchema = z
  .object({
    year: yearSchema,
    directory: z.object({}).passthrough(),
    committeeId: idSchema,
    form: z.record(z.string(), z.unknown()),
    taskQueue: z.string().min(1).max(200).optional(),
  })
  .strict();

export async function submitApplication(client: Client, opts: SubmitOptions) {
  checked(submitOptionsSchema, opts, 'submitApplication');
  checkDirectory(opts.directory, 'submitApplication');
  const committee = findCommittee(opts.directory, opts.committeeId);
  const form = {
    committeeId: committee.id,
    committeeName: committee.name,
    quarter: committee.quarter,
    address: committee.address,
    subdistrict: committee.subdistrict,
    termStart: committee.termStart,
    termEnd: committee.termEnd,
    ...opts.form,
  };
  const parsed = applicationFormSchema.safeParse(form);
  if (!parsed.success) throw new UserError(`form: ${zodLine(parsed.error)}`);
  // Identity comes from the directory: a form may repeat it but not change it (every email quotes the name).
  const identity = {
    committeeId: committee.id,
    committeeName: committee.name,
    subdistrict: committee.subdistrict,
  } as const;
  for (const [field, expected] of Object.entries(identity) as [keyof typeof identity, string][]) {
    if (parsed.data[field] !== expected)
      throw new UserError(
        `form: ${field}: ${JSON.stringify(parsed.data[field])} is not the directory's ${JSON.stringify(expected)}; leave it out of the form`,
      );
  }

  // The campaign's memo, not a Query: a Query waits for a worker to replay the campaign (workflows/campaign/memo.ts).
  // A read another submission made seconds ago will do (client/campaigns.ts); a refusal is made on a fresh one.
  const recent = await recentSubmissionTermsOf(client, opts.year);
  let { terms, running } = recent;
  let refusal = await windowRefusal(opts.year, terms, running);
  if (refusal && recent.reused) {
    ({ terms, running } = await recentSubmissionTermsOf(client, opts.year, { fresh: true }));
    refusal = await windowRefusal(opts.year, terms, running);
  }
  if (refusal) throw new UserError(refusal);
  // A second application is refused by its workflow id (REJECT_DUPLICATE below), without asking the campaign.

  const input: ApplicationInput = {
    year: opts.year,
    form: parsed.data,
    calendar: { ...terms.calendar, applicationsClose: terms.applicationsClose },
    reviewDeadline: terms.reviewDeadlines[committee.subdistrict],
    inspectionDeadline: terms.inspectionCloses,
    staff: staffForApplication(opts.directory),
    gradeBands: DEFAULT_GRADE_BANDS,
    campaignWorkflowId: campaignWorkflowId(opts.year),
    ...(terms.reportsBySubdistrict
      ? { reportsTo: relayFor(opts.year, committee.subdistrict, committee.id, terms.reportRelays).workflowId }
      : {}),
    submittedBy: committee.id,
    contactEmail: committee.email,
    reminders: terms.reminders,
    timeScale: terms.timeScale,
  };
  try {
    return await client.workflow.start(application, {
      workflowId: applicationWorkflowId(opts.year, committee.id),
      taskQueue: opts.taskQueue ?? process.env.TASK_QUEUE ?? TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: CampaignYear, value: opts.year },
        { key: Subdistrict, value: committee.subdistrict },
        { key: CommitteeId, value: committee.id },
        { key: Stage, value: 'submitted' },
      ],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      throw new UserError(`${committee.id} has already applied in ${opts.year}`);
    throw err;
  }
}

/**
 * Why a submission now is refused, or undefined. The window is checked here by this machine's clock
 * (client/clock.ts), in the campaign's calendar time (its time scale in compressed runs). The application workflow
 * judges the close again when it starts (`rejected-late`); an early start is refused here only, and the workflow
 * lets one that raced the opening by a clock's skew through, since a closed workflow would block the committee's
 * real submission by its id.
 */
async function windowRefusal(year: number, terms: SubmissionTerms, running: boolean): Promise<string | undefined> {
  const now = toCalendar(terms.timeScale, await clientNow());
  const opens = Date.parse(terms.calendar.opens);
  const close = Date.parse(terms.applicationsClose);
  const window = `${formatBeijing(opens)} – ${formatDeadline(close)} (北京时间)`;
  if (now < opens) return `applications for ${year} open ${formatBeijing(opens)} (北京时间); the window is ${window}`;
  if (now >= close)
    return `applications for ${year} closed ${formatDeadline(close)} (北京时间); the window was ${window}`;
  if (!running) return `the campaign for ${year} is no longer running; applications are closed`;
  return undefined;
}

export async function applicationAction<N extends msg.ApplicationActionName>(
  client: Client,
  year: number,
  committeeId: string,
  name: N,
  payload: msg.ApplicationActionInput<N>,
  /** `updateId`: a repeated id (a double-submitted form) gets the first Update's result, one effect. */
  opts: { updateId?: string } = {},
): Promise<msg.ActionResult> {
  checked(yearSchema, year, 'year');
  checked(idSchema, committeeId, 'committeeId');
  try {
    return await actOnApplication(
      client.workflow.getHandle(applicationWorkflowId(year, committeeId)),
      name,
      payload,
      opts,
    );
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  // A closed application takes no more actions: say why it is closed.
  const final = await applicationStatus(client, year, committeeId);
  throw new UserError(
    `${name}: the application of ${committeeId} in ${year} is closed: ${final.stage} ${final.stageLabel}${final.reason ? `（${final.reason}）` : ''}`,
  );
}

export async function applicationStatus(
  client: Client,
  year: number,
  committeeId: string,
): Promise<ApplicationSnapshot> {
  checked(yearSchema, year, 'year');
  checked(idSchema, committeeId, 'committeeId');
  const handle = client.workflow.getHandle<typeof application>(applicationWorkflowId(year, committeeId));
  try {
    return await handle.query(msg.applicationStatusQuery);
  } catch (err: any) {
    if (!isNotFound(err)) throw err;
  }
  // Some servers (the time-skipping test server) answer no queries on a closed workflow: the snapshot is rebuilt
  // from its result and its start input.
  try {
    const { status } = await handle.describe();
    if (status.name === 'COMPLETED') return await closedApplicationSnapshot(client, handle.workflowId);
  } catch (err: any) {
    if (!isNotFound(err)) throw err;
  }
  throw new UserError(`no application from ${committeeId} in ${year}`);
}

/** Lists through Temporal's visibility API (search attributes), never by looping over workflows. */
export async function listApplications(client: Client, filter: { year: number; subdistrict?: string; stage?: string }) {
  checked(listApplicationsFilterSchema, filter, 'listApplications');
  const query = visibilityQuery('application', {
    CampaignYear: filter.year,
    Subdistrict: filter.subdistrict,
    Stage: filter.stage,
  });
  return (await listWorkflows(client, query, stageRow)).sort(byCommittee);
}
