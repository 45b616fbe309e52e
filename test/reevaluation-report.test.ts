/**
 * The campaign's side of the officials' re-evaluation digest, as pure functions: reports recorded (a malformed
 * one names its field and changes nothing, a stale one is ignored), the digest's slots and jobs, and Message-IDs
 * that follow from (街镇, official, slot) only.
 */
import { describe, expect, it } from 'vitest';
import { messageIdFor } from '../activities/send-mail';
import { defaultCalendar, formatBeijing } from '../domain/calendar';
import { DEFAULT_GRADE_BANDS } from '../domain/grades';
import { loadWorkdays } from '../domain/holidays';
import { directory } from './fixtures';
import { initialCampaignState, type CampaignInput } from '../workflows/campaign/state';
import { recordReevaluationReport, type ReevaluationReport } from '../workflows/campaign/reevaluations';
import { digestJobs, digestSlots } from '../workflows/reminders/digest';
import { reminderSettings } from '../workflows/reminders/slots';

const CAL = defaultCalendar(2023, loadWorkdays(2023));
const HUAYANG = '华阳路街道';
const second = {
  ...directory.people.find((p) => p.id === 'official-huayang')!,
  id: 'official-huayang-2',
  email: 'official-huayang-2@example.org',
};
const input: CampaignInput = {
  year: 2023,
  calendar: CAL,
  quota: 5,
  subdistricts: directory.subdistricts,
  staff: [...directory.people, second],
  gradeBands: DEFAULT_GRADE_BANDS,
};
const settings = reminderSettings();
const report = (committeeId: string, over: Partial<ReevaluationReport> = {}): ReevaluationReport => ({
  committeeId,
  subdistrict: HUAYANG,
  name: `${committeeId} 业主委员会`,
  seq: 1,
  stage: 'awaiting-pre-review',
  waiting: true,
  due: CAL.inspectionCloses,
  opens: CAL.inspectionOpens,
  ...over,
});
const t = (iso: string) => Date.parse(iso);

describe('re-evaluation reports at the campaign', () => {
  it('refuses a malformed report naming the field, and ignores a stale one', () => {
    const s = initialCampaignState(input);
    expect(recordReevaluationReport(s, { ...report('huayang-001'), waiting: 'yes' })).toMatch(
      /^InvalidInput: waiting: /,
    );
    expect(recordReevaluationReport(s, { ...report('huayang-001'), due: '2023-10-31' })).toMatch(
      /^InvalidInput: due: /,
    );
    expect(recordReevaluationReport(s, 'not a report')).toMatch(/^InvalidInput: /);
    expect(s.reevaluations ?? {}).toEqual({});
    expect(recordReevaluationReport(s, report('huayang-001', { seq: 2, waiting: false }))).toBeUndefined();
    expect(recordReevaluationReport(s, report('huayang-001', { seq: 1, waiting: true }))).toBeUndefined();
    expect(s.reevaluations!['huayang-001']).toMatchObject({ seq: 2, waiting: false });
  });

  it('plans no digest without a waiting holder', () => {
    const s = initialCampaignState(input);
    expect(digestSlots(input, s, settings)).toEqual([]);
    recordReevaluationReport(s, report('huayang-001', { waiting: false }));
    expect(digestSlots(input, s, settings)).toEqual([]);
  });

  it('sends each official of the 街镇 one digest per slot naming every waiting holder', () => {
    const s = initialCampaignState(input);
    for (const id of ['huayang-002', 'huayang-001']) recordReevaluationReport(s, report(id));
    recordReevaluationReport(s, report('jiangsu-001', { subdistrict: '江苏路街道' }));
    const slots = digestSlots(input, s, settings);
    // Pre-review due with the inspection window (Tue Oct 31 24:00): 7, 3 and 1 working days before, per 街镇.
    expect([...new Set(slots.map((x) => formatBeijing(x.at)))]).toEqual([
      '2023-10-20 09:00',
      '2023-10-26 09:00',
      '2023-10-30 09:00',
    ]);
    const jobs = digestJobs(input, s, t('2023-10-20T00:00:00Z'), t('2023-10-20T01:00:00Z'), 'campaign-2023', settings);
    expect(
      jobs.map((j) => [
        j.to.id,
        j.template.type === 'reminder' && j.template.items.map((i) => ('committeeId' in i ? i.committeeId : i.action)),
      ]),
    ).toEqual([
      ['official-huayang', ['huayang-001', 'huayang-002']],
      ['official-huayang-2', ['huayang-001', 'huayang-002']],
      ['official-jiangsu', ['jiangsu-001']],
    ]);
    // A holder pre-reviewed since: the same slot's Message-ID, fewer items; a retry sends the same message.
    recordReevaluationReport(s, report('huayang-001', { seq: 2, waiting: false }));
    const again = digestJobs(input, s, t('2023-10-20T00:00:00Z'), t('2023-10-20T01:00:00Z'), 'campaign-2023', settings);
    expect(again.map(messageIdFor)).toEqual(jobs.map(messageIdFor));
    expect(new Set(jobs.map(messageIdFor)).size).toBe(3);
    const later = digestJobs(input, s, t('2023-10-26T00:00:00Z'), t('2023-10-26T01:00:00Z'), 'campaign-2023', settings);
    expect(new Set([...jobs, ...later].map(messageIdFor)).size).toBe(6);
  });
});
