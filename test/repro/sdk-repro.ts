/**
 * Minimal reproduction of the SDK defect the worker-kill fault test found (TS SDK 1.24.0, its bundled sdk-core):
 * `npx tsx test/repro/sdk-repro.ts [clock|update]` (add MAX_CACHED_WORKFLOWS=0 or WORKER_COLD_START_SECONDS=5 to see
 * the mitigations). About 40 s.
 *
 *   1. Worker A runs a workflow that sleeps until a deadline and then branches on Date.now() (sdk-repro-workflow.ts).
 *   2. A is SIGKILLed. Clients keep querying the workflow (as `campaign status` pollers do).
 *   3. The timer fires while no worker runs; the workflow task goes to A's dead sticky queue and times out unstarted
 *      (WorkflowTaskScheduled → WorkflowTaskTimedOut), then is scheduled again on the normal queue.
 *   4. Worker B starts. A query reaches it first, so it caches the run from history; then it gets the workflow task.
 * Live, that activation's Date.now() is still the previous task's time (the branch is not taken; the workflow sleeps
 * again). Replaying the same history gives the task's real start time (the branch is taken), so the history does not
 * replay: "[TMPRL1100] Nondeterminism error". Without step 2's queries, or with maxCachedWorkflows: 0, it does not happen.
 *
 * `update`: the same steps, and an Update is sent while no worker runs, after the timer fired. Live, the Update is
 * handled after the timer's reaction (a command); a replay handles it first ("Update machine does not handle this
 * event"). The Date.now() the workflow reads plays no part in it.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { join } from 'node:path';
import { z } from 'zod';
import { startDevServer } from '../../scripts/dev-server';
import { spawnSupervised } from '../../scripts/supervise';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
Runtime.install({ logger: new DefaultLogger('WARN') });

async function startWorker(name: string) {
  let ready!: () => void;
  const up = new Promise<void>((r) => (ready = r));
  const sink = { write: () => true } as unknown as NodeJS.WritableStream;
  const w = spawnSupervised(
    name,
    process.execPath,
    [require.resolve('tsx/cli'), join(__dirname, 'sdk-repro-worker.ts')],
    {
      env: { ...process.env },
      stdout: sink,
      stderr: sink,
      onLine: (l) => l.includes('worker polling') && ready(),
    },
  );
  await up;
  return w;
}

const variant = z.enum(['clock', 'update']).parse(process.argv[2] ?? 'clock');

async function main(): Promise<boolean> {
  const server = await startDevServer({ stdio: 'ignore' });
  process.env.TEMPORAL_ADDRESS = server.address;
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  let polling = true;
  try {
    const a = await startWorker('A');
    const deadline = Date.now() + 8_000;
    const handle = await client.workflow.start(variant === 'clock' ? 'phaseLoop' : 'timerThenUpdate', {
      taskQueue: 'sdk-repro',
      workflowId: `sdk-repro-${Date.now()}`,
      args: [deadline],
    });
    await sleep(1_500);
    await a.stop({ signal: 'SIGKILL' });
    void (async () => {
      while (polling) {
        await handle.query('__stack_trace').catch(() => undefined);
        await sleep(200);
      }
    })();
    let update: Promise<string> | undefined;
    if (variant === 'update') {
      await sleep(7_000); // the timer fires meanwhile; the Update waits for a worker
      update = handle.executeUpdate<string, []>('confirm');
      await sleep(3_000);
    } else await sleep(10_000);
    const b = await startWorker('B');
    if (update) console.log(`update: ${await update}`);
    const seen = await handle.result();
    polling = false;
    if (variant === 'clock')
      console.log(
        `live Date.now() of each activation, ms after the deadline: ${(seen as number[]).map((t) => t - deadline).join(', ')}`,
      );
    const history = await handle.fetchHistory();
    let ok = true;
    try {
      await Worker.runReplayHistory(
        { workflowsPath: require.resolve('./sdk-repro-workflow') },
        history,
        handle.workflowId,
      );
      console.log('replay: OK');
    } catch (err) {
      ok = false;
      console.log(`replay: FAILED — ${String(err).slice(0, 400)}`);
    }
    await b.stop();
    return ok;
  } finally {
    polling = false;
    await connection.close();
    await server.stop();
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
