/**
 * The client API checks what the CLI checks: every exported function validates its input with the
 * schemas of the CLI and the workflows, answers one line naming the field, and starts nothing.
 * On the shared dev server; no worker is needed, since nothing may reach a workflow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { campaignAction, campaignMailStatus, campaignStatus, startCampaign } from '../client/campaigns';
import { applicationAction, applicationStatus, listApplications, submitApplication } from '../client/applications';
import { listTitles, reevaluationAction, startTitle, titleAction, titleStatus } from '../client/titles';
import { UserError, explain } from '../client/errors';
import { compressCalendar, defaultCalendar, toIso } from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import { DEFAULT_GRADE_BANDS } from '../domain/grades';
import { campaignWorkflowId, titleWorkflowId } from '../temporal/ids';
import { checkCalendar, checked, yearSchema } from '../client/input';
import { devServerClient, uniqueTaskQueue } from './harness';
import { directory } from './fixtures';
import { yearOf } from './years';

const YEAR = yearOf('client-input.test.ts');
let client: Client;
const taskQueue = uniqueTaskQueue('client-input');

beforeAll(async () => {
  client = (await devServerClient()).client;
});
afterAll(async () => {
  await client?.connection.close();
});

/** Expects a one-line UserError matching `text`. */
async function refused(p: Promise<unknown>, text: RegExp) {
  const err = await p.then(
    () => undefined,
    (e) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  expect(explain(err)).not.toContain('\n');
  expect(explain(err)).toMatch(text);
}

async function exists(workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err: any) {
    if (err?.name === 'WorkflowNotFoundError') return false;
    throw err;
  }
}

const future = () =>
  compressCalendar({ ...defaultCalendar(2023, loadWorkdays(2023)), year: YEAR }, Date.now() + 60_000, 1_000);

describe('client functions validate their input like the CLI', () => {
  it('startCampaign refuses a review that ends before it opens, naming the field, and starts nothing', async () => {
    const { calendar: cal, timeScale } = future();
    await refused(
      startCampaign(client, {
        timeScale,
        calendar: { ...cal, reviewCloses: toIso(Date.parse(cal.reviewOpens) - 86_400_000) },
        directory,
        taskQueue,
      }),
      /^calendar\.reviewCloses \(2023-05-30 24:00\) is before reviewOpens \(2023-06-01 00:00\)$/,
    );
    await refused(
      startCampaign(client, { timeScale, calendar: { ...cal, publicityWorkingDays: 31 }, directory, taskQueue }),
      /^calendar\.publicityWorkingDays must be an integer 1\.\.30/,
    );
    await refused(
      startCampaign(client, { timeScale, calendar: { ...cal, opens: 'soon' }, directory, taskQueue }),
      /^startCampaign: calendar\.opens: must be an ISO-8601 UTC instant/,
    );
    await refused(
      startCampaign(client, { calendar: cal, timeScale, directory, taskQueue, quota: 0 }),
      /^startCampaign: quota:/,
    );
    await refused(
      startCampaign(client, { calendar: cal, timeScale, directory: { ...directory, people: [] }, taskQueue }),
      /^startCampaign: directory\.people:/,
    );
    await refused(
      startCampaign(client, { calendar: cal, timeScale, directory, taskQueue, reminders: { hour: 25 } }),
      /^startCampaign: reminders\.hour:/,
    );
    // An uncompressed 2023 calendar: its deadlines have passed, as `campaign start` would say.
    await refused(
      startCampaign(client, {
        calendar: { ...defaultCalendar(2023, loadWorkdays(2023)), year: YEAR },
        directory,
        taskQueue,
      }),
      /^calendar\.applicationsClose: 2023-05-31 24:00 \(北京时间\) has already passed/,
    );
    expect(await exists(campaignWorkflowId(YEAR))).toBe(false);
  });

  it('every other client function names the bad field before calling the server', async () => {
    await refused(campaignStatus(client, 'twenty' as any), /^year: /);
    await refused(campaignMailStatus(client, 1999), /^year: /);
    await refused(campaignAction(client, YEAR, 'launch' as any, {} as any), /^campaignAction: unknown action "launch"/);
    await refused(campaignAction(client, YEAR, 'confirmFinal', { actor: '' }), /^confirmFinal: actor:/);
    await refused(applicationAction(client, YEAR, '', 'recommend', { actor: 'x' }), /^committeeId: /);
    await refused(
      applicationAction(client, YEAR, 'huayang-001', 'approve' as any, {} as any),
      /^applicationAction: unknown action "approve"/,
    );
    await refused(applicationStatus(client, 2023.5, 'huayang-001'), /^year: /);
    await refused(listApplications(client, { year: YEAR, stage: 'winning' }), /^listApplications: stage: /);
    await refused(
      submitApplication(client, { year: YEAR, directory, committeeId: 'huayang-001', form: 'a form' as any }),
      /^submitApplication: form: /,
    );
    await refused(listTitles(client, { status: 'gone' as any }), /^listTitles: status: /);
    await refused(titleStatus(client, '' as any), /^titleId: /);
    await refused(
      titleAction(client, titleWorkflowId('huayang-001', 2022), 'erase' as any, {} as any),
      /^titleAction: unknown action "erase"/,
    );
    await refused(
      reevaluationAction(client, YEAR, 'huayang-001', 'submitMaterials', { actor: 'huayang-001', summary: 1 } as any),
      /^submitMaterials: summary: /,
    );
    const title = {
      committeeId: 'huayang-001',
      subdistrict: '华阳路街道',
      awardYear: YEAR,
      awardedOn: '2093-13-01',
      nameplateIssued: true,
      certificateIssued: true,
      source: 'import' as const,
      staff: directory.people,
      gradeBands: DEFAULT_GRADE_BANDS,
    };
    await refused(startTitle(client, title, taskQueue), /^startTitle: awardedOn: /);
    expect(await exists(titleWorkflowId('huayang-001', YEAR))).toBe(false);
  });
});

describe('the checks themselves (unit)', () => {
  it('checkCalendar judges a compressed calendar by its own clock', () => {
    const { calendar: cal, timeScale } = future();
    expect(() => checkCalendar(cal, Date.now(), timeScale)).not.toThrow();
    // Eight months at 1,000×: six hours later every deadline has passed.
    expect(() => checkCalendar(cal, Date.now() + 6 * 3_600_000, timeScale)).toThrow(
      /^calendar\.applicationsClose: .* has already passed/,
    );
    expect(() => checked(yearSchema, '2023', 'year')).toThrow(/^year: Invalid input: expected number/);
    expect(checked(yearSchema, 2023, 'year')).toBe(2023);
  });
});
