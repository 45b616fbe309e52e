/**
 * The kickoff Schedule on the dev server (the time-skipping server has no Schedules). Each test runs in
 * a namespace of its own, so the current year's campaign, titles and Schedules of other test files are
 * never touched, with its own worker, holiday files and a real SMTP server. Schedules are deleted after.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Connection, type Client, type ScheduleHandle } from '@temporalio/client';
import { clientOn } from '../client/connection';
import { msToTs } from '@temporalio/common/lib/time';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createMailer, type Mailer } from '../activities/mailer';
import { campaignStatus } from '../client/campaigns';
import { kickoffTimeFromEnv, resumeAfterStartByHand } from '../client/kickoff-schedule';
import { beijingDate, formatBeijing } from '../domain/calendar';
import type { KickoffResult } from '../domain/kickoff';
import { ensureKickoffScheduleOn } from '../scripts/kickoff-schedule';
import { ensureSearchAttributes } from '../scripts/search-attributes';
import { createWorker } from '../worker/create-worker';
import { workflowBundle } from './fixtures';
import { cliRun, eventually, quietWorkerLogs, uniqueTaskQueue } from './harness';
import { startTestSmtp, type TestSmtp } from './smtp';
import { inject } from 'vitest';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const address = inject('temporalAddress');
const holidayDir = mkdtempSync(join(tmpdir(), 'kickoff-holidays-'));
let connection: Connection;
let smtp: TestSmtp;
let mailer: Mailer;
/** The instant the kickoff activity checks deadlines against: as if it ran on the scheduled day. */
let kickoffNow = Date.now();
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  quietWorkerLogs();
  connection = await Connection.connect({ address });
  smtp = await startTestSmtp();
  mailer = createMailer({ url: smtp.url });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

afterAll(async () => {
  mailer?.close();
  await smtp?.close();
  await connection?.close();
  rmSync(holidayDir, { recursive: true, force: true });
});

/** A fresh namespace with the project's search attributes, and a worker polling it. */
async function isolated(name: string): Promise<{ client: Client; namespace: string; taskQueue: string }> {
  const namespace = `kickoff-${name}-${randomUUID().slice(0, 8)}`;
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  await eventually(() => connection.workflowService.describeNamespace({ namespace }));
  await ensureSearchAttributes(connection, namespace);
  const client = clientOn(connection, namespace);
  const taskQueue = uniqueTaskQueue('kickoff');
  const native = await NativeConnection.connect({ address });
  const worker: Worker = await createWorker({
    connection: native,
    client,
    namespace,
    taskQueue,
    workflowBundle: await workflowBundle(),
    mailer,
    kickoff: { holidayDir, now: () => kickoffNow },
  });
  const running = worker.run();
  cleanups.push(async () => {
    // Campaigns started here would go on sending mail; they are this test's only.
    for await (const wf of client.workflow.list({ query: `ExecutionStatus = 'Running'` }))
      await client.workflow.getHandle(wf.workflowId).terminate('test over');
    worker.shutdown();
    await running;
    await native.close();
  });
  return { client, namespace, taskQueue };
}

function track(handle: ScheduleHandle): ScheduleHandle {
  cleanups.push(() => handle.delete());
  return handle;
}

/** A minimal but valid holiday file: New Year's Day only. */
function writeHolidayFile(year: number): string {
  const file = join(holidayDir, `${year}.json`);
  writeFileSync(
    file,
    JSON.stringify({ _comment: 'test data', holidays: { [`${year}-01-01`]: "New Year's Day,元旦,1" }, workdays: {} }),
  );
  return file;
}

/** The kickoff runs the Schedule took, once `n` of them have finished: their workflow status and result or failure. */
async function finishedRuns(client: Client, handle: ScheduleHandle, n: number) {
  return eventually(async () => {
    const d = await handle.describe();
    expect(d.info.recentActions.length).toBe(n);
    const runs = [];
    for (const a of d.info.recentActions) {
      const wf = client.workflow.getHandle(a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId);
      const status = (await wf.describe()).status.name;
      expect(status).not.toBe('RUNNING');
      const result = status === 'COMPLETED' ? ((await wf.result()) as KickoffResult) : undefined;
      runs.push({ scheduledAt: a.scheduledAt, workflowId: a.action.workflow.workflowId, status, result });
    }
    return runs;
  }, 60_000);
}

const cli = async (namespace: string, ...argv: string[]) => {
  process.env.TEMPORAL_ADDRESS = address;
  process.env.TEMPORAL_NAMESPACE = namespace;
  try {
    return await cliRun(...argv);
  } finally {
    delete process.env.TEMPORAL_NAMESPACE;
  }
};

/** The next April 1, 09:00 Beijing (01:00Z) after `now`. */
function nextAprilFirst(now: number): string {
  const y = new Date(now).getUTCFullYear();
  const thisYear = Date.parse(`${y}-04-01T01:00:00Z`);
  return `${thisYear > now ? y : y + 1}-04-01T01:00:00.000Z`;
}

describe('the kickoff Schedule (dev server)', () => {
  it('is created at start-up with its next run on April 1 09:00 Beijing, and a second start-up changes nothing', async () => {
    const { client, namespace, taskQueue } = await isolated('startup');
    const scheduleId = `campaign-kickoff-${randomUUID().slice(0, 8)}`;
    const logs: string[] = [];
    const temporal = { namespace, connectionOptions: { address } };
    await ensureKickoffScheduleOn(temporal, (m) => logs.push(m), { scheduleId, taskQueue });
    const handle = track(client.schedule.getHandle(scheduleId));
    const first = await handle.describe();
    expect(first.info.nextActionTimes[0].toISOString()).toBe(nextAprilFirst(Date.now()));
    expect(first.spec.timezone).toBe('Asia/Shanghai');
    expect(first.policies).toEqual({ overlap: 'SKIP', catchupWindow: 7 * DAY, pauseOnFailure: true });
    expect(first.action).toMatchObject({ workflowType: 'campaignKickoff', workflowId: scheduleId, taskQueue });
    expect(logs[0]).toBe(
      `kickoff schedule ${scheduleId} created: next run ${formatBeijing(Date.parse(nextAprilFirst(Date.now())))} Beijing (${nextAprilFirst(Date.now())})`,
    );

    // A pause someone made survives a restart of the stack; nothing runs, nothing is duplicated.
    await handle.pause('paused for the test');
    await ensureKickoffScheduleOn(temporal, (m) => logs.push(m), { scheduleId, taskQueue });
    const second = await handle.describe();
    expect(logs[1]).toMatch(
      new RegExp(`^kickoff schedule ${scheduleId} updated: next run .*; PAUSED: paused for the test$`),
    );
    expect(second.state).toMatchObject({ paused: true, note: 'paused for the test' });
    expect(second.info.numActionsTaken).toBe(0);
    expect(second.info.nextActionTimes[0]).toEqual(first.info.nextActionTimes[0]);
    const ids: string[] = [];
    for await (const s of client.schedule.list()) ids.push(s.scheduleId);
    expect(ids).toEqual([scheduleId]);

    // Day and hour come from the environment, validated.
    await ensureKickoffScheduleOn(temporal, () => undefined, {
      scheduleId,
      taskQueue,
      time: kickoffTimeFromEnv({ KICKOFF_MONTH: '3', KICKOFF_DAY: '15', KICKOFF_HOUR: '8' }),
    });
    const moved = await handle.describe();
    expect(moved.info.nextActionTimes[0].toISOString()).toMatch(/^\d{4}-03-15T00:00:00\.000Z$/);
    expect(() => kickoffTimeFromEnv({ KICKOFF_MONTH: '2', KICKOFF_DAY: '29' })).toThrow(
      'KICKOFF_DAY: is not a day of that month in every year',
    );
    expect(() => kickoffTimeFromEnv({ KICKOFF_HOUR: '9am' })).toThrow(/^KICKOFF_HOUR: /);
  });

  it('trigger() starts the year with holiday data; a second trigger, like a campaign started by hand, is a no-op', async () => {
    const { client, namespace, taskQueue } = await isolated('trigger');
    const scheduleId = `campaign-kickoff-${randomUUID().slice(0, 8)}`;
    await ensureKickoffScheduleOn({ namespace, connectionOptions: { address } }, () => undefined, {
      scheduleId,
      taskQueue,
    });
    const handle = track(client.schedule.getHandle(scheduleId));
    // A trigger is scheduled "now": the year is the current one in Beijing. The bureau supplied its holiday file.
    const year = Number(beijingDate(Date.now()).slice(0, 4));
    writeHolidayFile(year);
    kickoffNow = Date.parse(`${year}-04-01T01:05:00Z`);

    expect((await cli(namespace, 'campaign', 'schedule', 'trigger', '--schedule-id', scheduleId)).code).toBe(0);
    const [first] = await finishedRuns(client, handle, 1);
    expect(first.status).toBe('COMPLETED');
    expect(first.result).toEqual({ year, outcome: 'started', workflowId: `campaign-${year}`, activeTitles: 0 });
    const status = await campaignStatus(client, year);
    expect(status.calendar.workdays.source).toBe(`file:${year}.json`);
    expect(status.calendar.opens).toBe(`${year}-03-31T16:00:00.000Z`);

    await handle.trigger();
    const runs = await finishedRuns(client, handle, 2);
    expect(runs[1].result).toEqual({ year, outcome: 'exists', workflowId: `campaign-${year}` });
    expect((await handle.describe()).state.paused).toBe(false);

    const shown = await cli(namespace, 'campaign', 'schedule', 'show', '--schedule-id', scheduleId);
    expect(shown.stderr).toBe('');
    expect(shown.stdout).toContain(`Schedule ${scheduleId}: active (task queue ${taskQueue})`);
    expect(shown.stdout).toContain(
      `next run: ${formatBeijing(Date.parse(nextAprilFirst(Date.now())))} Beijing (${nextAprilFirst(Date.now())})`,
    );
    expect(shown.stdout).toMatch(
      new RegExp(
        `last run: scheduled .* Beijing, taken .* Beijing: COMPLETED — campaign-${year} already existed; nothing to do`,
      ),
    );
    const bad = await cli(namespace, 'campaign', 'schedule', 'pause', '--schedule-id', scheduleId);
    expect(bad).toMatchObject({ code: 1, stderr: 'error: --reason is required' });
  });

  it('a year without holiday data mails the bureau and pauses the Schedule with the reason', async () => {
    const { client, namespace, taskQueue } = await isolated('nodata');
    const scheduleId = `campaign-kickoff-${randomUUID().slice(0, 8)}`;
    await ensureKickoffScheduleOn({ namespace, connectionOptions: { address } }, () => undefined, {
      scheduleId,
      taskQueue,
    });
    const handle = track(client.schedule.getHandle(scheduleId));
    // April 1, 2031 09:00 Beijing, run now as a backfill: chinese-days has no 2031, and no file was supplied.
    kickoffNow = Date.parse('2031-04-01T01:00:00Z');
    await handle.backfill({ start: new Date('2031-04-01T00:59:00Z'), end: new Date('2031-04-01T01:01:00Z') });
    const [run] = await finishedRuns(client, handle, 1);
    expect(run.status).toBe('FAILED');
    expect(run.workflowId).toBe(`${scheduleId}-2031-04-01T01:00:00Z`);

    const mails = await eventually(async () => {
      const m = smtp.messages.filter((x) => x.headers['x-red-model-workflow'] === run.workflowId);
      expect(m.map((x) => x.to).sort()).toEqual(['bureau-lu@example.org', 'bureau-org@example.org']);
      return m;
    });
    expect(mails[0].subject).toBe('【红色示范业委会】2031年红色示范业委会评选未能自动启动，请处理');
    expect(mails[0].text).toContain(
      '2031年长宁区红色示范业委会创建评选工作原定于 2031-04-01 09:00（北京时间） 自动启动，但未能启动，评选尚未开始。',
    );
    expect(mails[0].text).toContain('/campaign/start');
    expect(mails[0].text).not.toContain('npm run');
    expect(mails[0].text).toContain(`年度计划（${scheduleId}）已暂停；本年度评选启动后即自动恢复`);

    const state = await eventually(async () => {
      const d = await handle.describe();
      expect(d.state.paused).toBe(true);
      return d.state;
    });
    expect(state.note).toMatch(
      /^The 2031 kickoff failed: chinese-days@[\d.]+ has no official holiday data for 2031; no holiday file .*2031\.json\. Supply that holiday file /,
    );
    // The server's own pause-on-failure comes after the run has failed; it leaves the reason in place.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await handle.describe()).state).toEqual(state);
    const shown = await cli(namespace, 'campaign', 'schedule', 'show', '--schedule-id', scheduleId);
    expect(shown.stdout).toContain(`Schedule ${scheduleId}: PAUSED`);
    expect(shown.stdout).toContain('note: The 2031 kickoff failed');
    expect(shown.stdout).toMatch(
      /last run: scheduled 2031-04-01 09:00 Beijing, .*: FAILED — kickoff 2031: chinese-days/,
    );

    // A campaign started by hand for another year leaves the pause; for 2031 it lifts it.
    expect(await resumeAfterStartByHand(client, 2030, scheduleId)).toBe(false);
    expect(await resumeAfterStartByHand(client, 2031, scheduleId)).toBe(true);
    expect((await handle.describe()).state).toMatchObject({
      paused: false,
      note: 'Resumed: campaign-2031 was started by hand',
    });
    // A pause by hand stays until someone resumes it by hand.
    await cli(namespace, 'campaign', 'schedule', 'pause', '--schedule-id', scheduleId, '--reason', '年度评选暂缓');
    expect(await resumeAfterStartByHand(client, 2031, scheduleId)).toBe(false);
    expect((await cli(namespace, 'campaign', 'schedule', 'resume', '--schedule-id', scheduleId)).stdout).toContain(
      `Resumed ${scheduleId}.`,
    );
    expect((await handle.describe()).state.paused).toBe(false);
    expect((await cli(namespace, 'campaign', 'schedule', 'resume', '--schedule-id', scheduleId)).stderr).toBe(
      `error: schedule ${scheduleId} is not paused`,
    );
  });

  it('a backfill of a run scheduled 3 days ago in Beijing starts the year it was scheduled for', async () => {
    const { client, namespace, taskQueue } = await isolated('backfill');
    const scheduleId = `campaign-kickoff-${randomUUID().slice(0, 8)}`;
    // The Schedule's day and hour are the Beijing day and hour of 3 days ago, as if the server had been down since.
    const scheduled = Math.floor((Date.now() - 3 * DAY) / HOUR) * HOUR;
    const bj = new Date(scheduled + 8 * HOUR);
    // (Feb 29 is refused as a kickoff day: then Feb 28.)
    const month = bj.getUTCMonth() + 1;
    const time = { month, day: month === 2 ? Math.min(bj.getUTCDate(), 28) : bj.getUTCDate(), hour: bj.getUTCHours() };
    const at = Date.parse(
      `${bj.getUTCFullYear()}-${String(time.month).padStart(2, '0')}-${String(time.day).padStart(2, '0')}T${String(time.hour).padStart(2, '0')}:00:00+08:00`,
    );
    const year = Number(beijingDate(at).slice(0, 4));
    await ensureKickoffScheduleOn({ namespace, connectionOptions: { address } }, () => undefined, {
      scheduleId,
      taskQueue,
      time,
    });
    const handle = track(client.schedule.getHandle(scheduleId));
    writeHolidayFile(year);
    kickoffNow = Date.parse(`${year}-01-01T00:00:00Z`);

    await handle.backfill({ start: new Date(at - 60_000), end: new Date(at + 60_000) });
    const [run] = await finishedRuns(client, handle, 1);
    expect(run.scheduledAt.getTime()).toBe(at);
    expect(run.result).toEqual({ year, outcome: 'started', workflowId: `campaign-${year}`, activeTitles: 0 });
    expect((await campaignStatus(client, year)).year).toBe(year);
  });
});
