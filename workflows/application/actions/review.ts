/** The 街镇 pre-review's rule for both decisions (notice 三(二)): its own official, inside the window, while the list is open. */
import { requireSubdistrictOfficial } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { deadlineText, openingText, type ApplicationContext } from './context';

export function requireReviewer(action: string, actorId: string, { input }: ApplicationContext): void {
  requireSubdistrictOfficial(input.staff, actorId, input.form.subdistrict, action);
}

export function requireReviewOpen(
  kind: 'recommend' | 'not-recommend',
  { s, input, now, late }: ApplicationContext,
): void {
  const sd = input.form.subdistrict;
  if (late < Date.parse(input.calendar.reviewOpens))
    reject('WrongPhase', `街镇 pre-review opens ${openingText(Date.parse(input.calendar.reviewOpens))}`);
  if (s.locked) reject('WrongPhase', `${sd} has confirmed its list or its deadline passed; decisions are locked`);
  if (now >= Date.parse(s.reviewDeadline))
    reject('WrongPhase', `the review deadline ${deadlineText(Date.parse(s.reviewDeadline))} has passed`);
  if (s.decision?.kind === kind) reject('Duplicate', `already decided: ${kind} by ${s.decision.by}`);
}
