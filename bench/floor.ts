/**
 * The floor run: the same scripted round (bench/round.ts), the same number of applications and the
 * same concurrency, against bench/floor-workflows.ts on a fresh dev server with bench/floor-worker.ts.
 * Each floor application repeats its domain twin's operations (bench/profile.ts floorPlanFrom); each
 * campaign Update carries the fan-out batches the domain campaign ran after the same Update.
 *
 * Where the domain waits on its calendar between windows, the floor waits only until its coordinator
 * has no fan-out left, so both start each window with the previous one's effects delivered.
 */
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Directory } from '../domain/directory';
import { CampaignYear, CommitteeId, Stage, Subdistrict } from '../temporal/search-attributes';
import { countRunning, until, type PartResult } from './domain';
import { Monitor } from './monitor';
import { cpuSeconds, memoryMiB, treesCpuSeconds } from './proc';
import { campaignUpdateKey, runRound, type Backend, type RoundPlan } from './round';
import { Latencies, Retries } from './stats';
import { startStack } from './stack';
import type { ExternalServer } from './target';
import { floorPlanFrom, listExecutions, shapeOf, summariseAll, type FloorPlan } from './profile';
import {
  floorActUpdate,
  floorApplication,
  floorCampaign,
  floorCampaignUpdate,
  floorProgressQuery,
  floorStatusQuery,
} from './floor-workflows';

export interface FloorResult extends PartResult {
  /** The floor's own profile, read back from its histories (for the side-by-side check). */
  ownPlan: FloorPlan;
}

export interface FloorOptions {
  n: number;
  year: number;
  directory: Directory;
  plan: RoundPlan;
  floorPlan: FloorPlan;
  concurrency: number;
  logFile: string;
  dynamicConfig?: Record<string, string | number | boolean>;
  /** A running server instead of a fresh dev server (bench/target.ts). */
  external?: ExternalServer;
  log: (line: string) => void;
}

export async function runFloor(o: FloorOptions): Promise<FloorResult> {
  const taskQueue = `bench-floor-${o.year}`;
  // A fresh dev server holds only this run; a server that persists keeps earlier runs, so the ids carry the year.
  const APP_PREFIX = o.external ? `floor-${o.year}-app-` : 'floor-app-';
  const COORDINATOR = o.external ? `floor-campaign-${o.year}` : 'floor-campaign';
  const stack = await startStack({
    name: 'floor',
    script: 'bench/floor-worker.ts',
    taskQueue,
    env: {},
    logFile: o.logFile,
    ready: /floor worker polling/,
    dynamicConfig: o.dynamicConfig,
    external: o.external,
    log: o.log,
  });
  try {
    const { client } = stack;
    const fp = o.floorPlan;
    const coordinator = await client.workflow.start(floorCampaign, {
      workflowId: COORDINATOR,
      taskQueue,
      args: [{ profile: fp.campaign, appIdPrefix: APP_PREFIX, initialBatches: fp.leadingBatches }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: CampaignYear, value: o.year },
        { key: Stage, value: 'preparing' },
      ],
    });
    const sdOf = new Map(o.directory.committees.map((c) => [c.id, c.subdistrict]));
    const monitor = new Monitor(stack.workerPid, stack.serverPids);
    const latencies = new Latencies();
    const marks: Record<string, number> = {};
    const retries = new Retries();
    const call = <T>(kind: string, fn: () => Promise<T>) =>
      monitor.track(() => latencies.time(kind, () => retries.run(kind, fn)));
    const missing = { apps: 0 };
    let objections = 0;

    const backend: Backend = {
      async enter(w) {
        if (w === 'applications') return;
        await until(
          'the floor fan-outs',
          async () => (await coordinator.query(floorStatusQuery)).outbox === 0,
          15 * 60_000,
          20,
        );
      },
      submit: (committeeId) =>
        call('submit', async () => {
          // submitApplication asks the campaign once (its status) before it starts the workflow.
          await coordinator.query(floorStatusQuery);
          const profile = fp.apps[committeeId];
          if (!profile) missing.apps++;
          await client.workflow.start(floorApplication, {
            workflowId: `${APP_PREFIX}${committeeId}`,
            taskQueue,
            args: [
              {
                coordinatorId: COORDINATOR,
                committeeId,
                profile: profile ?? {
                  signalsAtStart: 1,
                  signalsPerUpdate: 1,
                  timersFired: 0,
                  timersCanceled: 0,
                  activities: 0,
                  upserts: 0,
                  notices: 0,
                },
              },
            ],
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            typedSearchAttributes: [
              { key: CampaignYear, value: o.year },
              { key: Subdistrict, value: sdOf.get(committeeId)! },
              { key: CommitteeId, value: committeeId },
              { key: Stage, value: 'submitted' },
            ],
          });
        }),
      appUpdate: (committeeId, name, payload) =>
        call(`update:${name}`, () =>
          client.workflow.getHandle(`${APP_PREFIX}${committeeId}`).executeUpdate(floorActUpdate, { args: [payload] }),
        ).then(() => undefined),
      campaignUpdate: async (name, payload) => {
        await call(`update:campaign:${name}`, () =>
          coordinator.executeUpdate(floorCampaignUpdate, {
            args: [
              {
                batches: fp.batchesByKey[campaignUpdateKey(name, payload)] ?? [],
                finish: name === 'confirmFinal',
                payload,
              },
            ],
          }),
        );
        // The campaign numbers objections obj-1, obj-2, …; the round files them one after the other.
        return name === 'fileObjection' ? { objectionId: `obj-${++objections}` } : {};
      },
    };

    const cpu0 = cpuSeconds(stack.workerPid) ?? 0;
    const srv0 = treesCpuSeconds(stack.serverPids);
    monitor.start();
    o.log(`floor: ${o.n} applications, ${o.concurrency} calls in flight`);
    await stack.guard(
      runRound({
        directory: o.directory,
        plan: o.plan,
        backend,
        concurrency: o.concurrency,
        calendarYear: 2023,
        mark: (what) => {
          marks[what] = Date.now();
          o.log(`floor: ${what}`);
        },
      }),
    );
    if (missing.apps) o.log(`floor: WARNING ${missing.apps} applications had no domain profile`);
    const appQuery = `WorkflowType = 'floorApplication' AND CampaignYear = ${o.year}`;
    try {
      await stack.guard(
        until(
          'every floor application to end',
          async () => (await countRunning(client, appQuery)) === 0,
          120_000 + o.n * 30,
          200,
        ),
      );
    } catch (err) {
      const stuck: string[] = [];
      for await (const w of client.workflow.list({ query: `${appQuery} AND ExecutionStatus = 'Running'` })) {
        if (stuck.length >= 5) break;
        const p = await client.workflow
          .getHandle(w.workflowId)
          .query(floorProgressQuery)
          .catch((e) => String(e));
        stuck.push(`${w.workflowId} ${JSON.stringify(p)}`);
      }
      throw new Error(`${(err as Error).message}; still running: ${stuck.join('; ')}`, { cause: err });
    }
    await stack.guard(coordinator.result());
    monitor.stop();
    const workerCpuS = (cpuSeconds(stack.workerPid) ?? cpu0) - cpu0;
    const serverCpuS = treesCpuSeconds(stack.serverPids) - srv0;
    const mem = memoryMiB(stack.workerPid);

    o.log('floor: reading every history back…');
    // On a shared server, only this run's: the domain run of the same year is there too.
    const executions = await listExecutions(
      client,
      o.external
        ? `CampaignYear = ${o.year} AND (WorkflowType = 'floorApplication' OR WorkflowType = 'floorCampaign')`
        : undefined,
    );
    const runs = await summariseAll(client, executions, { campaignType: 'floorCampaign', fanoutActivity: 'fanout' });
    const shape = shapeOf(runs, 'floorApplication', COORDINATOR);
    const ownPlan = floorPlanFrom(runs, {
      appType: 'floorApplication',
      appIdPrefix: APP_PREFIX,
      campaignId: COORDINATOR,
      fanoutActivity: 'fanout',
      defaultContinueAsNewAt: 3_000,
    });
    const t0 = marks.applications;
    const lastClose = Math.max(shape.lastApplicationClose ?? Date.now(), t0);
    const b = monitor.busy(t0, lastClose);
    return {
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
      ownPlan,
    };
  } finally {
    await stack.stop();
  }
}
