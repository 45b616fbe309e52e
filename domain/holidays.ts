/**
 * Loads the official working-day arrangement (holidays and 调休 make-up days) for a campaign
 * year. Node side only: workflows receive the resulting WorkdayTable inside the calendar.
 *
 * Sources:
 * - default: the JSON data shipped with the `chinese-days` package (dist/chinese-days.json, the
 *   file its README documents). We read the data rather than call its query functions because
 *   those mix UTC parsing with local-time day arithmetic and shift dates in UTC-minus zones.
 * - `holidayFile`: a JSON file in the same shape, for years the package does not know yet:
 *     {
 *       "_comment": "optional free text",
 *       "holidays": { "2027-01-01": "New Year's Day,元旦,1", ... },   // days off
 *       "workdays": { "2027-01-31": "Spring Festival,春节,4", ... }   // weekend days worked (调休)
 *     }
 *   Keys are Beijing dates YYYY-MM-DD; values are free labels. An "inLieuDays" map is allowed and ignored.
 * - `weekendsOnly`: Monday–Friday, no holidays. For demos and years without any data.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { addDays, isValidDate, weekday } from './calendar';
import type { WorkdayTable } from './calendar-schema';

/** Thrown when no trustworthy holiday data exists for a year or a holiday file is bad. One line. */
export class HolidayDataError extends Error {
  override name = 'HolidayDataError';
}

const dayMap = z.record(z.string(), z.string());
export const holidayDataSchema = z.object({
  _comment: z.string().optional(),
  holidays: dayMap,
  workdays: dayMap.default({}),
  inLieuDays: dayMap.optional(),
});
export type HolidayData = z.infer<typeof holidayDataSchema>;

const HINT = 'pass --holiday-file <file> (see domain/holidays-example-2027.json) or --weekends-only';

/** Validates raw JSON; throws HolidayDataError naming the bad field or date. */
export function parseHolidayData(raw: unknown, label: string): HolidayData {
  const parsed = holidayDataSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new HolidayDataError(`${label}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const data = parsed.data;
  for (const field of ['holidays', 'workdays'] as const) {
    for (const date of Object.keys(data[field])) {
      if (!isValidDate(date)) throw new HolidayDataError(`${label}: ${field}.${date} is not a valid date YYYY-MM-DD`);
    }
  }
  for (const date of Object.keys(data.workdays)) {
    // A make-up workday on Mon–Fri changes nothing, so it is almost certainly a typo.
    const w = weekday(date);
    if (w >= 1 && w <= 5)
      throw new HolidayDataError(
        `${label}: workdays.${date} is a weekday; list only weekend days that are worked (调休)`,
      );
    if (date in data.holidays) throw new HolidayDataError(`${label}: ${date} is listed in both holidays and workdays`);
  }
  return data;
}

const hasYear = (data: HolidayData, year: number): boolean =>
  Object.keys(data.holidays).some((d) => d.startsWith(`${year}-`));

/**
 * Table for `year` from Jan 1 through Dec 31, extended through Dec 31 of the next year when the
 * data has that year too (rounds slip; the 2022 list came out in Feb 2023).
 */
function tableFrom(data: HolidayData, year: number, source: string): WorkdayTable {
  const from = `${year}-01-01`;
  const to = hasYear(data, year + 1) ? `${year + 1}-12-31` : `${year}-12-31`;
  const inRange = (m: Record<string, string>): string[] =>
    Object.keys(m)
      .filter((d) => d >= from && d <= to)
      .sort();
  return { from, to, holidays: inRange(data.holidays), makeupWorkdays: inRange(data.workdays), source };
}

function loadPackageData(): { data: HolidayData; version: string } {
  const pkgJson = require.resolve('chinese-days/package.json');
  const version = (JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const file = path.join(path.dirname(pkgJson), 'dist', 'chinese-days.json');
  return { data: parseHolidayData(JSON.parse(fs.readFileSync(file, 'utf8')), `chinese-days@${version}`), version };
}

function loadFile(file: string): HolidayData {
  const label = `holiday file ${file}`;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new HolidayDataError(`${label}: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseHolidayData(raw, label);
}

export function loadWorkdays(year: number, opts: { holidayFile?: string; weekendsOnly?: boolean } = {}): WorkdayTable {
  if (!Number.isInteger(year)) throw new HolidayDataError(`year must be an integer, got ${year}`);
  if (opts.holidayFile && opts.weekendsOnly)
    throw new HolidayDataError('use either --holiday-file or --weekends-only, not both');
  if (opts.weekendsOnly) {
    return {
      from: `${year}-01-01`,
      to: addDays(`${year + 2}-01-01`, -1),
      holidays: [],
      makeupWorkdays: [],
      source: 'weekends-only',
    };
  }
  if (opts.holidayFile) {
    const data = loadFile(opts.holidayFile);
    if (!hasYear(data, year))
      throw new HolidayDataError(`holiday file ${opts.holidayFile} lists no holidays in ${year}`);
    return tableFrom(data, year, `file:${path.basename(opts.holidayFile)}`);
  }
  const { data, version } = loadPackageData();
  // Every official arrangement has at least New Year's Day, so no holiday at all means no data.
  if (!hasYear(data, year)) {
    throw new HolidayDataError(`chinese-days@${version} has no official holiday data for ${year}; ${HINT}`);
  }
  return tableFrom(data, year, `chinese-days@${version}`);
}
