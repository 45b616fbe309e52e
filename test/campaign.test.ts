/**
 * The campaign skeleton: phases change at exactly their instants (time-skipping), and the CLI's
 * start/status against the dev server: Beijing-time windows, duplicate and invalid starts refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { cliConnectsTo, cliRun as cli, eventually, withDevServerWorker, withTimeSkippingWorker } from './harness';
import { directory } from './fixtures';
import { campaignStatus, startCampaign } from '../client/campaigns';
import { type CampaignCalendar } from '../domain/calendar';
import { campaignWorkflowId } from '../temporal/ids';
import { join } from 'node:path';

describe('campaign phases on the time-skipping server', () => {
  const rig = withTimeSkippingWorker('phases');

  /** How late a timer may fire: the run time of the task that armed it, on a shared 2-core machine. */
  const TASK_LATENCY_MS = 10_000;

  it('changes each phase when its timer fires, at its instant', async () => {
    const { env, calendar, taskQueue } = rig();
    await startCampaign(env.client, { calendar, directory, taskQueue });
    const phaseAt = async (realMs: number) => {
      await rig().sleepUntilMs(realMs);
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
  const rig = withDevServerWorker('start');
  cliConnectsTo(rig);
  let client: Client;
  beforeAll(() => void ({ client } = rig()));

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
