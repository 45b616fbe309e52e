/**
 * The Temporal Schedule `campaign-kickoff`: every year on April 1 at 09:00 Beijing it runs the
 * campaignKickoff workflow (workflows/kickoff/), which starts that year's campaign.
 * - Created or updated at stack start (`npm start`, scripts/kickoff-schedule.ts); an update keeps a pause.
 * - Overlap SKIP; catch-up window 7 days, so an outage cannot start a campaign months late (the server's
 *   default is 365 days); pause on failure, so a failed kickoff stays visible until someone acts.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptions,
} from '@temporalio/client';
import { z } from 'zod';
import { formatBeijing } from '../domain/calendar';
import { TASK_QUEUE } from '../temporal/ids';
import {
  KICKOFF_SCHEDULE_ID,
  kickoffFailedNote,
  kickoffTimeSchema,
  type KickoffResult,
  type KickoffTime,
} from '../domain/kickoff';
import { campaignKickoff } from '../workflows/kickoff/workflow';
import { isNotFound, UserError } from './errors';

export const KICKOFF_TIMEZONE = 'Asia/Shanghai';
export const KICKOFF_CATCHUP_WINDOW = '7 days';

/** KICKOFF_MONTH, KICKOFF_DAY, KICKOFF_HOUR (Beijing); unset or empty means April 1, 09:00. One-line error naming the variable. */
export function kickoffTimeFromEnv(env: NodeJS.ProcessEnv = process.env): KickoffTime {
  const pick = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  const parsed = kickoffTimeSchema.safeParse({
    month: pick(env.KICKOFF_MONTH),
    day: pick(env.KICKOFF_DAY),
    hour: pick(env.KICKOFF_HOUR),
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UserError(`KICKOFF_${String(i.path[0] ?? 'TIME').toUpperCase()}: ${i.message}`);
  }
  return parsed.data;
}

export interface KickoffScheduleConfig {
  /** Default `campaign-kickoff`; tests use their own. */
  scheduleId?: string;
  /** The worker's task queue: TASK_QUEUE, default red-model-committees. */
  taskQueue?: string;
  /** Default: kickoffTimeFromEnv(). */
  time?: KickoffTime;
}

const MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
] as const;
const pad = (n: number) => String(n).padStart(2, '0');

export function kickoffScheduleOptions(config: KickoffScheduleConfig = {}): ScheduleOptions {
  const scheduleId = config.scheduleId ?? KICKOFF_SCHEDULE_ID;
  const t = kickoffTimeSchema.parse(config.time ?? kickoffTimeFromEnv());
  return {
    scheduleId,
    spec: {
      calendars: [
        {
          month: MONTHS[t.month - 1],
          dayOfMonth: t.day,
          hour: t.hour,
          comment: `每年${t.month}月${t.day}日 ${pad(t.hour)}:00（北京时间）启动当年评选`,
        },
      ],
      timezone: KICKOFF_TIMEZONE,
    },
    // The server appends the scheduled time to this id: campaign-kickoff-2027-04-01T01:00:00Z.
    action: {
      type: 'startWorkflow',
      workflowType: campaignKickoff,
      workflowId: scheduleId,
      taskQueue: config.taskQueue ?? process.env.TASK_QUEUE ?? TASK_QUEUE,
      args: [{}],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: KICKOFF_CATCHUP_WINDOW, pauseOnFailure: true },
  };
}

/** Creates the Schedule, or brings an existing one to this spec, action and policies; a pause and its note are kept. */
export async function ensureKickoffSchedule(
  client: Client,
  config: KickoffScheduleConfig = {},
): Promise<'created' | 'updated'> {
  const options = kickoffScheduleOptions(config);
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(options.scheduleId).update((previous) => ({
    spec: options.spec,
    action: options.action,
    policies: options.policies,
    state: { paused: previous.state.paused, note: previous.state.note },
  }));
  return 'updated';
}

export interface KickoffRun {
  scheduledAt: string;
  takenAt: string;
  workflowId: string;
  status: string;
  result?: KickoffResult;
  failure?: string;
}

export interface KickoffScheduleSummary {
  scheduleId: string;
  paused: boolean;
  note?: string;
  /** Next runs, ISO (UTC). */
  nextRuns: string[];
  taskQueue: string;
  catchupWindowMs: number;
  overlap: string;
  pauseOnFailure: boolean;
  lastRun?: KickoffRun;
  runsTaken: number;
  missedCatchupWindow: number;
}

function handleOf(client: Client, scheduleId: string) {
  return client.schedule.getHandle(scheduleId);
}

async function describe(client: Client, scheduleId: string): Promise<ScheduleDescription> {
  try {
    return await handleOf(client, scheduleId).describe();
  } catch (err: any) {
    if (err?.name === 'ScheduleNotFoundError')
      throw new UserError(
        `no schedule ${scheduleId}: it is created when the stack starts (npm start, or npx tsx scripts/kickoff-schedule.ts)`,
      );
    throw err;
  }
}

async function lastRun(client: Client, d: ScheduleDescription): Promise<KickoffRun | undefined> {
  const last = d.info.recentActions.at(-1);
  if (!last) return undefined;
  const { workflowId, firstExecutionRunId } = last.action.workflow;
  const run: KickoffRun = {
    scheduledAt: last.scheduledAt.toISOString(),
    takenAt: last.takenAt.toISOString(),
    workflowId,
    status: 'UNKNOWN',
  };
  const handle = client.workflow.getHandle(workflowId, firstExecutionRunId);
  try {
    run.status = (await handle.describe()).status.name;
    if (run.status === 'COMPLETED') run.result = (await handle.result()) as KickoffResult;
    if (run.status === 'FAILED')
      await handle.result().catch((err: any) => (run.failure = String(err?.cause?.message ?? err?.message ?? err)));
  } catch (err: any) {
    // Retention may have removed an old run; the Schedule still remembers it was taken.
    if (!isNotFound(err)) throw err;
  }
  return run;
}

export async function kickoffScheduleSummary(
  client: Client,
  scheduleId = KICKOFF_SCHEDULE_ID,
): Promise<KickoffScheduleSummary> {
  const d = await describe(client, scheduleId);
  return {
    scheduleId,
    paused: d.state.paused,
    note: d.state.note || undefined,
    nextRuns: d.info.nextActionTimes.map((t) => t.toISOString()),
    taskQueue: d.action.taskQueue,
    catchupWindowMs: d.policies.catchupWindow,
    overlap: String(d.policies.overlap),
    pauseOnFailure: d.policies.pauseOnFailure,
    lastRun: await lastRun(client, d),
    runsTaken: d.info.numActionsTaken,
    missedCatchupWindow: d.info.numActionsMissedCatchupWindow,
  };
}

const bj = (iso: string) => `${formatBeijing(Date.parse(iso))} Beijing`;

export function formatKickoffSchedule(s: KickoffScheduleSummary): string {
  const lines = [`Schedule ${s.scheduleId}: ${s.paused ? 'PAUSED' : 'active'} (task queue ${s.taskQueue})`];
  if (s.note) lines.push(`  note: ${s.note}`);
  lines.push(
    `  next run: ${s.nextRuns[0] ? `${bj(s.nextRuns[0])} (${s.nextRuns[0]})${s.paused ? ' — not while paused' : ''}` : 'none'}`,
  );
  lines.push(
    `  policies: overlap ${s.overlap.toLowerCase()}, catch-up window ${Math.round(s.catchupWindowMs / 86_400_000)} days, ${s.pauseOnFailure ? 'pauses' : 'does not pause'} on failure`,
  );
  const r = s.lastRun;
  if (!r) lines.push('  last run: none yet');
  else {
    const what = r.result
      ? r.result.outcome === 'started'
        ? `started ${r.result.workflowId}`
        : `${r.result.workflowId} already existed; nothing to do`
      : (r.failure ?? r.status.toLowerCase());
    lines.push(
      `  last run: scheduled ${bj(r.scheduledAt)}, taken ${bj(r.takenAt)}: ${r.status} — ${what}`,
      `    ${r.workflowId}`,
    );
  }
  if (s.missedCatchupWindow) lines.push(`  missed (outside the catch-up window): ${s.missedCatchupWindow}`);
  return lines.join('\n');
}

export const pauseReasonSchema = z.string().trim().min(1).max(500);

export async function pauseKickoff(client: Client, reason: string, scheduleId = KICKOFF_SCHEDULE_ID): Promise<void> {
  await describe(client, scheduleId);
  await handleOf(client, scheduleId).pause(`Paused by hand: ${pauseReasonSchema.parse(reason)}`);
}

export async function resumeKickoff(client: Client, scheduleId = KICKOFF_SCHEDULE_ID): Promise<void> {
  const d = await describe(client, scheduleId);
  if (!d.state.paused) throw new UserError(`schedule ${scheduleId} is not paused`);
  await handleOf(client, scheduleId).unpause('Resumed by hand');
}

/**
 * A campaign started by hand (CLI or console) for a year whose kickoff failed: the Schedule needs no more attention,
 * so it is resumed, if and only if that failure paused it. A pause by hand, or for another year, stays.
 */
export async function resumeAfterStartByHand(
  client: Client,
  year: number,
  scheduleId = KICKOFF_SCHEDULE_ID,
): Promise<boolean> {
  let state: ScheduleDescription['state'];
  try {
    state = (await client.schedule.getHandle(scheduleId).describe()).state;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
  if (!state.paused || !state.note?.startsWith(kickoffFailedNote(year))) return false;
  await client.schedule.getHandle(scheduleId).unpause(`Resumed: campaign-${year} was started by hand`);
  return true;
}

/** Runs the kickoff now, for the current year in Beijing; it starts nothing if that campaign exists. */
export async function triggerKickoff(client: Client, scheduleId = KICKOFF_SCHEDULE_ID): Promise<void> {
  await describe(client, scheduleId);
  await handleOf(client, scheduleId).trigger();
}
