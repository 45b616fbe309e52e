/** The benchmark's result: the JSON written to bench/results/ and the table printed at the end. */
import type { DomainResult } from './domain';
import type { FloorResult } from './floor';
import type { LatencySummary } from './stats';
import { mailRate } from './smtp-sink';
import type { RoundPlan } from './round';
import { renderTargets } from './compare';
import { figuresOf } from './figures';
import { table } from './table';
import { evaluateTargets, type Target } from './targets';

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

export interface BenchOptionsForReport {
  applications: number;
  emails: boolean;
  concurrency: number;
  windowSeconds: number;
  dynamicConfig: Record<string, string | number | boolean>;
  /** WORKER_MAX_CACHED_WORKFLOWS given to both workers; unset: the SDK's default. */
  workerMaxCachedWorkflows?: string;
  /** WORKER_STICKY_TIMEOUT_SECONDS given to both workers; unset: the SDK's 10 s. */
  workerStickyTimeoutSeconds?: string;
  /** WORKER_WORKFLOW_THREADS given to both workers; unset: the SDK's 1. */
  workerWorkflowThreads?: string;
  /** WORKER_MAX_WORKFLOW_TASKS given to both workers; unset: the SDK's 40. */
  workerMaxWorkflowTasks?: string;
  /** --address: the running server both runs used (unset: a fresh dev server for each run). */
  server?: { address: string; namespace: string; serverPids: number[] };
}

export function buildReport(o: {
  options: BenchOptionsForReport;
  startedAt: string;
  plan: RoundPlan;
  domain: DomainResult;
  floor?: FloorResult;
  /** The same round with payloads in clear (--codec-compare). */
  plain?: DomainResult;
  mail: number[];
  mailBytes: number;
  machine: Record<string, unknown>;
  error?: string;
}) {
  const { domain: d, floor: f, options } = o;
  const n = options.applications;
  const isUpdate = (k: string) => k.startsWith('update:');
  const dUpd = d.latencies.summary(isUpdate);
  const fUpd = f?.latencies.summary(isUpdate);
  const ratio = f ? d.busyS / f.busyS : NaN;
  const result = d.campaignResult as { finalList?: string[]; removed?: string[] } | undefined;
  const outcomeOk =
    JSON.stringify(result?.finalList) === JSON.stringify(o.plan.finalList) &&
    JSON.stringify(result?.removed) === JSON.stringify([o.plan.removed]) &&
    d.shape.applicationsNotClosed === 0 &&
    d.shape.applications === n;
  const expectedStages: Record<string, number> = {
    'not-recommended': o.plan.notRecommended.length,
    'not-selected': o.plan.recommended.length - o.plan.ranking.length,
    removed: 1,
    commended: o.plan.ranking.length - 1,
  };
  const stagesOk = Object.entries(expectedStages).every(([k, v]) => (d.shape.applicationStages[k] ?? 0) === v);
  const mailBetween = o.mail.filter((t) => t >= d.t0 && t <= d.end + 60_000);
  const rate = mailRate(mailBetween);

  const part = (p: DomainResult | FloorResult) => ({
    wallSeconds: r1(p.wallS),
    idleSecondsSubtracted: r1(p.idleS),
    busySeconds: r1(p.busyS),
    applicationsPerSecond: r2(p.applicationsPerSecond),
    otherProcessesCores: r2(p.otherCores),
    retriedCalls: { total: p.retries.total, byKind: p.retries.byKind, errors: p.retries.messages },
    windows: Object.fromEntries(Object.entries(p.marks).map(([k, v]) => [k, r1((v - p.t0) / 1000)])),
    updateLatencyMs: p.latencies.summary(isUpdate),
    submitLatencyMs: p.latencies.summary((k) => k === 'submit'),
    latencyByKindMs: p.latencies.byKindSummary(),
    workerCpuSeconds: r1(p.workerCpuS),
    workerCpuSecondsPer1000: r2((p.workerCpuS * 1000) / n),
    serverCpuSeconds: r1(p.serverCpuS),
    serverCpuSecondsPer1000: r2((p.serverCpuS * 1000) / n),
    workerPeakRssMiB: r1(p.workerPeakRssMiB),
    workerReadyRssMiB: r1(p.workerReadyRssMiB),
    workerPeakRssGrowthMiBPer1000: r1(((p.workerPeakRssMiB - p.workerReadyRssMiB) * 1000) / n),
    peakRssSource: p.peakFrom,
    historyEventsPerApplication: r2(p.shape.eventsPerApplication),
    historyBytesPerApplication: p.shape.bytesPerApplication ? Math.round(p.shape.bytesPerApplication) : null,
    largestHistory: p.shape.largest,
    campaignChain: {
      runs: p.shape.campaignRuns,
      totalEvents: p.shape.campaignEventsTotal,
      largestRun: p.shape.largestCampaignRun,
    },
    eventsByType: p.shape.byType,
    applicationEventTypesPerApplication: Object.fromEntries(
      Object.entries(p.shape.appTypesPerApplication).map(([k, v]) => [k, r3(v)]),
    ),
    campaignEventTypes: p.shape.campaignTypes,
    applicationStages: p.shape.applicationStages,
    workflowTaskFailures: p.shape.workflowTaskFailures,
    workflowTaskFailureSamples: p.shape.workflowTaskFailureSamples,
    workflowTaskTimeouts: p.shape.workflowTaskTimeouts,
    activityRetries: p.shape.activityRetries,
    ...('replay' in p && p.replay ? { replay: p.replay } : {}),
  });

  // The worker settings the run was given (worker/tuning.ts), as they go before the command.
  const workerEnv = Object.entries({
    WORKER_MAX_CACHED_WORKFLOWS: options.workerMaxCachedWorkflows,
    WORKER_STICKY_TIMEOUT_SECONDS: options.workerStickyTimeoutSeconds,
    WORKER_WORKFLOW_THREADS: options.workerWorkflowThreads,
    WORKER_MAX_WORKFLOW_TASKS: options.workerMaxWorkflowTasks,
  })
    .filter(([, value]) => value)
    .map(([name, value]) => `${name}=${value} `)
    .join('');
  const report = {
    startedAt: o.startedAt,
    command: `${workerEnv}npm run bench -- --applications ${n}${options.emails ? ' --emails' : ''} --concurrency ${options.concurrency} --window-seconds ${options.windowSeconds}${options.server ? ` --address ${options.server.address} --namespace ${options.server.namespace}${options.server.serverPids.length ? ` --server-pids ${options.server.serverPids.join(',')}` : ''}` : ''}`,
    options,
    machine: o.machine,
    calendar: {
      year: d.year,
      speed: Math.round(d.speed),
      windowSeconds: d.windowSeconds,
      realOrigin: d.timeScale.realOrigin,
      note: 'defaultCalendar(2023, loadWorkdays(2023)) relabelled with its own year, compressed so that each 61-day window lasts windowSeconds',
    },
    error: o.error,
    outcome: {
      ok: outcomeOk && stagesOk,
      finalList: result?.finalList,
      removed: result?.removed,
      expectedStages,
      stages: d.shape.applicationStages,
    },
    domain: part(d),
    floor: f ? part(f) : null,
    floorRatio: f ? r3(ratio) : null,
    // What payload encryption costs: the same round with and without the codec, in the same run.
    codec: o.plain
      ? {
          busySeconds: { encrypted: r1(d.busyS), plain: r1(o.plain.busyS) },
          ratio: r3(d.busyS / o.plain.busyS),
          workerCpuSeconds: { encrypted: r1(d.workerCpuS), plain: r1(o.plain.workerCpuS) },
          updateLatencyMs: { encrypted: dUpd, plain: o.plain.latencies.summary(isUpdate) },
          historyBytesPerApplication: {
            encrypted: d.shape.bytesPerApplication ?? null,
            plain: o.plain.shape.bytesPerApplication ?? null,
          },
          targetRatio: 1.1,
          met: d.busyS / o.plain.busyS <= 1.1,
        }
      : null,
    floorPlan: {
      unmatchedBatches: d.floorPlan.unmatched,
      campaign: d.floorPlan.campaign,
      fanoutBatches: Object.values(d.floorPlan.batchesByKey).reduce(
        (a, b) => a + b.length,
        d.floorPlan.leadingBatches.length,
      ),
      batchesByUpdate: Object.fromEntries(
        Object.entries(d.floorPlan.batchesByKey).map(([k, v]) => [k, v.map((b) => b.length)]),
      ),
      leadingBatches: d.floorPlan.leadingBatches.map((b) => b.length),
      applicationProfiles: (() => {
        const m: Record<string, number> = {};
        for (const p of Object.values(d.floorPlan.apps)) {
          const k = JSON.stringify(p);
          m[k] = (m[k] ?? 0) + 1;
        }
        return m;
      })(),
    },
    emails: {
      received: mailBetween.length,
      perApplication: r3(mailBetween.length / n),
      perSecondWhileSending: rate.perSecond === null ? null : r1(rate.perSecond),
      bursts: rate.bursts
        .filter((b) => b.count >= 20)
        .map((b) => ({ atSecond: r1((b.at - d.t0) / 1000), count: b.count, seconds: r2(b.seconds) })),
      bytes: o.mailBytes,
    },
    /** Per second: any scripted call in flight, worker and server CPU seconds, worker RSS (max). */
    samplesPerSecond: { domain: perSecond(d.samples, d.t0), floor: f ? perSecond(f.samples, f.t0) : [] },
    updateLatencySummary: { domain: dUpd, floor: fUpd ?? null },
  };
  // Read back as a results file is (NaN becomes null), so this run and a baseline are judged the same way.
  const targets = evaluateTargets(figuresOf(JSON.parse(JSON.stringify(report)), 'this run'));
  return { ...report, targets };
}

export type Report = ReturnType<typeof buildReport>;

function perSecond(samples: DomainResult['samples'], t0: number) {
  const out: {
    s: number;
    active: boolean;
    workerCpu: number;
    serverCpu: number;
    otherCpu: number;
    workerRssMiB?: number;
  }[] = [];
  for (const x of samples) {
    const s = Math.floor((x.t - t0) / 1000);
    let last = out[out.length - 1];
    if (!last || last.s !== s) out.push((last = { s, active: false, workerCpu: 0, serverCpu: 0, otherCpu: 0 }));
    last.otherCpu = r2(last.otherCpu + (x.otherCpu ?? 0));
    last.active ||= x.active;
    last.workerCpu = r2(last.workerCpu + x.workerCpu);
    last.serverCpu = r2(last.serverCpu + x.serverCpu);
    if (x.workerRssMiB !== undefined) last.workerRssMiB = Math.round(Math.max(last.workerRssMiB ?? 0, x.workerRssMiB));
  }
  return out;
}

const lat = (s?: LatencySummary | null) => (s && s.count ? `${s.p50} / ${s.p99}` : '-');

/** With a baseline: its comparison table (bench/compare.ts) and its targets beside this run's. */
export function renderReport(rep: Report, baseline?: { comparison: string; targets: Target[] }): string {
  const d = rep.domain;
  const f = rep.floor;
  const n = rep.options.applications;
  const x = (a: number, b?: number | null) => (b ? `${r2(a / b)}×` : '');
  const rows: string[][] = [
    ['metric', 'domain', 'floor', 'domain/floor'],
    ['applications', String(n), String(n), ''],
    ['wall s (first call → last application closed)', String(d.wallSeconds), String(f?.wallSeconds ?? '-'), ''],
    [
      '  idle s subtracted (calendar waits, nothing running)',
      String(d.idleSecondsSubtracted),
      String(f?.idleSecondsSubtracted ?? '-'),
      '',
    ],
    ['busy s', String(d.busySeconds), String(f?.busySeconds ?? '-'), x(d.busySeconds, f?.busySeconds)],
    [
      'applications completed / busy s',
      String(d.applicationsPerSecond),
      String(f?.applicationsPerSecond ?? '-'),
      f ? `floor ${x(d.busySeconds, f.busySeconds)} faster` : '',
    ],
    [
      'client calls retried after a server error',
      String(d.retriedCalls.total),
      String(f?.retriedCalls.total ?? '-'),
      '',
    ],
    [
      'other processes on the machine (mean cores)',
      String(d.otherProcessesCores),
      String(f?.otherProcessesCores ?? '-'),
      '',
    ],
    [
      `Update latency p50 / p99 ms (${d.updateLatencyMs.count} Updates)`,
      lat(d.updateLatencyMs),
      lat(f?.updateLatencyMs),
      '',
    ],
    ['submit (start) latency p50 / p99 ms', lat(d.submitLatencyMs), lat(f?.submitLatencyMs), ''],
    [
      'worker CPU s per 1,000 applications',
      String(d.workerCpuSecondsPer1000),
      String(f?.workerCpuSecondsPer1000 ?? '-'),
      x(d.workerCpuSecondsPer1000, f?.workerCpuSecondsPer1000),
    ],
    [
      'server CPU s per 1,000 applications',
      String(d.serverCpuSecondsPer1000),
      String(f?.serverCpuSecondsPer1000 ?? '-'),
      x(d.serverCpuSecondsPer1000, f?.serverCpuSecondsPer1000),
    ],
    [
      'worker peak RSS MiB (at ready)',
      `${d.workerPeakRssMiB} (${d.workerReadyRssMiB})`,
      f ? `${f.workerPeakRssMiB} (${f.workerReadyRssMiB})` : '-',
      '',
    ],
    [
      'worker RSS growth MiB per 1,000 applications',
      String(d.workerPeakRssGrowthMiBPer1000),
      String(f?.workerPeakRssGrowthMiBPer1000 ?? '-'),
      '',
    ],
    [
      'history events per application',
      String(d.historyEventsPerApplication),
      String(f?.historyEventsPerApplication ?? '-'),
      x(d.historyEventsPerApplication, f?.historyEventsPerApplication),
    ],
    [
      'history bytes per application',
      String(d.historyBytesPerApplication ?? '-'),
      String(f?.historyBytesPerApplication ?? '-'),
      x(d.historyBytesPerApplication ?? 0, f?.historyBytesPerApplication),
    ],
    [
      'largest history (events)',
      `${d.largestHistory.events} ${d.largestHistory.workflowId}`,
      f ? `${f.largestHistory.events} ${f.largestHistory.workflowId}` : '-',
      '',
    ],
    [
      'campaign chain: runs / events / largest run',
      `${d.campaignChain.runs} / ${d.campaignChain.totalEvents} / ${d.campaignChain.largestRun}`,
      f ? `${f.campaignChain.runs} / ${f.campaignChain.totalEvents} / ${f.campaignChain.largestRun}` : '-',
      '',
    ],
    ['WorkflowTaskFailed (runs)', String(d.workflowTaskFailures), String(f?.workflowTaskFailures ?? '-'), ''],
  ];
  if (rep.options.emails || rep.emails.received > 0) {
    rows.push([
      `emails received (${rep.emails.perApplication} per application)`,
      String(rep.emails.received),
      'no mail (no-op activities)',
      '',
    ]);
    rows.push(['emails / s while sending', String(rep.emails.perSecondWhileSending ?? '-'), '', '']);
  }
  const types = new Set([
    ...Object.keys(d.applicationEventTypesPerApplication),
    ...Object.keys(f?.applicationEventTypesPerApplication ?? {}),
  ]);
  const keyTypes = [
    'WorkflowTaskCompleted',
    'WorkflowExecutionUpdateAccepted',
    'WorkflowExecutionSignaled',
    'SignalExternalWorkflowExecutionInitiated',
    'TimerStarted',
    'TimerFired',
    'TimerCanceled',
    'ActivityTaskScheduled',
    'UpsertWorkflowSearchAttributes',
  ].filter((t) => types.has(t));
  const profile: string[][] = [['per application (average)', 'domain', 'floor']];
  for (const t of keyTypes)
    profile.push([
      t,
      String(r2(d.applicationEventTypesPerApplication[t] ?? 0)),
      String(r2(f?.applicationEventTypesPerApplication[t] ?? 0)),
    ]);
  const ctypes = [
    'WorkflowExecutionSignaled',
    'WorkflowExecutionUpdateAccepted',
    'ActivityTaskScheduled',
    'TimerStarted',
    'TimerFired',
    'UpsertWorkflowSearchAttributes',
    'WorkflowTaskCompleted',
  ];
  const campaignRows: string[][] = [['campaign chain (total)', 'domain', 'floor']];
  for (const t of ctypes)
    campaignRows.push([t, String(d.campaignEventTypes[t] ?? 0), String(f?.campaignEventTypes[t] ?? 0)]);

  const windows = Object.entries(d.windows)
    .map(([k, v]) => `${k} +${v}s`)
    .join(', ');
  return [
    `bench: ${n} applications${rep.options.emails ? ' with emails' : ''}, ${rep.options.concurrency} calls in flight, calendar ×${rep.calendar.speed} (61 days = ${rep.calendar.windowSeconds} s); domain windows ${windows}`,
    rep.options.server
      ? `server: ${rep.options.server.address}, namespace ${rep.options.server.namespace}, with its own dynamic config; server CPU ${rep.options.server.serverPids.length ? `of processes ${rep.options.server.serverPids.join(', ')} and their children` : 'not measured (no --server-pids): busy time counts the worker alone'}`
      : `dev servers: ${
          Object.keys(rep.options.dynamicConfig).length
            ? Object.entries(rep.options.dynamicConfig)
                .map(([k, v]) => `${k}=${v}`)
                .join(' ')
            : 'stock dynamic config'
        }`,
    `outcome: ${rep.outcome.ok ? 'as scripted' : 'NOT as scripted'} — final list ${JSON.stringify(rep.outcome.finalList)}, stages ${JSON.stringify(rep.outcome.stages)}`,
    '',
    table(rows),
    `Latency is measured in a closed loop with ${rep.options.concurrency} calls in flight: mean latency ≈ calls in flight / throughput, for the floor as for the domain.`,
    '',
    table(profile),
    '',
    table(campaignRows),
    '',
    ...(baseline ? [baseline.comparison, ''] : []),
    renderTargets(rep.targets, baseline?.targets),
    ...(rep.codec ? ['', codecLine(rep.codec)] : []),
  ].join('\n');
}

function codecLine(c: NonNullable<Report['codec']>): string {
  const b = (x: number | null) => (x === null ? '-' : String(Math.round(x)));
  return [
    `payload codec: busy s ${c.busySeconds.encrypted} encrypted / ${c.busySeconds.plain} plain = ${c.ratio}× (target ≤ ${c.targetRatio}×: ${c.met ? 'met' : 'NOT met'})`,
    `  worker CPU s ${c.workerCpuSeconds.encrypted} / ${c.workerCpuSeconds.plain}; Update p50/p99 ms ${c.updateLatencyMs.encrypted.p50}/${c.updateLatencyMs.encrypted.p99} / ${c.updateLatencyMs.plain.p50}/${c.updateLatencyMs.plain.p99}; history bytes per application ${b(c.historyBytesPerApplication.encrypted)} / ${b(c.historyBytesPerApplication.plain)}`,
  ].join('\n');
}
