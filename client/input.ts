/**
 * The client functions' own input checks: every exported function of client/*.ts validates what it is
 * given with the schemas the CLI and the workflows use, so a program calling the API directly is held
 * to the same rules as a person at the command line. One line naming the field, nothing started.
 */
import { z } from 'zod';
import {
  DEADLINE_FIELDS,
  campaignCalendarSchema,
  fieldFlag,
  formatDeadline,
  parseInstant,
  validateCalendar,
  type CampaignCalendar,
} from '../domain/calendar';
import { timeScaleSchema, toCalendar, type TimeScale } from '../domain/time-scale';
import { directorySchema, personSchema } from '../domain/directory';
import { gradeBandsSchema } from '../domain/grades';
import { zodLine } from '../domain/rejections';
import { APPLICATION_STAGES } from '../domain/stages';
import { TITLE_STATUSES } from '../domain/titles';
import { UserError } from './errors';

export const yearSchema = z.number().int().min(2000).max(2200);
export const idSchema = z.string().min(1).max(64);
/** A workflow id the client builds or was given: title-<committee>-<year>, campaign-<year>, … */
export const workflowIdSchema = z.string().min(1).max(200);
export const remindersSchema = z
  .object({ offsets: z.array(z.number().int().min(0).max(60)).max(10), hour: z.number().int().min(0).max(23) })
  .partial()
  .strict();

export const startCampaignOptionsSchema = z
  .object({
    calendar: campaignCalendarSchema(),
    timeScale: timeScaleSchema().optional(),
    directory: directorySchema,
    quota: z.number().int().min(1).max(50).optional(),
    gradeBands: gradeBandsSchema().optional(),
    taskQueue: z.string().min(1).max(200).optional(),
    activeTitles: z.array(workflowIdSchema).optional(),
    reevaluationMaterialsDue: z.string().min(1).max(40).optional(),
    reminders: remindersSchema.optional(),
    workflowTaskTimeout: z.union([z.string().min(1), z.number().positive()]).optional(),
    now: z.number().int().positive().optional(),
    committeesPerRelay: z.number().int().min(1).max(100_000).optional(),
    relayBatchMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict();

export const listApplicationsFilterSchema = z
  .object({
    year: yearSchema,
    subdistrict: z.string().min(1).max(30).optional(),
    stage: z.enum(APPLICATION_STAGES).optional(),
  })
  .strict();

export const titleInputSchema = z
  .object({
    committeeId: idSchema,
    subdistrict: z.string().min(1).max(30),
    awardYear: yearSchema,
    awardedOn: z.iso.date(),
    nameplateIssued: z.boolean(),
    certificateIssued: z.boolean(),
    source: z.enum(['campaign', 'import']),
    note: z.string().max(2000).optional(),
    staff: z.array(personSchema).min(1),
    gradeBands: gradeBandsSchema(),
    committeeName: z.string().min(1).max(100).optional(),
    contactEmail: z.string().max(200).optional(),
    reminders: remindersSchema.optional(),
  })
  .strict();

export const listTitlesFilterSchema = z
  .object({
    status: z.enum(TITLE_STATUSES).optional(),
    subdistrict: z.string().min(1).max(30).optional(),
    committeeId: idSchema.optional(),
    runningOnly: z.boolean().optional(),
  })
  .strict();

/** Parses `value` or throws one line: `<what>: <field>: <problem>`. */
export function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  // A bare value (a year, an id) has no path of its own: `year: Invalid input…`, not `year: (payload): …`.
  if (!parsed.success) throw new UserError(`${what}: ${zodLine(parsed.error).replace(/^\(payload\): /, '')}`);
  return parsed.data;
}

/** One of the names of `table` (an action name, say), or an error listing them. */
export function checkedName<K extends string>(table: Record<K, unknown>, name: unknown, what: string): K {
  if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(table, name)) return name as K;
  throw new UserError(`${what}: unknown action ${JSON.stringify(name)}; one of ${Object.keys(table).join(', ')}`);
}

/**
 * What `campaign start` checks through resolveCalendar: the windows' order, the 公示 fitting before the
 * commendation, the workday table covering the campaign, and every deadline still ahead (on the
 * run's time scale, so a compressed calendar is judged by its calendar time).
 */
export function checkCalendar(cal: CampaignCalendar, nowMs: number, timeScale?: TimeScale): void {
  const issues = validateCalendar(cal);
  if (issues.length) throw new UserError(`calendar.${issues[0]}`);
  const now = toCalendar(timeScale, nowMs);
  for (const f of DEADLINE_FIELDS) {
    const at = parseInstant(cal[f]);
    if (at <= now)
      throw new UserError(
        `calendar.${f}: ${formatDeadline(at)} (北京时间) has already passed; start a later year or override the windows, e.g. ${fieldFlag(f)}`,
      );
  }
}

/**
 * The directory, validated once per object: a round submits thousands of applications with the same
 * directory, and its schema is linear in its size (duplicate ids, 街镇 of every committee).
 */
const validDirectories = new WeakSet<object>();
export function checkDirectory(directory: unknown, what: string): void {
  if (directory && typeof directory === 'object' && validDirectories.has(directory)) return;
  checked(directorySchema, directory, `${what}: directory`);
  validDirectories.add(directory as object);
}
