/**
 * When reminders go out, for any workflow: the slots (kind, deadline, offset, instant) of a deadline or a
 * weekly chase, which of them are due, and the send-activity input for one recipient of one slot.
 * Pure and workflow-safe: the caller passes the calendar-time `now` and its own cursor.
 *
 * Usage (campaign, application, and later title / re-evaluation workflows):
 *   slots = deadlineSlots(...) / weeklySlots(...)       -- from the calendar resolved at start and the state
 *   wake at min(next phase boundary, nextSlotAt(slots, cursor))
 *   for each slot of dueSlots(slots, cursor, now): compute who still owes what NOW, one job per recipient
 *   cursor = now
 */
import { endOfBeijingDay, reminderInstants, toIso, weeklyInstants, type WorkdayTable } from '../../domain/calendar';
import type { Person } from '../../domain/directory';
import type { SendMailInput } from '../../activities/send-mail';
import type { MailTemplate, PendingItem, Recipient, ReminderKind } from '../../templates/types';

export interface ReminderSettings {
  /** Working days before the deadline's day; 0 is the deadline's day itself. */
  offsets: number[];
  /** Beijing hour of day. */
  hour: number;
}

export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = { offsets: [7, 3, 1], hour: 9 };

export function reminderSettings(partial?: Partial<ReminderSettings>): ReminderSettings {
  return { ...DEFAULT_REMINDER_SETTINGS, ...(partial ?? {}) };
}

export interface Slot {
  kind: ReminderKind;
  /** Separates slots of one kind with different recipients, e.g. the 街镇 of a review reminder. */
  scope: string;
  /** ISO deadline; for weekly slots, the slot's own instant. */
  deadline: string;
  /** Working days before the deadline; null for weekly slots. */
  offset: number | null;
  /** Calendar instant (ms). */
  at: number;
}

/**
 * The reminder slots of one deadline: `hour`:00 Beijing on the k-th working day before it, for each offset,
 * kept only if at or after `opensAt` (nobody can act before the window opens) and before the deadline.
 * Offsets that fall outside the workday table are dropped, never guessed.
 */
export function deadlineSlots(
  kind: ReminderKind,
  scope: string,
  deadline: string,
  opensAt: string,
  table: WorkdayTable,
  settings: ReminderSettings,
): Slot[] {
  const end = Date.parse(deadline);
  const opens = Date.parse(opensAt);
  const out: Slot[] = [];
  for (const offset of [...new Set(settings.offsets)]) {
    let at: number;
    try {
      at = reminderInstants(end, [offset], table, settings.hour)[0].at;
    } catch {
      continue;
    }
    if (at >= opens && at < end) out.push({ kind, scope, deadline: toIso(end), offset, at });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Weekly slots: `hour`:00 on the first working day of each week, after `fromIso`, until `untilMs` or the table's end. */
export function weeklySlots(
  kind: ReminderKind,
  scope: string,
  fromIso: string,
  untilMs: number,
  table: WorkdayTable,
  settings: ReminderSettings,
): Slot[] {
  const until = Math.min(untilMs, endOfBeijingDay(table.to));
  const from = Date.parse(fromIso);
  if (!(until > from)) return [];
  return weeklyInstants(from, until, table, settings.hour).map((at) => ({
    kind,
    scope,
    deadline: toIso(at),
    offset: null,
    at,
  }));
}

const seriesKey = (s: Slot) => `${s.kind}|${s.scope}|${s.offset === null ? 'weekly' : s.deadline}`;

/**
 * Slots due at `now`: instant in (cursor, now] and, for deadline slots, still before the deadline.
 * When several slots of one deadline are due at once (the worker was down), only the latest is sent.
 */
export function dueSlots(slots: Slot[], cursor: number, now: number): Slot[] {
  const latest = new Map<string, Slot>();
  for (const s of slots) {
    if (s.at <= cursor || s.at > now) continue;
    if (s.offset !== null && now >= Date.parse(s.deadline)) continue;
    const k = seriesKey(s);
    const prev = latest.get(k);
    if (!prev || s.at > prev.at) latest.set(k, s);
  }
  return [...latest.values()].sort((a, b) => a.at - b.at || seriesKey(a).localeCompare(seriesKey(b)));
}

/** The first slot instant after the cursor, for the workflow's timer. */
export function nextSlotAt(slots: Slot[], cursor: number): number | undefined {
  let next: number | undefined;
  for (const s of slots) if (s.at > cursor && (next === undefined || s.at < next)) next = s.at;
  return next;
}

export function recipientOf(p: Pick<Person, 'id' | 'name' | 'role' | 'email'>): Recipient {
  return { id: p.id, name: p.name, role: p.role, email: p.email };
}

/** The send-activity input of one reminder to one recipient. Its Message-ID follows from workflow, deadline, offset, recipient. */
export function reminderJob(
  workflowId: string,
  year: number,
  slot: Slot,
  to: Recipient,
  items: PendingItem[],
): SendMailInput {
  return {
    workflowId,
    kind: slot.kind,
    deadline: slot.deadline,
    offset: slot.offset === null ? 'weekly' : String(slot.offset),
    to,
    template: { type: 'reminder', kind: slot.kind, year, deadline: slot.deadline, offset: slot.offset, items },
    scheduledAt: toIso(slot.at),
  };
}

/** The send-activity input of one notice to one recipient; `at` (ISO) is the event's instant and part of its Message-ID. */
export function noticeJob(
  workflowId: string,
  at: string,
  to: Recipient,
  template: Extract<MailTemplate, { type: 'notice' }>,
  tag = '-',
): SendMailInput {
  return { workflowId, kind: template.notice, deadline: at, offset: tag, to, template, scheduledAt: at };
}
