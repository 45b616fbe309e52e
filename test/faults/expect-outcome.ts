/** The checks both fault suites (dev server and cluster) make of a round against the undisturbed reference. */
import { expect } from 'vitest';
import { missingFrom } from './mail';
import { SPEED } from './round';
import type { ScenarioReport } from './scenarios';

/** The preconditions of a fair comparison: every burst of scripted actions ended before the reminder it decides. */
export function expectInTime(r: ScenarioReport): void {
  const late = r.outcome.bursts
    .filter((b) => !b.inTime)
    .map((b) => `${b.burst} ended at ${b.calendarEnd}, after ${b.mustEndBefore}`);
  expect(late, `machine too slow for FAULT_SPEED=${SPEED} (seed ${r.seed ?? '-'}); see ${r.logFile}`).toEqual([]);
}

/** The fault run ends exactly like the reference: same list, same stages, the same Message-IDs sent. */
export function expectSameAsReference(r: ScenarioReport, reference: ScenarioReport | undefined): void {
  if (!reference) throw new Error('the reference round did not complete; nothing to compare with');
  const ref = reference.outcome;
  const o = r.outcome;
  const where = `(seed ${r.seed}; logs ${r.logFile})`;
  expectInTime(r);
  expect(o.finalList, `final list ${where}`).toEqual(ref.finalList);
  expect(o.removed, `removed ${where}`).toEqual(ref.removed);
  expect(o.stages, `final stages ${where}`).toEqual(ref.stages);
  expect(
    { missing: missingFrom(ref.mail, o.mail), extra: missingFrom(o.mail, ref.mail) },
    `sent Message-IDs ${where}`,
  ).toEqual({ missing: [], extra: [] });
}
