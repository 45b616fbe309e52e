/**
 * The campaign calendar: Beijing-time dates, working days and the yearly windows.
 * Workflow-safe: pure functions, no Node imports, no clock reads (callers pass `now`).
 */
import {
  CalendarError,
  DEADLINE_FIELDS,
  INSTANT_FIELDS,
  campaignCalendarSchema,
  type CalendarOverrides,
  type CampaignCalendar,
  type InstantField,
  type WorkdayTable,
} from './calendar-schema';
import { parseBeijingInput } from './beijing-time';
import type { TimeScale } from './time-scale';

export * from './calendar-schema';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BEIJING_OFFSET = 8 * HOUR; // Asia/Shanghai has had no DST since 1991

// ---- dates and instants -------------------------------------------------

function dateToUtcMidnight(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
  // The round trip rejects 2023-02-30 and friends instead of rolling them over.
  if (!m || new Date(ms).toISOString().slice(0, 10) !== date)
    throw new Error(`not a valid date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return ms;
}

export function isValidDate(date: string): boolean {
  try {
    dateToUtcMidnight(date);
    return true;
  } catch {
    return false;
  }
}

/** Epoch ms of an ISO instant; throws on anything unparsable. */
export function parseInstant(iso: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`not a valid ISO instant: ${JSON.stringify(iso)}`);
  return ms;
}

export const toIso = (ms: number): string => new Date(ms).toISOString();

export const beijingDate = (ms: number): string => new Date(ms + BEIJING_OFFSET).toISOString().slice(0, 10);
export const startOfBeijingDay = (date: string): number => dateToUtcMidnight(date) - BEIJING_OFFSET;
/** 24:00 of `date`, i.e. the next day's 00:00. */
export const endOfBeijingDay = (date: string): number => startOfBeijingDay(date) + DAY;

export const addDays = (date: string, days: number): string =>
  new Date(dateToUtcMidnight(date) + days * DAY).toISOString().slice(0, 10);
/** 0 = Sunday .. 6 = Saturday. */
export const weekday = (date: string): number => new Date(dateToUtcMidnight(date)).getUTCDay();

/** `YYYY-MM-DD HH:mm` in Beijing time; midnight prints as 00:00 of the new day. */
export const formatBeijing = (ms: number): string =>
  new Date(ms + BEIJING_OFFSET).toISOString().slice(0, 16).replace('T', ' ');

/** Like formatBeijing, but an exact day boundary prints as 24:00 of the day it ends. */
export function formatDeadline(ms: number): string {
  if ((((ms + BEIJING_OFFSET) % DAY) + DAY) % DAY !== 0) return formatBeijing(ms);
  return `${beijingDate(ms - 1)} 24:00`;
}

// ---- working days ---------------------------------------------------------

export function isWorkingDay(date: string, table: WorkdayTable): boolean {
  const w = weekday(date); // validates the date too
  if (date < table.from || date > table.to) {
    throw new Error(`${date} is outside the workday table (${table.from}..${table.to}, ${table.source})`);
  }
  if (table.makeupWorkdays.includes(date)) return true;
  if (table.holidays.includes(date)) return false;
  return w >= 1 && w <= 5;
}

/** The first working day strictly after `date`. */
export const nextWorkingDay = (date: string, table: WorkdayTable): string => addWorkingDays(date, 1, table);

/** Steps |n| working days from `date` (exclusive) forwards (n > 0) or backwards (n < 0); n = 0 returns `date`. */
export function addWorkingDays(date: string, n: number, table: WorkdayTable): string {
  if (!Number.isInteger(n)) throw new Error(`working-day count must be an integer, got ${n}`);
  const step = n < 0 ? -1 : 1;
  let d = date;
  for (let left = Math.abs(n); left > 0;) {
    d = addDays(d, step);
    if (isWorkingDay(d, table)) left--;
  }
  return d;
}

/** Working days in [fromDate, toDate], both inclusive. */
export function countWorkingDays(fromDate: string, toDate: string, table: WorkdayTable): number {
  let count = 0;
  for (let d = fromDate; d <= toDate; d = addDays(d, 1)) if (isWorkingDay(d, table)) count++;
  return count;
}

/**
 * End of 公示: the public must have `n` whole working days. The day of publication counts only if
 * publicity began at its very start (00:00 Beijing) and it is a working day; otherwise the count
 * begins on the next working day. Ends at 24:00 of the n-th. Make-up workdays (调休) count.
 * A list published Thu 2023-09-28 10:00 thus runs Oct 7, 8, 9, 10, 11 (Sep 29 – Oct 6 off) and ends Oct 11 24:00.
 */
export function publicityEnd(startMs: number, n: number, table: WorkdayTable): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`publicity length must be a positive integer, got ${n}`);
  const day = beijingDate(startMs);
  const wholeFirstDay = startMs === startOfBeijingDay(day) && isWorkingDay(day, table);
  return endOfBeijingDay(addWorkingDays(day, wholeFirstDay ? n - 1 : n, table));
}

/**
 * The rule before whole working days: the publication day counted as day 1 whatever the hour.
 * Kept only so that campaigns finalised under it replay with their recorded end (workflows/campaign/workflow.ts).
 */
export function publicityEndCountingPublicationDay(startMs: number, n: number, table: WorkdayTable): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`publicity length must be a positive integer, got ${n}`);
  let d = beijingDate(startMs);
  let count = isWorkingDay(d, table) ? 1 : 0;
  while (count < n) {
    d = addDays(d, 1);
    if (isWorkingDay(d, table)) count++;
  }
  return endOfBeijingDay(d);
}

/**
 * `hour`:00 Beijing on the k-th working day strictly before the deadline's day, for each offset k.
 * The deadline's day is the date of (deadlineMs - 1 ms), so a 24:00 deadline belongs to its own day.
 * k = 0 means the deadline's day itself. Past instants are not filtered: that needs `now`.
 */
export function reminderInstants(
  deadlineMs: number,
  offsets: number[],
  table: WorkdayTable,
  hour = 9,
): { offset: number; at: number }[] {
  const day = beijingDate(deadlineMs - 1);
  return [...new Set(offsets)]
    .map((offset) => {
      if (!Number.isInteger(offset) || offset < 0)
        throw new Error(`reminder offset must be a non-negative integer, got ${offset}`);
      return { offset, at: startOfBeijingDay(addWorkingDays(day, -offset, table)) + hour * HOUR };
    })
    .sort((a, b) => a.at - b.at);
}

/** `hour`:00 Beijing on the first working day of each Monday-based week, strictly after fromMs and before untilMs. */
export function weeklyInstants(fromMs: number, untilMs: number, table: WorkdayTable, hour = 9): number[] {
  const out: number[] = [];
  const first = beijingDate(fromMs);
  let monday = addDays(first, -((weekday(first) + 6) % 7));
  for (; startOfBeijingDay(monday) < untilMs; monday = addDays(monday, 7)) {
    for (let i = 0; i < 7; i++) {
      const d = addDays(monday, i);
      if (!isWorkingDay(d, table)) continue;
      const at = startOfBeijingDay(d) + hour * HOUR;
      if (at > fromMs && at < untilMs) out.push(at);
      break; // only the week's first working day counts, even if it was before fromMs
    }
  }
  return out;
}

// ---- building and checking a calendar ---------------------------------------------

const isDeadlineField = (f: InstantField): boolean => (DEADLINE_FIELDS as readonly string[]).includes(f);
const fmtField = (f: InstantField, ms: number): string => (isDeadlineField(f) ? formatDeadline(ms) : formatBeijing(ms));
/** CLI flag spelling of a field: applicationsClose -> --applications-close. */
export const fieldFlag = (field: string): string => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export function defaultCalendar(year: number, workdays: WorkdayTable): CampaignCalendar {
  const at = (date: string, end: boolean): string => toIso(end ? endOfBeijingDay(date) : startOfBeijingDay(date));
  return {
    year,
    opens: at(`${year}-04-01`, false),
    applicationsClose: at(`${year}-05-31`, true),
    reviewOpens: at(`${year}-06-01`, false),
    reviewCloses: at(`${year}-07-31`, true),
    inspectionOpens: at(`${year}-08-01`, false),
    inspectionCloses: at(`${year}-10-31`, true),
    publicityWorkingDays: 5,
    commendationBy: at(`${year}-11-30`, true),
    workdays,
  };
}

interface Issue {
  field: string;
  message: string;
}

function calendarIssues(cal: CampaignCalendar): Issue[] {
  const parsed = campaignCalendarSchema().safeParse(cal);
  if (!parsed.success) {
    // Later checks would trip over malformed values, so stop at the shape errors.
    return parsed.error.issues.map((i) => ({
      field: i.path.join('.') || 'calendar',
      message: `${i.path.join('.') || 'calendar'}: ${i.message}`,
    }));
  }
  const issues: Issue[] = [];
  const ms = Object.fromEntries(INSTANT_FIELDS.map((f) => [f, parseInstant(cal[f])])) as Record<InstantField, number>;
  // [later, earlier, strict]: `later` must be after (strict) or not before `earlier`.
  const order: [InstantField, InstantField, boolean][] = [
    ['applicationsClose', 'opens', true],
    ['reviewOpens', 'applicationsClose', false],
    ['reviewCloses', 'reviewOpens', true],
    ['inspectionOpens', 'reviewCloses', false],
    ['inspectionCloses', 'inspectionOpens', true],
    ['commendationBy', 'inspectionCloses', false],
  ];
  for (const [later, earlier, strict] of order) {
    const a = ms[later];
    const b = ms[earlier];
    if (a > b || (a === b && !strict)) continue;
    const rel = a < b ? 'is before' : 'is not after';
    issues.push({
      field: later,
      message: `${later} (${fmtField(later, a)}) ${rel} ${earlier} (${fmtField(earlier, b)})`,
    });
  }
  const n = cal.publicityWorkingDays;
  const nOk = Number.isInteger(n) && n >= 1 && n <= 30;
  if (!nOk)
    issues.push({ field: 'publicityWorkingDays', message: `publicityWorkingDays must be an integer 1..30, got ${n}` });

  const { from, to, source } = cal.workdays;
  const first = beijingDate(ms.opens);
  const last = beijingDate(ms.commendationBy - 1);
  const covered = from <= first && to >= last;
  if (!covered) {
    issues.push({
      field: 'workdays',
      message: `workdays (${source}) cover ${from}..${to} but the campaign runs ${first}..${last}`,
    });
  }
  if (covered && nOk && issues.length === 0) {
    // A list finalised on the last day of the expert review, part-way through it, counts from the next day.
    const start = addDays(beijingDate(ms.inspectionCloses - 1), 1);
    const fit = countWorkingDays(start, last, cal.workdays);
    if (fit < n) {
      issues.push({
        field: 'publicityWorkingDays',
        message: `publicityWorkingDays: ${n} working days from ${start} end after commendationBy (${formatDeadline(ms.commendationBy)}); only ${fit} fit`,
      });
    }
  }
  return issues;
}

/** Problems with the calendar, each message naming its field; empty when valid. */
export const validateCalendar = (cal: CampaignCalendar): string[] => calendarIssues(cal).map((i) => i.message);

/** A typed override is Beijing time (domain/beijing-time.ts): a bare date is 24:00 for deadlines, 00:00 otherwise. */
function applyOverride(field: InstantField, value: string): string {
  try {
    return toIso(parseBeijingInput(value, field, { deadline: isDeadlineField(field) }));
  } catch (err) {
    throw new CalendarError(field, (err as Error).message);
  }
}

/** Default calendar for `year` plus overrides, validated, with every deadline still ahead of `now`. */
export function resolveCalendar(args: {
  year: number;
  overrides?: CalendarOverrides;
  workdays: WorkdayTable;
  now: number;
}): CampaignCalendar {
  const cal = defaultCalendar(args.year, args.workdays);
  const overrides = args.overrides ?? {};
  for (const f of INSTANT_FIELDS) {
    const v = overrides[f];
    if (v !== undefined) cal[f] = applyOverride(f, v);
  }
  if (overrides.publicityWorkingDays !== undefined) cal.publicityWorkingDays = overrides.publicityWorkingDays;

  const issues = calendarIssues(cal);
  if (issues.length > 0) throw new CalendarError(issues[0].field, issues.map((i) => i.message).join('; '));

  for (const f of DEADLINE_FIELDS) {
    const at = parseInstant(cal[f]);
    if (at <= args.now) {
      throw new CalendarError(
        f,
        `${f} ${formatDeadline(at)} (Beijing) has already passed; start a later year or override the windows, e.g. ${fieldFlag(f)}`,
      );
    }
  }
  return cal;
}

/** Moves every instant and workday-table date by `days` days. `year` is kept. */
export function shiftCalendar(cal: CampaignCalendar, days: number): CampaignCalendar {
  const inst = (iso: string): string => toIso(parseInstant(iso) + days * DAY);
  const date = (d: string): string => addDays(d, days);
  const out: CampaignCalendar = {
    ...cal,
    workdays: {
      from: date(cal.workdays.from),
      to: date(cal.workdays.to),
      holidays: cal.workdays.holidays.map(date),
      makeupWorkdays: cal.workdays.makeupWorkdays.map(date),
      source: days === 0 ? cal.workdays.source : `${cal.workdays.source} shifted ${days >= 0 ? '+' : ''}${days}d`,
    },
  };
  for (const f of INSTANT_FIELDS) out[f] = inst(cal[f]);
  return out;
}

/** A calendar and the time scale a compressed run passes beside it (the `timeScale` workflow input). */
export interface CompressedCalendar {
  calendar: CampaignCalendar;
  timeScale: TimeScale;
}

/**
 * Runs the calendar `speed` times faster than real time, with `cal.opens` at real `realOrigin`: the calendar
 * keeps its dates; the scale that maps them to real time is returned beside it, never inside it.
 */
export function compressCalendar(cal: CampaignCalendar, realOrigin: number, speed: number): CompressedCalendar {
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new Error(`clock speed must be a positive finite number, got ${speed}`);
  return { calendar: cal, timeScale: { calendarOrigin: cal.opens, realOrigin: toIso(realOrigin), speed } };
}
