/**
 * The four scenarios of the fault tests. Each has its own dev server on a fresh SQLite file, its own test SMTP
 * server (test/smtp.ts, in this process) and worker processes (`node <tsx cli> worker/main.ts`), and runs the
 * scripted round of round.ts. Faults are placed by a seeded random generator (FAULT_SEED), logged, so any run
 * can be repeated exactly.
 *
 * Where faults may land, and why. On the compressed calendar (100,000×: 1 s of real time is 27.8 calendar hours)
 * a worker restart (4–12 s measured on this machine, plus up to 10 s of workflow-task timeout for a task the dead
 * worker had started) costs 5 to 25 calendar days. A reminder processed late keeps its Message-ID, but the
 * workflows send only the latest reminder of a series that an outage skipped over, and none past its deadline
 * (dueSlots). So the set of Message-IDs is reproducible only if every burst of scripted actions ends before the
 * first reminder whose recipients it decides, and no outage spans two reminder instants of one series:
 *       burst                                       must end before                          slack
 *       B1 (Apr 3)  applications and paper forms    first paper-form reminder May 22 09:00   49 days = 42 s
 *       B2 (Jun 5)  街镇 decisions and lists        first review reminder Jul 20 09:00       45 days = 39 s
 *       B3 (Aug 7)  inspections and panel votes     the finalize, Sep 28 (no reminder before Oct 20)  52 days = 45 s
 *       B4 (Sep 28) finalize, objections            first objections reminder Oct 7 09:00     9 days = 7.7 s
 *       B5 (Oct 11) final confirmation              first final reminder Nov 21 09:00        41 days = 35 s
 * A burst takes 0.4–8 s undisturbed. Each gap takes at most one fault, B4 none; the two quiet kills sit where
 * nothing follows closely (end of July: the review deadline's timers; 公示 after the objections are resolved).
 * Each round checks its bursts against these instants (BurstTiming.inTime), so a machine too slow for the speed
 * fails with that message, not with a puzzling Message-ID difference.
 *
 * A worker killed while the campaign runs notifyApplications would hold the campaign's notices to its applications
 * until the activity's heartbeat timeout, and a killed startReevaluations or startTitles the campaign's start or end:
 * harmless at real speed, but on this calendar the applications would meet their deadlines without the notices.
 * So before a kill we wait until the campaign has none of these activities pending (quiesce). sendMail activities are
 * not waited for: they run beside the main loop, and a killed send is retried after its 2-minute start-to-close
 * timeout with the same Message-ID — the source of duplicate deliveries.
 */
import { Connection, type Client } from '@temporalio/client';
import { clientOn } from '../../client/connection';
import { campaignWorkflowId } from '../../temporal/ids';
import { loadDirectory } from '../../client/directory';
import { roundStory } from '../../scenario/round';
import { toCalendar, toReal, type TimeScale } from '../../domain/time-scale';
import { rng } from '../fuzz-payloads'; // seeded, so a failing run can be repeated with FAULT_SEED
import { startTestSmtp, type TestSmtp } from '../smtp';
import { FAULT_YEAR, fmtCal, runRound, type CliResult, type RoundHooks, type RoundOutcome, type Step } from './round';
import { FaultServer, makeLog, tolerateSmtpClientResets, WorkerProcess, type FaultBackend } from './stack';

export const TASK_QUEUE = 'red-model-faults';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const pickInt = (r: () => number, lo: number, hiExclusive: number) => lo + Math.floor(r() * (hiExclusive - lo));

export interface FaultEvent {
  what: string;
  /** Calendar instant (ISO) of the fault. */
  calendar: string;
  /** Real ms the outage lasted (until the replacement was ready), if any. */
  outageMs?: number;
}

export interface ScenarioReport {
  name: string;
  seed?: number;
  outcome: RoundOutcome;
  faults: FaultEvent[];
  /** Worker exits nobody asked for (e.g. a worker giving up while the server was away), and restarts by the harness. */
  unexpectedWorkerExits: number;
  logFile: string;
}

export interface Stack<B extends FaultBackend = FaultServer> {
  name: string;
  server: B;
  smtp: TestSmtp;
  workers: WorkerProcess[];
  client: Client;
  log: (line: string) => void;
  logFile: string;
  onMailReceived?: () => Promise<void>;
}

/**
 * Starts server, SMTP and `workers` worker processes; runs `body`; always tears everything down.
 * `stack.onMailReceived` is awaited by the SMTP server after it has read a whole message and before it answers
 * 250 (test/smtp.ts's `clock` option): a fault injected there hits a send whose mail has arrived but whose sender
 * never hears so — the window in which retries deliver duplicates.
 */
export async function withStack<T, B extends FaultBackend = FaultServer>(
  name: string,
  workers: number,
  body: (s: Stack<B>) => Promise<T>,
  backend?: B,
): Promise<T> {
  const { log, stream, path } = makeLog(name);
  const server = backend ?? (new FaultServer(name) as FaultBackend as B);
  let smtp: TestSmtp | undefined;
  const procs: WorkerProcess[] = [];
  let connection: Connection | undefined;
  try {
    log(`${server.where}: ready in ${await server.start()} ms (${server.address})`);
    const hook: { stack?: Stack<B> } = {};
    tolerateSmtpClientResets();
    smtp = await startTestSmtp({
      clock: async () => {
        await hook.stack?.onMailReceived?.();
        return Date.now();
      },
    });
    for (let i = 0; i < workers; i++) {
      const w = new WorkerProcess(`${name}-worker-${String.fromCharCode(97 + i)}`, {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_NAMESPACE: server.namespace,
        TASK_QUEUE,
        SMTP_URL: smtp.url,
      });
      procs.push(w);
      log(`${w.name}: ready in ${await w.start()} ms`);
    }
    connection = await Connection.connect({ address: server.address });
    const client = clientOn(connection, server.namespace);
    const stack: Stack<B> = { name, server, smtp, workers: procs, client, log, logFile: path };
    hook.stack = stack;
    return await body(stack);
  } finally {
    await connection?.close().catch(() => {});
    for (const w of procs) await w.close().catch(() => {});
    await smtp?.close().catch(() => {});
    await server.dispose().catch(() => {});
    await new Promise<void>((r) => stream.end(() => r()));
  }
}

/** Waits until the campaign runs none of the activities a kill must not catch (see the header). */
export async function quiesce(client: Client, log: (l: string) => void): Promise<void> {
  const blocking = new Set(['notifyApplications', 'startTitles', 'startReevaluations']);
  const deadline = Date.now() + 120_000;
  let logged = false;
  for (;;) {
    try {
      const d = await client.workflow.getHandle(campaignWorkflowId(FAULT_YEAR)).describe();
      const pending = (d.raw.pendingActivities ?? []).filter((a) => blocking.has(a.activityType?.name ?? ''));
      if (pending.length === 0) return;
      if (!logged) log(`  waiting for ${pending.map((a) => a.activityType?.name).join(', ')} before the fault`);
      logged = true;
    } catch {
      // server away: try again
    }
    if (Date.now() > deadline) throw new Error('the campaign kept a blocking activity pending for 2 minutes');
    await sleep(25);
  }
}

/** Kills one worker (after waiting for quiet), then starts a replacement in the background; kills are serialised. */
export class WorkerKiller {
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  readonly faults: FaultEvent[] = [];
  cal?: TimeScale;

  constructor(
    private readonly stack: Stack<FaultBackend>,
    private readonly worker: WorkerProcess,
    private readonly restart: boolean,
  ) {}

  /** Resolves once the worker is dead; the restart goes on in the background (see settled()). */
  kill(what: string): Promise<void> {
    const killed = this.chain.then(async () => {
      await quiesce(this.stack.client, this.stack.log);
      const at = Date.now();
      await this.worker.kill();
      const event: FaultEvent = { what, calendar: this.cal ? new Date(toCalendar(this.cal, at)).toISOString() : '' };
      this.faults.push(event);
      this.stack.log(
        `SIGKILL ${this.worker.name} (${what}) at calendar ${this.cal ? fmtCal(toCalendar(this.cal, at)) : '?'}`,
      );
      return { at, event };
    });
    this.chain = killed
      .then(async ({ at, event }) => {
        if (!this.restart) return;
        const ms = await this.worker.start();
        event.outageMs = Date.now() - at;
        this.stack.log(`  ${this.worker.name} restarted: ready in ${ms} ms, ${event.outageMs} ms after the kill`);
      })
      .catch((err) => {
        this.failure ??= err;
      });
    return killed.then(() => undefined);
  }

  async settled(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure;
  }
}

/** Keeps a worker alive: restarts it if it exits on its own (reported, not hidden). */
export function superviseUnexpected(
  stack: Stack<FaultBackend>,
  w: WorkerProcess,
): { stop(): void; restarts: () => number } {
  let restarts = 0;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || w.alive() || w.unexpectedExits.length <= restarts) return;
    restarts++;
    stack.log(`!! ${w.name} exited by itself (${JSON.stringify(w.unexpectedExits[restarts - 1].info)}); restarting it`);
    w.start().then(
      (ms) => stack.log(`  ${w.name} restarted after its own exit: ready in ${ms} ms`),
      (err) => stack.log(`  could not restart ${w.name}: ${String(err)}`),
    );
  }, 200);
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
    restarts: () => restarts,
  };
}

// ---- 1. the undisturbed reference -----------------------------------------------------------------

export async function referenceRun(): Promise<ScenarioReport> {
  return withStack('reference', 1, async (s) => {
    const outcome = await runRound({
      name: s.name,
      address: s.server.address,
      taskQueue: TASK_QUEUE,
      smtp: s.smtp,
      log: s.log,
    });
    return {
      name: 'reference',
      outcome,
      faults: [],
      unexpectedWorkerExits: s.workers[0].unexpectedExits.length,
      logFile: s.logFile,
    };
  });
}

// ---- 2. the worker SIGKILLed at five moments, restarted each time ------------------------------------

export async function workerKillsRun(seed: number): Promise<ScenarioReport> {
  return withStack('worker-kills', 1, async (s) => {
    const r = rng(seed);
    const killer = new WorkerKiller(s, s.workers[0], true);
    const guard = superviseUnexpected(s, s.workers[0]);
    // Five moments, at most one in each gap before a reminder that the actors' timing decides (see the header):
    //   (1) while the campaign-opened notices go out: the SMTP server has read mail #n and not yet answered 250
    //       (B1 starts 2 calendar days later, so its first actions are sent while the worker is away);
    //   (2) during a random 街镇 decision of B2, in flight;
    //   (3) a random instant of Jul 29 12:00 – Aug 2 (after the last review reminder was queued; the review
    //       deadline's timers fire while the worker is away);
    //   (4) during a random action of B3, in flight;
    //   (5) a random instant of 公示 after both objections are resolved, Sep 30 – Oct 6 (the end of 公示 and its
    //       reminder instants pass while the worker is away; the confirmation waits for it).
    const opensAfter = pickInt(r, 1, 6);
    const b2Decision = pickInt(r, 0, 30);
    const lateJuly = Date.parse('2023-07-29T12:00:00Z') + Math.floor(r() * 3.5 * 86_400_000);
    const b3 = pickInt(r, 0, 24);
    const publicity = Date.parse('2023-09-30T00:00:00Z') + Math.floor(r() * 6 * 86_400_000);
    const inFlightDelay = () => pickInt(r, 0, 40);
    s.log(
      `seed ${seed}: kill on receipt of campaign-opened mail #${opensAfter}; during B2 decision #${b2Decision}; at calendar ${fmtCal(lateJuly)}; during B3 action #${b3}; at calendar ${fmtCal(publicity)}`,
    );

    let stepKill: Promise<void> | undefined;
    let armPublicity = () => {};
    const timers: NodeJS.Timeout[] = [];
    let b2Decisions = -1;
    const hooks: RoundHooks = {
      started(cal) {
        killer.cal = cal;
        let received = 0;
        s.onMailReceived = async () => {
          if (++received !== opensAfter) return;
          await killer.kill(
            `campaign-opened notices being sent: SMTP server has read mail #${received} and not yet answered 250`,
          );
        };
        const at = (ms: number, what: string) =>
          timers.push(setTimeout(() => void killer.kill(what), Math.max(0, toReal(cal, ms) - Date.now())));
        at(lateJuly, 'quiet, review deadline ahead');
        // Only once B4 is done (its objections must beat their reminder): armed in afterStep below.
        armPublicity = () => at(publicity, '公示, objections resolved, end of 公示 ahead');
      },
      async beforeStep(step: Step) {
        if (step.burst === 'B2 review' && !step.label.startsWith('confirm-list')) b2Decisions++;
        const hit =
          (step.burst === 'B2 review' && !step.label.startsWith('confirm-list') && b2Decisions === b2Decision) ||
          (step.burst === 'B3 inspection+panel' && step.indexInBurst === b3);
        if (!hit) return;
        // Quiet first (no blocking activity), then kill while this action is in flight.
        await quiesce(s.client, s.log);
        const delay = inFlightDelay();
        stepKill = sleep(delay).then(() => killer.kill(`${step.burst}: during "${step.label}" (+${delay} ms)`));
      },
      async afterStep(step: Step) {
        // The next action must not start before the kill: it could be one that starts a blocking activity.
        if (stepKill) await stepKill;
        stepKill = undefined;
        if (step.burst === 'B4 finalize+objections' && step.lastInBurst) armPublicity();
      },
    };
    try {
      const outcome = await runRound({
        name: s.name,
        address: s.server.address,
        taskQueue: TASK_QUEUE,
        smtp: s.smtp,
        log: s.log,
        hooks,
      });
      await killer.settled();
      if (killer.faults.length !== 5) throw new Error(`expected 5 kills, made ${killer.faults.length}`);
      return {
        name: 'worker-kills',
        seed,
        outcome,
        faults: killer.faults,
        unexpectedWorkerExits: s.workers[0].unexpectedExits.length,
        logFile: s.logFile,
      };
    } finally {
      timers.forEach((t) => clearInterval(t));
      guard.stop();
    }
  });
}

// ---- 3. the dev server stopped mid-round and started again on the same SQLite file and port ------------

export async function serverRestartRun(seed: number): Promise<ScenarioReport> {
  return withStack('server-restart', 1, async (s) => {
    const r = rng(seed);
    // A B3 action with at least four after it, so that actions are sent while the server is away.
    const at = pickInt(r, 0, 20);
    const delay = pickInt(r, 0, 40);
    // Kept down 5–10 s: long enough that the SDK's own gRPC retries give up and the actors must cope.
    const downMs = pickInt(r, 5_000, 10_000);
    // Lost replies: the action takes effect but the actor hears an error. It must read, not re-send:
    // a submission, a panel vote and an objection (each filing would be a new objection).
    const d = loadDirectory();
    const { plan } = roundStory(d, { year: FAULT_YEAR });
    const lose = new Set([
      `submit ${d.committees[pickInt(r, 0, d.committees.length)].id}`,
      `vote ${plan.ranking[pickInt(r, 0, plan.ranking.length)]}`,
      `objection against ${plan.removed}`,
    ]);
    const faults: FaultEvent[] = [];
    const guard = superviseUnexpected(s, s.workers[0]);
    let cal: TimeScale | undefined;
    let restart: Promise<void> | undefined;
    let stopped: Promise<void> | undefined;
    s.log(
      `seed ${seed}: server stop during B3 action #${at} (+${delay} ms), down ${downMs} ms; replies lost for: ${[...lose].join(' | ')}`,
    );
    const hooks: RoundHooks = {
      started: (c) => void (cal = c),
      async beforeStep(step) {
        if (step.burst !== 'B3 inspection+panel' || step.indexInBurst !== at) return;
        let t = 0;
        stopped = sleep(delay).then(async () => {
          t = Date.now();
          const stopMs = await s.server.stop();
          s.log(
            `dev server stopped (SIGTERM${stopMs > 9_500 ? ', then SIGKILL' : ''}) in ${stopMs} ms, during "${step.label}", at calendar ${fmtCal(toCalendar(cal!, t))}; down for ${downMs} ms more`,
          );
        });
        restart = stopped.then(async () => {
          await sleep(downMs);
          const startMs = await s.server.start();
          const event: FaultEvent = {
            what: `dev server stopped during "${step.label}" and started again`,
            calendar: new Date(toCalendar(cal!, t)).toISOString(),
            outageMs: Date.now() - t,
          };
          faults.push(event);
          s.log(`dev server started again on the same file and port in ${startMs} ms; away ${event.outageMs} ms`);
        });
      },
      async afterStep() {
        // The next actions go out while the server is away.
        if (stopped) await stopped;
        stopped = undefined;
      },
      async cli(step, real): Promise<CliResult> {
        const res = await real(step.argv());
        if (res.code !== 0 || !lose.delete(step.label)) return res;
        faults.push({
          what: `reply lost after "${step.label}" took effect`,
          calendar: new Date(toCalendar(cal!, Date.now())).toISOString(),
        });
        s.log(`  (injected) the reply of "${step.label}" is lost`);
        return { code: 1, stdout: '', stderr: 'error: injected fault: connection reset before the reply' };
      },
    };
    try {
      const outcome = await runRound({
        name: s.name,
        address: s.server.address,
        taskQueue: TASK_QUEUE,
        smtp: s.smtp,
        log: s.log,
        hooks,
      });
      await restart;
      return {
        name: 'server-restart',
        seed,
        outcome,
        faults,
        unexpectedWorkerExits: s.workers[0].unexpectedExits.length,
        logFile: s.logFile,
      };
    } finally {
      guard.stop();
    }
  });
}

// ---- 4. two workers on the task queue, one SIGKILLed mid-round --------------------------------------

export async function twoWorkersRun(seed: number): Promise<ScenarioReport> {
  return withStack('two-workers', 2, async (s) => {
    const r = rng(seed);
    const victim = s.workers[pickInt(r, 0, 2)];
    const killer = new WorkerKiller(s, victim, false);
    const b2Decision = pickInt(r, 0, 30);
    const delay = pickInt(r, 0, 40);
    s.log(
      `seed ${seed}: SIGKILL ${victim.name} during B2 decision #${b2Decision} (+${delay} ms); the other worker carries on alone`,
    );
    let b2Decisions = -1;
    let stepKill: Promise<void> | undefined;
    const hooks: RoundHooks = {
      started: (cal) => void (killer.cal = cal),
      async beforeStep(step) {
        if (step.burst !== 'B2 review' || step.label.startsWith('confirm-list')) return;
        if (++b2Decisions !== b2Decision) return;
        await quiesce(s.client, s.log);
        stepKill = sleep(delay).then(() => killer.kill(`B2: during "${step.label}" (+${delay} ms)`));
      },
      async afterStep() {
        if (stepKill) await stepKill;
        stepKill = undefined;
      },
    };
    const outcome = await runRound({
      name: s.name,
      address: s.server.address,
      taskQueue: TASK_QUEUE,
      smtp: s.smtp,
      log: s.log,
      hooks,
    });
    await killer.settled();
    const survivor = s.workers.find((w) => w !== victim)!;
    return {
      name: 'two-workers',
      seed,
      outcome,
      faults: killer.faults,
      unexpectedWorkerExits: survivor.unexpectedExits.length,
      logFile: s.logFile,
    };
  });
}
