/**
 * `npm run bench -- [--applications N] [--emails] [--concurrency C] [--window-seconds W] [--no-floor]
 *                   [--dynamic-config key=value]… [--address host:port [--namespace ns] [--server-pids p,…]]`
 *
 * 1. The domain run: a dev server of its own, worker/main.ts as a child process, one campaign with N
 *    applications through the whole round, every human action one client call (bench/round.ts).
 * 2. The floor run: another fresh dev server, bench/floor-worker.ts, the same round against minimal
 *    workflows that repeat, per application, the operations the domain histories show.
 * 3. bench/results/<ISO 8601 basic date-time>.json, and a table.
 * With --address, both runs use that running server instead (bench/target.ts), one after the other, each
 * with a year of its own; the server is left running.
 * See bench/README.md for what each number means and where the comparison can mislead.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { generateDirectory } from '../data/generate-directory';
import { runDomain, type DomainOptions, type DomainResult } from './domain';
import { runFloor, type FloorResult } from './floor';
import { planRound } from './round';
import { buildReport, renderReport } from './report';
import {
  DEFAULT_BASELINE,
  prepareBaseline,
  removeBaseline,
  resolveRef,
  runBaseline,
  stopBaseline,
  type Baseline,
} from './baseline';
import { renderComparison } from './compare';
import { figuresOf } from './figures';
import { evaluateTargets } from './targets';
import { startSmtpSink } from './smtp-sink';
import { ROOT, stopAllStacks } from './stack';
import { parseExternalServer, prepareExternalServer, unusedYears, type ExternalServer } from './target';

/**
 * The dev server runs a single history shard, and the server polls each shard's task queues at most
 * 20 times a second by default (history.*ProcessorMaxPollRPS): on this server that alone puts about
 * 50 ms on every hop through a queue (a signal to another workflow, the workflow task after it, an
 * activity, a timer). A cluster spreads workflows over many shards. Both the domain's and the floor's
 * server get these raised, so the single shard does not set the latency; --stock-server turns it off.
 */
export const BENCH_DYNAMIC_CONFIG: Record<string, number> = {
  'history.transferProcessorMaxPollRPS': 1000,
  'history.transferProcessorMaxPollHostRPS': 5000,
  'history.timerProcessorMaxPollRPS': 1000,
  'history.timerProcessorMaxPollHostRPS': 5000,
  'history.visibilityProcessorMaxPollRPS': 1000,
  'history.visibilityProcessorMaxPollHostRPS': 5000,
};

interface Options {
  applications: number;
  emails: boolean;
  concurrency: number;
  windowSeconds?: number;
  floor: boolean;
  codecCompare: boolean;
  stockServer: boolean;
  dynamicConfig: Record<string, string | number | boolean>;
  /** A running server to use instead of the bench's own dev servers. */
  external?: ExternalServer;
  /** --baseline: the git ref whose bench runs after this one (bench/baseline.ts). */
  baseline?: string;
  /** The options as given, less --baseline and --codec-compare: what the baseline's bench is run with. */
  baselineArgs: string[];
}

const USAGE =
  'usage: npm run bench -- [--baseline [tag or commit (default bench-baseline)]] [--applications N (multiple of 10, default 1000)] [--emails] [--concurrency C (default 8)] [--window-seconds W] [--no-floor] [--codec-compare] [--stock-server] [--dynamic-config key=value]… [--address host:port [--namespace NS (default default)] [--server-pids PID,…]]';

function parseArgs(argv: string[]): Options {
  const o: Options = {
    applications: 1000,
    emails: false,
    concurrency: 8,
    floor: true,
    codecCompare: false,
    stockServer: false,
    dynamicConfig: {},
    baselineArgs: [],
  };
  const target: { address?: string; namespace?: string; pids?: string } = {};
  let dynamicConfigGiven = false;
  const num = (flag: string, v: string | undefined) => {
    const x = Number(v);
    if (!v || !Number.isFinite(x) || x <= 0) throw new Error(`${flag} needs a positive number\n${USAGE}`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const from = i;
    const [flag, inline] =
      a.includes('=') && a.startsWith('--') && !a.startsWith('--dynamic-config=') ? a.split(/=(.*)/s) : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--baseline') {
      o.baseline = inline ?? (argv[i + 1] && !argv[i + 1].startsWith('-') ? argv[++i] : DEFAULT_BASELINE);
      continue;
    } else if (flag === '--codec-compare') {
      // Not passed on: the baseline's figures are compared, not what its encryption costs.
      o.codecCompare = true;
      continue;
    }
    if (flag === '--applications') o.applications = num(flag, value());
    else if (flag === '--emails') o.emails = true;
    else if (flag === '--concurrency') o.concurrency = Math.floor(num(flag, value()));
    else if (flag === '--window-seconds') o.windowSeconds = num(flag, value());
    else if (flag === '--no-floor') o.floor = false;
    else if (flag === '--stock-server') o.stockServer = true;
    else if (flag === '--address') target.address = value() ?? '';
    else if (flag === '--namespace') target.namespace = value() ?? '';
    else if (flag === '--server-pids') target.pids = value() ?? '';
    else if (flag === '--dynamic-config' || flag.startsWith('--dynamic-config=')) {
      dynamicConfigGiven = true;
      const kv = flag.startsWith('--dynamic-config=') ? flag.slice('--dynamic-config='.length) : argv[++i];
      const m = /^([^=]+)=(.*)$/.exec(kv ?? '');
      if (!m) throw new Error(`--dynamic-config needs key=value\n${USAGE}`);
      const v = m[2];
      o.dynamicConfig[m[1]] =
        v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) && v.trim() !== '' ? Number(v) : v;
    } else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
    o.baselineArgs.push(...argv.slice(from, i + 1));
  }
  if (target.address !== undefined) {
    // A running server keeps its own dynamic config: the bench cannot set it.
    if (o.stockServer || dynamicConfigGiven)
      throw new Error(
        `--stock-server and --dynamic-config apply to the bench's own dev servers, not to --address\n${USAGE}`,
      );
    o.external = parseExternalServer(target);
    o.dynamicConfig = {};
  } else {
    if (target.namespace !== undefined || target.pids !== undefined)
      throw new Error(`--namespace and --server-pids need --address\n${USAGE}`);
    o.dynamicConfig = { ...(o.stockServer ? {} : BENCH_DYNAMIC_CONFIG), ...o.dynamicConfig };
  }
  if (!Number.isInteger(o.applications) || o.applications % 10 !== 0)
    throw new Error(`--applications must be a multiple of 10 (N/10 committees per 街镇)\n${USAGE}`);
  return o;
}

/**
 * Real seconds for one 61-day window. The applications window must hold N submissions and the review
 * window N decisions, at the slowest rate seen on this machine with room to spare (a window's work that
 * overruns its deadline fails the run); what the windows hold beyond the work is idle and not counted
 * (bench/monitor.ts).
 */
export function defaultWindowSeconds(n: number): number {
  // Measured here: about 0.06 s per submission at 1,000 applications with 8 calls in flight.
  return Math.max(30, Math.ceil(n * 0.15));
}

function stamp(d = new Date()): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  // A missing baseline is found now, not after this run's minutes.
  const baselineCommit = o.baseline ? resolveRef(o.baseline) : undefined;
  let baseline: Baseline | undefined;
  // Ctrl-C (or SIGTERM): stop the workers and dev servers this run started, and a baseline's bench, then exit.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`[bench] ${signal}: stopping the stacks…`);
      void Promise.all([stopBaseline(), stopAllStacks()]).finally(() => {
        if (baseline) removeBaseline(baseline);
        process.exit(130);
      });
    });
  }
  // A gRPC retry still pending when a failed run closes its connection throws from a timer; the run's
  // own error is what matters, so that one is logged, not allowed to end the process before the report.
  process.on('uncaughtException', (err) => {
    if (/Channel has been shut down/.test(String((err as Error)?.message)))
      console.error(`[bench] ignored after close: ${err.message}`);
    else throw err;
  });
  const started = new Date();
  const id = stamp(started);
  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const log = (line: string) =>
    console.log(`[bench +${((Date.now() - started.getTime()) / 1000).toFixed(1)}s] ${line}`);
  const windowSeconds = o.windowSeconds ?? defaultWindowSeconds(o.applications);
  const directory = generateDirectory(o.applications / 10);
  const plan = planRound(directory);
  // A running server: reachable, the namespace there, the search attributes registered; and years of its own.
  let years: number[] = [];
  if (o.external) {
    await prepareExternalServer(o.external, log);
    years = await unusedYears(o.external, o.codecCompare ? 2 : 1);
    if (!o.external.pids.length)
      log('--server-pids not given: server CPU is not measured, and busy time counts the worker CPU alone');
  }
  if (o.baseline && baselineCommit) baseline = prepareBaseline(o.baseline, baselineCommit, log);
  const sink = await startSmtpSink();
  log(`SMTP sink on ${sink.url}; results and worker logs in bench/results/${id}*`);

  let domain: DomainResult | undefined;
  let floor: FloorResult | undefined;
  let plain: DomainResult | undefined;
  let error: string | undefined;
  const domainOptions: DomainOptions = {
    n: o.applications,
    directory,
    plan,
    concurrency: o.concurrency,
    windowSeconds,
    emails: o.emails,
    smtpUrl: sink.url,
    logFile: join(resultsDir, `${id}-domain-worker.log`),
    dynamicConfig: o.dynamicConfig,
    external: o.external,
    year: years[0],
    log,
  };
  try {
    domain = await runDomain(domainOptions);
    log(
      `domain: ${domain.applicationsPerSecond.toFixed(2)} applications / busy s (${domain.busyS.toFixed(1)} s busy of ${domain.wallS.toFixed(1)} s)`,
    );
    if (o.floor) {
      const fp = domain.floorPlan;
      log(
        `floor plan: ${Object.keys(fp.apps).length} application profiles, ${Object.values(fp.batchesByKey).flat().length} fan-out batches over ${Object.keys(fp.batchesByKey).length} campaign Updates, campaign ${JSON.stringify(fp.campaign)}`,
      );
      floor = await runFloor({
        n: o.applications,
        year: domain.year,
        directory,
        plan,
        floorPlan: domain.floorPlan,
        concurrency: o.concurrency,
        logFile: join(resultsDir, `${id}-floor-worker.log`),
        dynamicConfig: o.dynamicConfig,
        external: o.external,
        log,
      });
      log(
        `floor: ${floor.applicationsPerSecond.toFixed(2)} applications / busy s (${floor.busyS.toFixed(1)} s busy of ${floor.wallS.toFixed(1)} s)`,
      );
    }
    if (o.codecCompare) {
      plain = await runDomain({
        ...domainOptions,
        plain: true,
        year: years[1],
        logFile: join(resultsDir, `${id}-plain-worker.log`),
      });
      log(
        `plain (no codec): ${plain.applicationsPerSecond.toFixed(2)} applications / busy s (${plain.busyS.toFixed(1)} s busy)`,
      );
    }
  } catch (err) {
    error = String((err as Error)?.stack ?? err);
    console.error(`[bench] FAILED: ${error}`);
  } finally {
    await sink.close();
  }
  const file = join(resultsDir, `${id}.json`);
  if (!domain) {
    if (baseline) removeBaseline(baseline);
    writeFileSync(file, JSON.stringify({ startedAt: started.toISOString(), options: o, error }, null, 2) + '\n');
    console.error(`[bench] wrote ${file}`);
    process.exit(1);
  }
  const report = buildReport({
    options: {
      applications: o.applications,
      emails: o.emails,
      concurrency: o.concurrency,
      windowSeconds,
      dynamicConfig: o.dynamicConfig,
      workerMaxCachedWorkflows: process.env.WORKER_MAX_CACHED_WORKFLOWS || undefined,
      workerStickyTimeoutSeconds: process.env.WORKER_STICKY_TIMEOUT_SECONDS || undefined,
      workerWorkflowThreads: process.env.WORKER_WORKFLOW_THREADS || undefined,
      workerMaxWorkflowTasks: process.env.WORKER_MAX_WORKFLOW_TASKS || undefined,
      server: o.external
        ? { address: o.external.address, namespace: o.external.namespace, serverPids: o.external.pids }
        : undefined,
    },
    startedAt: started.toISOString(),
    plan,
    domain,
    floor,
    plain,
    mail: sink.received,
    mailBytes: sink.bytes,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    error,
  });
  const compared = baseline
    ? await compareWithBaseline(baseline, o, windowSeconds, report, join(resultsDir, id), log)
    : undefined;
  const saved = compared
    ? { ...report, command: `${report.command} --baseline ${o.baseline}`, baseline: compared.section }
    : report;
  writeFileSync(file, JSON.stringify(saved, null, 2) + '\n');
  console.log('');
  console.log(renderReport(report, compared?.shown));
  console.log('');
  console.log(`wrote ${file}`);
  process.exit(error ? 1 : 0);
}

/**
 * The baseline's bench, right after this run, with the same options and window; its results go into this
 * run's file under `baseline`. A baseline that fails is reported, and this run's results are kept.
 */
async function compareWithBaseline(
  b: Baseline,
  o: Options,
  windowSeconds: number,
  report: ReturnType<typeof buildReport>,
  logPrefix: string,
  log: (line: string) => void,
) {
  const args = [...o.baselineArgs];
  if (!args.some((a) => a === '--window-seconds' || a.startsWith('--window-seconds=')))
    args.push('--window-seconds', String(windowSeconds));
  log(`baseline: running its bench: npm run bench -- ${args.join(' ')}`);
  try {
    const run = await runBaseline(b, args, logPrefix);
    const section = {
      ref: b.ref,
      commit: b.commit,
      args,
      exitCode: run.exitCode,
      resultsFile: run.file,
      report: run.json,
    };
    if (!run.json) {
      log(`baseline: FAILED: its bench exited with ${run.exitCode} and wrote no results file`);
      return { section };
    }
    // A failed run writes its options and error only.
    const failed = (run.json as { domain?: unknown; error?: string }).domain === undefined;
    if (failed) {
      const why = String((run.json as { error?: string }).error ?? 'no error recorded').split('\n')[0];
      log(`baseline: FAILED: its bench exited with ${run.exitCode}: ${why}`);
      return { section: { ...section, error: why } };
    }
    try {
      const figures = figuresOf(run.json, `baseline ${b.ref}`);
      const label = `${b.ref} (${b.commit.slice(0, 10)}, run ${figures.applications === o.applications ? 'at the same N' : `at ${figures.applications}`})`;
      const targets = evaluateTargets(figures);
      const current = figuresOf(JSON.parse(JSON.stringify(report)), 'this run');
      return {
        section: { ...section, targets },
        shown: { comparison: renderComparison(current, figures, label), targets },
      };
    } catch (err) {
      log(`baseline: FAILED: ${(err as Error).message}`);
      return { section: { ...section, error: (err as Error).message } };
    }
  } finally {
    removeBaseline(b);
  }
}

// Bad options and an unreachable --address end here: one line, no stack.
main().catch((err) => {
  console.error(`[bench] ${(err as Error)?.message ?? err}`);
  process.exit(1);
});
