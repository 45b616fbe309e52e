/**
 * Dates and times that a person types are Beijing time. This is the one function that reads them, outside
 * workflow code: the CLI, the web forms and the client convert before they call a workflow, which only ever
 * receives instants with an explicit zone (workflows/shared/instant.ts).
 *
 * Accepted: `2027-08-15` (a deadline: 24:00 of that Beijing day; otherwise 00:00), `2027-08-15 10:00` or
 * `2027-08-15T10:00[:ss]` (Beijing), and ISO instants with a zone (`…Z`, `…+08:00`). `Date.parse` of a
 * zone-less date-time would use the process's own zone: a worker in UTC and one in Asia/Shanghai would
 * read `2027-08-15T10:00` 8 hours apart.
 */

// Self-contained (domain/calendar.ts reads its overrides through this module).
const BEIJING_OFFSET = 8 * 3_600_000;
const isValidDate = (d: string): boolean => {
  const ms = Date.parse(`${d}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === d;
};
const startOfBeijingDay = (d: string): number => Date.parse(`${d}T00:00:00Z`) - BEIJING_OFFSET;
const endOfBeijingDay = (d: string): number => startOfBeijingDay(d) + 86_400_000;

const DATE = /^(\d{4}-\d{2}-\d{2})$/;
const LOCAL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
/** An ISO instant with an explicit zone, as workflows accept it. */
export const ZONED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export class BeijingTimeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'BeijingTimeError';
  }
}

/**
 * Epoch ms of what a person typed in `field`. `deadline`: a bare date means 24:00 of that day (the
 * calendar's rule for closing instants); otherwise 00:00. Throws a one-line BeijingTimeError naming the field.
 */
export function parseBeijingInput(text: string, field: string, opts: { deadline: boolean }): number {
  const v = text.trim();
  const date = DATE.exec(v);
  if (date) {
    if (!isValidDate(date[1])) throw new BeijingTimeError(field, `${field}: ${date[1]} is not a calendar date`);
    return opts.deadline ? endOfBeijingDay(date[1]) : startOfBeijingDay(date[1]);
  }
  const local = LOCAL.exec(v);
  if (local) {
    const [, day, hh, mm, ss] = local;
    if (!isValidDate(day) || Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59)
      throw new BeijingTimeError(field, `${field}: ${v} is not a valid Beijing date and time`);
    return startOfBeijingDay(day) + ((Number(hh) * 60 + Number(mm)) * 60 + Number(ss ?? 0)) * 1000;
  }
  if (ZONED_INSTANT.test(v) && Number.isFinite(Date.parse(v))) return Date.parse(v);
  throw new BeijingTimeError(
    field,
    `${field}: ${JSON.stringify(text)} is neither a Beijing date (YYYY-MM-DD), a Beijing time (YYYY-MM-DD HH:mm) nor an ISO instant with a zone`,
  );
}

/** `parseBeijingInput` as the ISO instant (UTC, `Z`) a workflow accepts. */
export function beijingInstant(text: string, field: string, opts: { deadline: boolean }): string {
  return new Date(parseBeijingInput(text, field, opts)).toISOString();
}

/**
 * An action payload as a workflow accepts it: a typed `until` (a Beijing date: 24:00 of that day, or a Beijing
 * time) becomes an ISO instant with a zone; anything else is left for the workflow's own validation.
 */
export function withZonedUntil<T>(payload: T): T {
  if (!payload || typeof payload !== 'object') return payload;
  const until = (payload as { until?: unknown }).until;
  if (typeof until !== 'string' || ZONED_INSTANT.test(until)) return payload;
  try {
    return { ...payload, until: beijingInstant(until, 'until', { deadline: true }) };
  } catch {
    return payload; // the workflow's schema refuses it, with its own one-line error naming the field
  }
}
