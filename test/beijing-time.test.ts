/** What a person types is Beijing time (domain/beijing-time.ts); workflows accept only instants with a zone. */
import { describe, expect, it } from 'vitest';
import { beijingInstant, BeijingTimeError, parseBeijingInput } from '../domain/beijing-time';
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

  it('refuse a zone-less date and time with one line naming the field', () => {
    for (const r of [campaign('2027-08-15T10:00'), reevaluation('2027-08-15T10:00')]) {
      expect(r.success).toBe(false);
      const line = zodLine(r.error!);
      expect(line).toMatch(/until/);
      expect(line).not.toContain('\n');
    }
  });

  it('accept an instant with a zone, and a bare date (24:00 Beijing)', () => {
    for (const until of ['2027-08-15T02:00:00.000Z', '2027-08-15T10:00:00+08:00', '2027-08-15']) {
      expect(campaign(until).success).toBe(true);
      expect(reevaluation(until).success).toBe(true);
    }
  });
});
