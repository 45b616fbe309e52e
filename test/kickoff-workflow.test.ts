/**
 * The kickoff workflow on the time-skipping server (it has no Schedules, so runs are started by hand
 * with an explicit year): the year rule, a campaign that exists, a year without holiday data (mailed
 * to a real SMTP server, failed after one attempt), a calendar whose deadlines passed, bad input.
 * Starting a campaign lists active titles, which needs visibility: that path is in kickoff-schedule.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveYearCalendar, startCampaign } from '../client/campaigns';
import { loadDirectory } from '../client/directory';
import { kickoffYear } from '../domain/kickoff';
import { campaignKickoff } from '../workflows/kickoff/workflow';
import { eventually, withTimeSkippingWorker } from './harness';
import { type TestSmtp } from './smtp';

const holidayDir = mkdtempSync(join(tmpdir(), 'kickoff-holidays-'));

// Every kickoff here fails on purpose, and one test stops SMTP (the send's ECONNREFUSED is the point): the worker
// would warn for each failed activity and workflow, so it logs errors only; the tests read the failures themselves.
const rig = withTimeSkippingWorker('kickoff-wf', {
  smtp: {},
  worker: { kickoff: { holidayDir } },
  logLevel: 'ERROR',
});
let env: TestWorkflowEnvironment;
let taskQueue: string;
let smtp: TestSmtp;
beforeAll(async () => {
  ({ env, taskQueue, smtp } = rig());
});

afterAll(async () => {
  rmSync(holidayDir, { recursive: true, force: true });
});

const kickoff = (input: unknown, id: string) =>
  env.client.workflow.execute(campaignKickoff, { workflowId: id, taskQueue, args: [input as any] });

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** The bureau's kickoff emails for `year` (the campaign started in the first test mails everyone too). */
async function kickoffMails(year: number, n: number) {
  await eventually(async () =>
    expect(
      smtp.messages.filter((m) => m.headers['x-red-model-kind'] === 'kickoff-failed' && m.subject.includes(`${year}年`))
        .length,
    ).toBeGreaterThanOrEqual(n),
  );
  return smtp.messages.filter(
    (m) => m.headers['x-red-model-kind'] === 'kickoff-failed' && m.subject.includes(`${year}年`),
  );
}

async function activityAttempts(workflowId: string): Promise<Record<string, number>> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const counts: Record<string, number> = {};
  for (const e of history.events ?? []) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) counts[name] = (counts[name] ?? 0) + 1;
    const attempt = e.activityTaskStartedEventAttributes?.attempt;
    if (attempt && attempt > 1) counts.retries = (counts.retries ?? 0) + 1;
  }
  return counts;
}

describe('the kickoff year', () => {
  it('is the year in Beijing of the scheduled time', () => {
    expect(kickoffYear(new Date('2027-04-01T01:00:00Z'))).toBe(2027);
    // 00:30 on New Year's Day in Beijing is still the old year in UTC.
    expect(kickoffYear(new Date('2026-12-31T16:30:00Z'))).toBe(2027);
    expect(kickoffYear(new Date('2026-12-31T15:59:59Z'))).toBe(2026);
  });
});

describe('campaignKickoff (time-skipping server)', () => {
  it('counts a campaign that already exists as success, before looking for holiday data', async () => {
    // Started by hand in March with the example holiday file; the kickoff's holiday dir has nothing for 2027.
    const calendar = resolveYearCalendar(2027, {
      holidayFile: 'domain/holidays-example-2027.json',
      now: Date.parse('2027-03-01T00:00:00Z'),
    });
    await startCampaign(env.client, { calendar, directory: loadDirectory(), taskQueue });
    const result = await kickoff({ year: 2027 }, 'kickoff-by-hand-2027');
    expect(result).toEqual({ year: 2027, outcome: 'exists', workflowId: 'campaign-2027' });
    expect(smtp.messages.filter((m) => m.headers['x-red-model-kind'] === 'kickoff-failed')).toHaveLength(0);
  });

  it('fails without retrying for a year without holiday data and emails the bureau what to supply', async () => {
    const failure = await failureOf(kickoff({ year: 2031 }, 'kickoff-by-hand-2031'));
    expect(failure.type).toBe('HolidayDataMissing');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(
      /^kickoff 2031: chinese-days@[\d.]+ has no official holiday data for 2031; no holiday file /,
    );
    // One attempt, then the bureau's email; no Schedule started this run, so there is none to pause.
    expect(await activityAttempts('kickoff-by-hand-2031')).toEqual({ kickoffCampaign: 1, mailKickoffFailure: 1 });

    const bureau = loadDirectory().people.filter((p) => p.role === 'bureau');
    const mails = await kickoffMails(2031, bureau.length);
    expect(mails.map((m) => m.to).sort()).toEqual(bureau.map((p) => p.email).sort());
    const m = mails[0];
    expect(m.subject).toBe('【红色示范业委会】2031年红色示范业委会评选未能自动启动，请处理');
    expect(m.headers['x-red-model-kind']).toBe('kickoff-failed');
    expect(m.text).toContain('系统中尚无 2031 年的法定节假日与调休安排');
    expect(m.text).toContain(`保存为 ${join(holidayDir, '2031.json')}`);
    // The bureau acts in the console (its campaign start page takes the holiday file); no command to run.
    expect(m.text).toContain('在工作台启动2031年评选：http://127.0.0.1:3000/campaign/start');
    expect(m.text).not.toContain('npm run');
    expect(m.text).not.toContain('年度计划（');
  });

  it('keeps retrying the email to the bureau while SMTP is down, and fails the kickoff once it is sent', async () => {
    await smtp.stop();
    const handle = await env.client.workflow.start(campaignKickoff, {
      workflowId: 'kickoff-smtp-down-2032',
      taskQueue,
      args: [{ year: 2032 }],
    });
    // Until the first send has failed (connection refused) and the next attempt waits for its retry.
    await eventually(async () => {
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      expect(pending.find((a) => a.activityType?.name === 'mailKickoffFailure')?.attempt).toBeGreaterThanOrEqual(2);
    }, 60_000);
    await smtp.start();
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe('HolidayDataMissing');
    expect((await kickoffMails(2032, 2)).map((m) => m.to).sort()).toEqual([
      'bureau-lu@example.org',
      'bureau-org@example.org',
    ]);
    expect(await activityAttempts('kickoff-smtp-down-2032')).toEqual({
      kickoffCampaign: 1,
      mailKickoffFailure: 1,
      retries: 1,
    });
  });

  it('fails with the calendar reason when the year has data but its deadlines have passed', async () => {
    const failure = await failureOf(kickoff({ year: 2025 }, 'kickoff-by-hand-2025'));
    expect(failure.type).toBe('CalendarInvalid');
    expect(failure.message).toMatch(/applicationsClose 2025-05-31 24:00 \(Beijing\) has already passed/);
    const mails = await kickoffMails(2025, 2);
    expect(mails[0].text).toContain('原因：各阶段时间无法按默认安排确定。技术信息：applicationsClose 2025-05-31 24:00');
  });

  it('refuses bad input without running any activity', async () => {
    const bad = await failureOf(kickoff({ year: 1999 }, 'kickoff-bad-year'));
    expect(bad.type).toBe('InvalidInput');
    expect(bad.message).toMatch(/^kickoff input: year: Too small/);
    const none = await failureOf(kickoff({}, 'kickoff-no-year'));
    expect(none.message).toBe('kickoff input: year: required for a run not started by the Schedule');
    const extra = await failureOf(kickoff({ year: 2027, scheduleId: 'x' }, 'kickoff-extra'));
    expect(extra.message).toMatch(/^kickoff input: .*scheduleId/);
    for (const id of ['kickoff-bad-year', 'kickoff-no-year', 'kickoff-extra'])
      expect(await activityAttempts(id)).toEqual({});
  });
});
