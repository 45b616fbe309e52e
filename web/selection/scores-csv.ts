/**
 * The inspection company's CSV: a template (UTF-8 with a BOM, so Excel on Chinese Windows reads it)
 * and the upload, checked row by row. A file whose header is not exactly the template's is refused
 * whole; otherwise every row is checked on its own and every bad row is reported with its line
 * number (the header is line 1) and the column it concerns.
 */
import { FIVE_GOODS_LABELS, FIVE_GOODS } from '../../domain/grades';
import { checkScores, OTHER_LABELS, type ScoreEntry, type ScoreValues } from './scores';

export const ID_COLUMN = '业委会编号';
export const NAME_COLUMN = '业委会名称';
export const COLUMNS = [
  ID_COLUMN,
  NAME_COLUMN,
  ...FIVE_GOODS.map((k) => FIVE_GOODS_LABELS[k]),
  OTHER_LABELS.inspector,
  OTHER_LABELS.date,
  OTHER_LABELS.notes,
];
const BOM = '\uFEFF';
/** Far above a year's recommended applications (about 10 per 街镇), far below the upload's 256 KB. */
export const MAX_ROWS = 2_000;

const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function templateCsv(rows: { committeeId: string; name: string }[]): string {
  const lines = [COLUMNS, ...rows.map((r) => [r.committeeId, r.name, '', '', '', '', '', '', '', ''])];
  return BOM + lines.map((l) => l.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** RFC 4180 records, each with the line it starts on (a quoted cell may span lines). */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cur = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cur += c;
      }
      continue;
    }
    if (c === '"' && cur === '') {
      quoted = true;
      any = true;
    } else if (c === ',') {
      cells.push(cur);
      cur = '';
      any = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (any || cur) out.push({ line: start, cells: [...cells, cur] });
      cells = [];
      cur = '';
      any = false;
      line++;
      start = line;
    } else {
      cur += c;
      any = true;
    }
  }
  if (any || cur) out.push({ line: start, cells: [...cells, cur] });
  return out;
}

export interface RowError {
  line: number;
  column: string;
  message: string;
}

export type CsvCheck =
  | { ok: false; message: string }
  | { ok: true; good: { line: number; committeeId: string; entry: ScoreEntry }[]; bad: RowError[] };

const COLUMN_OF: Record<string, string> = { ...FIVE_GOODS_LABELS, ...OTHER_LABELS };

/** `eligible`: the committees awaiting inspection now (the registry's `recommended`). */
export function checkCsv(buf: Buffer, eligible: Set<string>): CsvCheck {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return { ok: false, message: '文件不是 UTF-8 编码。请用下载的模板填写，并以“CSV UTF-8”格式保存。' };
  }
  if (text.startsWith(BOM)) text = text.slice(1);
  const records = parseCsv(text);
  if (!records.length) return { ok: false, message: '文件是空的。' };
  const header = records[0].cells.map((c) => c.trim());
  if (header.length !== COLUMNS.length || header.some((h, i) => h !== COLUMNS[i]))
    return {
      ok: false,
      message: `文件的列不正确，整个文件未导入。第 1 行应为：${COLUMNS.join('，')}；实际为：${header.join('，').slice(0, 300)}`,
    };
  const rows = records.slice(1);
  if (rows.length === 0) return { ok: false, message: '文件中没有数据行。' };
  if (rows.length > MAX_ROWS)
    return { ok: false, message: `文件有 ${rows.length} 行数据，一次最多导入 ${MAX_ROWS} 行。` };
  const good: { line: number; committeeId: string; entry: ScoreEntry }[] = [];
  const bad: RowError[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of rows) {
    if (cells.length !== COLUMNS.length) {
      bad.push({ line, column: '整行', message: `应有 ${COLUMNS.length} 列，实际 ${cells.length} 列` });
      continue;
    }
    const id = cells[0].trim();
    const errors: RowError[] = [];
    if (!eligible.has(id))
      errors.push({
        line,
        column: ID_COLUMN,
        message: id ? `“${id.slice(0, 64)}”不是待专项检查的申报` : '请填写业委会编号',
      });
    else if (seen.has(id)) errors.push({ line, column: ID_COLUMN, message: `“${id}”与第 ${seen.get(id)} 行重复` });
    const values: ScoreValues = {};
    FIVE_GOODS.forEach((k, i) => (values[k] = cells[2 + i]));
    values.inspector = cells[7];
    values.date = cells[8];
    values.notes = cells[9];
    const r = checkScores(values);
    for (const e of r.errors) errors.push({ line, column: COLUMN_OF[e.field!] ?? e.field!, message: e.message });
    if (errors.length) bad.push(...errors);
    else {
      seen.set(id, line);
      good.push({ line, committeeId: id, entry: r.entry! });
    }
  }
  return { ok: true, good, bad };
}
