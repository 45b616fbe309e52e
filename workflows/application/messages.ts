/** Messages of the application workflow, defined once for workflow and client. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { FIVE_GOODS } from '../../domain/grades';
import { reelectionFilingSchema } from '../../domain/reelection';
import type { ApplicationSnapshot, CampaignNotice } from './state';

const actor = z.string().min(1).max(64);
const text = (max: number) => z.string().trim().min(2).max(max);
const score = z.number().int().min(0).max(20);

export const applicationActionSchemas = {
  recordPaperForm: z
    .object({ actor, receivedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD') })
    .strict(),
  recommend: z.object({ actor, note: z.string().max(2000).optional() }).strict(),
  notRecommend: z.object({ actor, reason: text(2000) }).strict(),
  recordInspection: z
    .object({
      actor,
      scores: z
        .object(
          Object.fromEntries(FIVE_GOODS.map((k) => [k, score])) as Record<(typeof FIVE_GOODS)[number], typeof score>,
        )
        .strict(),
      total: z.number().int().min(0).max(100),
      inspector: text(50),
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
      notes: z.string().max(5000).default(''),
    })
    .strict()
    .refine((r) => Object.values(r.scores).reduce((a, b) => a + b, 0) === r.total, {
      path: ['total'],
      message: 'must equal the sum of the five scores',
    }),
  /** The committee filed its re-election (换届改选备案) while its application runs: recorded on the application. */
  recordReelection: reelectionFilingSchema,
} as const;
export type ApplicationActionName = keyof typeof applicationActionSchemas;
export type ApplicationActionInput<N extends ApplicationActionName> = z.input<(typeof applicationActionSchemas)[N]>;

export interface ActionResult {
  stage: string;
  message: string;
}

export const recordPaperFormUpdate = defineUpdate<ActionResult, [ApplicationActionInput<'recordPaperForm'>]>(
  'recordPaperForm',
);
export const recommendUpdate = defineUpdate<ActionResult, [ApplicationActionInput<'recommend'>]>('recommend');
export const notRecommendUpdate = defineUpdate<ActionResult, [ApplicationActionInput<'notRecommend'>]>('notRecommend');
export const recordInspectionUpdate = defineUpdate<ActionResult, [ApplicationActionInput<'recordInspection'>]>(
  'recordInspection',
);
export const recordReelectionUpdate = defineUpdate<ActionResult, [ApplicationActionInput<'recordReelection'>]>(
  'recordReelection',
);

/** Fire-and-forget form of the same actions, for integrations. Bad ones are recorded as rejected. */
export interface ApplicationActionSignal {
  action: string;
  payload: unknown;
}
export const applicationActionSignal = defineSignal<[ApplicationActionSignal]>('applicationAction');

/** From the campaign: deadline changes, locks and outcomes. */
export const campaignNoticeSignal = defineSignal<[CampaignNotice]>('campaignNotice');

export const applicationStatusQuery = defineQuery<ApplicationSnapshot>('status');
