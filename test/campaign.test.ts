/**
 * The campaign skeleton: phases change at exactly their instants (time-skipping), and the CLI's
 * start/status against the dev server: Beijing-time windows, duplicate and invalid starts refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createTimeSkippingEnv, devServerClient, eventually, quietWorkerLogs, uniqueTaskQueue } from './harness';
import { calendar2023Ahead, directory, workflowBundle } from './fixtures';
import { createWorker } from '../worker/create-worker';
import { campaignStatus, startCampaign } from '../client/campaigns';
import { runCli } from '../cli/main';
import { type CampaignCalendar } from '../domain/calendar';
import { campaignWorkflowId } from '../temporal/ids';
import { join } from 'node:path';

describe('campaign phases on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('phases');

  beforeAll(async () => {
    quietWorkerLogs();
    env = await createTimeSkippingEnv();
    worker = await createWorker({
      connection: env.nativeConnection,
      client: env.client,
      taskQueue,
      workflowBundle: await workflowBundle(),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  /** How late a timer may fire: the run time of the task that armed it, on a shared 2-core machine. */
  const TASK_LATENCY_MS = 10_000;

  it('changes each phase when its timer fires, at its instant', async () => {
    const { calendar } = calendar2023Ahead(await env.currentTimeMs());
    await startCampaign(env.client, { calendar, directory, taskQueue });
    const phaseAt = async (realMs: number) => {
      const now = await env.currentTimeMs();
      if (realMs > now) await env.sleep(realMs - now);
      return (await campaignStatus(env.client, 2023)).phase;
    };
    const boundaries: [keyof CampaignCalendar, string, string][] = [
      ['opens', 'preparing', 'applications'],
      ['applicationsClose', 'applications', 'review'],
      ['inspectionOpens', 'review', 'inspection'],
      ['inspectionCloses', 'inspection', 'awaiting-panel'],
    ];
    for (const [field, before, after] of boundaries) {
      const t = Date.parse(calendar[field] as string);
      expect({ field, phase: await phaseAt(t - 1_000) }).toEqual({ field, phase: before });
      // The phase changes when the campaign's timer for the instant fires (workflows/shared/clock.ts), not
      // when a query reads the clock. The timer's duration was computed when its task started, so it fires
      // late by that task's run time: under a loaded machine's first task, seconds.
      await phaseAt(t);
      await eventually(async () =>
        expect({ field, phase: (await campaignStatus(env.client, 2023)).phase }).toEqual({ field, phase: after }),
      );
      expect(await env.currentTimeMs()).toBeLessThan(t + TASK_LATENCY_MS);
    }
    const status = await campaignStatus(env.client, 2023);
    expect(status.panelOverdue).toBe(true);
    // The timers are absolute: the history's timer starts add up to the calendar's instants.
    const history = await env.client.workflow.getHandle(campaignWorkflowId(2023)).fetchHistory();
    const fired = history
      .events!.filter((e) => e.timerFiredEventAttributes)
      .map((e) => Number(e.eventTime!.seconds) * 1000);
    for (const field of ['opens', 'applicationsClose', 'inspectionOpens', 'inspectionCloses'] as const) {
      const t = Date.parse(calendar[field]);
      expect({ field, firedOnTime: fired.some((f) => f >= t && f < t + TASK_LATENCY_MS) }).toEqual({
        field,
        firedOnTime: true,
      });
    }
  });
});

describe('campaign start and status through the CLI (dev server)', () => {
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  let native: NativeConnection;
  const taskQueue = uniqueTaskQueue('start');
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  };

  beforeAll(async () => {
    quietWorkerLogs();
    const dev = await devServerClient();
    client = dev.client;
    process.env.TEMPORAL_ADDRESS = dev.address;
    process.env.TASK_QUEUE = taskQueue;
    native = await NativeConnection.connect({ address: dev.address });
    worker = await createWorker({ connection: native, client, taskQueue, workflowBundle: await workflowBundle() });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await native?.close();
    await client?.connection.close();
    delete process.env.TASK_QUEUE;
  });

  const exists = async (year: number) =>
    client.workflow
      .getHandle(campaignWorkflowId(year))
      .describe()
      .then(
        () => true,
        () => false,
      );

  it('refuses a past year, a year without holiday data and a bad calendar, creating nothing', async () => {
    const past = await cli('campaign', 'start', '--year', '2023');
    expect(past).toMatchObject({ code: 1, stdout: '' });
    expect(past.stderr).toBe(
      'error: applicationsClose 2023-05-31 24:00 (Beijing) has already passed; start a later year or override the windows, e.g. --applications-close',
    );
    const noData = await cli('campaign', 'start', '--year', '2027');
    expect(noData.code).toBe(1);
    expect(noData.stderr).toMatch(
      /no official holiday data for 2027; pass --holiday-file <file> .* or --weekends-only/,
    );
    const bad = await cli('campaign', 'start', '--year', '2027', '--weekends-only', '--review-closes', '2027-05-20');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: reviewCloses \(2027-05-20 24:00\) is before reviewOpens/);
    expect(bad.stderr.split('\n')).toHaveLength(1);
    expect(await exists(2023)).toBe(false);
    expect(await exists(2027)).toBe(false);
  });

  it('starts 2027 with a holiday file, shows the windows in Beijing time, and refuses a second start', async () => {
    const started = await cli(
      'campaign',
      'start',
      '--year',
      '2027',
      '--holiday-file',
      join(__dirname, '..', 'domain', 'holidays-example-2027.json'),
    );
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const status = await cli('campaign', 'status', '--year', '2027');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Campaign 2027: preparing');
    expect(status.stdout).toMatch(/applications and paper forms\s+2027-04-01 00:00\s+2027-05-31 24:00/);
    expect(status.stdout).toMatch(/街镇 review and recommendation\s+2027-06-01 00:00\s+2027-07-31 24:00/);
    expect(status.stdout).toMatch(/inspection and expert review\s+2027-08-01 00:00\s+2027-10-31 24:00/);
    expect(status.stdout).toContain('file:holidays-example-2027.json');
    const json = JSON.parse((await cli('campaign', 'status', '--year', '2027', '--json')).stdout);
    expect(json.calendar.applicationsClose).toBe('2027-05-31T16:00:00.000Z');
    const again = await cli('campaign', 'start', '--year', '2027', '--weekends-only');
    expect(again).toMatchObject({
      code: 1,
      stderr: 'error: campaign 2027 already exists (campaign-2027); nothing was started',
    });
  });
});
