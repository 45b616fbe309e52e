/**
 * The panel's list tells each application left off it once, with its own reason (workflows/campaign/actions/
 * panel-finalize.ts); lists finalised before the patch told the inspected ones a second time, which is kept for them.
 */
import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import { DEFAULT_GRADE_BANDS } from '../domain/grades';
import { directory } from './fixtures';
import { CURRENT_RULES, initialCampaignState, type CampaignInput } from '../workflows/campaign/state';
import { applyCampaignAction } from '../workflows/campaign/actions';

const input: CampaignInput = {
  year: 2023,
  calendar: defaultCalendar(2023, loadWorkdays(2023)),
  quota: 5,
  subdistricts: directory.subdistricts,
  staff: directory.people,
  gradeBands: DEFAULT_GRADE_BANDS,
};
const [A, B, C, D] = directory.committees.slice(0, 4).map((c) => c.id);
const sdOf = (id: string) => directory.committees.find((c) => c.id === id)!.subdistrict;
const SEP25 = Date.parse('2023-09-25T02:00:00.000Z');
const NOT_LISTED = '评选团未将其列入拟表彰名单';
const NOT_INSPECTED = '未完成专项检查，不具备评选资格';

/** A ranked A; B and C inspected and left off; D recommended but never inspected. */
function finalised(rules = CURRENT_RULES) {
  const s = initialCampaignState(input);
  for (const [id, stage] of [
    [A, 'inspected'],
    [B, 'inspected'],
    [C, 'inspected'],
    [D, 'recommended'],
  ])
    s.registry[id] = { sd: sdOf(id), stage, seq: 1, paper: true };
  applyCampaignAction(
    'panelFinalize',
    { actor: 'panel-chair', ranking: [A], tieBreakRule: '按总分排序' },
    s,
    input,
    SEP25,
    rules,
  );
  return s;
}

describe('the applications left off the panel list', () => {
  it('are told once each, the inspected that the panel passed them over, the others that they were not inspected', () => {
    const s = finalised();
    expect(s.outbox).toEqual([
      { committeeIds: [A], notice: { type: 'listed', rank: 1 } },
      { committeeIds: [B, C], notice: { type: 'not-selected', reason: NOT_LISTED } },
      { committeeIds: [D], notice: { type: 'not-selected', reason: NOT_INSPECTED } },
    ]);
    expect([B, C, D].map((id) => s.registry[id].stage)).toEqual(['not-selected', 'not-selected', 'not-selected']);
  });

  it('keep the second notice of lists finalised before the change, so their histories replay', () => {
    const s = finalised({ ...CURRENT_RULES, notSelectedOnce: false });
    expect(s.outbox.slice(1)).toEqual([
      { committeeIds: [B, C], notice: { type: 'not-selected', reason: NOT_LISTED } },
      { committeeIds: [B, C, D], notice: { type: 'not-selected', reason: NOT_INSPECTED } },
    ]);
  });
});
