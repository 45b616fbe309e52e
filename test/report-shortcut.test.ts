/**
 * The campaign and the relays read reports through `parseApplicationReport`, whose shortcut must agree with
 * `applicationReportSchema` on every input: the same verdict, the same output (unknown fields dropped), and the
 * schema's own error when it refuses. Checked here on generated reports, each one field away from well formed.
 */
import { describe, expect, it } from 'vitest';
import { applicationReportSchema, parseApplicationReport } from '../workflows/campaign/stage-report';
import { rng } from './fuzz-payloads';

const WELL_FORMED = {
  committeeId: 'xinhua-001',
  subdistrict: '新华路街道',
  stage: 'inspected',
  seq: 4,
  paperFormReceived: true,
  total: 88.5,
  grade: 'A',
  name: '新华路某某小区业主委员会',
  deadlines: {
    applications: '2023-05-31T15:59:59.999Z',
    review: '2023-07-31T15:59:59.999Z',
    inspection: '2023-10-31T15:59:59.999Z',
  },
};

/** Values at and past each bound, of every type a JSON payload (or a careless caller) may carry. */
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  -1,
  1.5,
  2 ** 53 - 1,
  2 ** 53,
  NaN,
  Infinity,
  -Infinity,
  '',
  'x',
  '7',
  'x'.repeat(20),
  'x'.repeat(21),
  'x'.repeat(40),
  'x'.repeat(41),
  'x'.repeat(64),
  'x'.repeat(65),
  '街'.repeat(200),
  '街'.repeat(201),
  [],
  ['x'],
  {},
  { applications: 'a', review: 'b', inspection: 'c' },
  { applications: 'a', review: 'b' },
  { applications: 'a', review: 'b', inspection: 'x'.repeat(41), extra: 1 },
];

function variants(): unknown[] {
  const out: unknown[] = [WELL_FORMED, { ...WELL_FORMED, extra: 'dropped' }, null, [], 'report', 42];
  const keys = Object.keys(WELL_FORMED) as Array<keyof typeof WELL_FORMED>;
  for (const key of keys) {
    const { [key]: _omitted, ...without } = WELL_FORMED;
    out.push(without);
    for (const value of ODD_VALUES) out.push({ ...WELL_FORMED, [key]: value });
  }
  // Two or three fields changed at once, and only the required fields with odd optional ones.
  const r = rng(20261204);
  for (let i = 0; i < 3_000; i++) {
    const report: Record<string, unknown> =
      r() < 0.3 ? { committeeId: 'c', stage: 's', seq: 0, paperFormReceived: false } : { ...WELL_FORMED };
    for (let k = 0; k < 1 + Math.floor(r() * 3); k++) {
      const key = keys[Math.floor(r() * keys.length)];
      if (r() < 0.2) delete report[key];
      else report[key] = ODD_VALUES[Math.floor(r() * ODD_VALUES.length)];
    }
    out.push(report);
  }
  return out;
}

describe('reading a report', () => {
  it('agrees with the schema on every generated input: verdict, output and error', () => {
    const inputs = variants();
    let accepted = 0;
    for (const raw of inputs) {
      const expected = applicationReportSchema().safeParse(raw);
      const got = parseApplicationReport(raw);
      expect(got.success, JSON.stringify(raw)?.slice(0, 200)).toBe(expected.success);
      if (expected.success) {
        accepted++;
        expect(got.data).toStrictEqual(expected.data);
      } else expect(got.error?.issues).toStrictEqual(expected.error.issues);
    }
    // Both verdicts are well represented.
    expect(accepted).toBeGreaterThan(300);
    expect(inputs.length - accepted).toBeGreaterThan(300);
  });

  it('drops unknown fields, as the schema does', () => {
    const got = parseApplicationReport({ ...WELL_FORMED, deadlines: { ...WELL_FORMED.deadlines, extra: 1 }, extra: 2 });
    expect(got.data).toStrictEqual(WELL_FORMED);
  });
});
