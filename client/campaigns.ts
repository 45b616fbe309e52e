/** Campaign operations shared by the CLI, the demo, the benchmark and the tests. */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy, type Duration } from '@temporalio/common';
import type { CampaignCalendar } from '../domain/calendar';
import type { Directory } from '../domain/directory';
import { DEFAULT_GRADE_BANDS, type GradeBands } from '../domain/grades';
import { campaignWorkflowId, TASK_QUEUE } from '../domain/ids';
import { CampaignYear, Stage } from '../domain/search-attributes';
import { campaign } from '../workflows/campaign';
import type { CampaignInput, CampaignStatus } from '../workflows/campaign-state';
import { campaignActionSchemas, campaignMailQuery, campaignStatusQuery, type CampaignActionInput, type CampaignActionName } from '../workflows/messages/campaign';
import type { MailStatus } from '../workflows/mail-outbox';
import * as updates from '../workflows/messages/campaign';
import { zodLine } from '../domain/rejections';
import { materialsDueFor } from '../domain/titles';
import { UserError } from './errors';
import { CAMPAIGN_TASK_TIMEOUT } from '../domain/task-timeouts';

export interface StartCampaignOptions {
  calendar: CampaignCalendar;
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
  /** The campaign's workflow-task timeout (domain/task-timeouts.ts); default 60 s. */
  workflowTaskTimeout?: Duration;
}

export async function startCampaign(client: Client, opts: StartCampaignOptions) {
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
  };
  if (opts.reevaluationMaterialsDue !== undefined) {
    try {
      input.reevaluationMaterialsDue = materialsDueFor(opts.calendar, opts.reevaluationMaterialsDue);
    } catch (err) {
      throw new UserError((err as Error).message);
    }
  }
  try {
    return await client.workflow.start(campaign, {
      workflowId: campaignWorkflowId(year),
      taskQueue: opts.taskQueue ?? process.env.TASK_QUEUE ?? TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowTaskTimeout: opts.workflowTaskTimeout ?? CAMPAIGN_TASK_TIMEOUT,
      typedSearchAttributes: [
        { key: CampaignYear, value: year },
        { key: Stage, value: 'preparing' },
      ],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new UserError(`campaign ${year} already exists (${campaignWorkflowId(year)}); nothing was started`);
    throw err;
  }
}

export async function campaignStatus(client: Client, year: number): Promise<CampaignStatus> {
  try {
    return await client.workflow.getHandle(campaignWorkflowId(year)).query(campaignStatusQuery);
  } catch (err: any) {
    if (err?.name === 'WorkflowNotFoundError') throw new UserError(`no campaign for ${year}: start it with \`campaign start --year ${year}\``);
    throw err;
  }
}

/** Applications as the campaign's registry has them (one Query, current with every accepted decision); `subdistrict` '' for all. */
export async function campaignApplications(client: Client, year: number, subdistrict = ''): Promise<updates.RegistryRow[]> {
  try {
    return await client.workflow.getHandle(campaignWorkflowId(year)).query(updates.registryRowsQuery, subdistrict);
  } catch (err: any) {
    if (err?.name === 'WorkflowNotFoundError') throw new UserError(`no campaign for ${year}: start it with \`campaign start --year ${year}\``);
    throw err;
  }
}

/** The campaign's audit trail (accepted and rejected actions). */
export async function campaignAudit(client: Client, year: number) {
  try {
    return await client.workflow.getHandle(campaignWorkflowId(year)).query(updates.campaignAuditQuery);
  } catch (err: any) {
    if (err?.name === 'WorkflowNotFoundError') throw new UserError(`no campaign for ${year}`);
    throw err;
  }
}

/** The campaign's email: reminder settings, sent and queued counts, undeliverable addresses (also emailed to the bureau). */
export async function campaignMailStatus(client: Client, year: number): Promise<MailStatus> {
  try {
    return await client.workflow.getHandle(campaignWorkflowId(year)).query(campaignMailQuery);
  } catch (err: any) {
    if (err?.name === 'WorkflowNotFoundError') throw new UserError(`no campaign for ${year}: start it with \`campaign start --year ${year}\``);
    throw err;
  }
}

const UPDATE_OF: Record<CampaignActionName, any> = {
  extendDeadline: updates.extendDeadlineUpdate,
  confirmList: updates.confirmListUpdate,
  panelVote: updates.panelVoteUpdate,
  panelFinalize: updates.panelFinalizeUpdate,
  fileObjection: updates.fileObjectionUpdate,
  resolveObjection: updates.resolveObjectionUpdate,
  confirmFinal: updates.confirmFinalUpdate,
};

/** Sends a campaign action as an Update: validated here first (zod), then by the workflow's validator. */
export async function campaignAction<N extends CampaignActionName>(
  client: Client,
  year: number,
  name: N,
  payload: CampaignActionInput<N>,
  /** `updateId`: a repeated id (a double-submitted form) gets the first Update's result, one effect. */
  opts: { updateId?: string } = {},
) {
  const parsed = campaignActionSchemas[name].safeParse(payload);
  if (!parsed.success) throw new UserError(`${name}: ${zodLine(parsed.error)}`);
  const handle = client.workflow.getHandle(campaignWorkflowId(year));
  try {
    return (await handle.executeUpdate(UPDATE_OF[name], { args: [payload], updateId: opts.updateId })) as updates.CampaignActionResult;
  } catch (err: any) {
    if (err?.name === 'WorkflowNotFoundError') throw new UserError(`no running campaign for ${year}`);
    throw err;
  }
}
