/** Messages of the re-evaluation workflow (复评), defined once for workflow and client. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { zonedInstant } from '../shared/instant';
import type { Incident } from '../../domain/titles';
import type { ReevaluationSnapshot } from './state';
import { applicationActionSchemas } from '../application/messages';

const actor = z.string().min(1).max(64);
const text = (min: number, max: number) => z.string().trim().min(min).max(max);
const standardisationScore = z.number().min(0).max(100);
/** An ISO instant with a zone (…Z or …+08:00): typed Beijing dates are converted by the caller (domain/beijing-time.ts). */
const instant = zonedInstant;

export const reevaluationActionSchemas = {
  /** The holder, to its original 街镇: written materials (书面复评材料). */
  submitMaterials: z
    .object({ actor, summary: text(10, 5000), documents: z.array(text(1, 200)).max(50).default([]) })
    .strict(),
  /** Org Dept / bureau: the special inspection (专项检查); the same five-goods scores as the selection. */
  recordInspection: applicationActionSchemas.recordInspection,
  /** The original 街镇 keeps the holder on its re-evaluation list and reports it to the bureau. */
  preReview: z
    .object({ actor, standardisationScore: standardisationScore.optional(), note: z.string().max(2000).optional() })
    .strict(),
  /** The original 街镇 cancels eligibility on the year's standardisation score (规范化评价成绩). */
  cancelEligibility: z.object({ actor, standardisationScore, reason: text(2, 2000) }).strict(),
  /** Bureau re-review (再评审): confirms the outcome that follows from the record. */
  confirm: z.object({ actor, note: z.string().max(2000).optional() }).strict(),
  /** Bureau: move the materials deadline later, before it has passed. */
  extendDeadline: z.object({ actor, until: instant }).strict(),
} as const;
export type ReevaluationActionName = keyof typeof reevaluationActionSchemas;
export type ReevaluationActionInput<N extends ReevaluationActionName> = z.input<(typeof reevaluationActionSchemas)[N]>;

export interface ReevaluationActionResult {
  stage: string;
  message: string;
}

const u = <N extends ReevaluationActionName>(name: N) =>
  defineUpdate<ReevaluationActionResult, [ReevaluationActionInput<N>]>(name);
export const submitMaterialsUpdate = u('submitMaterials');
export const recordReevaluationInspectionUpdate = u('recordInspection');
export const preReviewUpdate = u('preReview');
export const cancelEligibilityUpdate = u('cancelEligibility');
export const confirmReevaluationUpdate = u('confirm');
export const extendMaterialsDeadlineUpdate = u('extendDeadline');

export interface ReevaluationActionSignal {
  action: string;
  payload: unknown;
}
export const reevaluationActionSignal = defineSignal<[ReevaluationActionSignal]>('reevaluationAction');

/** From the title: an incident recorded while this re-evaluation runs. */
export const incidentNoticeSignal = defineSignal<[Incident]>('incidentNotice');
/** From the title: it was revoked (re-election filed); end without a decision. */
export const closeReevaluationSignal = defineSignal<[{ reason: string }]>('closeReevaluation');

export const reevaluationStatusQuery = defineQuery<ReevaluationSnapshot>('status');
