/**
 * Hostile input: at least 1,000 generated payloads to every Update of the campaign and the application,
 * on the dev server. The validator refuses every one with a clear one-line error (a bad payload's names
 * the field), the state read by query is unchanged, and no workflow task fails.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { defaultCalendar, shiftCalendar } from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import { applicationWorkflowId, campaignWorkflowId } from '../temporal/ids';
import { applicationAction, applicationStatus, submitApplication } from '../client/applications';
import { campaignStatus, startCampaign } from '../client/campaigns';
import { applicationActionSchemas } from '../workflows/application/messages';
import { campaignActionSchemas } from '../workflows/campaign/messages';
import { eventually, withDevServerWorker } from './harness';
import { directory, formFor, scores } from './fixtures';
import { badPayloads } from './fuzz-payloads';
import { yearOf } from './years';

const YEAR = yearOf('fuzz.test.ts');
const PER_MESSAGE = 1_000;
const [sdA, sdB] = directory.subdistricts;
const inA = directory.committees.filter((c) => c.subdistrict === sdA).map((c) => c.id);
const official = (sd: string) => directory.people.find((p) => p.role === 'subdistrict' && p.subdistrict === sd)!.id;
const DAY = 86_400_000;

const rig = withDevServerWorker('fuzz');
let client: Client;

beforeAll(async () => {
  const { taskQueue } = rig();
  client = rig().client;
  // The 2023 shape moved so that applications opened yesterday: the campaign sits in its applications phase.
  const base = defaultCalendar(2023, loadWorkdays(2023));
  const shift = Math.ceil((Date.now() - DAY - Date.parse(base.opens)) / DAY);
  await startCampaign(client, { calendar: { ...shiftCalendar(base, shift), year: YEAR }, directory, taskQueue });
  for (const id of inA.slice(0, 2))
    await submitApplication(client, { year: YEAR, directory, committeeId: id, form: formFor(id, false), taskQueue });
  await applicationAction(client, YEAR, inA[0], 'recordPaperForm', { actor: 'bureau-lu', receivedOn: '2023-05-01' });
  // Recorded once, so the base payload below is a duplicate like the paper form's.
  await applicationAction(client, YEAR, inA[0], 'recordReelection', {
    actor: inA[0],
    filedOn: '2023-05-02',
    filingRef: 'HY-2023-001',
  });
  await eventually(async () => expect((await campaignStatus(client, YEAR)).counts.total).toBe(2));
});

/** Runs `fn` over `items` with a few in flight at once. */
async function pool<T>(items: T[], width: number, fn: (x: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

const inspection = {
  actor: 'inspector-1',
  scores: scores(90),
  total: 90,
  inspector: '郑立',
  date: '2023-08-07',
  notes: '',
};
const APPLICATION_BASES: Record<keyof typeof applicationActionSchemas, [Record<string, unknown>, string[]]> = {
  recordPaperForm: [{ actor: 'bureau-lu', receivedOn: '2023-05-01' }, [official(sdA), 'inspector-1']],
  recommend: [{ actor: official(sdA) }, [official(sdB), 'bureau-lu', 'inspector-1']],
  notRecommend: [{ actor: official(sdA), reason: '台账不全' }, [official(sdB), 'panel-chair']],
  recordInspection: [inspection, ['panel-2', official(sdA)]],
  recordReelection: [
    { actor: inA[0], filedOn: '2023-05-02', filingRef: 'HY-2023-001' },
    ['panel-2', official(sdB), 'inspector-1'],
  ],
};
const CAMPAIGN_BASES: Record<keyof typeof campaignActionSchemas, [Record<string, unknown>, string[]]> = {
  extendDeadline: [
    { actor: 'bureau-lu', window: 'review', subdistrict: sdA, until: '2000-01-01' },
    [official(sdA), 'panel-chair'],
  ],
  confirmList: [{ actor: official(sdA) }, ['bureau-lu', 'inspector-1']],
  panelVote: [{ actor: 'panel-2', committeeId: inA[0], support: true }, ['bureau-lu', official(sdA)]],
  panelFinalize: [{ actor: 'panel-chair', ranking: [inA[0]], tieBreakRule: '按总分排序' }, ['panel-2', 'bureau-lu']],
  fileObjection: [
    { name: '王五', contact: '13900000000', grounds: '该业委会财务公开不及时，有照片为证。', committeeId: inA[0] },
    [],
  ],
  resolveObjection: [
    { actor: 'bureau-lu', objectionId: 'obj-1', outcome: 'dismissed', reason: '经核查不属实' },
    ['panel-chair', official(sdA)],
  ],
  confirmFinal: [{ actor: 'bureau-lu' }, ['panel-chair', 'inspector-1']],
  removeFromList: [
    { actor: 'bureau-lu', committeeId: inA[0], reason: '小区发生重大安全事故' },
    ['panel-chair', official(sdA)],
  ],
  flagReelection: [
    { actor: official(sdA), committeeId: inA[0], filedOn: '2023-05-02', filingRef: 'HY-2023-001' },
    ['panel-chair', official(sdB)],
  ],
  decideReelection: [
    { actor: 'bureau-lu', committeeId: inA[0], outcome: 'keep', reason: '新一届业委会延续原班子' },
    ['panel-chair', official(sdA)],
  ],
};

async function expectAllRejected(name: string, send: (p: unknown) => Promise<unknown>, payloads: unknown[]) {
  const failures: string[] = [];
  await pool(payloads, 8, async (p) => {
    try {
      await send(p);
      failures.push(`${name} accepted ${JSON.stringify(p)?.slice(0, 200)}`);
    } catch (err) {
      const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
      if (!(cause instanceof ApplicationFailure) || !cause.type || !cause.message || cause.message.includes('\n'))
        failures.push(`${name}: unclear rejection ${String((cause ?? (err as Error))?.message).slice(0, 200)}`);
      // A payload the schema refuses names the field (`ranking.0: …`), or says the payload itself is wrong.
      else if (cause.type === 'InvalidInput' && !/^(\(payload\)|[\w.]+): /.test(cause.message))
        failures.push(`${name}: InvalidInput names no field: ${cause.message.slice(0, 200)}`);
    }
  });
  expect(failures.slice(0, 5)).toEqual([]);
}

describe('fuzzed Updates', () => {
  it('rejects every bad Update with a clear error and changes nothing', async () => {
    const app = client.workflow.getHandle(applicationWorkflowId(YEAR, inA[0]));
    const camp = client.workflow.getHandle(campaignWorkflowId(YEAR));
    const before = [await campaignStatus(client, YEAR), await applicationStatus(client, YEAR, inA[0])];
    let seed = 1;
    for (const [name, [base, wrongActors]] of Object.entries(APPLICATION_BASES)) {
      await expectAllRejected(
        name,
        (p) => app.executeUpdate(name, { args: [p] }),
        badPayloads(base, PER_MESSAGE, seed++, { wrongActors }),
      );
    }
    for (const [name, [base, wrongActors]] of Object.entries(CAMPAIGN_BASES)) {
      await expectAllRejected(
        name,
        (p) => camp.executeUpdate(name, { args: [p] }),
        badPayloads(base, PER_MESSAGE, seed++, { wrongActors }),
      );
    }
    expect([await campaignStatus(client, YEAR), await applicationStatus(client, YEAR, inA[0])]).toEqual(before);
  }, 600_000);

  it('fails no workflow task while refusing them', async () => {
    const app = client.workflow.getHandle(applicationWorkflowId(YEAR, inA[0]));
    const camp = client.workflow.getHandle(campaignWorkflowId(YEAR));
    // Read the histories over a connection that accepts large messages.
    const big = await Connection.connect({
      address: rig().address,
      channelArgs: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 },
    });
    const reader = new Client({ connection: big });
    let unhandled = 0;
    const FORCE_CLOSE_COMMAND = 17; // temporal.api.enums.v1.WorkflowTaskFailedCause
    for (const handle of [app, camp, client.workflow.getHandle(applicationWorkflowId(YEAR, inA[1]))]) {
      const { runId } = await handle.describe();
      let id: string | undefined = runId;
      // Walk back through continue-as-new runs: none may hold a failed workflow task.
      for (let hops = 0; id && hops < 20; hops++) {
        const history = await reader.workflow.getHandle(handle.workflowId, id).fetchHistory();
        // Two failures are the server's own, and allowed: UnhandledCommand (it refuses to let a run
        // continue-as-new while new messages arrive, so none is lost) and FORCE_CLOSE_COMMAND (when too
        // much piles up during one workflow task, it fails that task to flush it). Both tasks are retried.
        // A failure of our code (an exception, nondeterminism) shows with another cause and fails here.
        const serverOwn = (f: { cause?: number | null; failure?: { message?: string | null } | null }) =>
          f.failure?.message === 'UnhandledCommand' || f.cause === FORCE_CLOSE_COMMAND;
        const failed = history
          .events!.filter((e) => e.workflowTaskFailedEventAttributes)
          .map((e) => e.workflowTaskFailedEventAttributes!);
        expect(failed.filter((f) => !serverOwn(f)).map((f) => `${f.cause}: ${f.failure?.message}`)).toEqual([]);
        unhandled += failed.length;
        id = history.events![0].workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
      }
    }
    await big.close();
    console.log(`fuzz: UnhandledCommand / force-close retries: ${unhandled}`);
  }, 600_000);
});
