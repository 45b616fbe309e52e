/**
 * What the test SMTP server received, reduced to sets that can be compared across runs.
 *
 * Message-IDs are derived from (workflow, kind, deadline, offset, recipient) (activities/send-mail.ts). For
 * reminders and the campaign-opened notice every part is fixed by the calendar, so the Message-ID itself is
 * compared. The draft-published and final-list notices put the instant of their event (the panel's finalize,
 * the bureau's confirmation, to the calendar millisecond) in the `deadline` part: no two runs can reproduce that
 * instant, so for them we check that the Message-ID is exactly the one derived from the run's own recorded event
 * instant (campaign status draft.at / final.at) and compare the ID derived with that instant left out.
 */
import { messageIdFor } from '../../activities/send-mail';
import { beijingDate } from '../../domain/calendar';
import type { Directory } from '../../domain/directory';
import type { ReceivedMail } from '../smtp';

export const EVENT_NOTICES = ['draft-published', 'final-list'] as const;

export interface MailRecord {
  deliveries: number;
  /** Distinct Message-IDs, sorted. */
  ids: string[];
  /** Deliveries beyond the first of a Message-ID (retries of a send whose completion was lost). */
  duplicates: number;
  duplicatesByKind: Record<string, number>;
  /** Distinct comparable keys, sorted: the Message-ID, or for event notices the ID without the event's instant. */
  comparable: string[];
  /** Key → "kind → recipient (deadline)", to explain a difference. */
  describe: Record<string, string>;
  countsByKind: Record<string, number>;
  /** Every delivery in order of receipt, for the log. */
  log: {
    messageId: string;
    kind: string;
    to: string;
    deadline: string;
    scheduled: string;
    workflowId: string;
    receivedAt: string;
  }[];
}

/** `events`: the campaign's recorded instants; without them the event notices are compared but not checked against the campaign. */
export function collectMail(
  messages: ReceivedMail[],
  d: Directory,
  events?: { draftAt: string; finalAt: string },
): MailRecord {
  const idByEmail = new Map<string, string>();
  for (const p of d.people) if (p.email) idByEmail.set(p.email.toLowerCase(), p.id);
  for (const c of d.committees) if (c.email) idByEmail.set(c.email.toLowerCase(), c.id);

  const seen = new Map<string, number>();
  const comparable = new Set<string>();
  const describe: Record<string, string> = {};
  const duplicatesByKind: Record<string, number> = {};
  const countsByKind: Record<string, number> = {};
  const log: MailRecord['log'] = [];
  for (const m of messages) {
    const kind = m.headers['x-red-model-kind'] ?? '?';
    log.push({
      messageId: m.messageId,
      kind,
      to: m.to,
      deadline: m.headers['x-red-model-deadline'] ?? '?',
      scheduled: m.headers['x-red-model-scheduled'] ?? '?',
      workflowId: m.headers['x-red-model-workflow'] ?? '?',
      receivedAt: new Date(m.receivedAt).toISOString(),
    });
    const deadline = m.headers['x-red-model-deadline'] ?? '?';
    const workflowId = m.headers['x-red-model-workflow'] ?? '?';
    const first = !seen.has(m.messageId);
    seen.set(m.messageId, (seen.get(m.messageId) ?? 0) + 1);
    if (!first) {
      duplicatesByKind[kind] = (duplicatesByKind[kind] ?? 0) + 1;
      continue;
    }
    countsByKind[kind] = (countsByKind[kind] ?? 0) + 1;
    let key = m.messageId;
    if ((EVENT_NOTICES as readonly string[]).includes(kind)) {
      const id = idByEmail.get(m.to.toLowerCase());
      if (!id) throw new Error(`${kind} notice to ${m.to}, who is not in the directory`);
      // Keyed by the Beijing date of the event (workflows/reminders/plan.ts): the same notice, the same Message-ID.
      const event = kind === 'draft-published' ? events?.draftAt : events?.finalAt;
      const expected = event === undefined ? undefined : beijingDate(Date.parse(event));
      if (expected !== undefined && deadline !== expected)
        throw new Error(
          `${kind} notice to ${m.to} is for ${deadline}, but the campaign recorded the event on ${expected} (${event})`,
        );
      const to = { id, email: m.to, name: '', role: 'bureau' as const }; // only id and email enter the Message-ID
      const own = messageIdFor({ workflowId, kind, deadline, offset: '-', to });
      if (own !== m.messageId)
        throw new Error(
          `${kind} notice to ${m.to}: Message-ID ${m.messageId} is not the one derived from its event (${own})`,
        );
      key = `${messageIdFor({ workflowId, kind, deadline: `(the ${kind} event)`, offset: '-', to })} [${kind}]`;
    }
    comparable.add(key);
    describe[key] = `${kind} → ${m.to} (${deadline})`;
  }
  const ids = [...seen.keys()].sort();
  return {
    deliveries: messages.length,
    ids,
    duplicates: messages.length - ids.length,
    duplicatesByKind,
    comparable: [...comparable].sort(),
    describe,
    countsByKind,
    log,
  };
}

/** Keys in `a` and not in `b`, described. */
export function missingFrom(a: MailRecord, b: MailRecord): string[] {
  const inB = new Set(b.comparable);
  return a.comparable.filter((k) => !inB.has(k)).map((k) => a.describe[k] ?? k);
}
