/**
 * The typed client side of the action tables (workflows/shared/actions.ts): `act(handle, name, payload)`
 * checks the payload with the action's own schema, then sends the Update of that name. A refusal (here, or
 * by the workflow's validator) is reported to the workflow's audit trail (client/refusals.ts) and thrown:
 * a UserError for a bad payload, Temporal's WorkflowUpdateFailedError (its cause's `type` is the kind)
 * for a rule.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { zodLine } from '../domain/rejections';
import type { ActionInput, ActionName, ActionResult, ActionTable, ActionUpdates } from '../workflows/shared/actions';
import { campaignActions } from '../workflows/campaign/actions';
import { campaignUpdates } from '../workflows/campaign/messages';
import { applicationActions } from '../workflows/application/actions';
import { applicationUpdates } from '../workflows/application/messages';
import { titleActions } from '../workflows/title/actions';
import { titleUpdates } from '../workflows/title/messages';
import { reevaluationActions } from '../workflows/reevaluation/actions';
import { reevaluationUpdates } from '../workflows/reevaluation/messages';
import { UserError } from './errors';
import { checkedName } from './input';
import { reportRefused } from './refusals';

export interface ActOptions {
  /** A repeated id (a double-submitted form) gets the first Update's result, one effect. */
  updateId?: string;
  /** Report a payload refused here to the workflow's trail too (default true); refusals by the workflow always are. */
  reportInvalid?: boolean;
}

export type Act<T extends ActionTable<never>, R extends ActionResult> = <N extends ActionName<T>>(
  handle: WorkflowHandle,
  name: N,
  payload: ActionInput<T, N>,
  opts?: ActOptions,
) => Promise<R>;

/** The `act` of one workflow's table. */
export function actionClient<T extends ActionTable<never>, R extends ActionResult>(
  table: T,
  updates: ActionUpdates<T, R>,
  what: string,
): Act<T, R> {
  return async (handle, name, payload, opts = {}) => {
    checkedName(table, name, what);
    const parsed = table[name].schema.safeParse(payload);
    if (!parsed.success) {
      const err = new UserError(`${name}: ${zodLine(parsed.error)}`);
      if (opts.reportInvalid ?? true) await reportRefused(handle, name, payload, err);
      throw err;
    }
    try {
      return await handle.executeUpdate(updates[name], { args: [payload], updateId: opts.updateId });
    } catch (err) {
      // Only a refusal is reported (reportRefused ignores the rest: a missing workflow, a lost connection).
      await reportRefused(handle, name, payload, err);
      throw err;
    }
  };
}

/** Campaign actions (workflows/campaign/actions/), on the handle of `campaign-<year>`. */
export const actOnCampaign = actionClient(campaignActions, campaignUpdates, 'campaignAction');

/** Application actions (workflows/application/actions/), on the handle of `application-<year>-<committee>`. */
export const actOnApplication = actionClient(applicationActions, applicationUpdates, 'applicationAction');

/** Title actions (workflows/title/actions/), on the handle of `title-<committee>-<award year>`. */
export const actOnTitle = actionClient(titleActions, titleUpdates, 'titleAction');

/** Re-evaluation actions (workflows/reevaluation/actions/), on the handle of `reevaluation-<year>-<committee>`. */
export const actOnReevaluation = actionClient(reevaluationActions, reevaluationUpdates, 'reevaluationAction');
