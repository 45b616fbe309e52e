/**
 * The fault runner's driver of the story (scenario/round.ts): the same CLI command lines as the demo's, by the same
 * actors, on the 2023 calendar compressed SPEED times and relabelled FAULT_YEAR — played so that:
 *
 *  1. Actors cope with a server or worker that is away. A failed CLI action is never re-sent blindly: the actor
 *     first reads, through a status query or describe, whether the action took effect anyway (the reply may be
 *     what was lost), and only re-sends it when it did not. Reads wait until the server and a worker answer.
 *  2. Each scene of the selection is one burst, its acts sent one at a time and timed against the reminder they
 *     decide. The story's panel finalises on Sep 28 10:00, so the National Day holiday puts the first objections
 *     reminder on Oct 7 09:00: 9 calendar days (7.7 s at 100,000×) for finalize, two objections and their
 *     resolution (scenario/round.ts says why not Sep 25).
 *
 * Hooks let a fault driver act at exact points of the script (before/after an action) or at calendar instants.
 */
import { Connection, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applicationStatus } from '../../client/applications';
import { campaignStatus, startCampaign } from '../../client/campaigns';
import { runCli } from '../../cli/main';
import { loadDirectory } from '../../client/directory';
import {
  compressCalendar,
  defaultCalendar,
  publicityEnd,
  toIso,
  type CampaignCalendar,
  type CompressedCalendar,
} from '../../domain/calendar';
import { toCalendar, toReal, type TimeScale } from '../../domain/time-scale';
import { loadWorkdays } from '../../domain/holidays';
import { applicationWorkflowId, campaignWorkflowId, titleWorkflowId } from '../../temporal/ids';
import { roundStory, type ExpectedOutcome, type Plan, type Story } from '../../scenario/round';
import type { Act, SceneId } from '../../scenario/acts';
import { cliArgv } from '../../scenario/drivers/cli';
import { momentOf } from '../../scenario/clock';
import type { Objections } from '../../scenario/play';
import { yearOf } from '../years';
import type { ApplicationResult } from '../../workflows/application/result';
import type { CampaignResult } from '../../workflows/campaign/workflow';
import type { CampaignStatus } from '../../workflows/campaign/state';
import { deadlineSlots, reminderSettings } from '../../workflows/reminders/slots';
import { BUNDLE_OPTIONS } from '../../worker/create-worker';
import { clientOn } from '../../client/connection';
import { dataConverter } from '../../client/codec';
import type { TestSmtp } from '../smtp';
import { collectMail, type MailRecord } from './mail';
import { LOG_DIR } from './stack';

export const FAULT_YEAR = yearOf('faults/round.ts');
/** Calendar ms per real ms. Why this value: see the header of scenarios.ts. */
export const SPEED = Number(process.env.FAULT_SPEED ?? 100_000);
/** Real time between starting the campaign and its calendar opening (Apr 1 00:00). */
const LEAD_MS = 3_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The 2023 calendar's shape (windows, holidays, make-up days), labelled FAULT_YEAR, running SPEED× from `realOrigin`. */
export function faultCalendar(realOrigin: number): CompressedCalendar {
  return compressCalendar({ ...defaultCalendar(2023, loadWorkdays(2023)), year: FAULT_YEAR }, realOrigin, SPEED);
}

/** 10:00 Beijing on a date of the calendar's own year (2023). */
export const calDay = (mmdd: string) => Date.parse(`2023-${mmdd}T02:00:00Z`);
export const fmtCal = (ms: number) => toIso(ms).slice(5, 16).replace('T', ' ') + 'Z';

export type Burst = 'B1 applications' | 'B2 review' | 'B3 inspection+panel' | 'B4 finalize+objections' | 'B5 confirm';

export interface Step {
  /** Position in the whole script, from 0. */
  index: number;
  /** Position within its burst, from 0. */
  indexInBurst: number;
  lastInBurst: boolean;
  burst: Burst;
  label: string;
  /** The CLI arguments (a function: the resolutions need the ids the objections got). */
  argv: () => string[];
  /** Called with the action's output once it has taken effect. */
  onDone?: (out: string) => void;
  /** Reads whether the action has taken effect: a result string if so, undefined if not. May throw while the server is away. */
  effect: () => Promise<string | undefined>;
}

export interface RoundHooks {
  /** Once the campaign is started, with its time scale (e.g. to schedule kills at calendar instants). */
  started?(timeScale: TimeScale): void;
  /** Awaited before each action is sent. */
  beforeStep?(step: Step): Promise<void> | void;
  /** Awaited after each action has taken effect. */
  afterStep?(step: Step): Promise<void> | void;
  /** Wraps the CLI, e.g. to lose the reply of an action that did take effect. */
  cli?(step: Step, real: (argv: string[]) => Promise<CliResult>): Promise<CliResult>;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

export interface BurstTiming {
  burst: Burst;
  steps: number;
  /** Calendar instants (ISO) of the first send and the last completion. */
  calendarStart: string;
  calendarEnd: string;
  realMs: number;
  /** The instant it had to finish before (the next reminder that its actions decide), and whether it did. */
  mustEndBefore: string;
  inTime: boolean;
}

export interface RoundOutcome {
  plan: Plan;
  /** What the story says the round must end with. */
  expected: ExpectedOutcome;
  finalList: string[];
  removed: string[];
  /** committee id → final stage and reason, from each application workflow's result. */
  stages: Record<string, { stage: string; reason?: string }>;
  mail: MailRecord;
  /** The campaign's recorded event instants (status query right after the confirmation), if it answered. */
  draftAt?: string;
  finalAt?: string;
  /** Set when the campaign did not answer that status query. */
  statusError?: string;
  /** Every workflow of the round replayed from its history against the current workflow code: failures. */
  replayFailures: string[];
  /** History sizes: the campaign's, and the largest application's. */
  historyEvents: { campaign: number; largestApplication: number; workflows: number };
  historiesDir: string;
  bursts: BurstTiming[];
  /** CLI attempts that failed, and how many of those had taken effect anyway (so were not re-sent). */
  failedAttempts: number;
  tookEffectAnyway: number;
  resent: number;
  realMs: number;
}

export interface RoundOptions {
  /** Names the saved histories' directory. */
  name: string;
  /** The dev server's address; a function because a restarted server keeps it, but tests may read it late. */
  address: string;
  /** Default `default`; rounds on one shared cluster each get their own, so workflow ids and Message-IDs repeat. */
  namespace?: string;
  taskQueue: string;
  smtp: TestSmtp;
  log: (line: string) => void;
  hooks?: RoundHooks;
}

/** Retries a read until it answers (server or worker away), up to `timeoutMs`. */
export async function answered<T>(read: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await read();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(300);
    }
  }
}

/** A running client call that fails while the server is away: waits for the server to come back and asks again. */
async function untilResult<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err: any) {
      // A workflow that failed is a real failure; anything else (UNAVAILABLE, deadline, connection reset) is the fault.
      if (err?.name === 'WorkflowFailedError' || Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
}

/** Reminder instants that the scripted actions must not cross (computed with the workflows' own slot rules). */
export function guardInstants(cal: CampaignCalendar): {
  paperForm: number;
  review: number;
  objections: number;
  final: number;
} {
  const settings = reminderSettings();
  const t = cal.workdays;
  const first = (deadline: string, opens: string, kind: 'paper-form' | 'review' | 'objections' | 'final') =>
    deadlineSlots(kind, '', deadline, opens, t, settings)[0].at;
  // The objections reminders depend on the draft's instant; for a draft on Sep 28 10:00 the publicity ends Oct 11 24:00 (whole working days from Oct 7).
  const draftAt = toIso(calDay('09-28'));
  const publicityEnds = toIso(publicityEnd(calDay('09-28'), cal.publicityWorkingDays, t));
  return {
    paperForm: first(cal.applicationsClose, cal.opens, 'paper-form'),
    review: first(cal.reviewCloses, cal.reviewOpens, 'review'),
    objections: first(publicityEnds, draftAt, 'objections'),
    final: first(cal.commendationBy, cal.inspectionOpens, 'final'),
  };
}

export async function runRound(o: RoundOptions): Promise<RoundOutcome> {
  const t0 = Date.now();
  const { log } = o;
  const hooks = o.hooks ?? {};
  // The in-process CLI reads these, like the CLI a person runs.
  process.env.TEMPORAL_ADDRESS = o.address;
  process.env.TEMPORAL_NAMESPACE = o.namespace ?? 'default';
  process.env.TASK_QUEUE = o.taskQueue;
  const connection = await Connection.connect({ address: o.address });
  const client = clientOn(connection, o.namespace ?? 'default');
  try {
    const directory = loadDirectory();
    const { calendar, timeScale } = faultCalendar(Date.now() + LEAD_MS);
    // A task started on a killed worker waits out its timeout: 60 s would be 69 days at 100,000×.
    await startCampaign(client, {
      calendar,
      timeScale,
      directory,
      taskQueue: o.taskQueue,
      workflowTaskTimeout: '10 seconds',
    });
    log(
      `campaign ${campaignWorkflowId(FAULT_YEAR)} started: 2023 calendar at ${SPEED}×, Apr 1 00:00 opens in ${LEAD_MS} ms`,
    );
    hooks.started?.(timeScale);
    const calNow = () => toCalendar(timeScale, Date.now());

    const script = buildScript(client, roundStory(directory, { year: FAULT_YEAR }));
    const guards = guardInstants(calendar);
    const mustEnd: Record<Burst, number> = {
      'B1 applications': guards.paperForm,
      'B2 review': guards.review,
      'B3 inspection+panel': calDay('09-28'),
      'B4 finalize+objections': guards.objections,
      'B5 confirm': guards.final,
    };
    const moments = script.moments;

    let failedAttempts = 0;
    let tookEffectAnyway = 0;
    let resent = 0;
    const realCli = cli;
    const perform = async (step: Step): Promise<string> => {
      for (let attempt = 1; ; attempt++) {
        const r = hooks.cli ? await hooks.cli(step, realCli) : await realCli(step.argv());
        if (r.code === 0) return r.stdout;
        failedAttempts++;
        log(`  ${step.label}: attempt ${attempt} failed: ${r.stderr.replace(/\s+/g, ' ').slice(0, 200)}`);
        // Never re-send blindly: read first whether it took effect (reads wait for the server and a worker).
        const effect = await answered(step.effect);
        if (effect !== undefined) {
          tookEffectAnyway++;
          log(`  ${step.label}: had taken effect; not re-sent`);
          return effect;
        }
        if (/rejected \(/.test(r.stderr) || attempt >= 60)
          throw new Error(`${step.label} failed for good after ${attempt} attempt(s): ${r.stderr}`);
        resent++;
        await sleep(Math.min(200 * attempt, 2_000));
      }
    };

    const bursts: BurstTiming[] = [];
    const runBurst = async (burst: Burst, steps: Step[]): Promise<string[]> => {
      if (moments[burst]) {
        const wait = toReal(timeScale, moments[burst]) - Date.now();
        if (wait > 0) await sleep(wait);
      }
      const start = Date.now();
      const calStart = calNow();
      const outputs: string[] = [];
      for (const step of steps) {
        await hooks.beforeStep?.(step);
        const out = await perform(step);
        step.onDone?.(out);
        outputs.push(out);
        await hooks.afterStep?.(step);
      }
      const calEnd = calNow();
      const timing: BurstTiming = {
        burst,
        steps: steps.length,
        calendarStart: toIso(calStart),
        calendarEnd: toIso(calEnd),
        realMs: Date.now() - start,
        mustEndBefore: toIso(mustEnd[burst]),
        inTime: calEnd < mustEnd[burst],
      };
      bursts.push(timing);
      log(
        `${burst}: ${steps.length} actions, calendar ${fmtCal(calStart)} → ${fmtCal(calEnd)} (${timing.realMs} ms)${timing.inTime ? '' : ` — LATE: had to end before ${fmtCal(mustEnd[burst])}`}`,
      );
      return outputs;
    };

    await runBurst('B1 applications', script.b1);
    await runBurst('B2 review', script.b2);
    await runBurst('B3 inspection+panel', script.b3);
    await runBurst('B4 finalize+objections', script.b4);

    // 公示 ends (Oct 10 24:00); the bureau confirms as soon as the campaign awaits it.
    await answered(
      async () => {
        for (;;) {
          if ((await campaignStatus(client, FAULT_YEAR)).phase === 'awaiting-confirmation') return;
          await sleep(200);
        }
      },
      toReal(timeScale, publicityEnd(calDay('09-28'), calendar.publicityWorkingDays, calendar.workdays)) -
        Date.now() +
        180_000,
    );
    await runBurst('B5 confirm', script.b5);
    // The campaign's recorded instants of the finalize and the confirmation, read while it still runs (cached by a
    // worker; a query on a closed workflow replays its whole history, which the replay check below covers).
    let draftAt: string | undefined;
    let finalAt: string | undefined;
    let statusError: string | undefined;
    try {
      const st = await answered(() => campaignStatus(client, FAULT_YEAR), 60_000);
      draftAt = st.draft?.at;
      finalAt = st.final?.at;
    } catch (err) {
      statusError = String(err);
      log(`!! campaign status query failed after the confirmation: ${statusError}`);
    }

    // The round is over when the campaign and every application have finished (each waits for its mail first).
    const endBy = Date.now() + 300_000;
    const result = await untilResult(
      () => client.workflow.getHandle(campaignWorkflowId(FAULT_YEAR)).result() as Promise<CampaignResult>,
      endBy - Date.now(),
    );
    const stages: RoundOutcome['stages'] = {};
    for (const c of directory.committees) {
      const snap = await untilResult(
        () => client.workflow.getHandle(applicationWorkflowId(FAULT_YEAR, c.id)).result() as Promise<ApplicationResult>,
        endBy - Date.now(),
      );
      stages[c.id] = snap.reason === undefined ? { stage: snap.stage } : { stage: snap.stage, reason: snap.reason };
    }
    // Every send was awaited by its workflow; give the SMTP server a moment to finish parsing the last one.
    await sleep(1_000);
    const mail = collectMail(o.smtp.messages, directory, draftAt && finalAt ? { draftAt, finalAt } : undefined);

    // Replay every workflow of the round from its history, as a restarted worker would.
    const ids = [
      campaignWorkflowId(FAULT_YEAR),
      ...directory.committees.map((c) => applicationWorkflowId(FAULT_YEAR, c.id)),
      ...result.finalList.map((id) => titleWorkflowId(id, FAULT_YEAR)),
    ];
    const historiesDir = join(LOG_DIR, `${o.name}-histories`);
    const replay = await replayRound(client, ids, historiesDir);
    if (replay.failures.length)
      log(`!! ${replay.failures.length} workflow(s) do not replay: ${replay.failures.join(' | ').slice(0, 2_000)}`);
    log(
      `round finished in ${((Date.now() - t0) / 1000).toFixed(1)} s: final list ${result.finalList.join(',')}; ${mail.deliveries} deliveries, ${mail.ids.length} Message-IDs, ${mail.duplicates} duplicate(s); ${ids.length} histories replayed, ${replay.failures.length} failure(s)`,
    );
    return {
      plan: script.plan,
      expected: script.expected,
      finalList: result.finalList,
      removed: result.removed,
      stages,
      mail,
      draftAt,
      finalAt,
      statusError,
      replayFailures: replay.failures,
      historyEvents: replay.events,
      historiesDir,
      bursts,
      failedAttempts,
      tookEffectAnyway,
      resent,
      realMs: Date.now() - t0,
    };
  } finally {
    await connection.close();
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as any;

/** Saves the histories (test-results/faults/<round>-histories/<id>.json, the format of test/histories) and replays them. */
async function replayRound(
  client: Client,
  ids: string[],
  dir: string,
): Promise<{ failures: string[]; events: RoundOutcome['historyEvents'] }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const histories: {
    workflowId: string;
    history: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;
  }[] = [];
  for (const workflowId of ids) {
    const history = await untilResult(() => client.workflow.getHandle(workflowId).fetchHistory(), 60_000);
    writeFileSync(
      join(dir, `${workflowId}.json`),
      JSON.stringify({ workflowId, history: JSON.parse(historyToJSON(history)) }),
    );
    histories.push({ workflowId, history });
  }
  const size = (id: string) => histories.find((h) => h.workflowId === id)?.history.events?.length ?? 0;
  const apps = histories
    .filter((h) => h.workflowId.startsWith('application-'))
    .map((h) => h.history.events?.length ?? 0);
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') }); // the replay workers' state changes are noise
  } catch {
    // already installed in this process
  }
  bundle ??= bundleWorkflowCode({ ...BUNDLE_OPTIONS, logger: silent });
  const failures: string[] = [];
  for await (const r of Worker.runReplayHistories(
    { workflowBundle: await bundle, replayName: 'faults', dataConverter: dataConverter() },
    histories,
  )) {
    if (r.error) failures.push(`${r.workflowId}: ${r.error.name}: ${r.error.message}`);
  }
  return {
    failures,
    events: { campaign: size(ids[0]), largestApplication: Math.max(...apps), workflows: histories.length },
  };
}

/** The bursts: the story's selection scenes, in order. */
const BURSTS: Partial<Record<SceneId, Burst>> = {
  applications: 'B1 applications',
  review: 'B2 review',
  inspection: 'B3 inspection+panel',
  publicity: 'B4 finalize+objections',
  confirmation: 'B5 confirm',
};

/** The story's selection as steps, each act with a read that tells whether it has taken effect. */
function buildScript(client: Client, story: Story) {
  const { plan } = story;
  const objections: Objections = {};
  let index = 0;
  const app = (id: string) => applicationStatus(client, FAULT_YEAR, id);
  const camp = (): Promise<CampaignStatus> => campaignStatus(client, FAULT_YEAR);
  const yes = (b: unknown) => (b ? 'done' : undefined);
  const exists = async (id: string) => {
    try {
      await client.workflow.getHandle(applicationWorkflowId(FAULT_YEAR, id)).describe();
      return 'done';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  };
  let votes = 0;

  /** A label (the fault drivers pick steps by it) and the read of an act's effect. */
  const stepOf = (act: Act): Pick<Step, 'label' | 'effect' | 'onDone'> => {
    switch (act.kind) {
      case 'submit':
        return { label: `submit ${act.committee}`, effect: () => exists(act.committee) };
      case 'recordPaperForm':
        return {
          label: `paper form ${act.committee}`,
          effect: async () => yes((await app(act.committee)).paperFormReceived),
        };
      case 'recommend':
      case 'notRecommend': {
        const kind = act.kind === 'recommend' ? 'recommend' : 'not-recommend';
        return {
          label: `${kind} ${act.committee}`,
          effect: async () => yes((await app(act.committee)).decision?.kind === kind),
        };
      }
      case 'confirmList':
        return {
          label: `confirm-list ${act.subdistrict}`,
          effect: async () => yes((await camp()).confirmed[act.subdistrict]),
        };
      case 'recordInspection':
        return { label: `inspect ${act.committee}`, effect: async () => yes((await app(act.committee)).inspection) };
      case 'panelVote': {
        // One panel member votes on each ranked committee: the k-th vote has taken effect once the count reaches k.
        const k = ++votes;
        return { label: `vote ${act.committee}`, effect: async () => yes((await camp()).votes >= k) };
      }
      case 'panelFinalize':
        return { label: 'panel finalize', effect: async () => yes((await camp()).draft) };
      case 'fileObjection':
        return {
          label: `objection against ${act.committee}`,
          // Filing is not idempotent (each filing is a new objection): find it by committee, name and grounds.
          effect: async () => {
            const o = (await camp()).objections.find(
              (x) => x.committeeId === act.committee && x.name === act.name && x.grounds === act.grounds,
            );
            return o ? JSON.stringify({ objectionId: o.id }) : undefined;
          },
          onDone: (out) => void (objections[act.key] = JSON.parse(out).objectionId as string),
        };
      case 'resolveObjection':
        return {
          label: `resolve objection #${act.key === 'upheld' ? 1 : 2} ${act.outcome}`,
          effect: async () => yes((await camp()).objections.find((o) => o.id === objections[act.key])?.resolution),
        };
      case 'confirmFinal':
        return { label: 'campaign confirm', effect: async () => yes((await camp()).final) };
      default:
        throw new Error(`the fault runner plays the selection only, not ${act.kind}`);
    }
  };

  const bursts = {} as Record<Burst, Step[]>;
  // When each burst begins: its scene's moment; the confirmation waits for its phase instead (see runRound).
  const moments = {} as Record<Burst, number>;
  for (const scene of story.selection) {
    const burst = BURSTS[scene.id];
    if (!burst) throw new Error(`no burst for the selection scene ${scene.id}`);
    moments[burst] = scene.id === 'confirmation' ? 0 : momentOf(2023, scene.at);
    const acts = scene.waves.flat();
    bursts[burst] = acts.map((act, i) => ({
      ...stepOf(act),
      burst,
      index: index++,
      indexInBurst: i,
      lastInBurst: i === acts.length - 1,
      argv: () => cliArgv(act, FAULT_YEAR, objections),
    }));
  }
  return {
    plan,
    expected: story.expected,
    moments,
    b1: bursts['B1 applications'],
    b2: bursts['B2 review'],
    b3: bursts['B3 inspection+panel'],
    b4: bursts['B4 finalize+objections'],
    b5: bursts['B5 confirm'],
  };
}
