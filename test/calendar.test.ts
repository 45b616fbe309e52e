import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import {
  CalendarError,
  addDays,
  addWorkingDays,
  beijingDate,
  campaignCalendarSchema,
  compressCalendar,
  defaultCalendar,
  endOfBeijingDay,
  formatBeijing,
  formatDeadline,
  isWorkingDay,
  nextWorkingDay,
  publicityEnd,
  publicityEndCountingPublicationDay,
  reminderInstants,
  resolveCalendar,
  shiftCalendar,
  startOfBeijingDay,
  validateCalendar,
  weekday,
  weeklyInstants,
  type CampaignCalendar,
  type WorkdayTable,
} from '../domain/calendar';
import { toCalendar, toReal } from '../domain/time-scale';
import { HolidayDataError, loadWorkdays } from '../domain/holidays';

const T2023 = loadWorkdays(2023, {});
const EXAMPLE_2027 = path.join(__dirname, '..', 'domain', 'holidays-example-2027.json');
const iso = (ms: number) => new Date(ms).toISOString();
const NOW_2026 = Date.parse('2026-11-25T11:00:00.000Z');

describe('Beijing dates and formatting', () => {
  it('maps instants to Beijing dates and day boundaries', () => {
    expect(beijingDate(Date.parse('2023-05-31T15:59:59.999Z'))).toBe('2023-05-31');
    expect(beijingDate(Date.parse('2023-05-31T16:00:00.000Z'))).toBe('2023-06-01');
    expect(iso(startOfBeijingDay('2023-06-01'))).toBe('2023-05-31T16:00:00.000Z');
    expect(iso(endOfBeijingDay('2023-05-31'))).toBe('2023-05-31T16:00:00.000Z');
    expect(() => startOfBeijingDay('2023-02-30')).toThrow(/not a valid date/);
  });

  it('formats plain times and deadlines', () => {
    const endOfMay = Date.parse('2023-05-31T16:00:00.000Z');
    expect(formatBeijing(endOfMay)).toBe('2023-06-01 00:00');
    expect(formatDeadline(endOfMay)).toBe('2023-05-31 24:00');
    expect(formatDeadline(Date.parse('2023-07-20T01:00:00.000Z'))).toBe('2023-07-20 09:00');
  });
});

describe('workday table from chinese-days (2023)', () => {
  it('knows the 2023 holidays and make-up workdays', () => {
    expect(T2023.source).toBe('chinese-days@1.5.7');
    expect(isWorkingDay('2023-04-04', T2023)).toBe(true);
    expect(isWorkingDay('2023-04-05', T2023)).toBe(false); // 清明, a Wednesday
    expect(isWorkingDay('2023-04-23', T2023)).toBe(true); // Sunday make-up
    expect(isWorkingDay('2023-05-06', T2023)).toBe(true); // Saturday make-up
    expect(isWorkingDay('2023-05-07', T2023)).toBe(false); // plain Sunday
    for (const d of ['2023-06-22', '2023-06-23', '2023-06-24']) expect(isWorkingDay(d, T2023)).toBe(false);
    expect(isWorkingDay('2023-06-25', T2023)).toBe(true);
    for (let d = '2023-09-29'; d <= '2023-10-06'; d = addDays(d, 1)) {
      expect(isWorkingDay(d, T2023)).toBe(false);
    }
    expect(isWorkingDay('2023-10-07', T2023)).toBe(true);
    expect(isWorkingDay('2023-10-08', T2023)).toBe(true);
  });

  it('refuses dates outside the table instead of guessing', () => {
    expect(() => isWorkingDay('2022-12-31', T2023)).toThrow(/outside the workday table/);
  });

  it('steps over holidays', () => {
    expect(nextWorkingDay('2023-09-28', T2023)).toBe('2023-10-07');
    expect(addWorkingDays('2023-10-07', -1, T2023)).toBe('2023-09-28');
  });
});

describe('publicity and reminders', () => {
  it('5 working days from Mon 2023-09-25 00:00 end Sat 2023-10-07 24:00; from later that day, Sun Oct 8 24:00', () => {
    const end = publicityEnd(Date.parse('2023-09-24T16:00:00.000Z'), 5, T2023);
    expect(formatDeadline(end)).toBe('2023-10-07 24:00');
    expect(iso(end)).toBe('2023-10-07T16:00:00.000Z');
    for (const t of ['2023-09-24T16:00:00.001Z', '2023-09-25T01:30:00.000Z', '2023-09-25T15:59:59.999Z']) {
      expect(formatDeadline(publicityEnd(Date.parse(t), 5, T2023))).toBe('2023-10-08 24:00');
    }
  });

  it('a start on a day off counts from the next working day', () => {
    // Sun 2023-06-25 is a make-up workday; Sat 2023-06-24 is a holiday.
    expect(formatDeadline(publicityEnd(startOfBeijingDay('2023-06-24'), 1, T2023))).toBe('2023-06-25 24:00');
    // A make-up Sunday counts as a whole working day when publicity starts at its 00:00.
    expect(formatDeadline(publicityEnd(startOfBeijingDay('2023-04-23'), 5, T2023))).toBe('2023-04-27 24:00');
    expect(formatDeadline(publicityEnd(startOfBeijingDay('2023-04-23') + 3_600_000, 5, T2023))).toBe(
      '2023-04-28 24:00',
    );
    expect(formatDeadline(publicityEnd(startOfBeijingDay('2023-04-28') + 10 * 3_600_000, 1, T2023))).toBe(
      '2023-05-04 24:00',
    );
  });

  // Finalised on each day of the week around every 2023 holiday of the campaign: [date, end if at 00:00, end if later that day].
  // Days off: 清明 Apr 5; 劳动节 Apr 29 – May 3 (make-up Sun Apr 23, Sat May 6); 端午 Jun 22–24 (make-up Sun Jun 25);
  // 中秋/国庆 Sep 29 – Oct 6 (make-up Sat Oct 7, Sun Oct 8).
  const AROUND_HOLIDAYS: [string, string, string][] = [
    ['2023-03-31', '2023-04-07', '2023-04-10'], // Fri before 清明
    ['2023-04-01', '2023-04-10', '2023-04-10'],
    ['2023-04-02', '2023-04-10', '2023-04-10'],
    ['2023-04-03', '2023-04-10', '2023-04-11'],
    ['2023-04-04', '2023-04-11', '2023-04-12'],
    ['2023-04-05', '2023-04-12', '2023-04-12'], // 清明 itself
    ['2023-04-06', '2023-04-12', '2023-04-13'],
    ['2023-04-24', '2023-04-28', '2023-05-04'], // Mon before 劳动节
    ['2023-04-25', '2023-05-04', '2023-05-05'],
    ['2023-04-26', '2023-05-05', '2023-05-06'],
    ['2023-04-27', '2023-05-06', '2023-05-08'],
    ['2023-04-28', '2023-05-08', '2023-05-09'],
    ['2023-04-29', '2023-05-09', '2023-05-09'],
    ['2023-04-30', '2023-05-09', '2023-05-09'],
    ['2023-06-17', '2023-06-26', '2023-06-26'], // Sat before 端午
    ['2023-06-18', '2023-06-26', '2023-06-26'],
    ['2023-06-19', '2023-06-26', '2023-06-27'],
    ['2023-06-20', '2023-06-27', '2023-06-28'],
    ['2023-06-21', '2023-06-28', '2023-06-29'],
    ['2023-06-22', '2023-06-29', '2023-06-29'],
    ['2023-06-23', '2023-06-29', '2023-06-29'],
    ['2023-09-24', '2023-10-07', '2023-10-07'], // Sun before 中秋/国庆
    ['2023-09-25', '2023-10-07', '2023-10-08'],
    ['2023-09-26', '2023-10-08', '2023-10-09'],
    ['2023-09-27', '2023-10-09', '2023-10-10'],
    ['2023-09-28', '2023-10-10', '2023-10-11'],
    ['2023-09-29', '2023-10-11', '2023-10-11'],
    ['2023-09-30', '2023-10-11', '2023-10-11'],
  ];
  it.each(AROUND_HOLIDAYS)(
    '5 working days of 公示 from %s end %s 24:00 (at 00:00) or %s 24:00 (later)',
    (date, fromMidnight, fromLater) => {
      const start = startOfBeijingDay(date);
      expect(formatDeadline(publicityEnd(start, 5, T2023))).toBe(`${fromMidnight} 24:00`);
      for (const hours of [0.0001, 9, 10.5, 17, 23.99]) {
        expect(formatDeadline(publicityEnd(start + hours * 3_600_000, 5, T2023))).toBe(`${fromLater} 24:00`);
      }
    },
  );

  it('the old rule (publication day counted as day 1) is kept for campaigns finalised under it', () => {
    expect(formatDeadline(publicityEndCountingPublicationDay(Date.parse('2023-09-25T02:00:00.000Z'), 5, T2023))).toBe(
      '2023-10-07 24:00',
    );
  });

  it('reminders before the Jul 31 deadline go out Jul 20/26/28 09:00', () => {
    const r = reminderInstants(Date.parse('2023-07-31T16:00:00.000Z'), [1, 7, 3], T2023);
    expect(r.map((x) => x.offset)).toEqual([7, 3, 1]);
    expect(r.map((x) => iso(x.at))).toEqual([
      '2023-07-20T01:00:00.000Z',
      '2023-07-26T01:00:00.000Z',
      '2023-07-28T01:00:00.000Z',
    ]);
    expect(r.map((x) => formatBeijing(x.at))).toEqual(['2023-07-20 09:00', '2023-07-26 09:00', '2023-07-28 09:00']);
  });

  it('reminders skip the National Day holiday', () => {
    // Deadline Tue 2023-10-10 24:00: 1 → Mon Oct 9, 2 → Sun Oct 8 and 3 → Sat Oct 7 (make-ups),
    // 4 → Thu Sep 28, jumping Sep 29–Oct 6.
    const r = reminderInstants(endOfBeijingDay('2023-10-10'), [1, 2, 3, 4], T2023, 10);
    expect(r.map((x) => formatBeijing(x.at))).toEqual([
      '2023-09-28 10:00',
      '2023-10-07 10:00',
      '2023-10-08 10:00',
      '2023-10-09 10:00',
    ]);
  });

  it('offset 0 is the deadline day itself', () => {
    const r = reminderInstants(endOfBeijingDay('2023-07-31'), [0], T2023);
    expect(formatBeijing(r[0].at)).toBe('2023-07-31 09:00');
  });

  it('weekly reminders land on the first working day of each week', () => {
    const from = Date.parse('2023-09-20T00:00:00.000Z'); // Wed
    const until = endOfBeijingDay('2023-10-20');
    // Week of Oct 2 starts working on Sat Oct 7.
    expect(weeklyInstants(from, until, T2023).map(formatBeijing)).toEqual([
      '2023-09-25 09:00',
      '2023-10-07 09:00',
      '2023-10-09 09:00',
      '2023-10-16 09:00',
    ]);
  });
});

describe('default 2023 calendar', () => {
  const cal = defaultCalendar(2023, T2023);

  it('has the exact instants and validates', () => {
    expect(cal.opens).toBe('2023-03-31T16:00:00.000Z');
    expect(cal.applicationsClose).toBe('2023-05-31T16:00:00.000Z');
    expect(cal.reviewOpens).toBe('2023-05-31T16:00:00.000Z');
    expect(cal.reviewCloses).toBe('2023-07-31T16:00:00.000Z');
    expect(cal.inspectionOpens).toBe('2023-07-31T16:00:00.000Z');
    expect(cal.inspectionCloses).toBe('2023-10-31T16:00:00.000Z');
    expect(cal.commendationBy).toBe('2023-11-30T16:00:00.000Z');
    expect(cal.publicityWorkingDays).toBe(5);
    // The calendar holds the notice's dates only; a compressed run's time scale travels beside it.
    expect(cal).not.toHaveProperty('clock');
    expect(campaignCalendarSchema().parse(cal)).toEqual(cal);
    expect(validateCalendar(cal)).toEqual([]);
  });

  it('names the field in validation messages', () => {
    const bad: CampaignCalendar = { ...cal, reviewCloses: iso(endOfBeijingDay('2023-05-01')) };
    const errs = validateCalendar(bad);
    expect(errs).toContain('reviewCloses (2023-05-01 24:00) is before reviewOpens (2023-06-01 00:00)');
  });

  it('rejects publicity that does not fit before commendationBy', () => {
    const errs = validateCalendar({ ...cal, publicityWorkingDays: 30 });
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(
      /^publicityWorkingDays: 30 working days from 2023-11-01 end after commendationBy \(2023-11-30 24:00\)/,
    );
    expect(validateCalendar({ ...cal, publicityWorkingDays: 0 })[0]).toMatch(
      /^publicityWorkingDays must be an integer 1\.\.30/,
    );
    expect(validateCalendar({ ...cal, publicityWorkingDays: 2.5 })[0]).toMatch(/^publicityWorkingDays/);
  });

  it('rejects a workday table that does not cover the campaign', () => {
    const short: WorkdayTable = { ...T2023, to: '2023-10-31' };
    expect(validateCalendar({ ...cal, workdays: short })[0]).toMatch(
      /^workdays \(chinese-days@1\.5\.7\) cover 2023-01-01\.\.2023-10-31/,
    );
  });

  it('reports malformed values by path', () => {
    expect(validateCalendar({ ...cal, opens: '2023-04-01' })[0]).toMatch(/^opens: /);
  });
});

describe('resolveCalendar', () => {
  it('names applicationsClose first when 2023 is resolved in Nov 2026', () => {
    let err: unknown;
    try {
      resolveCalendar({ year: 2023, workdays: T2023, now: NOW_2026 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CalendarError);
    expect((err as CalendarError).field).toBe('applicationsClose');
    expect((err as CalendarError).message).toBe(
      'applicationsClose 2023-05-31 24:00 (Beijing) has already passed; start a later year or override the windows, e.g. --applications-close',
    );
  });

  it('accepts overrides that move the windows ahead (dates and instants)', () => {
    const cal = resolveCalendar({
      year: 2023,
      workdays: T2023,
      now: Date.parse('2023-06-15T00:00:00.000Z'),
      overrides: {
        applicationsClose: '2023-06-30',
        reviewOpens: '2023-07-01',
        reviewCloses: '2023-08-15T18:00:00+08:00',
        inspectionOpens: '2023-08-16',
      },
    });
    expect(cal.applicationsClose).toBe('2023-06-30T16:00:00.000Z');
    expect(cal.reviewOpens).toBe('2023-06-30T16:00:00.000Z');
    expect(cal.reviewCloses).toBe('2023-08-15T10:00:00.000Z');
    expect(cal.inspectionOpens).toBe('2023-08-15T16:00:00.000Z');
  });

  it('throws CalendarError for invalid overrides, joining messages', () => {
    expect(() =>
      resolveCalendar({
        year: 2023,
        workdays: T2023,
        now: 0,
        overrides: { reviewCloses: '2023-05-01', publicityWorkingDays: 40 },
      }),
    ).toThrow(
      /^reviewCloses \(2023-05-01 24:00\) is before reviewOpens \(2023-06-01 00:00\); .*publicityWorkingDays must be/,
    );
    expect(() =>
      resolveCalendar({ year: 2023, workdays: T2023, now: 0, overrides: { opens: '2023-04-01 25:00' } }),
    ).toThrow(/^opens: .* not a valid Beijing date and time/);
    expect(() => resolveCalendar({ year: 2023, workdays: T2023, now: 0, overrides: { opens: 'April 1st' } })).toThrow(
      /^opens: .* neither a Beijing date/,
    );
  });

  it('reads a typed time without a zone as Beijing time (domain/beijing-time.ts)', () => {
    const cal = resolveCalendar({
      year: 2023,
      workdays: T2023,
      now: 0,
      overrides: { reviewCloses: '2023-07-15 18:00' },
    });
    expect(cal.reviewCloses).toBe('2023-07-15T10:00:00.000Z');
  });
});

describe('2027: no package data', () => {
  it('throws HolidayDataError pointing at --holiday-file / --weekends-only', () => {
    expect(() => loadWorkdays(2027, {})).toThrow(HolidayDataError);
    expect(() => loadWorkdays(2027, {})).toThrow(/--holiday-file .*--weekends-only/);
  });

  it('works with the example holiday file', () => {
    const t = loadWorkdays(2027, { holidayFile: EXAMPLE_2027 });
    expect(t.source).toBe('file:holidays-example-2027.json');
    expect(isWorkingDay('2027-10-01', t)).toBe(false);
    expect(isWorkingDay('2027-10-09', t)).toBe(true);
    const cal = resolveCalendar({ year: 2027, workdays: t, now: NOW_2026 });
    expect(cal.applicationsClose).toBe('2027-05-31T16:00:00.000Z');
  });

  it('works weekends-only', () => {
    const t = loadWorkdays(2027, { weekendsOnly: true });
    expect(t).toMatchObject({ source: 'weekends-only', holidays: [], makeupWorkdays: [] });
    expect(isWorkingDay('2027-10-01', t)).toBe(true);
    expect(validateCalendar(resolveCalendar({ year: 2027, workdays: t, now: NOW_2026 }))).toEqual([]);
  });

  it('rejects bad holiday files naming the date', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holidays-'));
    const write = (name: string, body: unknown) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, JSON.stringify(body));
      return f;
    };
    expect(() => loadWorkdays(2027, { holidayFile: write('a.json', { holidays: { '2027-02-30': 'x' } }) })).toThrow(
      /holidays\.2027-02-30/,
    );
    expect(() =>
      loadWorkdays(2027, {
        holidayFile: write('b.json', { holidays: { '2027-01-01': 'x' }, workdays: { '2027-02-08': 'x' } }),
      }),
    ).toThrow(/workdays\.2027-02-08 is a weekday/);
    expect(() => loadWorkdays(2027, { holidayFile: write('c.json', { holidays: { '2027-01-01': 1 } }) })).toThrow(
      /holidays\.2027-01-01/,
    );
    expect(() => loadWorkdays(2027, { holidayFile: write('d.json', { workdays: {} }) })).toThrow(/: holidays: /);
    expect(() => loadWorkdays(2028, { holidayFile: EXAMPLE_2027 })).toThrow(/no holidays in 2028/);
    expect(() => loadWorkdays(2027, { holidayFile: path.join(dir, 'missing.json') })).toThrow(HolidayDataError);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('shift and compress', () => {
  const cal = defaultCalendar(2023, T2023);

  it('shiftCalendar by whole weeks keeps the weekday and holiday shape', () => {
    for (const k of [1, 52, 160]) {
      const days = 7 * k;
      const s = shiftCalendar(cal, days);
      expect(validateCalendar(s)).toEqual([]);
      expect(Date.parse(s.applicationsClose) - Date.parse(cal.applicationsClose)).toBe(days * 86_400_000);
      const shiftedDate = (d: string) => beijingDate(startOfBeijingDay(d) + days * 86_400_000);
      for (const d of ['2023-04-05', '2023-04-23', '2023-06-25', '2023-09-29', '2023-10-07', '2023-10-09']) {
        expect(isWorkingDay(shiftedDate(d), s.workdays)).toBe(isWorkingDay(d, T2023));
        expect(weekday(shiftedDate(d))).toBe(weekday(d));
      }
      const end = publicityEnd(startOfBeijingDay(shiftedDate('2023-09-25')), 5, s.workdays);
      expect(end - publicityEnd(startOfBeijingDay('2023-09-25'), 5, T2023)).toBe(days * 86_400_000);
    }
  });

  it('a 2023 calendar shifted 208 weeks lies ahead of Nov 2026 and stays valid', () => {
    const s = shiftCalendar(cal, 7 * 208);
    expect(s.opens).toBe('2027-03-26T16:00:00.000Z'); // Sat 2027-03-27 00:00 Beijing, as 2023-04-01 was a Saturday
    expect(Date.parse(s.applicationsClose)).toBeGreaterThan(NOW_2026);
    expect(validateCalendar(s)).toEqual([]);
    expect(s.workdays.source).toBe('chinese-days@1.5.7 shifted +1456d');
  });

  it('toReal/toCalendar roundtrip with a compressed clock', () => {
    const realOrigin = Date.parse('2026-11-25T12:00:00.000Z');
    const { calendar: c, timeScale: t } = compressCalendar(cal, realOrigin, 170_000);
    // The calendar keeps its dates; the scale maps them to real time.
    expect(c).toEqual(cal);
    expect(t).toEqual({ calendarOrigin: cal.opens, realOrigin: '2026-11-25T12:00:00.000Z', speed: 170_000 });
    expect(toReal(t, Date.parse(c.opens))).toBe(realOrigin);
    const closes = Date.parse(c.commendationBy);
    const real = toReal(t, closes);
    // Eight months of campaign in about two and a half minutes of real time.
    expect(real - realOrigin).toBeGreaterThan(100_000);
    expect(real - realOrigin).toBeLessThan(200_000);
    for (const x of [closes, Date.parse(c.reviewCloses), Date.parse(c.opens) + 12_345]) {
      const back = toCalendar(t, toReal(t, x));
      expect(back).toBeGreaterThanOrEqual(x); // a timer never fires early
      expect(back - x).toBeLessThan(170_000);
    }
    for (const r of [realOrigin, realOrigin + 1, realOrigin + 99_999]) expect(toReal(t, toCalendar(t, r))).toBe(r);
    // No scale is the identity.
    expect(toReal(undefined, closes)).toBe(closes);
    expect(toCalendar(undefined, closes)).toBe(closes);
  });

  it('rejects a non-positive speed', () => {
    expect(() => compressCalendar(cal, 0, 0)).toThrow(/speed/);
  });
});
