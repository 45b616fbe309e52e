/** What an application tells its campaign when its stage changes: small, so thousands fit in one run. */
import { defineSignal } from '@temporalio/workflow';
import { z } from 'zod';
import { lazy } from '../../domain/lazy';
import type { UndeliverableEntry } from '../../templates/types';

export interface ApplicationReport {
  committeeId: string;
  /** Until the campaign has acknowledged one report carrying it (the first, normally); the campaign keeps it. */
  subdistrict?: string;
  stage: string;
  /** Increases with every report of one application; older reports are ignored. */
  seq: number;
  paperFormReceived: boolean;
  total?: number;
  grade?: string;
  /** The committee's name, for the campaign's reminders and notices: sent like `subdistrict`. */
  name?: string;
  /**
   * The deadlines the application holds, sent like `subdistrict`: it was started with the campaign's terms as a
   * client read them, perhaps before the bureau moved one (workflows/campaign/registration.ts).
   */
  deadlines?: HeldDeadlines;
}

/** An application's deadlines, as ISO instants. */
export interface HeldDeadlines {
  applications: string;
  review: string;
  inspection: string;
}

/**
 * What a relay and the campaign accept as a report: unknown fields are dropped, a malformed report is refused.
 * Built on first use: every application imports this module, and only relays and the campaign parse reports.
 */
/** The longest each text field of a report may be: the schema and `parseApplicationReport`'s shortcut read these. */
const MAX = { committeeId: 64, subdistrict: 64, stage: 40, grade: 20, name: 200, instant: 40 } as const;

export const applicationReportSchema = lazy(() => {
  const iso = z.string().max(MAX.instant);
  return z
    .object({
      committeeId: z.string().min(1).max(MAX.committeeId),
      subdistrict: z.string().max(MAX.subdistrict).optional(),
      stage: z.string().min(1).max(MAX.stage),
      seq: z.number().int().min(0),
      paperFormReceived: z.boolean(),
      total: z.number().optional(),
      grade: z.string().max(MAX.grade).optional(),
      name: z.string().max(MAX.name).optional(),
      deadlines: z.object({ applications: iso, review: iso, inspection: iso }).optional(),
    })
    .strip() satisfies z.ZodType<ApplicationReport>;
});

/**
 * `applicationReportSchema().safeParse(raw)`, with a shortcut for the well-formed report that is almost every one.
 * Why: inside the workflow sandbox a zod parse of a report costs some 40 µs against 1–3 µs in plain Node (the
 * profile of a campaign replay at 1,000 applications put 84 ms of its 550 in it), and a campaign run at 10,000
 * applications takes its relays' 10,000 reports or more; each replay parses them again. The shortcut reads no
 * global and accepts only what the schema accepts, with the same output (test/report-shortcut.test.ts checks it
 * against the schema on generated reports); anything else, and every error message, is the schema's.
 */
export function parseApplicationReport(
  raw: unknown,
): ReturnType<ReturnType<typeof applicationReportSchema>['safeParse']> {
  const data = plainReport(raw);
  return data ? { success: true, data } : applicationReportSchema().safeParse(raw);
}

/** The report `raw` is, when it is plainly well formed with every field in its bounds; else undefined. */
function plainReport(raw: unknown): ApplicationReport | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const { committeeId, subdistrict, stage, seq, paperFormReceived, total, grade, name, deadlines } = r;
  if (!text(committeeId, 1, MAX.committeeId) || !text(stage, 1, MAX.stage) || typeof paperFormReceived !== 'boolean')
    return undefined;
  // A whole number from 0 up to 2^53 - 1, as z.number().int().min(0).
  if (typeof seq !== 'number' || !(seq >= 0 && seq <= 9_007_199_254_740_991) || seq % 1 !== 0) return undefined;
  const out: ApplicationReport = { committeeId, stage, seq, paperFormReceived };
  // Optional fields: absent, or within bounds; a present `undefined` goes to the schema.
  if ('subdistrict' in r) {
    if (!text(subdistrict, 0, MAX.subdistrict)) return undefined;
    out.subdistrict = subdistrict;
  }
  if ('total' in r) {
    if (typeof total !== 'number' || total - total !== 0) return undefined; // finite, as z.number()
    out.total = total;
  }
  if ('grade' in r) {
    if (!text(grade, 0, MAX.grade)) return undefined;
    out.grade = grade;
  }
  if ('name' in r) {
    if (!text(name, 0, MAX.name)) return undefined;
    out.name = name;
  }
  if ('deadlines' in r) {
    if (typeof deadlines !== 'object' || deadlines === null) return undefined;
    const { applications, review, inspection } = deadlines as Record<string, unknown>;
    if (!text(applications, 0, MAX.instant) || !text(review, 0, MAX.instant) || !text(inspection, 0, MAX.instant))
      return undefined;
    out.deadlines = { applications, review, inspection };
  }
  return out;
}

function text(v: unknown, min: number, max: number): v is string {
  return typeof v === 'string' && v.length >= min && v.length <= max;
}

export const applicationReportSignal = defineSignal<[ApplicationReport]>('applicationReport');

/**
 * A 街镇's reports as its relay forwards them (workflows/subdistrict-reports/): each application's latest, in one
 * signal. `ack` answers the campaign's request to gather that 街镇's reports: every report the relay had when
 * the request arrived is in this batch or an earlier one.
 */
export interface ApplicationReportBatch {
  subdistrict: string;
  /** The relay's shard where its 街镇 has more than one (workflows/subdistrict-reports/relays.ts). */
  shard?: number;
  reports: ApplicationReport[];
  ack?: number;
}

/**
 * A batch's envelope; its reports are checked one by one (applicationReportSchema), so one malformed report does
 * not cost the others.
 */
export const applicationReportBatchSchema = lazy(() =>
  z
    .object({
      subdistrict: z.string().min(1).max(64),
      shard: z.number().int().positive().optional(),
      reports: z.array(z.unknown()),
      ack: z.number().int().positive().optional(),
    })
    .strip(),
);

export const applicationReportsSignal = defineSignal<[ApplicationReportBatch]>('applicationReports');

/** Mail an application could not deliver (e.g. the committee has no valid address): the campaign reports it to the bureau. */
export const mailUndeliverableSignal = defineSignal<[UndeliverableEntry[]]>('mailUndeliverable');
