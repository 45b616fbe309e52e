/** Dates for pages: Beijing time, deadlines as "7月31日 24:00（剩 3 个工作日）", on the campaign's own clock. */
import {
  beijingDate,
  countWorkingDays,
  formatBeijing,
  formatDeadline,
  type CampaignCalendar,
} from '../domain/calendar';
import { toCalendar, type TimeScale } from '../domain/time-scale';

/** "7月31日 24:00" from a Beijing "YYYY-MM-DD HH:mm". */
function monthDay(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2})$/.exec(text);
  return m ? `${+m[2]}月${+m[3]}日 ${m[4]}` : text;
}

export const beijingText = (iso: string): string => monthDay(formatBeijing(Date.parse(iso)));

export interface DeadlineView {
  iso: string;
  /** "7月31日 24:00" */
  text: string;
  /** "剩 3 个工作日", "今天截止", "已逾期" — words, never colour alone. */
  left: string;
  overdue: boolean;
  /** Sort key. */
  ms: number;
}

/** What a page judges a deadline by (a campaign status, a re-evaluation): working days and the run's time scale. */
export interface ScaledCalendar {
  calendar: Pick<CampaignCalendar, 'workdays'>;
  timeScale?: TimeScale;
}

/** The campaign's "now": compressed runs' calendars run faster than the wall clock. */
export const calendarNow = (run: ScaledCalendar, realMs = Date.now()): number => toCalendar(run.timeScale, realMs);

/** `passed`: the words for a deadline gone by — '已逾期' for something owed, '已结束' for a window. */
export function deadlineView(iso: string, run: ScaledCalendar, realNow = Date.now(), passed = '已逾期'): DeadlineView {
  const ms = Date.parse(iso);
  const now = calendarNow(run, realNow);
  const text = monthDay(formatDeadline(ms));
  if (now >= ms) return { iso, text, left: passed, overdue: true, ms };
  const today = beijingDate(now);
  const last = beijingDate(ms - 1);
  let days: number | undefined;
  try {
    days = countWorkingDays(today, last, run.calendar.workdays);
  } catch {
    days = undefined; // outside the holiday table: say nothing rather than guess
  }
  const left = today === last ? '今天截止' : days === undefined ? '' : `剩 ${days} 个工作日`;
  return { iso, text, left, overdue: false, ms };
}

export const deadlineLine = (d: DeadlineView): string => (d.left ? `${d.text}（${d.left}）` : d.text);
