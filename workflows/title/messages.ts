/** Messages of the title workflow, defined once for workflow, activities and client. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineActions, schemasOf, type ActionInput, type ActionResult } from '../shared/actions';
import { titleActions, type TitleActionName, type TitleActions } from './actions';
import { z } from 'zod';
import { timeScaleSchema } from '../../domain/time-scale';
import { inputCalendarSchema } from '../shared/clock';
import { personSchema } from '../../domain/directory';
import { gradeBandsSchema } from '../../domain/grades';
import type { TitleSnapshot } from './state';

/** A title's actions and their schemas: one file each in ./actions/. */
export const titleActionSchemas = schemasOf(titleActions);
export type { TitleActionName };
export type TitleActionInput<N extends TitleActionName> = ActionInput<TitleActions, N>;

/** The answer to a title action; `status` is `stage` under the name title callers read. */
export interface TitleActionResult extends ActionResult {
  status: string;
}

/** One Update per action, named by its key. */
export const titleUpdates = defineActions<TitleActionResult>()(titleActions);

/** From a year's campaign (through an activity): start this year's re-evaluation. Idempotent per year. */
export const startReevaluationSchema = z.object({
  year: z.number().int().min(2000).max(2200),
  calendar: inputCalendarSchema(),
  /** The campaign's time scale (compressed runs), which the re-evaluation runs on (workflows/shared/clock.ts). */
  timeScale: timeScaleSchema().optional(),
  /** ISO instant: the written-materials deadline (domain/titles.ts materialsDueFor). */
  materialsDue: z.iso.datetime(),
  /** The year's directory people, so authorisation follows staff changes over the years. */
  staff: z.array(personSchema).min(1),
  gradeBands: gradeBandsSchema(),
});
export type StartReevaluation = z.infer<typeof startReevaluationSchema>;
export const startReevaluationSignal = defineSignal<[StartReevaluation]>('startReevaluation');

export const titleStatusQuery = defineQuery<TitleSnapshot>('status');
