/**
 * The instant fields of workflow messages (an extension's `until`). Workflows receive only instants with an
 * explicit zone (`…Z`, `…+08:00`): a person's typed Beijing date or time is converted by the caller, the CLI,
 * the web forms and the client, with one function (domain/beijing-time.ts `beijingInstant`). A zone-less
 * date-time is refused because `Date.parse` would read it in the worker's own zone; a bare date is refused
 * because whether it means 00:00 or 24:00 of that day is the caller's rule (a deadline: 24:00), not the
 * workflow's.
 */
import { z } from 'zod';
import { ZONED_INSTANT } from '../../domain/beijing-time';
import { endOfBeijingDay } from '../../domain/calendar';

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const zonedInstant = z.string().superRefine((v, ctx) => {
  if (ZONED_INSTANT.test(v) && !Number.isNaN(Date.parse(v))) return;
  ctx.addIssue({
    code: 'custom',
    message: BARE_DATE.test(v)
      ? `${v} is a bare date, not an instant; send one with a zone (24:00 Beijing of that day is ${v}T16:00:00Z); the CLI and the client convert typed dates`
      : 'must be an ISO instant with a zone (…Z or …+08:00); a Beijing time without a zone is converted by the caller',
  });
});

/** Epoch ms of an accepted instant (a bare date, which only replays carry, is 24:00 Beijing of that day). */
export function instantMs(v: string): number {
  return BARE_DATE.test(v) ? endOfBeijingDay(v) : Date.parse(v);
}

/**
 * For handlers (and the envelope signal) only, never validators: a payload whose `until` is a bare date
 * gets it as the instant it always meant, 24:00 Beijing of that day. Updates and signals recorded before
 * bare dates were refused carry them, and their handler must replay the same change: refusing them now
 * would change the state (and the timers) of a running campaign on its next replay. New Updates with a
 * bare date never reach a handler: the validator refuses them.
 */
export function withRecordedDates(payload: unknown): unknown {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return payload;
  const until = (payload as { until?: unknown }).until;
  if (typeof until !== 'string' || !BARE_DATE.test(until) || Number.isNaN(Date.parse(until))) return payload;
  return { ...payload, until: new Date(endOfBeijingDay(until)).toISOString() };
}
