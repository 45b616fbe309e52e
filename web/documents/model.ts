/**
 * What the official documents say, derived only from the campaign's own state (its status and registry Queries):
 * the draft list as the panel published it, the final list as the bureau confirmed it, and the inspection totals.
 * Both lists are fixed once published, so a document printed again says exactly what the first print said.
 * Objectors (names, contacts, grounds) are never read here: no document carries them.
 */
import { formatBeijing } from '../../domain/calendar';
import type { Directory } from '../../domain/directory';
import { STAGE_LABELS } from '../../domain/stages';
import type { CampaignStatus } from '../../workflows/campaign/state';
import type { RegistryRow } from '../../workflows/campaign/messages';

/** The parts of the status Query the documents use. */
export type DocumentStatus = Pick<CampaignStatus, 'year' | 'draft' | 'final' | 'removed'>;

export interface ListEntry {
  rank: number;
  committeeId: string;
  name: string;
  subdistrict: string;
}

export interface PublishedList {
  year: number;
  kind: 'draft' | 'final';
  /** The instant the list was published (draft) or confirmed (final), ISO. */
  at: string;
  /** "2023年9月25日", Beijing. */
  dateText: string;
  entries: ListEntry[];
  /** Draft only: the end of the publicity window, "2023年10月7日 24:00". */
  publicityEndsText?: string;
  tieBreakRule?: string;
}

export interface ScoreRow {
  committeeId: string;
  name: string;
  subdistrict: string;
  stage: string;
  /** The five goods' scores, by FIVE_GOODS key, for an inspected application. */
  scores?: Record<string, number>;
  total?: number;
  grade?: string;
}

/** "2023-09-25 10:00" (Beijing) → "2023年9月25日"; with `time`, "2023年9月25日 10:00" (24:00 for the end of a day). */
export function chineseDate(iso: string, time = false): string {
  const ms = Date.parse(iso);
  // An instant at 00:00 Beijing closes the day before: "10月7日 24:00", as deadlines are written.
  const midnight = formatBeijing(ms).endsWith(' 00:00');
  const text = time && midnight ? formatBeijing(ms - 1) : formatBeijing(ms);
  const [, y, m, d, hm] = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2})$/.exec(text)!;
  const day = `${y}年${+m}月${+d}日`;
  if (!time) return day;
  return `${day} ${midnight ? '24:00' : hm}`;
}

const DIGITS = '〇一二三四五六七八九';
/** "二〇二三年十一月二十日", as a certificate is dated. */
export function chineseNumeralDate(iso: string): string {
  const [y, m, d] = formatBeijing(Date.parse(iso)).slice(0, 10).split('-').map(Number);
  const small = (n: number) =>
    n < 10 ? DIGITS[n] : `${n >= 20 ? DIGITS[Math.floor(n / 10)] : ''}十${n % 10 ? DIGITS[n % 10] : ''}`;
  return `${[...String(y)].map((c) => DIGITS[+c]).join('')}年${small(m)}月${small(d)}日`;
}

/** Name and 街镇 as the application reported them to its campaign; the directory only for a row without a name. */
function entryOf(rows: Map<string, RegistryRow>, directory: Directory, committeeId: string, rank: number): ListEntry {
  const row = rows.get(committeeId);
  const known = directory.committees.find((c) => c.id === committeeId);
  return {
    rank,
    committeeId,
    name: row?.name ?? known?.name ?? committeeId,
    subdistrict: row?.subdistrict ?? known?.subdistrict ?? '',
  };
}

const byId = (rows: RegistryRow[]) => new Map(rows.map((r) => [r.committeeId, r]));

/** The draft list as the panel's chair published it for 公示: the whole ranking, before any removal. */
export function draftList(
  status: DocumentStatus,
  rows: RegistryRow[],
  directory: Directory,
): PublishedList | undefined {
  const d = status.draft;
  if (!d) return undefined;
  const index = byId(rows);
  return {
    year: status.year,
    kind: 'draft',
    at: d.at,
    dateText: chineseDate(d.at),
    entries: d.ranking.map((id, i) => entryOf(index, directory, id, i + 1)),
    publicityEndsText: chineseDate(d.publicityEnds, true),
    tieBreakRule: d.tieBreakRule,
  };
}

/** The final list as the bureau confirmed it; undefined until then. */
export function finalList(
  status: DocumentStatus,
  rows: RegistryRow[],
  directory: Directory,
): PublishedList | undefined {
  const f = status.final;
  if (!f) return undefined;
  const index = byId(rows);
  return {
    year: status.year,
    kind: 'final',
    at: f.at,
    dateText: chineseDate(f.at),
    entries: f.list.map((id, i) => entryOf(index, directory, id, i + 1)),
  };
}

/** Every application with its inspection result, by 街镇 then committee id (inspected or not: the export is complete). */
export function scoreRows(
  rows: RegistryRow[],
  directory: Directory,
  scores: ReadonlyMap<string, Record<string, number>> = new Map(),
): ScoreRow[] {
  const order = new Map(directory.subdistricts.map((sd, i) => [sd, i]));
  const names = new Map(directory.committees.map((c) => [c.id, c.name]));
  return [...rows]
    .sort(
      (a, b) =>
        (order.get(a.subdistrict) ?? 99) - (order.get(b.subdistrict) ?? 99) ||
        a.committeeId.localeCompare(b.committeeId),
    )
    .map((r) => ({
      committeeId: r.committeeId,
      name: r.name ?? names.get(r.committeeId) ?? r.committeeId,
      subdistrict: r.subdistrict,
      stage: STAGE_LABELS[r.stage as keyof typeof STAGE_LABELS] ?? r.stage,
      scores: scores.get(r.committeeId),
      total: r.total,
      grade: r.grade,
    }));
}
