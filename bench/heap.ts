/**
 * `npm run bench:heap -- [--counts 0,200,1000] [--snapshot-at 50] [--modes domain,floor] [--worker-options JSON]`
 *
 * What one cached workflow costs the worker. For each mode (the project's worker, the floor's), a fresh
 * dev server (scripts/dev-server.ts), an SMTP sink and bench/heap-worker.ts as a child process; then
 * - domain: one campaign whose applications window stays open for an hour, and N applications submitted
 *   through client/applications.ts; each waits in its pre-review loop, so it stays cached;
 * - floor: one floorCampaign and N floorApplications (bench/floor-workflows.ts) waiting for their notices.
 * At each count the worker is measured after two full GCs (heap used, RSS, cached workflows); the slope
 * over the counts is the cost per cached workflow. At --snapshot-at applications a V8 heap snapshot is
 * written and attributed (bench/heap-snapshot.ts): retained size per workflow sandbox, per module
 * instantiated inside it (zod, domain, workflows, templates) and per kind of state.
 *
 * Writes bench/results/heap-<date-time>.json and prints a table. Figures depend on machine load: the
 * load average is recorded beside them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { z } from 'zod';
import { generateDirectory } from '../data/generate-directory';
import { clientOn } from '../client/connection';
import { startCampaign, campaignStatus } from '../client/campaigns';
import { submitApplication } from '../client/applications';
import { compressCalendar, defaultCalendar } from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import { startDevServer } from '../scripts/dev-server';
import { startSmtpSink } from './smtp-sink';
import { forEachConcurrent, Retries, sleep } from './stats';
import type { Measurement } from './heap-worker';
import { floorApplication, floorCampaign, type FloorAppProfile } from './floor-workflows';
import { analyseSnapshot, type SnapshotReport } from './heap-snapshot';

const ROOT = join(__dirname, '..');
const FORM = JSON.parse(readFileSync(join(ROOT, 'data', 'example-form.json'), 'utf8'));
const DAY = 86_400_000;
/** An application's floor twin, as a 1,000 run's floor plan has it on average (bench/profile.ts floorPlanFrom). */
const FLOOR_APP: FloorAppProfile = {
  signalsAtStart: 1,
  signalsPerUpdate: 1,
  timersFired: 0,
  timersCanceled: 1,
  activities: 0,
  upserts: 4,
  notices: 3,
};

const argsSchema = z.object({
  counts: z.array(z.number().int().min(0)).min(2),
  snapshotAt: z.number().int().min(0).optional(),
  modes: z.array(z.enum(['domain', 'floor'])).min(1),
  workerOptions: z.record(z.string(), z.unknown()),
  label: z.string().default(''),
});
type Args = z.infer<typeof argsSchema>;

function parseArgs(argv: string[]): Args {
  const raw: Record<string, unknown> = { counts: [0, 200, 1000], modes: ['domain', 'floor'], workerOptions: {} };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--counts') raw.counts = String(v).split(',').map(Number);
    else if (argv[i] === '--snapshot-at') raw.snapshotAt = Number(v);
    else if (argv[i] === '--no-snapshot') raw.snapshotAt = undefined;
    else if (argv[i] === '--modes') raw.modes = String(v).split(',');
    else if (argv[i] === '--worker-options') raw.workerOptions = JSON.parse(String(v));
    else if (argv[i] === '--label') raw.label = v;
    else throw new Error(`unknown option ${argv[i]}`);
    if (argv[i] !== '--no-snapshot') i++;
  }
  if (!('snapshotAt' in raw)) raw.snapshotAt = 50;
  const r = argsSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`--${issue.path.join('.')}: ${issue.message}`);
  }
  return r.data;
}

interface Point extends Measurement {
  n: number;
  load1: number;
}

export interface ModeResult {
  mode: 'domain' | 'floor';
  points: Point[];
  /** Least-squares slope over the points, bytes per workflow started (the campaign's growth included). */
  heapPerWorkflow: number;
  rssPerWorkflow: number;
  snapshot?: SnapshotReport;
}

const slope = (xs: number[], ys: number[]) => {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return num / den;
};

function spawnWorker(env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = fork(join(__dirname, 'heap-worker.ts'), [], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  return child;
}

function request(child: ChildProcess, expect: number, snapshot?: string): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`heap worker exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as Measurement);
    });
    child.send({ cmd: 'measure', snapshot, expect });
  });
}

async function runMode(
  mode: 'domain' | 'floor',
  a: Args,
  stamp: string,
  log: (s: string) => void,
): Promise<ModeResult> {
  const sink = await startSmtpSink();
  const server = await startDevServer({ headless: true, readyTimeoutMs: 120_000, stdio: 'ignore' });
  const taskQueue = `heap-${mode}`;
  const logFile = join(ROOT, 'bench', 'results', `heap-${stamp}-${mode}-worker.log`);
  const child = spawnWorker(
    {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      TASK_QUEUE: taskQueue,
      SMTP_URL: sink.url,
      HEAP_MODE: mode,
      HEAP_WORKER_OPTIONS: JSON.stringify(a.workerOptions),
    },
    logFile,
  );
  const connection = await Connection.connect({ address: server.address });
  const client = clientOn(connection, 'default');
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`heap worker exited (${code}); see ${logFile}`)));
      child.once('message', () => resolve());
    });
    log(`${mode}: worker ready (dev server ${server.address})`);
    const counts = [...new Set([...a.counts, ...(a.snapshotAt !== undefined ? [a.snapshotAt] : [])])].sort(
      (x, y) => x - y,
    );
    const max = counts[counts.length - 1];
    const directory = generateDirectory(Math.max(1, Math.ceil(max / 10)));
    const committees = directory.committees.map((c) => c.id);
    const year = 2100;
    let submit: (committeeId: string) => Promise<unknown>;
    if (mode === 'domain') {
      // The applications window opens in 3 s and lasts an hour: every application waits in its pre-review loop.
      const base = { ...defaultCalendar(2023, loadWorkdays(2023)), year };
      const { calendar, timeScale } = compressCalendar(base, Date.now() + 3_000, (61 * DAY) / 3_600_000);
      await startCampaign(client, { calendar, timeScale, directory, taskQueue });
      const deadline = Date.now() + 60_000;
      while ((await campaignStatus(client, year)).phase !== 'applications') {
        if (Date.now() > deadline) throw new Error('the campaign did not open for applications');
        await sleep(200);
      }
      submit = (committeeId) =>
        submitApplication(client, {
          year,
          directory,
          committeeId,
          form: { ...FORM, paperFormReceived: true },
          taskQueue,
        });
    } else {
      const coordinatorId = `floor-campaign-${year}`;
      await client.workflow.start(floorCampaign, {
        workflowId: coordinatorId,
        taskQueue,
        args: [
          {
            profile: { activities: 0, timersFired: 0, timersCanceled: 1, upserts: 0, continueAsNewAt: 3_000 },
            appIdPrefix: `floor-application-${year}-`,
          },
        ],
      });
      submit = (committeeId) =>
        client.workflow.start(floorApplication, {
          workflowId: `floor-application-${year}-${committeeId}`,
          taskQueue,
          args: [{ coordinatorId, committeeId, profile: FLOOR_APP }],
        });
    }
    const points: Point[] = [];
    // A campaign query can time out while the campaign's task runs (bench/README.md, Queries): tried again, as the bench does.
    const retries = new Retries();
    let started = 0;
    let snapshot: SnapshotReport | undefined;
    let snapshotFile: string | undefined;
    for (const n of counts) {
      await forEachConcurrent(
        committees.slice(started, n),
        8,
        async (id) => void (await retries.run('submit', () => submit(id))),
      );
      started = n;
      const file = n === a.snapshotAt ? join('/tmp', `heap-${stamp}-${mode}-${n}.heapsnapshot`) : undefined;
      // The campaign (or the floor's coordinator) is cached too.
      const m = await request(child, n + 1, file);
      points.push({ n, load1: loadavg()[0], ...m });
      if (m.snapshot) snapshotFile = m.snapshot;
      log(
        `${mode}: ${n} started, ${m.cachedWorkflows} cached: heap ${(m.heapUsed / 2 ** 20).toFixed(1)} MiB, rss ${(m.rss / 2 ** 20).toFixed(1)} MiB, load ${loadavg()[0].toFixed(2)}${m.snapshot ? `, snapshot ${m.snapshot}` : ''}`,
      );
    }
    // Nothing to drain: the measurements are taken.
    child.kill('SIGKILL');
    if (snapshotFile) {
      log(`${mode}: attributing ${snapshotFile}…`);
      snapshot = analyseSnapshot(snapshotFile);
    }
    const measured = points.filter((p) => a.counts.includes(p.n));
    return {
      mode,
      points,
      heapPerWorkflow: slope(
        measured.map((p) => p.n),
        measured.map((p) => p.heapUsed),
      ),
      rssPerWorkflow: slope(
        measured.map((p) => p.n),
        measured.map((p) => p.rss),
      ),
      snapshot,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await connection.close();
    await server.stop();
    await sink.close();
  }
}

const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;

function render(results: ModeResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.mode}: per cached workflow ${kib(r.heapPerWorkflow)} heap, ${kib(r.rssPerWorkflow)} RSS`);
    for (const p of r.points)
      lines.push(
        `  n=${p.n}: cached ${p.cachedWorkflows}, heap ${kib(p.heapUsed)}, rss ${kib(p.rss)}, external ${kib(p.external)}, load ${p.load1.toFixed(2)}`,
      );
    if (r.snapshot) lines.push(...r.snapshot.lines.map((l) => `  ${l}`));
  }
  return lines.join('\n');
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const log = (s: string) => console.log(`[heap] ${s}`);
  const results: ModeResult[] = [];
  for (const mode of a.modes) results.push(await runMode(mode, a, stamp, log));
  const file = join(ROOT, 'bench', 'results', `heap-${stamp}${a.label ? `-${a.label}` : ''}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { startedAt: stamp, args: a, load: loadavg(), results },
      (k, v) => (k === 'lines' ? undefined : v),
      2,
    ),
  );
  console.log(render(results));
  console.log(`[heap] wrote ${file}`);
}

if (require.main === module)
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
