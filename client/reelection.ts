/**
 * A re-election filing (换届改选备案) for any committee in the directory. The client records it in the
 * register (workflows/reelection-filing/workflow.ts), then tells whatever the committee is part of:
 * - a running application of the year: the filing is recorded on it (date, who, filing reference);
 * - the draft list, up to the commendation: the campaign flags the committee for the bureau's decision;
 * - each active title: it is revoked at once (notice 五(四)2), as before.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { z } from 'zod';
import type { Directory } from '../domain/directory';
import { beijingDate } from '../domain/calendar';
import { applicationWorkflowId, campaignWorkflowId, TASK_QUEUE, titleWorkflowId } from '../temporal/ids';
import { filingDate, filingRef, requireFiler } from '../domain/reelection';
import { Rejection } from '../domain/rejections';
import { CommitteeId, Subdistrict } from '../temporal/search-attributes';
import { reelectionFiling, type ReelectionFilingRecord } from '../workflows/reelection-filing/workflow';
import { applicationAction, applicationStatus } from './applications';
import { campaignAction, campaignStatus } from './campaigns';
import { findCommittee } from './directory';
import { isNotFound, requireWorkflow, UserError } from './errors';
import { checkDirectory, checked, idSchema, yearSchema } from './input';
import { titleAction, titleStatus } from './titles';

/** Titles are held for years: look this far back for active ones. */
const TITLE_YEARS_BACK = 15;

export const fileReelectionOptionsSchema = z
  .object({
    directory: z.object({}).passthrough(),
    committeeId: idSchema,
    actor: idSchema,
    /** Default: today (Beijing). A title given none judges "today" by its own clock. */
    filedOn: filingDate().optional(),
    filingRef: filingRef(),
    note: z.string().max(2000).optional(),
    /** The round to look in; default the year of the filing date. */
    year: yearSchema.optional(),
    taskQueue: z.string().min(1).max(200).optional(),
  })
  .strict();
export type FileReelectionOptions = z.input<typeof fileReelectionOptionsSchema>;

export const reelectionFilingId = (committeeId: string, filedOn: string) =>
  `reelection-filing-${committeeId}-${filedOn}`;

export interface FileReelectionResult {
  workflowId: string;
  record: ReelectionFilingRecord;
  /** One line per effect, for the person who filed. */
  messages: string[];
}

async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (err: any) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export async function fileReelection(client: Client, opts: FileReelectionOptions): Promise<FileReelectionResult> {
  const o = checked(fileReelectionOptionsSchema, opts, 'fileReelection');
  checkDirectory(opts.directory, 'fileReelection');
  const committee = findCommittee(opts.directory as Directory, o.committeeId);
  try {
    requireFiler((opts.directory as Directory).people, o.actor, committee.id, committee.subdistrict, 'fileReelection');
  } catch (err) {
    if (err instanceof Rejection) throw new UserError(`rejected (${err.kind}): ${err.message}`);
    throw err;
  }
  const filedOn = o.filedOn ?? beijingDate(Date.now());
  const year = o.year ?? Number(filedOn.slice(0, 4));

  // What the committee is part of now.
  let round: ReelectionFilingRecord['round'];
  if (
    (await isRunning(client, campaignWorkflowId(year))) &&
    (await isRunning(client, applicationWorkflowId(year, committee.id)))
  ) {
    const [status, app] = [await campaignStatus(client, year), await applicationStatus(client, year, committee.id)];
    const onDraftList =
      !!status.draft &&
      !status.final &&
      status.draft.ranking.includes(committee.id) &&
      !status.removed.includes(committee.id);
    round = { year, stage: app.stage, onDraftList };
  }
  const titles: string[] = [];
  for (let y = year; y >= year - TITLE_YEARS_BACK; y--) {
    const id = titleWorkflowId(committee.id, y);
    if ((await isRunning(client, id)) && (await titleStatus(client, id)).status === 'active') titles.push(id);
  }

  const record: ReelectionFilingRecord = {
    committeeId: committee.id,
    subdistrict: committee.subdistrict,
    filedOn,
    filingRef: o.filingRef,
    recordedBy: o.actor,
    recordedAt: new Date().toISOString(),
    note: o.note,
    round,
    titles,
  };
  const workflowId = reelectionFilingId(committee.id, filedOn);
  try {
    await client.workflow.start(reelectionFiling, {
      workflowId,
      taskQueue: o.taskQueue ?? process.env.TASK_QUEUE ?? TASK_QUEUE,
      args: [record],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: CommitteeId, value: committee.id },
        { key: Subdistrict, value: committee.subdistrict },
      ],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      throw new UserError(`rejected (Duplicate): ${committee.id} 于 ${filedOn} 的换届改选备案已登记（${workflowId}）`);
    throw err;
  }

  const messages = [
    `已登记换届改选备案：${committee.name}（${committee.id}），新一届业委会于 ${filedOn} 备案，备案编号 ${o.filingRef}`,
  ];
  if (round) {
    messages.push(
      (
        await applicationAction(client, year, committee.id, 'recordReelection', {
          actor: o.actor,
          filedOn,
          filingRef: o.filingRef,
          note: o.note,
        })
      ).message,
    );
    if (round.onDraftList) {
      messages.push(
        (
          await campaignAction(client, year, 'flagReelection', {
            actor: o.actor,
            committeeId: committee.id,
            filedOn,
            filingRef: o.filingRef,
          })
        ).message,
      );
    }
  }
  for (const id of titles) {
    messages.push(
      (
        await titleAction(client, id, 'fileReelection', {
          actor: o.actor,
          filedOn: o.filedOn,
          note: `新一届业委会备案编号 ${o.filingRef}`,
        })
      ).message,
    );
  }
  if (!round && !titles.length) messages.push(`${committee.id} 未参加 ${year} 年度评选，也未持有有效称号：仅登记备案`);
  return { workflowId, record, messages };
}

/** A filing's record from the register. */
export async function reelectionRecord(
  client: Client,
  committeeId: string,
  filedOn: string,
): Promise<ReelectionFilingRecord> {
  checked(idSchema, committeeId, 'committeeId');
  checked(filingDate(), filedOn, 'filedOn');
  return requireWorkflow(
    () => client.workflow.getHandle<typeof reelectionFiling>(reelectionFilingId(committeeId, filedOn)).result(),
    `no re-election filing of ${committeeId} on ${filedOn}`,
  );
}
