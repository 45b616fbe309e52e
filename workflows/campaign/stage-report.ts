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
export const applicationReportSchema = lazy(() => {
  const iso = z.string().max(40);
  return z
    .object({
      committeeId: z.string().min(1).max(64),
      subdistrict: z.string().max(64).optional(),
      stage: z.string().min(1).max(40),
      seq: z.number().int().min(0),
      paperFormReceived: z.boolean(),
      total: z.number().optional(),
      grade: z.string().max(20).optional(),
      name: z.string().max(200).optional(),
      deadlines: z.object({ applications: iso, review: iso, inspection: iso }).optional(),
    })
    .strip() satisfies z.ZodType<ApplicationReport>;
});

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
