/**
 * The domain run: the project's worker (worker/main.ts, as a child process) and the project's client
 * functions (client/campaigns.ts, client/applications.ts), one campaign with N applications through
 * the whole round on a compressed 2023 calendar.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { campaignAction, campaignNoticesStatus, campaignStatus, startCampaign } from '../client/campaigns';
import { applicationAction, submitApplication } from '../client/applications';
import { compressCalendar, defaultCalendar, type CampaignCalendar } from '../domain/calendar';
import { toReal, type TimeScale } from '../domain/time-scale';
import { loadWorkdays } from '../domain/holidays';
import type { Directory } from '../domain/directory';
import { applicationWorkflowId, campaignWorkflowId } from '../temporal/ids';
import { Monitor } from './monitor';
import { cpuSeconds, memoryMiB, treesCpuSeconds } from './proc';
import { runRound, type Backend, type RoundPlan, type Window } from './round';
import { Latencies, Retries, sleep } from './stats';
import { startStack, ROOT } from './stack';
import type { ExternalServer } from './target';
import { floorPlanFrom, listExecutions, shapeOf, summariseAll, type FloorPlan, type RunShape } from './profile';
import { replayAll, type ReplaySummary } from './replay';

const DAY = 86_400_000;
/** The applications window of the 2023 calendar (Apr 1 – May 31); review (Jun 1 – Jul 31) is as long. */
export const WINDOW_DAYS = 61;
const FORM = JSON.parse(readFileSync(join(ROOT, 'data', 'example-form.json'), 'utf8'));

export interface PartResult {
  /** Wall-clock ms of the first scripted call. */
  t0: number;
  /** Wall-clock ms when each window's work began. */
  marks: Record<string, number>;
  end: number;
  wallS: number;
  idleS: number;
  busyS: number;
  applicationsPerSecond: number;
  /** Mean cores other processes on the machine used from the first call to the last close. */
  otherCores: number;
  /** Client calls retried after a transient server error. */
  retries: Retries;
  latencies: Latencies;
  workerCpuS: number;
  serverCpuS: number;
  workerPeakRssMiB: number;
  workerReadyRssMiB: number;
  peakFrom: 'VmHWM' | 'sampled';
  shape: RunShape;
  /** Monitor samples (for the JSON file). */
  samples: Monitor['samples'];
}

export interface DomainResult extends PartResult {
  year: number;
  calendar: CampaignCalendar;
  timeScale: TimeScale;
  windowSeconds: number;
  speed: number;
  floorPlan: FloorPlan;
  campaignResult: unknown;
  /** Every history replayed after the run, timed (bench/replay.ts); not for the run in clear. */
  replay?: ReplaySummary;
}

export interface DomainOptions {
  n: number;
  directory: Directory;
  plan: RoundPlan;
  concurrency: number;
  windowSeconds: number;
  /** Forms come without the paper form (never recorded), so every application sends its reminders. */
  emails: boolean;
  smtpUrl: string;
  logFile: string;
  dynamicConfig?: Record<string, string | number | boolean>;
  /** Payloads in clear (bench/plain-worker.ts): the baseline for the codec's cost. */
  plain?: boolean;
  /** A running server instead of a fresh dev server (bench/target.ts), and a year no workflow there has yet. */
  external?: ExternalServer;
  year?: number;
  log: (line: string) => void;
}

/** Polls `check` every `everyMs` until it is true, or throws after `timeoutMs`. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function countRunning(client: Client, query: string): Promise<number> {
  return (await client.workflow.count(`${query} AND ExecutionStatus = 'Running'`)).count;
}

export async function runDomain(o: DomainOptions): Promise<DomainResult> {
  const year = o.year ?? 2100 + Math.floor(Math.random() * 100); // a label of its own; the calendar keeps 2023's dates
  const taskQueue = `bench-domain-${year}`;
  const stack = await startStack({
    name: o.plain ? 'plain' : 'domain',
    script: o.plain ? 'bench/plain-worker.ts' : 'worker/main.ts',
    plain: o.plain,
    taskQueue,
    env: { SMTP_URL: o.smtpUrl },
    logFile: o.logFile,
    ready: /polling task queue/,
    dynamicConfig: o.dynamicConfig,
    external: o.external,
    log: o.log,
  });
  try {
    const { client } = stack;
    const speed = (WINDOW_DAYS * DAY) / (o.windowSeconds * 1000);
    const base = { ...defaultCalendar(2023, loadWorkdays(2023)), year };
    const { calendar, timeScale } = compressCalendar(base, Date.now() + 3_000, speed);
    const real = (iso: string) => toReal(timeScale, Date.parse(iso));
    o.log(
      `domain: campaign ${campaignWorkflowId(year)}, calendar ×${Math.round(speed)} (${WINDOW_DAYS} days in ${o.windowSeconds} s), ${o.n} applications, ${o.concurrency} calls in flight`,
    );
    const handle = await startCampaign(client, { calendar, timeScale, directory: o.directory, taskQueue });

    const monitor = new Monitor(stack.workerPid, stack.serverPids);
    const latencies = new Latencies();
    const marks: Record<string, number> = {};
    const retries = new Retries();
    const call = <T>(kind: string, fn: () => Promise<T>) =>
      monitor.track(() => latencies.time(kind, () => retries.run(kind, fn)));
    // The campaign's status, retried like any call: one query timing out behind a slow campaign task under load
    // must not end a 40-minute run (the retries are counted in the results).
    const status = async () => {
      const s = await retries.run('query:campaignStatus', () => campaignStatus(client, year));
      if (!s) throw new Error('no campaign status');
      return s;
    };
    const phase = async () => (await status()).phase;

    const overrun = (what: string, deadlineIso: string) => {
      if (Date.now() >= real(deadlineIso)) {
        throw new Error(
          `the ${what} work did not fit its window (closed ${deadlineIso} calendar time); run with a larger --window-seconds (now ${o.windowSeconds})`,
        );
      }
    };
    // People act days after a decision; on this calendar a day is 16 s, and a large fan-out of notices (a 街镇's
    // confirmed list tells its 1,000 applications) may still run when the next window opens. The next window's work
    // waits until every notice went out, as it would at real speed, and the wait is logged.
    const noticesDelivered = async (before: string) => {
      const t0 = Date.now();
      await until(
        `the campaign's notices before ${before}`,
        async () =>
          (await retries.run('query:noticesStatus', () => campaignNoticesStatus(client, year)))?.pending === 0,
        600_000,
      );
      if (Date.now() - t0 > 1_000)
        o.log(`domain: waited ${((Date.now() - t0) / 1000).toFixed(1)} s for the campaign's notices before ${before}`);
    };
    const enter = async (w: Window) => {
      if (w === 'applications') {
        await sleep(real(calendar.opens) - Date.now() + 100);
        await until(
          'the campaign to open for applications',
          async () => (await phase()) === 'applications',
          60_000,
          50,
        );
      } else if (w === 'review') {
        overrun('applications', calendar.applicationsClose);
        o.log(
          `domain: applications done in ${((Date.now() - marks.applications) / 1000).toFixed(1)} s; waiting for the review window`,
        );
        await sleep(real(calendar.reviewOpens) - Date.now() + 100);
        await noticesDelivered('the review');
      } else if (w === 'inspection') {
        overrun('review', calendar.reviewCloses);
        o.log(
          `domain: review done in ${((Date.now() - marks.review) / 1000).toFixed(1)} s; waiting for the inspection window`,
        );
        await sleep(real(calendar.inspectionOpens) - Date.now() + 100);
        await noticesDelivered('the inspection');
      } else {
        const ends = (await status()).draft?.publicityEnds;
        if (!ends) throw new Error('no draft list after panelFinalize');
        o.log(
          `domain: inspection and objections done in ${((Date.now() - marks.inspection) / 1000).toFixed(1)} s; waiting for 公示 to end (${ends})`,
        );
        await sleep(real(ends) - Date.now() + 100);
        await until('公示 to end', async () => (await phase()) === 'awaiting-confirmation', 60_000, 50).catch(
          async (err: Error) => {
            // What held the phase, for a run whose histories go with its dev server.
            const s = await status();
            const open = s.objections.filter((x) => !x.resolution).length;
            throw new Error(
              `${err.message} (phase ${s.phase}, 公示 ends ${s.draft?.publicityEnds}, ${s.objections.length} objections, ${open} unresolved)`,
            );
          },
        );
      }
    };
    const backend: Backend = {
      enter,
      submit: (committeeId) =>
        call('submit', () =>
          submitApplication(client, {
            year,
            directory: o.directory,
            committeeId,
            form: { ...FORM, paperFormReceived: !o.emails },
            taskQueue,
          }),
        ).then(() => undefined),
      // One Update id per act, kept by its retries: a retry after a reply lost under load gets the first
      // attempt's result from the server instead of a Duplicate (as a form submitted twice does).
      appUpdate: (committeeId, name, payload) => {
        const updateId = randomUUID();
        return call(`update:${name}`, () =>
          applicationAction(client, year, committeeId, name as any, payload as any, { updateId }),
        ).then(() => undefined);
      },
      campaignUpdate: (name, payload) => {
        const updateId = randomUUID();
        return call(`update:campaign:${name}`, () =>
          campaignAction(client, year, name as any, payload as any, { updateId }),
        ).then((r) => r ?? {});
      },
    };

    const cpu0 = cpuSeconds(stack.workerPid) ?? 0;
    const srv0 = treesCpuSeconds(stack.serverPids);
    monitor.start();
    await stack.guard(
      runRound({
        directory: o.directory,
        plan: o.plan,
        backend,
        concurrency: o.concurrency,
        calendarYear: 2023,
        mark: (what) => {
          marks[what] = Date.now();
          if (what === 'applications') o.log('domain: applications open; submitting');
        },
      }),
    );
    o.log(`domain: final list confirmed; waiting for every application and the campaign to end`);
    const appQuery = `WorkflowType = 'application' AND CampaignYear = ${year}`;
    await stack.guard(
      until('every application to end', async () => (await countRunning(client, appQuery)) === 0, 15 * 60_000, 200),
    );
    const campaignResult = await stack.guard(handle.result());
    const end = Date.now();
    monitor.stop();
    const workerCpuS = (cpuSeconds(stack.workerPid) ?? cpu0) - cpu0;
    const serverCpuS = treesCpuSeconds(stack.serverPids) - srv0;
    const mem = memoryMiB(stack.workerPid);

    o.log('domain: reading every history back (list API + histories)…');
    // On a shared server, only this run's workflows: they carry its year, as a search attribute or (the final
    // list's titles, title-<committee>-<year>) at the end of their id.
    const executions = o.external
      ? [
          ...(await listExecutions(client, `CampaignYear = ${year}`)),
          ...(await listExecutions(client, `WorkflowType = 'title'`)).filter((e) => e.workflowId.endsWith(`-${year}`)),
        ]
      : await listExecutions(client);
    const runs = await summariseAll(client, executions, {
      campaignType: 'campaign',
      fanoutActivity: 'notifyApplications',
    });
    const shape = shapeOf(runs, 'application', campaignWorkflowId(year));
    const floorPlan = floorPlanFrom(runs, {
      appType: 'application',
      appIdPrefix: applicationWorkflowId(year, ''),
      campaignId: campaignWorkflowId(year),
      fanoutActivity: 'notifyApplications',
      defaultContinueAsNewAt: 3_000,
    });
    // After the monitor stopped: the replays are not in busy time, nor in the worker's CPU.
    const replay = o.plain ? undefined : await replayAll(client, executions, o.log);
    const t0 = marks.applications;
    const lastClose = Math.max(shape.lastApplicationClose ?? end, t0);
    const b = monitor.busy(t0, lastClose);
    return {
      year,
      calendar,
      timeScale,
      windowSeconds: o.windowSeconds,
      speed,
      t0,
      marks,
      end: lastClose,
      ...b,
      applicationsPerSecond: o.n / b.busyS,
      otherCores: monitor.otherCores(t0, lastClose),
      retries,
      latencies,
      workerCpuS,
      serverCpuS,
      workerPeakRssMiB: stack.peakReset && mem ? mem.hwm : (monitor.peakSampledRssMiB() ?? NaN),
      workerReadyRssMiB: stack.readyRssMiB,
      peakFrom: stack.peakReset ? 'VmHWM' : 'sampled',
      shape,
      samples: monitor.samples,
      floorPlan,
      campaignResult,
      replay,
    };
  } finally {
    await stack.stop();
  }
}
