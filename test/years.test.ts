/** One campaign year per test file: the table is checked, and every file it names exists and uses its years. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedYears, TEST_YEARS } from './years';

describe('campaign years of the test files', () => {
  it('gives no year to two files', () => {
    expect(sharedYears()).toEqual([]);
    expect(sharedYears({ 'a.test.ts': [2093], 'b.test.ts': [2090, 2093] })).toEqual(['2093: a.test.ts, b.test.ts']);
  });

  it('names files that exist and take their year from the table (or name it, where the year is a real one)', () => {
    for (const [file, years] of Object.entries(TEST_YEARS)) {
      const path = join(__dirname, file);
      expect(existsSync(path), file).toBe(true);
      const text = readFileSync(path, 'utf8');
      const fromTable = text.includes(`yearOf('${file}')`) || text.includes(`TEST_YEARS['${file}']`);
      expect(fromTable || years.every((y) => text.includes(String(y))), file).toBe(true);
    }
  });
});
