/** Title and re-evaluation operations shared by the CLI, the campaign's activities and the tests. */
import { withZonedUntil } from '../domain/beijing-time';
import { z } from 'zod';
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Directory } from '../domain/directory';
import { DEFAULT_GRADE_BANDS } from '../domain/grades';
import { reevaluationWorkflowId, TASK_QUEUE, titleWorkflowId } from '../temporal/ids';
import { zodLine } from '../domain/rejections';
import { CommitteeId, Subdistrict, TitleStatus } from '../temporal/search-attributes';
import { staffForTitle, titleImportSchema, type TitleStatus as Status } from '../domain/titles';
import * as rmsg from '../workflows/reevaluation/messages';
import * as tmsg from '../workflows/title/messages';
import type { ReevaluationSnapshot } from '../workflows/reevaluation/state';
import { title } from '../workflows/title/workflow';
import type { TitleInput, TitleSnapshot } from '../workflows/title/state';
import { isNotFound, requireWorkflow, UserError } from './errors';
import { attribute, byCommittee, listWorkflows, stageRow, visibilityQuery } from './visibility';
import { actOnReevaluation, actOnTitle } from './act';
import { checked, idSchema, listTitlesFilterSchema, titleInputSchema, workflowIdSchema, yearSchema } from './input';
import { directorySchema } from '../domain/directory';

/** Starts one title workflow; an existing one (same committee and award year) is left alone. */
export async function startTitle(
  client: Client,
  input: TitleInput,
  taskQueue = TASK_QUEUE,
): Promise<'started' | 'exists'> {
  checked(titleInputSchema, input, 'startTitle');
  try {
    await client.workflow.start(title, {
      workflowId: titleWorkflowId(input.committeeId, input.awardYear),
      taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: TitleStatus, value: 'active' },
        { key: Subdistrict, value: input.subdistrict },
        { key: CommitteeId, value: input.committeeId },
      ],
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'exists';
    throw err;
  }
}

/** `title import`: validates the whole file against its schema and the directory before starting anything. */
export async function importTitles(
  client: Client,
  opts: { data: unknown; directory: Directory; taskQueue?: string; reminders?: TitleInput['reminders'] },
) {
  checked(directorySchema, opts.directory, 'directory');
  const parsed = titleImportSchema.safeParse(opts.data);
  if (!parsed.success) throw new UserError(`titles file: ${zodLine(parsed.error)}`);
  const { awardYear, titles } = parsed.data;
  titles.forEach((t, i) => {
    const c = opts.directory.committees.find((x) => x.id === t.committeeId);
    if (!c)
      throw new UserError(`titles file: titles.${i}.committeeId: ${t.committeeId} is not a committee in the directory`);
    if (c.subdistrict !== t.subdistrict)
      throw new UserError(
        `titles file: titles.${i}.subdistrict: ${t.committeeId} belongs to ${c.subdistrict}, not ${t.subdistrict}`,
      );
  });
  const rows: { committeeId: string; workflowId: string; outcome: 'started' | 'exists' }[] = [];
  for (const t of titles) {
    const committee = opts.directory.committees.find((x) => x.id === t.committeeId)!;
    const input: TitleInput = {
      committeeId: t.committeeId,
      subdistrict: t.subdistrict,
      awardYear,
      awardedOn: t.awardedOn,
      nameplateIssued: t.nameplateIssued,
      certificateIssued: t.certificateIssued,
      source: 'import',
      note: t.note,
      staff: staffForTitle(opts.directory.people, t.subdistrict),
      gradeBands: DEFAULT_GRADE_BANDS,
      // For the revocation notice and the re-evaluations' reminders.
      committeeName: committee.name,
      contactEmail: committee.email,
      reminders: opts.reminders,
    };
    rows.push({
      committeeId: t.committeeId,
      workflowId: titleWorkflowId(t.committeeId, awardYear),
      outcome: await startTitle(client, input, opts.taskQueue ?? process.env.TASK_QUEUE),
    });
  }
  return rows;
}

/** Asks each title to start the year's re-evaluation (idempotent per year). Closed titles are reported, not errors. */
export async function sendReevaluationStarts(
  client: Client,
  titleIds: string[],
  request: tmsg.StartReevaluation,
  onEach?: (i: number) => void,
) {
  checked(z.array(workflowIdSchema), titleIds, 'titleIds');
  checked(tmsg.startReevaluationSchema, request, 'startReevaluation');
  const missing: string[] = [];
  let sent = 0;
  for (const [i, id] of titleIds.entries()) {
    try {
      await client.workflow.getHandle(id).signal(tmsg.startReevaluationSignal, request);
      sent++;
    } catch (err: any) {
      if (isNotFound(err)) missing.push(id);
      else throw err;
    }
    onEach?.(i);
  }
  return { sent, missing };
}

export interface TitleRow {
  workflowId: string;
  committeeId: string;
  subdistrict: string;
  titleStatus: string;
  status: string;
}

/** Lists titles through visibility (search attributes). Not available on the time-skipping test server. */
export async function listTitles(
  client: Client,
  filter: { status?: Status; subdistrict?: string; committeeId?: string; runningOnly?: boolean } = {},
): Promise<TitleRow[]> {
  checked(listTitlesFilterSchema, filter, 'listTitles');
  const { status, subdistrict, committeeId } = filter;
  const query = visibilityQuery(
    'title',
    { TitleStatus: status, Subdistrict: subdistrict, CommitteeId: committeeId },
    filter.runningOnly ? [`ExecutionStatus = 'Running'`] : [],
  );
  const rows = await listWorkflows(client, query, (wf) => ({
    workflowId: wf.workflowId,
    committeeId: attribute(wf, CommitteeId),
    subdistrict: attribute(wf, Subdistrict),
    titleStatus: attribute(wf, TitleStatus),
    status: wf.status.name,
  }));
  return rows.sort((a, b) => a.workflowId.localeCompare(b.workflowId));
}

export interface ReevaluationRow {
  workflowId: string;
  committeeId: string;
  subdistrict: string;
  /** The re-evaluation's stage as last upserted (workflows/reevaluation/workflow.ts). */
  stage: string;
  status: string;
}

/** One year's re-evaluations through visibility, by 街镇 or committee: one listing, no Query per row. */
export async function listReevaluations(
  client: Client,
  filter: { year: number; subdistrict?: string; committeeId?: string },
): Promise<ReevaluationRow[]> {
  checked(yearSchema, filter.year, 'year');
  if (filter.committeeId !== undefined) checked(idSchema, filter.committeeId, 'committeeId');
  checked(listTitlesFilterSchema, { subdistrict: filter.subdistrict }, 'listReevaluations');
  const query = visibilityQuery('reevaluation', {
    CampaignYear: filter.year,
    Subdistrict: filter.subdistrict,
    CommitteeId: filter.committeeId,
  });
  return (await listWorkflows(client, query, stageRow)).sort(byCommittee);
}

/** What `campaign start` passes as CampaignInput.activeTitles: every running, active title. */
export async function activeTitleIds(client: Client): Promise<string[]> {
  return (await listTitles(client, { status: 'active', runningOnly: true })).map((r) => r.workflowId);
}

/** The title's workflow id: given the award year, or the committee's newest title found by listing. */
export async function resolveTitleId(client: Client, committeeId: string, awardYear?: number): Promise<string> {
  checked(idSchema, committeeId, 'committeeId');
  checked(yearSchema.optional(), awardYear, 'awardYear');
  if (awardYear !== undefined) return titleWorkflowId(committeeId, awardYear);
  const rows = await listTitles(client, { committeeId });
  if (!rows.length) throw new UserError(`--committee: ${committeeId} holds no title`);
  const year = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));
  return rows.sort((a, b) => year(b.workflowId) - year(a.workflowId))[0].workflowId;
}

export async function titleStatus(client: Client, titleId: string): Promise<TitleSnapshot> {
  checked(workflowIdSchema, titleId, 'titleId');
  return requireWorkflow(() => client.workflow.getHandle(titleId).query(tmsg.titleStatusQuery), `no title ${titleId}`);
}

/** A title action as an Update. A title that has ended answers from its final state, like the workflow would. */
export async function titleAction<N extends tmsg.TitleActionName>(
  client: Client,
  titleId: string,
  name: N,
  payload: tmsg.TitleActionInput<N>,
  /** `updateId`: a repeated id (a double-submitted form) gets the first Update's result, one effect. */
  opts: { updateId?: string } = {},
): Promise<tmsg.TitleActionResult> {
  checked(workflowIdSchema, titleId, 'titleId');
  try {
    return await actOnTitle(client.workflow.getHandle(titleId), name, payload, { ...opts, reportInvalid: false });
  } catch (err) {
    // A refusal (reported to the title's trail by act) or a bad payload: as it is.
    if (err instanceof WorkflowUpdateFailedError || err instanceof UserError) throw err;
    const s = await titleStatus(client, titleId);
    const r = s.recovery;
    if (name === 'confirmRecovery' && r?.confirmedAt)
      throw new UserError(
        `rejected (Duplicate): 铭牌与奖状已于 ${r.recoveredOn ?? r.confirmedAt.slice(0, 10)} 由 ${r.confirmedBy} 确认回收`,
      );
    if (s.revocation)
      throw new UserError(`rejected (WrongPhase): 称号已于 ${s.revocation.date} 撤销：${s.revocation.reason}`);
    throw err;
  }
}

export async function reevaluationStatus(
  client: Client,
  year: number,
  committeeId: string,
): Promise<ReevaluationSnapshot> {
  checked(yearSchema, year, 'year');
  checked(idSchema, committeeId, 'committeeId');
  return requireWorkflow(
    () => client.workflow.getHandle(reevaluationWorkflowId(year, committeeId)).query(rmsg.reevaluationStatusQuery),
    `no ${year} re-evaluation for ${committeeId}`,
  );
}

/** A re-evaluation action as an Update. A finished re-evaluation answers from its result. */
export async function reevaluationAction<N extends rmsg.ReevaluationActionName>(
  client: Client,
  year: number,
  committeeId: string,
  name: N,
  payload: rmsg.ReevaluationActionInput<N>,
  /** `updateId`: a repeated id (a double-submitted form) gets the first Update's result, one effect. */
  opts: { updateId?: string } = {},
): Promise<rmsg.ReevaluationActionResult> {
  checked(yearSchema, year, 'year');
  checked(idSchema, committeeId, 'committeeId');
  payload = withZonedUntil(payload); // a typed Beijing date or time: the workflow takes only zoned instants
  try {
    return await actOnReevaluation(
      client.workflow.getHandle(reevaluationWorkflowId(year, committeeId)),
      name,
      payload,
      {
        ...opts,
        reportInvalid: false,
      },
    );
  } catch (err) {
    // A refusal (reported to the re-evaluation's trail by act) or a bad payload: as it is.
    if (err instanceof WorkflowUpdateFailedError || err instanceof UserError) throw err;
    const r = (await reevaluationStatus(client, year, committeeId)).result;
    if (!r) throw err;
    if (r.outcome === 'closed') throw new UserError(`rejected (WrongPhase): 复评已终止：${r.reasons.join('；')}`);
    const kind = name === 'confirm' ? 'Duplicate' : 'WrongPhase';
    throw new UserError(
      `rejected (${kind}): 复评结果已由 ${r.decidedBy} 确认：${r.outcome === 'pass' ? '通过' : '未通过'}`,
    );
  }
}
