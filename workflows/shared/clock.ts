/**
 * The workflows' one clock seam: the only workflow code that reads the workflow clock (`Date.now()`) or
 * converts between calendar time and timer (real) time.
 *
 * Time comes from timers. A workflow's decisions (phases, deadline checks, which reminders are due) read
 * `now()`: the calendar instant the workflow has *reached*, kept in its state and moved forward only when
 * one of its durable timers fires (`waitUntil`). A timer firing is an event in the history, so a replay
 * sees the same instant at the same point. Reading `Date.now()` for decisions is not safe: after a worker
 * crash, SDK 1.24.0 can hand the first task of a run that a query loaded into the cache a stale clock,
 * and a branch on it then differs from its replay (test/repro/sdk-repro.ts).
 *
 * `live()` is the clock itself. It stamps when a decision arrived (audit entries, `decidedAt`, the start
 * of 公示), and Update validators may use it (validators do not run on replay); nothing branches on it.
 *
 * A time scale (demo, bench and fault runs compress a campaign year into minutes) is read only here:
 * real = realOrigin + (calendar - calendarOrigin) / speed. Without one, calendar time is real time.
 *
 * Runs started before this seam existed branch on the clock; `legacy` keeps their code path so their
 * histories replay (see the README, "Changing workflow code").
 */
import { condition, patched } from '@temporalio/workflow';
import { campaignCalendarSchema, type CampaignCalendar } from '../../domain/calendar-schema';
import { timeScaleSchema, toCalendar, toReal, type TimeScale } from '../../domain/time-scale';
import { lazy } from '../../domain/lazy';

/** The patch that selects time-from-timers; absent in histories recorded before it. */
export const TIME_FROM_TIMERS_PATCH = 'time-from-timers';

/** A compressed clock for demo, bench, fault and test runs; production runs have none. */
export type { TimeScale };

/**
 * The calendar of a workflow input, as histories recorded before the time scale became an input of its own
 * carry it: with the scale inside, as `clock`. Legacy: only `timeScaleOf` reads `clock`, so those histories
 * replay with the scale they ran with; new callers pass `timeScale` beside a calendar that has no `clock`.
 */
export type InputCalendar = CampaignCalendar & {
  /** Legacy: the time scale of runs started before `timeScale` was a workflow input. Never set it. */
  clock?: TimeScale;
};

/** A calendar in an update of an older run may still carry the legacy `clock` (InputCalendar); keep it. */
export const inputCalendarSchema = lazy(() => campaignCalendarSchema().extend({ clock: timeScaleSchema().optional() }));

/** Where a workflow keeps the calendar instant it has reached (ISO); carried by continue-as-new. */
export interface ReachedHolder {
  reached?: string;
}

export interface StoryClock {
  /** True for runs whose history began before time-from-timers: they keep branching on the clock. */
  readonly legacy: boolean;
  /** The calendar instant decisions see: the last timer fired (or the run's start); legacy: the clock. */
  now(): number;
  /** The clock, in calendar time: for stamps and validators only. */
  live(): number;
  /** `live()` as an ISO instant. */
  stamp(): string;
  /**
   * `[now, late]` for an Update validator's rule checks: `now` decides deadlines ("before D"), `late`
   * openings ("from X on"); both are the later of the instant reached and the clock. Validators do not
   * run on replay, so they may read the clock, and they may refuse an action whose deadline instant has
   * passed although its timer has not fired yet: an Update that arrives just after a deadline while the
   * worker was down (the timer fires late, in the same task as the Update) is refused, not accepted
   * because the workflow has not caught up.
   */
  forValidator(): [now: number, late: number];
  /**
   * `[now, late]` for an Update handler's rule checks: state only. Deadlines are decided by the instant
   * the timers reached (`now()`); openings are not decided again (`late` is +Infinity): the validator
   * already checked them by the clock, and a handler runs only after its validator accepted. A timer
   * for an opening that is overdue (a worker back after an outage) fires after the Update in the same
   * task, so checking openings against `now()` here would fail an Update the validator accepted.
   */
  forHandler(): [now: number, late: number];
  /** Real milliseconds from the clock to the calendar instant `at`: for the legacy code paths only. */
  realUntil(at: number): number;
  /**
   * Sleeps until the calendar instant `at` (a durable timer) or until `wake()` holds. Returns true if
   * the timer fired; then `now()` is `at`. With `at` undefined it waits for `wake()` only.
   */
  waitUntil(at: number | undefined, wake: () => boolean): Promise<boolean>;
}

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

/**
 * The time scale of a workflow input: its own `timeScale`, else (legacy) the `clock` its calendar carried in
 * histories recorded before the scale was an input (InputCalendar).
 */
export function timeScaleOf(input: { timeScale?: TimeScale; calendar?: InputCalendar }): TimeScale | undefined {
  return input.timeScale ?? input.calendar?.clock;
}

/**
 * Whether this run uses time-from-timers. Call it once, first thing in the workflow function, before any
 * command: new runs record the patch marker; replays of histories recorded before it get false.
 */
export function timeFromTimers(): boolean {
  return patched(TIME_FROM_TIMERS_PATCH);
}

/**
 * The clock of one workflow run. `reached` starts at the run's first activation (calendar time) and is
 * carried by continue-as-new with the rest of the state. `holder` may be a getter, for a state that is
 * built with the clock's help.
 */
export function storyClock(
  scaleOrGetter: TimeScale | undefined | (() => TimeScale | undefined),
  holder: ReachedHolder | (() => ReachedHolder),
  useTimers: boolean,
): StoryClock {
  // A getter for a workflow whose scale changes (a title takes each re-evaluation's scale).
  const scale = () => (typeof scaleOrGetter === 'function' ? scaleOrGetter() : scaleOrGetter);
  const live = () => toCalendar(scale(), Date.now());
  // The run's start, read once; a state built after the clock (it needs a time) gets it on first use.
  const start = iso(live());
  const state = (): ReachedHolder => {
    const h = typeof holder === 'function' ? holder() : holder;
    h.reached ??= start;
    return h;
  };
  const realUntil = (at: number) => toReal(scale(), at) - Date.now();
  if (!useTimers) {
    // The checks these runs were recorded with: validators and handlers read the clock.
    const both = (): [number, number] => [live(), live()];
    return {
      legacy: true,
      now: live,
      live,
      stamp: () => iso(live()),
      forValidator: both,
      forHandler: both,
      realUntil,
      waitUntil: legacyWait(realUntil),
    };
  }
  const now = () => ms(state().reached!);
  return {
    legacy: false,
    now,
    live,
    stamp: () => iso(live()),
    forValidator: () => {
      const late = Math.max(now(), live());
      return [late, late];
    },
    forHandler: () => [now(), Number.POSITIVE_INFINITY],
    realUntil,
    // Always one timer, even for an instant already past: whether a timer exists must not depend on the clock.
    async waitUntil(at, wake) {
      if (at === undefined) {
        await condition(wake);
        return false;
      }
      // Measured from the later of the task's clock and the instant the last timer reached: SDK 1.24.0 can hand a
      // task a clock that is stale by the time since the previous task (seen: 23 s, the demo's first timer after
      // a worker start, so its applications window closed 56 story days late). A timer that fired proves real
      // time has reached its instant, so the wait is never measured from before it.
      const fired = !(await condition(
        wake,
        Math.max(1, toReal(scale(), at) - Math.max(Date.now(), toReal(scale(), now()))),
      ));
      if (fired && at > ms(state().reached!)) state().reached = iso(at);
      return fired;
    },
  };
}

/** The campaign's wait as recorded before time-from-timers: no timer at all for an instant already past. */
function legacyWait(realUntil: (at: number) => number): StoryClock['waitUntil'] {
  return async (at, wake) => {
    if (at === undefined) {
      await condition(wake);
      return false;
    }
    const wait = realUntil(at);
    if (wait <= 0) return true;
    return !(await condition(wake, wait));
  };
}

/** The clock as an ISO instant, for a workflow with no calendar of its own (a stamp only; nothing branches on it). */
export const wallStamp = (): string => iso(Date.now());
