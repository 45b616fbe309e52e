/** A re-evaluation's actions (复评, notice 五(二)), one file each; the Update names are these keys. */
import type { ActionName } from '../../shared/actions';
import { cancelEligibility } from './cancel-eligibility';
import { confirm } from './confirm';
import { extendDeadline } from './extend-deadline';
import { preReview } from './pre-review';
import { recordInspection } from './record-inspection';
import { submitMaterials } from './submit-materials';

export const reevaluationActions = {
  submitMaterials,
  recordInspection,
  preReview,
  cancelEligibility,
  confirm,
  extendDeadline,
};
export type ReevaluationActions = typeof reevaluationActions;
export type ReevaluationActionName = ActionName<ReevaluationActions>;
export { reevaluationContext, type ReevaluationContext } from './context';
