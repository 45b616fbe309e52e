/** Messages of the campaign workflow, defined once for workflow and client. */
import { defineQuery } from '@temporalio/workflow';
import { defineActions, schemasOf, type ActionInput, type ActionResult } from '../shared/actions';
import { campaignActions, type CampaignActionName, type CampaignActions } from './actions';
import type { CampaignState, CampaignStatus } from './state';
import type { MailStatus } from '../shared/mail-outbox';

/** The campaign's actions and their schemas: one file each in ./actions/. */
export const campaignActionSchemas = schemasOf(campaignActions);
export type { CampaignActionName };
export type CampaignActionInput<N extends CampaignActionName> = ActionInput<CampaignActions, N>;

/** The answer to a campaign action; `phase` is `stage` under the name campaign callers read. */
export interface CampaignActionResult extends ActionResult {
  phase: string;
}

/** One Update per action, named by its key. */
export const campaignUpdates = defineActions<CampaignActionResult>()(campaignActions);

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
/** Decisions still on their way to applications (./notices.ts). Apart from `status`, which it would make change on its own. */
export interface NoticesStatus {
  /** Applications not yet told, over every queued batch (the one being sent included). */
  pending: number;
  batches: number;
}
export const campaignNoticesQuery = defineQuery<NoticesStatus>('noticesStatus');
/** The campaign's audit trail: accepted actions, refused signals and refused Updates the client reported (bounded). */
export const campaignAuditQuery = defineQuery<CampaignState['audit']>('audit');
/** The panel's votes so far: committee → member → vote. */
export const panelVotesQuery = defineQuery<CampaignState['votes']>('panelVotes');
