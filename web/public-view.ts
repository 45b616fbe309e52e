/**
 * What the public may see of a year's 公示, picked field by field from the campaign's status: the list with committee
 * names and 街镇, the window, the final list. Objections (names, contacts, grounds) are never copied here.
 */
import { formatBeijing, formatDeadline } from '../domain/calendar';
import type { Directory } from '../domain/directory';
import type { CampaignStatus } from '../workflows/campaign/state';
import { calendarNow, deadlineView } from './format';

export interface PublicRow {
  rank: number;
  committeeId: string;
  name: string;
  subdistrict: string;
  removed: boolean;
}

export interface PublicYearView {
  year: number;
  state: 'none' | 'publicity' | 'closed' | 'final';
  rows: PublicRow[];
  /** 公示 began (Beijing, "2023-09-25 10:00"). */
  publishedText?: string;
  /** The exact end, Beijing: "2023-10-08 24:00". */
  endsText?: string;
  endsIso?: string;
  /** "剩 3 个工作日" / "今天截止". */
  left?: string;
  tieBreakRule?: string;
  final?: { rows: PublicRow[]; confirmedText: string };
}

export const NO_PUBLICITY: Omit<PublicYearView, 'year'> = { state: 'none', rows: [] };

/** `realNow` is the wall clock; the campaign's calendar may run faster (compressed calendars in tests and the demo). */
export function publicView(status: CampaignStatus, directory: Directory, realNow = Date.now()): PublicYearView {
  const draft = status.draft;
  if (!draft) return { year: status.year, ...NO_PUBLICITY };
  const row = (committeeId: string, i: number): PublicRow => {
    const c = directory.committees.find((x) => x.id === committeeId);
    return {
      rank: i + 1,
      committeeId,
      name: c?.name ?? committeeId,
      subdistrict: c?.subdistrict ?? '—',
      removed: status.removed.includes(committeeId),
    };
  };
  const ends = Date.parse(draft.publicityEnds);
  const open = !status.final && calendarNow(status, realNow) < ends;
  const view: PublicYearView = {
    year: status.year,
    state: status.final ? 'final' : open ? 'publicity' : 'closed',
    rows: draft.ranking.map(row),
    publishedText: formatBeijing(Date.parse(draft.at)),
    endsText: formatDeadline(ends),
    endsIso: draft.publicityEnds,
    left: open ? deadlineView(draft.publicityEnds, status, realNow, '已结束').left : undefined,
    tieBreakRule: draft.tieBreakRule,
  };
  if (status.final)
    view.final = { rows: status.final.list.map(row), confirmedText: formatBeijing(Date.parse(status.final.at)) };
  return view;
}

/** Committees an objection may name: on the list now. */
export const objectable = (v: PublicYearView): PublicRow[] => v.rows.filter((r) => !r.removed);
