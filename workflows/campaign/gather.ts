/**
 * The campaign's side of the 街镇 relays (workflows/subdistrict-reports/): batches in, gather requests and the
 * closing word out. Only campaigns started with `reportsBySubdistrict` use it; older ones take every report as
 * it comes and never send these commands.
 */
import { condition, getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { reject, zodLine } from '../../domain/rejections';
import { closeReportsSignal, gatherReportsSignal } from '../subdistrict-reports/messages';
import { relayKey, relaysOfAll } from '../subdistrict-reports/relays';
import { receiveReport } from './registration';
import { applicationReportBatchSchema } from './stage-report';
import type { CampaignInput, CampaignState } from './state';

/** A relay answers within a second or two; past this, an action that waits for it is refused (Unavailable). */
export const GATHER_TIMEOUT_MS = 30_000;

/**
 * Records a relay's batch; returns an error line for each malformed part. A malformed envelope changes nothing;
 * a malformed report is refused alone, and the batch's other reports and its acknowledgement still count.
 */
export function recordBatch(s: CampaignState, raw: unknown): string[] {
  const batch = applicationReportBatchSchema().safeParse(raw);
  if (!batch.success) return [`InvalidInput: ${zodLine(batch.error)}`];
  const errors: string[] = [];
  batch.data.reports.forEach((r, i) => {
    const error = receiveReport(s, r, `reports.${i}`);
    if (error) errors.push(error);
  });
  const { ack, subdistrict, shard } = batch.data;
  if (ack !== undefined) {
    const gathered = (s.gathered ??= {});
    const key = relayKey(subdistrict, shard);
    gathered[key] = Math.max(gathered[key] ?? 0, ack);
  }
  return errors;
}

/**
 * Brings in every report the named 街镇' relays hold: one request to each, answered by a batch that acknowledges
 * it. A relay that cannot be signalled has ended, and its applications report here directly (workflows/
 * application/workflow.ts), so there is nothing to wait for from it.
 */
export async function gatherReports(input: CampaignInput, s: CampaignState, which: string[] | 'all'): Promise<void> {
  const subdistricts = which === 'all' ? input.subdistricts : which.filter((sd) => input.subdistricts.includes(sd));
  const token = (s.gatherSeq = (s.gatherSeq ?? 0) + 1);
  const asked = await Promise.all(
    relaysOfAll(input.year, subdistricts, input.reportRelays).map(async (relay) => {
      try {
        await getExternalWorkflowHandle(relay.workflowId).signal(gatherReportsSignal, { token });
        return relay.key;
      } catch (err) {
        log.warn('a 街镇 relay could not be asked for its reports', { relay: relay.workflowId, error: String(err) });
        return undefined;
      }
    }),
  );
  const waiting = asked.filter((key): key is string => key !== undefined);
  const late = () => waiting.filter((key) => (s.gathered?.[key] ?? 0) < token);
  // A timer only while an answer is outstanding: one started and cancelled in the same task is not kept.
  if (late().length > 0 && !(await condition(() => late().length === 0, GATHER_TIMEOUT_MS)))
    reject(
      'Unavailable',
      `the reports of ${late().join(', ')} did not arrive within ${GATHER_TIMEOUT_MS / 1000} s; try again`,
    );
}

/** The final list is out: every relay forwards what it holds and ends. */
export async function closeRelays(input: CampaignInput): Promise<void> {
  await Promise.all(
    relaysOfAll(input.year, input.subdistricts, input.reportRelays).map((relay) =>
      getExternalWorkflowHandle(relay.workflowId)
        .signal(closeReportsSignal)
        .catch((err) => log.warn('a 街镇 relay could not be closed', { relay: relay.workflowId, error: String(err) })),
    ),
  );
}
