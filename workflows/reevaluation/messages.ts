/** Messages of the re-evaluation workflow (复评), defined once for workflow and client. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineActions, schemasOf, type ActionInput, type ActionResult } from '../shared/actions';
import { reevaluationActions, type ReevaluationActionName, type ReevaluationActions } from './actions';
import type { Incident } from '../../domain/titles';
import type { ReevaluationSnapshot } from './state';

/** A re-evaluation's actions and their schemas: one file each in ./actions/. */
export const reevaluationActionSchemas = schemasOf(reevaluationActions);
export type { ReevaluationActionName };
export type ReevaluationActionInput<N extends ReevaluationActionName> = ActionInput<ReevaluationActions, N>;

/** The answer to a re-evaluation's action: its stage after it, and the message. */
export type ReevaluationActionResult = ActionResult;

/** One Update per action, named by its key. */
export const reevaluationUpdates = defineActions<ActionResult>()(reevaluationActions);

/** From the title: an incident recorded while this re-evaluation runs. */
export const incidentNoticeSignal = defineSignal<[Incident]>('incidentNotice');
/** From the title: it was revoked (re-election filed); end without a decision. */
export const closeReevaluationSignal = defineSignal<[{ reason: string }]>('closeReevaluation');

export const reevaluationStatusQuery = defineQuery<ReevaluationSnapshot>('status');
