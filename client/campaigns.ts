/** Campaign operations shared by the CLI, the demo, the benchmark and the tests. */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { CampaignCalendar } from '../domain/calendar';
import type { Directory } from '../domain/directory';
import { DEFAULT_GRADE_BANDS, type GradeBands } from '../domain/grades';
import { campaignWorkflowId, TASK_QUEUE } from '../domain/ids';
import { CampaignYear, Stage } from '../domain/search-attributes';
import { campaign } from '../workflows/campaign';
import type { CampaignInput, CampaignStatus } from '../workflows/campaign-state';
import { campaignActionSchemas, campaignStatusQuery, type CampaignActionInput, type CampaignActionName } from '../workflows/messages/campaign';
import * as updates from '../workflows/messages/campaign';
import { zodLine } from '../domain/rejections';
import { UserError } from './errors';

export interface StartCampaignOptions {
  calendar: CampaignCalendar;
  directory: Directory;
  quota?: number;
  gradeBands?: GradeBands;
  taskQueue?: string;
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
  };
  try {
    return await client.workflow.start(campaign, {
      workflowId: campaignWorkflowId(year),
      taskQueue: opts.taskQueue ?? process.env.TASK_QUEUE ?? TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
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
export async function campaignAction<N extends CampaignActionName>(client: Client, year: number, name: N, payload: CampaignActionInput<N>) {
  const parsed = campaignActionSchemas[name].safeParse(payload);
  if (!parsed.success) throw new UserError(`${name}: ${zodLine(parsed.error)}`);
  const handle = client.workflow.getHandle(campaignWorkflowId(year));
  try {
    return (await handle.executeUpdate(UPDATE_OF[name], { args: [payload] })) as updates.CampaignActionResult;
  } catch (err: any) {
    if (err?.name === 'WorkflowNotFoundError') throw new UserError(`no running campaign for ${year}`);
    throw err;
  }
}
