/**
 * `npm run histories:record`: runs the demo's year on a fresh in-memory dev server and writes the
 * history of the workflows it ran into test/histories/ — every campaign, title and re-evaluation
 * run, and one application per final stage — for the replay gate in test/replay.test.ts.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection, type Client } from '@temporalio/client';
import { clientOn } from '../client/connection';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { NativeConnection } from '@temporalio/worker';
import { SMTPServer } from 'smtp-server';
import { inProcessCli } from '../scenario/drivers/cli';
import { loadDirectory } from '../client/directory';
import { compressCalendar, defaultCalendar } from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import { createWorker } from '../worker/create-worker';
import { startDevServer } from './dev-server';
import { runDemoScenario } from './demo-scenario';
import { ensureKickoffSchedule } from '../client/kickoff-schedule';
import { KICKOFF_SCHEDULE_ID } from '../domain/kickoff';
import { campaignKickoff } from '../workflows/kickoff/workflow';
import { ROOT } from './temporal-binaries';

// One folder per recording, named by its date (or HISTORIES_LABEL): earlier recordings stay, so the gate keeps
// replaying the histories of every release that may still be running.
const LABEL = process.env.HISTORIES_LABEL ?? new Date().toISOString().slice(0, 10);
const OUT = join(ROOT, 'test', 'histories', LABEL);
// Committed histories must stay readable by the replay gate: they are written with the committed test key.
process.env.PAYLOAD_KEY_FILE = join(ROOT, 'test', 'keys', 'payload-keys.json');
const TASK_QUEUE = 'record-histories';

/**
 * The yearly kickoff's two paths: a scheduled run for a year without holiday data (2031: it pauses the
 * Schedule and mails the bureau, then fails) and a run by hand for the demo's year, whose campaign exists.
 */
async function runKickoffs(client: Client): Promise<void> {
  await ensureKickoffSchedule(client, { taskQueue: TASK_QUEUE });
  const schedule = client.schedule.getHandle(KICKOFF_SCHEDULE_ID);
  await schedule.backfill({ start: new Date('2031-04-01T00:59:00Z'), end: new Date('2031-04-01T01:01:00Z') });
  await client.workflow.execute(campaignKickoff, {
    workflowId: 'campaign-kickoff-by-hand-2023',
    taskQueue: TASK_QUEUE,
    args: [{ year: 2023 }],
  });
  for (let i = 0; ; i++) {
    const run = (await schedule.describe()).info.recentActions[0]?.action.workflow;
    if (
      run &&
      (await client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).describe()).status.name !== 'RUNNING'
    )
      break;
    if (i > 300) throw new Error('the scheduled kickoff did not finish within a minute');
    await new Promise((r) => setTimeout(r, 200));
  }
  await schedule.delete();
}

async function main(): Promise<void> {
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData: (s, _session, cb) => (s.resume(), s.on('end', () => cb())),
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const smtpPort = (smtp.server.address() as { port: number }).port;
  process.env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
  const server = await startDevServer();
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.TASK_QUEUE = TASK_QUEUE;
  const connection = await Connection.connect({ address: server.address });
  const client = clientOn(connection);
  const native = await NativeConnection.connect({ address: server.address });
  const worker = await createWorker({ connection: native, client, taskQueue: TASK_QUEUE });
  const running = worker.run();
  try {
    const directory = loadDirectory();
    const { calendar, timeScale } = compressCalendar(
      defaultCalendar(2023, loadWorkdays(2023)),
      Date.now() + 3_000,
      210_000,
    );
    await runDemoScenario({
      client,
      cli: inProcessCli,
      directory,
      calendar,
      timeScale,
      progress: (l) => console.log(`[record] ${l}`),
    });
    await runKickoffs(client);
    // Let the last titles settle (recovery confirmations, continue-as-new).
    await new Promise((r) => setTimeout(r, 3_000));

    mkdirSync(OUT, { recursive: true });
    for (const f of readdirSync(OUT)) if (f.endsWith('.json')) rmSync(join(OUT, f));
    const keptStages = new Set<string>();
    let written = 0;
    for await (const wf of client.workflow.list()) {
      if (wf.status.name === 'RUNNING') continue; // only finished runs: their histories are complete
      const type = wf.type;
      if (type === 'application') {
        const stage = String(wf.searchAttributes?.Stage?.[0] ?? '');
        if (keptStages.has(stage)) continue;
        keptStages.add(stage);
      }
      const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      const file = `${type}--${wf.workflowId.replace(/:/g, '')}--${wf.runId.slice(-8)}.json`; // no colons: scheduled runs end in a time
      writeFileSync(
        join(OUT, file),
        JSON.stringify({
          workflowId: wf.workflowId,
          runId: wf.runId,
          workflowType: type,
          status: wf.status.name,
          history: JSON.parse(historyToJSON(history)),
        }) + '\n',
      );
      written++;
      console.log(`[record] ${file} (${history.events?.length} events)`);
    }
    console.log(`[record] wrote ${written} histories to test/histories/${LABEL}/`);
  } finally {
    worker.shutdown();
    await running;
    await native.close();
    await connection.close();
    await server.stop();
    smtp.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
