/**
 * Spreadsheet exports as CSV: UTF-8 with a byte-order mark, because Excel on Chinese Windows reads a CSV without
 * one as GBK and shows mojibake; CRLF line ends (RFC 4180). A cell starting with = + - @ is prefixed with ' so
 * that a committee name cannot become a formula in Excel (CSV injection).
 */
import type { PublishedList, ScoreRow } from './model';
import { FIVE_GOODS, FIVE_GOODS_LABELS } from '../../domain/grades';

export const BOM = '\uFEFF';

function cell(v: string | number | undefined): string {
  if (v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: (string | number | undefined)[][]): string {
  const lines = [header, ...rows].map((r) => r.map(cell).join(','));
  return BOM + lines.join('\r\n') + '\r\n';
}

/** One list as published: year, date, rank, committee, 街镇. */
export function listCsv(list: PublishedList): string {
  const dateColumn = list.kind === 'draft' ? '公示日期' : '确认日期';
  return toCsv(
    ['年度', dateColumn, '序号', '业委会编号', '业委会名称', '所属街镇'],
    list.entries.map((e) => [list.year, list.dateText, e.rank, e.committeeId, e.name, e.subdistrict]),
  );
}

/** Every application's stage and inspection result: the five goods' scores, their total and the grade. */
export function scoresCsv(year: number, rows: ScoreRow[]): string {
  return toCsv(
    [
      '年度',
      '业委会编号',
      '业委会名称',
      '所属街镇',
      '当前阶段',
      ...FIVE_GOODS.map((k) => FIVE_GOODS_LABELS[k]),
      '专项检查总分',
      '等级',
    ],
    rows.map((r) => [
      year,
      r.committeeId,
      r.name,
      r.subdistrict,
      r.stage,
      ...FIVE_GOODS.map((k) => r.scores?.[k]),
      r.total,
      r.grade,
    ]),
  );
}
