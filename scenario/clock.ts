/**
 * The story's clock: a scene's moment ('MM-DD HH:mm', Beijing) of the calendar's own year, as an instant, and a
 * wait until it. The same clock serves a compressed calendar on the real clock (demo, CLI test, fault runner) and a
 * calendar moved ahead of the time-skipping server's clock (the round test, with that server's now and sleep).
 * A compressed run passes its time scale (the campaign's `timeScale` input); a moved calendar has none.
 */
import { toReal, type TimeScale } from '../domain/time-scale';

const DAY = 86_400_000;

export interface StoryClock {
  /** The instant, in the calendar's own time, of a moment of the story. */
  instant(at: string): number;
  /** Returns once the calendar has reached the moment. */
  until(at: string): Promise<void>;
}

export interface ClockOptions {
  /** The year of the calendar's own dates (2023 for the 2023 calendar). */
  calendarYear: number;
  /** Whole days the calendar was moved ahead of its dates (test/fixtures.ts calendar2023Ahead). */
  shiftDays?: number;
  /** The clock to wait on: the real one by default, or a time-skipping server's. */
  now?: () => Promise<number> | number;
  sleep?: (ms: number) => Promise<void>;
}

export function momentOf(calendarYear: number, at: string): number {
  const m = /^(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(at);
  if (!m) throw new Error(`story moment "${at}": expected MM-DD HH:mm`);
  return Date.parse(`${calendarYear}-${m[1]}-${m[2]}T${m[3]}:${m[4]}:00+08:00`);
}

export function storyClock(timeScale: TimeScale | undefined, o: ClockOptions): StoryClock {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const instant = (at: string) => momentOf(o.calendarYear, at) + (o.shiftDays ?? 0) * DAY;
  return {
    instant,
    async until(at) {
      const wait = toReal(timeScale, instant(at)) - (await now());
      if (wait > 0) await sleep(wait);
    },
  };
}
