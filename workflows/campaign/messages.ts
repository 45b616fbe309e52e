/** Messages of the campaign workflow, defined once for workflow and client. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { zonedInstant } from '../shared/instant';
import type { CampaignState, CampaignStatus } from './state';
import type { MailStatus } from '../shared/mail-outbox';
import { filingDate, filingRef } from '../../domain/reelection';

const actor = z.string().min(1).max(64);
const committeeId = z.string().min(1).max(64);
const text = (min: number, max: number) => z.string().trim().min(min).max(max);
/** An ISO instant with a zone (…Z or …+08:00): typed Beijing dates are converted by the caller (domain/beijing-time.ts). */
const instant = zonedInstant;

export const campaignActionSchemas = {
  extendDeadline: z
    .object({
      actor,
      window: z.enum(['applications', 'review', 'inspection']),
      subdistrict: z.string().min(1).max(30).optional(),
      until: instant,
    })
    .strict()
    .refine((v) => v.window === 'review' || !v.subdistrict, {
      path: ['subdistrict'],
      message: 'only the review window is extended per 街镇',
    }),
  confirmList: z.object({ actor }).strict(),
  panelVote: z.object({ actor, committeeId, support: z.boolean(), note: z.string().max(2000).optional() }).strict(),
  panelFinalize: z
    .object({ actor, ranking: z.array(committeeId).min(1).max(50), tieBreakRule: text(4, 2000) })
    .strict()
    .refine((v) => new Set(v.ranking).size === v.ranking.length, {
      path: ['ranking'],
      message: 'lists a committee twice',
    }),
  fileObjection: z
    .object({
      name: text(2, 50),
      contact: text(5, 100),
      grounds: text(10, 5000),
      committeeId,
      organisation: text(2, 100).optional(),
      stamped: z.boolean().optional(),
    })
    .strict()
    .refine((v) => !v.organisation || v.stamped === true, {
      path: ['stamped'],
      message: "a unit's objection must carry its stamp (盖章)",
    }),
  resolveObjection: z
    .object({
      actor,
      objectionId: z.string().min(1).max(20),
      outcome: z.enum(['upheld', 'dismissed']),
      reason: text(2, 2000),
    })
    .strict(),
  confirmFinal: z.object({ actor }).strict(),
  /** The bureau takes a committee off the draft list on other grounds than an objection, e.g. a serious incident (notice 五(三)). */
  removeFromList: z.object({ actor, committeeId, reason: text(4, 2000) }).strict(),
  /** A committee on the draft list filed its re-election (换届改选备案): flagged for the bureau until it decides. */
  flagReelection: z.object({ actor, committeeId, filedOn: filingDate, filingRef }).strict(),
  /** The bureau decides on a flagged committee: keep it (the title goes to the newly elected committee) or remove it. */
  decideReelection: z
    .object({ actor, committeeId, outcome: z.enum(['keep', 'remove']), reason: text(4, 2000) })
    .strict(),
} as const;
export type CampaignActionName = keyof typeof campaignActionSchemas;
export type CampaignActionInput<N extends CampaignActionName> = z.input<(typeof campaignActionSchemas)[N]>;

export interface CampaignActionResult {
  phase: string;
  message: string;
  objectionId?: string;
}

const u = <N extends CampaignActionName>(name: N) => defineUpdate<CampaignActionResult, [CampaignActionInput<N>]>(name);
export const extendDeadlineUpdate = u('extendDeadline');
export const confirmListUpdate = u('confirmList');
export const panelVoteUpdate = u('panelVote');
export const panelFinalizeUpdate = u('panelFinalize');
export const fileObjectionUpdate = u('fileObjection');
export const resolveObjectionUpdate = u('resolveObjection');
export const confirmFinalUpdate = u('confirmFinal');
export const removeFromListUpdate = u('removeFromList');
export const flagReelectionUpdate = u('flagReelection');
export const decideReelectionUpdate = u('decideReelection');

export interface CampaignActionSignal {
  action: string;
  payload: unknown;
}
export const campaignActionSignal = defineSignal<[CampaignActionSignal]>('campaignAction');

export const campaignStatusQuery = defineQuery<CampaignStatus>('status');
/** One 街镇's applications from the registry (committee id, stage, paper form), or every 街镇's with ''. One Query for a whole list. */
export interface RegistryRow {
  committeeId: string;
  subdistrict: string;
  stage: string;
  paper: boolean;
  /** As the application last reported them: the committee's name, and after the inspection its total and grade. */
  name?: string;
  total?: number;
  grade?: string;
}
export const registryRowsQuery = defineQuery<RegistryRow[], [string]>('registryRows');
/** Reminders and notices: counts, queue, undeliverable addresses (also emailed to the bureau). Apart from `status`, which it would make change on its own. */
export const campaignMailQuery = defineQuery<MailStatus>('mailStatus');
/** The campaign's audit trail: accepted actions, refused signals and refused Updates the client reported (bounded). */
export const campaignAuditQuery = defineQuery<CampaignState['audit']>('audit');
/** The panel's votes so far: committee → member → vote. */
export const panelVotesQuery = defineQuery<CampaignState['votes']>('panelVotes');
