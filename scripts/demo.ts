/**
 * `npm run demo [-- --keep]`: a whole year in about two minutes. Starts the local stack if none is
 * up (on a database of its own), imports the 2022 holders, runs a compressed 2023 round with
 * scripted actors through the same CLI commands a person types, shows progress, prints a summary.
 */
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { inProcessCli } from '../scenario/drivers/cli';
import { campaignStatus } from '../client/campaigns';
import { createClient } from '../client/connection';
import { loadDirectory } from '../client/directory';
import { compressCalendar, defaultCalendar, formatBeijing } from '../domain/calendar';
import { toCalendar, type TimeScale } from '../domain/time-scale';
import { loadWorkdays } from '../domain/holidays';
import { campaignWorkflowId } from '../temporal/ids';
import { STAGE_LABELS, type ApplicationStage } from '../domain/stages';
import { runDemoScenario, type DemoOutcome } from './demo-scenario';
import { spawnSupervised, type Supervised } from './supervise';
import { ROOT } from './temporal-binaries';

const KEEP = process.argv.includes('--keep');
const YEAR = 2023;
/** Apr 1 → Nov 30 (244 days) in about 100 s. */
const SPEED = 210_000;
const UI = 'http://127.0.0.1:8233';
const MAIL = 'http://127.0.0.1:1080';
const CONSOLE = (process.env.PUBLIC_BASE_URL || `http://127.0.0.1:${process.env.PORT || 3000}`).replace(/\/+$/, '');

const say = (line: string) => console.log(`[demo] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function portAnswers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const finish = (ok: boolean) => (socket.destroy(), done(ok));
    socket.setTimeout(1_000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

async function startStack(): Promise<Supervised> {
  const dataFile = join(ROOT, '.data', 'demo.sqlite');
  const mailDir = join(ROOT, '.data', 'demo-mail');
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  rmSync(dataFile, { force: true });
  rmSync(mailDir, { recursive: true, force: true });
  say('starting the local stack (Temporal dev server, worker, mail catcher) on .data/demo.sqlite …');
  const log = createWriteStream(join(ROOT, '.data', 'demo-stack.log'));
  let ready!: () => void;
  const up = new Promise<void>((r) => (ready = r));
  const stack = spawnSupervised(
    'stack',
    process.execPath,
    [require.resolve('tsx/cli'), join(ROOT, 'scripts', 'start.ts')],
    {
      env: { ...process.env, TEMPORAL_DB_FILE: dataFile, MAIL_DIR: mailDir },
      onLine: (line) => {
        if (/Web UI/.test(line)) ready();
      },
      // The stack's own output goes to a log file, so the terminal shows the round.
      stdout: KEEP ? process.stdout : log,
      stderr: KEEP ? process.stderr : log,
    },
  );
  say(`stack output: ${join('.data', 'demo-stack.log')}`);
  await Promise.race([
    up,
    stack.exited.then((e) => Promise.reject(new Error(`the stack exited during startup (${JSON.stringify(e)})`))),
  ]);
  return stack;
}

/** Prints the phase and counts per stage whenever they change. */
/** Polls the campaign's status twice a second; the returned stop waits for the poll in flight to end. */
function watchProgress(client: Client, timeScale: () => TimeScale | undefined): () => Promise<void> {
  let last = '';
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const scale = timeScale();
        if (!scale) throw new Error('not started yet');
        const s = await campaignStatus(client, YEAR);
        const counts = Object.entries(s.counts.byStage)
          .map(([k, v]) => `${STAGE_LABELS[k as ApplicationStage] ?? k} ${v}`)
          .join(' · ');
        const line = `${s.phase.padEnd(21)} ${counts}`;
        if (line !== last) {
          say(`${formatBeijing(toCalendar(scale, Date.now())).slice(0, 10)}  ${line}`);
          last = line;
        }
      } catch {
        // Not started yet.
      }
      await sleep(500);
    }
  })();
  // A query still in flight (or a gRPC retry it scheduled) when the connection closes fails the process with
  // "Channel has been shut down": close only after it has ended.
  return async () => {
    stopped = true;
    await loop;
  };
}

async function mailCount(): Promise<number | undefined> {
  try {
    const res = await fetch(`${MAIL}/api/email/summary?limit=1`, { signal: AbortSignal.timeout(3_000) });
    return ((await res.json()) as { total: number }).total;
  } catch {
    return undefined;
  }
}

function summary(outcome: DemoOutcome, emails: number | undefined): string {
  const lines = ['', '══ 2023 红色示范业委会 — summary ══', 'Final list (最终名单):'];
  outcome.finalList.forEach((c, i) => lines.push(`  ${i + 1}. ${c}`));
  lines.push(`Removed after an upheld objection: ${outcome.removed.join(', ') || '—'}`);
  lines.push(`2022 holders that passed re-evaluation (复评通过): ${outcome.passed.join('、') || '—'}`);
  lines.push('Revocations (退出):');
  for (const r of outcome.revocations) lines.push(`  ${r}`);
  if (!outcome.revocations.length) lines.push('  —');
  lines.push(`Emails sent: ${emails ?? 'unknown (mail catcher not reachable)'}`);
  lines.push(
    '',
    `Web console:  ${CONSOLE}`,
    `Temporal UI:  ${UI}/namespaces/default/workflows`,
    `Mail catcher: ${MAIL}`,
  );
  return lines.join('\n');
}

async function main(): Promise<number> {
  const started = Date.now();
  const stack = (await portAnswers(7233)) ? undefined : await startStack();
  if (!stack) say('using the stack that is already up on 127.0.0.1:7233');
  const client = await createClient();
  let stopWatching = async () => {};
  try {
    const exists = await client.workflow
      .getHandle(campaignWorkflowId(YEAR))
      .describe()
      .then(
        () => true,
        () => false,
      );
    if (exists) {
      console.error(
        `error: campaign-${YEAR} already exists on the running stack; stop it (Ctrl-C in npm start) and run the demo again: it then uses a database of its own`,
      );
      return 1;
    }
    const directory = loadDirectory();
    const base = defaultCalendar(YEAR, loadWorkdays(YEAR));
    let campaignScale: TimeScale | undefined;
    stopWatching = watchProgress(client, () => campaignScale);
    const outcome = await runDemoScenario({
      client,
      cli: inProcessCli,
      directory,
      // Apr 1 opens 30 s after the start: on a loaded machine the new campaign took 19 s to answer its first status
      // query, and the applications window (about 25 s at this speed) had all but closed by then.
      calendar: () => compressCalendar(base, Date.now() + 30_000, SPEED),
      started: (timeScale) => (campaignScale = timeScale),
      progress: say,
    });
    await stopWatching();
    console.log(summary(outcome, await mailCount()));
    say(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    await stopWatching();
    await client.connection.close();
    // Also when the scenario fails: a dev server left behind would hold port 7233 for the next demo.
    if (stack && !KEEP) await stack.stop({ signal: 'SIGINT' });
  }
  if (stack && KEEP) {
    say('--keep: the stack stays up; stop it with Ctrl-C');
    // The stack's processes lead process groups of their own, so Ctrl-C reaches only this one: stop them here.
    const stopStack = () => void stack.stop({ signal: 'SIGINT' }).finally(() => process.exit(0));
    process.once('SIGINT', stopStack).once('SIGTERM', stopStack);
  }
  return 0;
}

main().then(
  (code) => {
    if (!KEEP || code !== 0) process.exit(code);
  },
  (err) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
