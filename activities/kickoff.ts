/**
 * The yearly kickoff's activities: start the year's campaign exactly as `campaign start` does, and,
 * when that cannot be done, pause the Schedule with the reason and email the bureau what to do.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Context, log } from '@temporalio/activity';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { CampaignExistsError, resolveYearCalendar, startYearCampaign } from '../client/campaigns';
import { loadDirectory } from '../client/directory';
import { UserError } from '../client/errors';
import { CalendarError } from '../domain/calendar';
import { HolidayDataError } from '../domain/holidays';
import { campaignWorkflowId } from '../temporal/ids';
import {
  campaignYearSchema,
  KICKOFF_FAILURE_TYPES,
  type KickoffFailureKind,
  type KickoffResult,
} from '../domain/kickoff';
import { zodLine } from '../domain/rejections';
import type { Mailer } from './mailer';
import { sendMailActivity } from './send-mail';

const ROOT = join(__dirname, '..');

export interface KickoffOptions {
  /** Holiday files `<year>.json` for years chinese-days does not know: HOLIDAY_DIR, default data/holidays. */
  holidayDir?: string;
  /** The directory file: DIRECTORY_FILE, default data/directory.json. */
  directoryFile?: string;
  /** The instant deadlines are checked against; tests run the kickoff as on its scheduled day. Default: the real clock. */
  now?: () => number;
}

const startInput = z.object({ year: campaignYearSchema }).strict();
const pauseInput = z.object({ scheduleId: z.string().min(1).max(200), note: z.string().min(1).max(1000) }).strict();
const mailInput = z
  .object({
    year: campaignYearSchema,
    kind: z.enum(['holiday-data', 'calendar', 'other']),
    reason: z.string().max(2000),
    scheduledAt: z.iso.datetime(),
    workflowId: z.string().min(1).max(300),
    scheduleId: z.string().min(1).max(200).optional(),
  })
  .strict();

function parsed<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (!r.success) throw ApplicationFailure.nonRetryable(`${what}: ${zodLine(r.error)}`, 'InvalidInput');
  return r.data;
}

const fail = (kind: KickoffFailureKind, message: string): never => {
  throw ApplicationFailure.nonRetryable(message, KICKOFF_FAILURE_TYPES[kind]);
};

export function kickoffActivities(client: Client, mailer: Mailer, opts: KickoffOptions = {}) {
  const holidayDir = resolve(opts.holidayDir ?? process.env.HOLIDAY_DIR ?? join(ROOT, 'data', 'holidays'));
  const holidayFileOf = (year: number) => join(holidayDir, `${year}.json`);
  const shown = (file: string) => (file.startsWith(ROOT) ? relative(ROOT, file) : file);
  const sendMail = sendMailActivity(mailer);

  return {
    /** Starts `campaign-<year>`; one that already exists (a manual `campaign start`, a repeat) is success. */
    async kickoffCampaign(input: { year: number }): Promise<KickoffResult> {
      const { year } = parsed(startInput, input, 'kickoffCampaign');
      const workflowId = campaignWorkflowId(year);
      // Before any holiday check: a campaign started by hand with its own holiday file makes this run a no-op.
      try {
        await client.workflow.getHandle(workflowId).describe();
        return { year, outcome: 'exists', workflowId };
      } catch (err) {
        if ((err as Error)?.name !== 'WorkflowNotFoundError') throw err;
      }
      // A holiday file the bureau supplied for the year wins, as --holiday-file does; else chinese-days.
      const file = holidayFileOf(year);
      let calendar;
      const now = (opts.now ?? Date.now)();
      try {
        calendar = resolveYearCalendar(year, { holidayFile: existsSync(file) ? file : undefined, now });
      } catch (err) {
        if (err instanceof HolidayDataError)
          fail(
            'holiday-data',
            `${err.message.replace(/; pass --holiday-file.*$/, '')}; no holiday file ${shown(file)}`,
          );
        if (err instanceof CalendarError) fail('calendar', err.message);
        throw err;
      }
      try {
        const directory = loadDirectory(opts.directoryFile);
        // The campaign runs on this worker's own task queue, like everything the kickoff starts.
        const taskQueue = Context.current().info.taskQueue;
        const { handle, activeTitles } = await startYearCampaign(client, { calendar, directory, taskQueue, now });
        log.info('kickoff started the campaign', { workflowId: handle.workflowId, activeTitles: activeTitles.length });
        return { year, outcome: 'started', workflowId: handle.workflowId, activeTitles: activeTitles.length };
      } catch (err) {
        if (err instanceof CampaignExistsError) return { year, outcome: 'exists', workflowId };
        if (err instanceof UserError) fail('other', err.message);
        throw err;
      }
    },

    /** Pauses the Schedule with the reason as its note; a Schedule that is gone is nothing to pause. */
    async pauseKickoffSchedule(input: { scheduleId: string; note: string }): Promise<'paused' | 'no-schedule'> {
      const { scheduleId, note } = parsed(pauseInput, input, 'pauseKickoffSchedule');
      try {
        await client.schedule.getHandle(scheduleId).pause(note);
        return 'paused';
      } catch (err) {
        if (err instanceof ScheduleNotFoundError) return 'no-schedule';
        throw err;
      }
    },

    /** Emails every bureau person of the directory: why the campaign did not start, what to supply, how to start it. */
    async mailKickoffFailure(input: z.infer<typeof mailInput>): Promise<{ sent: number; undeliverable: string[] }> {
      const m = parsed(mailInput, input, 'mailKickoffFailure');
      let bureau;
      try {
        bureau = loadDirectory(opts.directoryFile).people.filter((p) => p.role === 'bureau');
      } catch (err) {
        throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidInput');
      }
      const template = {
        type: 'notice',
        notice: 'kickoff-failed',
        year: m.year,
        kind: m.kind,
        reason: m.reason,
        scheduledAt: m.scheduledAt,
        holidayFile: shown(holidayFileOf(m.year)),
        scheduleId: m.scheduleId,
      } as const;
      const undeliverable: string[] = [];
      let sent = 0;
      for (const p of bureau) {
        const to = { id: p.id, name: p.name, role: 'bureau' as const, email: p.email };
        const r = await sendMail({
          workflowId: m.workflowId,
          kind: 'kickoff-failed',
          deadline: m.scheduledAt,
          offset: '-',
          to,
          template,
          scheduledAt: m.scheduledAt,
        });
        if (r.status === 'sent') sent++;
        else undeliverable.push(p.id);
      }
      return { sent, undeliverable };
    },
  };
}
