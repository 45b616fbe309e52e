/**
 * Re-election filing (换届改选备案, notice 五(四)2): a new committee of a quarter is filed. Recorded for
 * any committee in the directory, with or without a title, in or out of a round. Who may record it: the
 * committee itself, an official of its 街镇, or the bureau. Workflow-safe (schemas and rules only).
 */
import { z } from 'zod';
import { isValidDate } from './calendar';
import { lazy } from './lazy';
import type { StaffRef } from './directory';
import { findPerson, requireSubdistrictOfficial } from './authorization';
import { reject } from './rejections';

// Built on first use (./lazy.ts): an application's sandbox imports this module and seldom records a filing.
export const filingDate = lazy(() => z.string().refine(isValidDate, 'must be a date YYYY-MM-DD'));
/** The new committee's filing reference (备案编号), as the 街镇 issued it. */
export const filingRef = lazy(() => z.string().trim().min(1).max(64));

export const reelectionFilingSchema = lazy(() =>
  z
    .object({
      actor: z.string().min(1).max(64),
      filedOn: filingDate(),
      filingRef: filingRef(),
      note: z.string().max(2000).optional(),
    })
    .strict(),
);
export type ReelectionFiling = z.infer<ReturnType<typeof reelectionFilingSchema>>;

/** The committee itself, an official of its own 街镇, or the bureau. */
export function requireFiler(
  staff: readonly StaffRef[],
  actor: string,
  committeeId: string,
  subdistrict: string,
  action: string,
): void {
  if (actor === committeeId) return;
  const p = findPerson(staff, actor);
  if (p.role === 'subdistrict') requireSubdistrictOfficial(staff, actor, subdistrict, action);
  else if (p.role !== 'bureau')
    reject('WrongActor', `${action} is for the committee itself, its 街镇 or the bureau; ${actor} is ${p.role}`);
}
