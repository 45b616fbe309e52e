/**
 * The 街镇 officials' re-evaluation digest, sent by the year's campaign from what its re-evaluations
 * reported (workflows/campaign/reevaluations.ts): per 街镇 and pre-review deadline, the usual slots
 * (7/3/1 working days before, 09:00 Beijing); at each, one email per official of the 街镇 listing every
 * holder still waiting on its pre-review at that instant. Nobody waiting, no email.
 *
 * Its Message-ID follows from the campaign's workflow id, the kind, the deadline, the offset and the
 * official (activities/send-mail.ts); an official belongs to one 街镇, so the key is (街镇, official, slot)
 * and a retry, or a continued run of the campaign, sends the same message.
 * Pure and workflow-safe.
 */
import { toIso } from '../../domain/calendar';
import type { SendMailInput } from '../../activities/send-mail';
import type { PendingItem } from '../../templates/types';
import type { CampaignInput, CampaignState, ReevaluationEntry } from '../campaign/state';
import { preReviewCommand } from '../reevaluation/commands';
import { deadlineSlots, dueSlots, recipientOf, reminderJob, type ReminderSettings, type Slot } from './slots';

const KIND = 'reevaluation-review';

/** Waiting holders in committee-id order, so the digest lists them the same way every time. */
function waiting(s: CampaignState): [string, ReevaluationEntry][] {
  return Object.entries(s.reevaluations ?? {})
    .filter(([, e]) => e.waiting)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The digest's slots: one series per (街镇, deadline) with a holder waiting now. None without reports. */
export function digestSlots(input: CampaignInput, s: CampaignState, settings: ReminderSettings): Slot[] {
  const groups = new Map<string, { sd: string; due: string; opens: string }>();
  for (const [, e] of waiting(s)) {
    const due = toIso(Date.parse(e.due));
    const key = `${e.sd}|${due}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { sd: e.sd, due, opens: e.opens });
    else if (e.opens < g.opens) g.opens = e.opens;
  }
  const out: Slot[] = [];
  for (const g of groups.values())
    out.push(...deadlineSlots(KIND, g.sd, g.due, g.opens, input.calendar.workdays, settings));
  return out.sort((a, b) => a.at - b.at);
}

/** The digests due since the cursor: one per official of the slot's 街镇, naming every holder waiting on it. */
export function digestJobs(
  input: CampaignInput,
  s: CampaignState,
  cursor: number,
  now: number,
  workflowId: string,
  settings: ReminderSettings,
): SendMailInput[] {
  const jobs: SendMailInput[] = [];
  for (const slot of dueSlots(digestSlots(input, s, settings), cursor, now)) {
    const holders = waiting(s).filter(([, e]) => e.sd === slot.scope && toIso(Date.parse(e.due)) === slot.deadline);
    if (!holders.length) continue;
    const officials = input.staff.filter((p) => p.role === 'subdistrict' && p.subdistrict === slot.scope);
    for (const official of officials) {
      const items: PendingItem[] = holders.map(([committeeId, e]) => ({
        action: 'review-reevaluation',
        command: preReviewCommand(input.year, committeeId, official.id),
        committeeId,
        committeeName: e.name,
        subdistrict: e.sd,
      }));
      jobs.push(reminderJob(workflowId, input.year, slot, recipientOf(official), items));
    }
  }
  return jobs;
}
