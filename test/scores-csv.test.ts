/** The inspection company's CSV and score form checks (web/selection/): pure functions, no servers. */
import { describe, expect, it } from 'vitest';
import { checkCsv, COLUMNS, parseCsv, templateCsv } from '../web/selection/scores-csv';
import { checkScores } from '../web/selection/scores';

const header = COLUMNS.join(',');
const row = (id: string, scores = '18,18,18,18,18', rest = '郑立,2023-08-15,') => `${id},名称,${scores},${rest}`;

describe('inspection scores', () => {
  it('computes the total and grade band, and names every bad field', () => {
    expect(
      checkScores({
        partyLeadership: '20',
        rulesFollowed: '18',
        selfBuilding: '17',
        rolePlayed: '16',
        residentsEvaluation: '19',
        inspector: '郑立',
        date: '2023-08-15',
      }).entry,
    ).toMatchObject({ total: 90, grade: '优秀' });
    const r = checkScores({
      partyLeadership: '-1',
      rulesFollowed: '1.5',
      selfBuilding: '',
      rolePlayed: '21',
      residentsEvaluation: '20',
      inspector: '郑',
      date: '2023-02-30',
    });
    expect(r.entry).toBeUndefined();
    expect(r.errors.map((e) => e.field)).toEqual([
      'partyLeadership',
      'rulesFollowed',
      'selfBuilding',
      'rolePlayed',
      'inspector',
      'date',
    ]);
  });

  it('template: BOM, the columns, one row per application', () => {
    const t = templateCsv([{ committeeId: 'huayang-001', name: '和泰华庭业主委员会' }]);
    expect(t.startsWith('\uFEFF' + header + '\r\n')).toBe(true);
    expect(t).toContain('huayang-001,和泰华庭业主委员会,,,,,,,,');
  });

  it('records keep their first line; quoted cells may hold commas, quotes and line breaks', () => {
    const recs = parseCsv('a,b\r\n"x,1","say ""hi""\nthere"\n\nlast,row');
    expect(recs).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x,1', 'say "hi"\nthere'] },
      { line: 5, cells: ['last', 'row'] },
    ]);
  });

  it('refuses a file whole for wrong columns, bad encoding or no rows; otherwise checks rows one by one', () => {
    const eligible = new Set(['a-1', 'a-2', 'a-3']);
    expect(checkCsv(Buffer.from('业委会编号,总分\na-1,90\n'), eligible)).toMatchObject({
      ok: false,
      message: expect.stringContaining('文件的列不正确'),
    });
    expect(checkCsv(Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), eligible)).toMatchObject({
      ok: false,
      message: expect.stringContaining('UTF-8'),
    });
    expect(checkCsv(Buffer.from(`\uFEFF${header}\r\n`), eligible)).toMatchObject({
      ok: false,
      message: '文件中没有数据行。',
    });
    const r = checkCsv(
      Buffer.from(
        `\uFEFF${[header, row('a-1'), row('a-2', '18,18,x,18,18'), row('a-1'), 'a-3,short', row('zz-9')].join('\r\n')}\r\n`,
      ),
      eligible,
    );
    if (!r.ok) throw new Error(r.message);
    expect(r.good.map((g) => [g.line, g.committeeId, g.entry.total])).toEqual([[2, 'a-1', 90]]);
    expect(r.bad).toEqual([
      { line: 3, column: '自身建设好', message: expect.stringContaining('0–20 的整数') },
      { line: 4, column: '业委会编号', message: '“a-1”与第 2 行重复' },
      { line: 5, column: '整行', message: '应有 10 列，实际 2 列' },
      { line: 6, column: '业委会编号', message: '“zz-9”不是待专项检查的申报' },
    ]);
  });
});
