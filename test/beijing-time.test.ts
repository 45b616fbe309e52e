/** What a person types is Beijing time (domain/beijing-time.ts); workflows accept only instants with a zone. */
import { describe, expect, it } from 'vitest';
import { beijingInstant, BeijingTimeError, parseBeijingInput, withZonedUntil } from '../domain/beijing-time';
import { instantMs, withRecordedDates } from '../workflows/shared/instant';
import { campaignActionSchemas } from '../workflows/campaign/messages';
import { reevaluationActionSchemas } from '../workflows/reevaluation/messages';
import { zodLine } from '../domain/rejections';

describe('parseBeijingInput', () => {
  it('reads a bare date as 24:00 Beijing for a deadline, 00:00 otherwise', () => {
    expect(beijingInstant('2027-08-15', 'until', { deadline: true })).toBe('2027-08-15T16:00:00.000Z');
    expect(beijingInstant('2027-08-15', 'opens', { deadline: false })).toBe('2027-08-14T16:00:00.000Z');
  });

  it('reads a zone-less date and time as Beijing time, whatever the process zone', () => {
    expect(beijingInstant('2027-08-15T10:00', 'until', { deadline: true })).toBe('2027-08-15T02:00:00.000Z');
    expect(beijingInstant('2027-08-15 10:00:30', 'until', { deadline: true })).toBe('2027-08-15T02:00:30.000Z');
  });

  it('keeps an instant with a zone as it is', () => {
    expect(beijingInstant('2027-08-15T10:00:00+08:00', 'until', { deadline: true })).toBe('2027-08-15T02:00:00.000Z');
    expect(beijingInstant('2027-08-15T02:00:00Z', 'until', { deadline: true })).toBe('2027-08-15T02:00:00.000Z');
  });

  it('refuses anything else with one line naming the field', () => {
    for (const bad of ['2027-02-30', '2027-08-15 24:30', 'next friday', '15/08/2027']) {
      let err: unknown;
      try {
        parseBeijingInput(bad, 'until', { deadline: true });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BeijingTimeError);
      expect((err as Error).message).toMatch(/^until: /);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});

describe("workflows' instant fields", () => {
  const campaign = (until: string) =>
    campaignActionSchemas.extendDeadline.safeParse({ actor: 'bureau-lu', window: 'applications', until });
  const reevaluation = (until: string) =>
    reevaluationActionSchemas.extendDeadline.safeParse({ actor: 'bureau-lu', until });

  it('refuse a zone-less date and time, and a bare date, with one line naming the field', () => {
    for (const until of ['2027-08-15T10:00', '2027-08-15']) {
      for (const r of [campaign(until), reevaluation(until)]) {
        expect(r.success).toBe(false);
        const line = zodLine(r.error!);
        expect(line).toMatch(/^until: /);
        expect(line).not.toContain('\n');
      }
    }
    expect(zodLine(campaign('2027-08-15').error!)).toContain('2027-08-15 is a bare date');
  });

  it('accept an instant with a zone', () => {
    for (const until of ['2027-08-15T02:00:00.000Z', '2027-08-15T10:00:00+08:00']) {
      expect(campaign(until).success).toBe(true);
      expect(reevaluation(until).success).toBe(true);
    }
  });

  it('handlers read a recorded bare date as it always meant: 24:00 Beijing of that day', () => {
    const recorded = { actor: 'bureau-lu', window: 'applications', until: '2027-08-15' };
    const replayed = withRecordedDates(recorded) as typeof recorded;
    expect(replayed.until).toBe('2027-08-15T16:00:00.000Z');
    expect(instantMs(replayed.until)).toBe(instantMs('2027-08-15'));
    expect(campaignActionSchemas.extendDeadline.safeParse(replayed).success).toBe(true);
    const zoned = { ...recorded, until: '2027-08-15T02:00:00Z' };
    expect(withRecordedDates(zoned)).toBe(zoned);
  });

  it('are converted by the client from what a person typed, with the one Beijing-time function', () => {
    expect(withZonedUntil({ actor: 'bureau-lu', until: '2027-08-15' }).until).toBe('2027-08-15T16:00:00.000Z');
    expect(withZonedUntil({ actor: 'bureau-lu', until: '2027-08-15 10:00' }).until).toBe('2027-08-15T02:00:00.000Z');
    const zoned = { actor: 'bureau-lu', until: '2027-08-15T10:00:00+08:00' };
    expect(withZonedUntil(zoned)).toBe(zoned);
    expect(withZonedUntil({ actor: 'bureau-lu', until: 'next friday' }).until).toBe('next friday');
  });
});
