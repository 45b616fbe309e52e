/**
 * The gate for changing workflow code: every golden history in test/histories/ must replay against
 * the current workflows. A failure names the file, the workflow id and Temporal's nondeterminism
 * message. The gate proves itself: an incompatible variant fails, a patched() change passes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { at, calendar2023Ahead, directory, formFor, workflowBundle } from './fixtures';
import { createTimeSkippingEnv, quietWorkerLogs, uniqueTaskQueue } from './harness';
import { createWorker } from '../worker/create-worker';
import { startCampaign } from '../client/campaigns';
import { submitApplication } from '../client/applications';
import { toReal } from '../domain/calendar';
import { applicationWorkflowId } from '../domain/ids';
import { DEADLINE_DAY_REMINDER_PATCH } from '../workflows/application-mail';

const DIR = join(__dirname, 'histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const load = (file: string) => {
  const { workflowId, history } = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
  return { workflowId: workflowId as string, history: historyFromJSON(history) };
};
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as any;

async function replayAll(bundle: WorkflowBundleWithSourceMap, names: string[]) {
  const failures: string[] = [];
  const histories = names.map((file) => ({ file, ...load(file) }));
  const results = Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'golden' }, histories.map((h) => ({ workflowId: h.workflowId, history: h.history })));
  for await (const r of results) {
    if (r.error) {
      const file = histories.find((h) => h.workflowId === r.workflowId)?.file;
      failures.push(`${file} (${r.workflowId}): ${r.error.name}: ${r.error.message}`);
    }
  }
  return failures;
}

beforeAll(() => quietWorkerLogs());

describe('golden histories', () => {
  it('exist for every workflow type', () => {
    const types = new Set(files.map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')).workflowType));
    expect([...types].sort()).toEqual(['application', 'campaign', 'campaignKickoff', 'reevaluation', 'title']);
  });

  it('all replay against the current workflow code', async () => {
    const failures = await replayAll(await workflowBundle(), files);
    expect(failures).toEqual([]);
  });
});

describe('the gate proves itself', () => {
  it('fails an incompatible change (a timer inserted before the first command) with DeterminismViolationError', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'variants', 'incompatible.ts'), logger: silent });
    const file = files.find((f) => f.startsWith('application-'))!;
    const { workflowId, history } = load(file);
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId)).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});

describe('a compatible change made with patched()', () => {
  it('replays the histories recorded before it (above) and a history recorded after it', async () => {
    const env = await createTimeSkippingEnv();
    const taskQueue = uniqueTaskQueue('patched');
    const bundle = await workflowBundle();
    const worker = await createWorker({ connection: env.nativeConnection, client: env.client, taskQueue, workflowBundle: bundle });
    try {
      const history = await worker.runUntil(async () => {
        const { calendar, shiftDays } = calendar2023Ahead(await env.currentTimeMs());
        await startCampaign(env.client, { calendar, directory, taskQueue });
        await env.sleep(toReal(calendar, at('2023-04-03T02:00:00Z', shiftDays)) - (await env.currentTimeMs()));
        const id = directory.committees[0].id;
        await submitApplication(env.client, { year: 2023, directory, committeeId: id, form: formFor(id, false), taskQueue });
        // Past 09:00 on the deadline day (Wed 2023-05-31), when the new reminder goes out.
        await env.sleep(toReal(calendar, at('2023-05-31T03:00:00Z', shiftDays)) - (await env.currentTimeMs()));
        return env.client.workflow.getHandle(applicationWorkflowId(2023, id)).fetchHistory();
      });
      const markers = history.events!.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
      expect(markers.length).toBe(1);
      expect(JSON.stringify(markers[0].markerRecordedEventAttributes!.details)).toContain(Buffer.from(JSON.stringify(DEADLINE_DAY_REMINDER_PATCH)).toString('base64').slice(0, 20));
      const sends = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendMail');
      expect(sends.length).toBe(4); // 7, 3 and 1 working days before, and now the deadline day itself
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, applicationWorkflowId(2023, directory.committees[0].id));
    } finally {
      await env.teardown();
    }
  });
});
