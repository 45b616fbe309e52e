import { describe, expect, it } from 'vitest';
import { campaignCalendarSchema, compressCalendar, defaultCalendar } from '../domain/calendar';
import { loadDirectory } from '../client/directory';
import { DEFAULT_GRADE_BANDS } from '../domain/grades';
import { loadWorkdays } from '../domain/holidays';
import { inputCalendarSchema, timeScaleOf } from '../workflows/shared/clock';
import { startReevaluationSchema } from '../workflows/title/messages';

const cal = defaultCalendar(2023, loadWorkdays(2023));
const { timeScale } = compressCalendar(cal, Date.parse('2026-11-30T12:00:00.000Z'), 100_000);

describe('the time scale beside the calendar', () => {
  it('is read from the workflow input, else from the legacy calendar.clock of older histories, else none', () => {
    const legacy = { ...timeScale, speed: 7 };
    expect(timeScaleOf({ calendar: cal, timeScale })).toEqual(timeScale);
    expect(timeScaleOf({ calendar: { ...cal, clock: legacy }, timeScale })).toEqual(timeScale);
    expect(timeScaleOf({ calendar: { ...cal, clock: legacy } })).toEqual(legacy);
    expect(timeScaleOf({ calendar: cal })).toBeUndefined();
  });

  it('is no part of the calendar schema, but a legacy clock in an older run’s request survives parsing', () => {
    const old = { ...cal, clock: timeScale };
    expect(campaignCalendarSchema().parse(old)).not.toHaveProperty('clock');
    expect(inputCalendarSchema().parse(old).clock).toEqual(timeScale);
    const request = {
      year: 2023,
      calendar: old,
      materialsDue: '2023-09-30T16:00:00.000Z',
      staff: loadDirectory().people,
      gradeBands: DEFAULT_GRADE_BANDS,
    };
    const parsed = startReevaluationSchema.safeParse(request);
    if (!parsed.success) throw new Error(parsed.error.message);
    expect(timeScaleOf(parsed.data)).toEqual(timeScale);
    expect(startReevaluationSchema.safeParse({ ...request, timeScale: { ...timeScale, speed: 0 } }).success).toBe(
      false,
    );
  });
});
