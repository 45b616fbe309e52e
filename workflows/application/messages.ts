/** Messages of the application workflow, defined once for workflow and client. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineActions, schemasOf, type ActionInput, type ActionResult } from '../shared/actions';
import { applicationActions, type ApplicationActionName, type ApplicationActions } from './actions';
import type { ApplicationSnapshot, CampaignDecision } from './state';

/** An application's actions and their schemas: one file each in ./actions/. */
export const applicationActionSchemas = schemasOf(applicationActions);
export type { ApplicationActionName };
export type ApplicationActionInput<N extends ApplicationActionName> = ActionInput<ApplicationActions, N>;

/** The answer to an application's action: its stage after it, and the message. */
export type { ActionResult };

/** One Update per action, named by its key. */
export const applicationUpdates = defineActions<ActionResult>()(applicationActions);

/**
 * From the campaign: deadline changes, locks and outcomes (a decision, not a notice: the notice is the
 * government's, and notice emails are templates/notices.ts). The wire name stays 'campaignNotice', which the
 * histories of running applications carry.
 */
export const campaignDecisionSignal = defineSignal<[CampaignDecision]>('campaignNotice');

export const applicationStatusQuery = defineQuery<ApplicationSnapshot>('status');
