/** Messages of the title workflow, defined once for workflow, activities and client. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { campaignCalendarSchema } from '../../domain/calendar-schema';
import { personSchema } from '../../domain/directory';
import { gradeBandsSchema } from '../../domain/grades';
import { INCIDENT_TYPES, isoDate } from '../../domain/titles';
import type { TitleSnapshot } from './state';

const actor = z.string().min(1).max(64);
const text = (min: number, max: number) => z.string().trim().min(min).max(max);

export const titleActionSchemas = {
  /** Bureau: a serious incident in the quarter (notice 五(三)3), at any time. */
  recordIncident: z.object({ actor, type: z.enum(INCIDENT_TYPES), date: isoDate, description: text(5, 2000) }).strict(),
  /** A new committee was filed (备案): the title lapses at once (notice 五(四)2). `filedOn` defaults to today. */
  fileReelection: z.object({ actor, filedOn: isoDate.optional(), note: z.string().max(2000).optional() }).strict(),
  /** The original 街镇 has recovered the nameplate and the certificate. `recoveredOn` defaults to today. */
  confirmRecovery: z.object({ actor, recoveredOn: isoDate.optional(), note: z.string().max(2000).optional() }).strict(),
} as const;
export type TitleActionName = keyof typeof titleActionSchemas;
export type TitleActionInput<N extends TitleActionName> = z.input<(typeof titleActionSchemas)[N]>;

export interface TitleActionResult {
  status: string;
  message: string;
}

const u = <N extends TitleActionName>(name: N) => defineUpdate<TitleActionResult, [TitleActionInput<N>]>(name);
export const recordIncidentUpdate = u('recordIncident');
export const fileReelectionUpdate = u('fileReelection');
export const confirmRecoveryUpdate = u('confirmRecovery');

/** Fire-and-forget form of the same actions; bad ones are recorded as rejected in the audit trail. */
export interface TitleActionSignal {
  action: string;
  payload: unknown;
}
export const titleActionSignal = defineSignal<[TitleActionSignal]>('titleAction');

/** From a year's campaign (through an activity): start this year's re-evaluation. Idempotent per year. */
export const startReevaluationSchema = z.object({
  year: z.number().int().min(2000).max(2200),
  calendar: campaignCalendarSchema,
  /** ISO instant: the written-materials deadline (domain/titles.ts materialsDueFor). */
  materialsDue: z.iso.datetime(),
  /** The year's directory people, so authorisation follows staff changes over the years. */
  staff: z.array(personSchema).min(1),
  gradeBands: gradeBandsSchema,
});
export type StartReevaluation = z.infer<typeof startReevaluationSchema>;
export const startReevaluationSignal = defineSignal<[StartReevaluation]>('startReevaluation');

export const titleStatusQuery = defineQuery<TitleSnapshot>('status');
