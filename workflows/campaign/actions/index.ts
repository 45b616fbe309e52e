/** The campaign's actions (notice 三), one file each; the Update names are these keys. */
import { applyAction, checkAction, type ActionData, type ActionName, type Applied } from '../../shared/actions';
import { failing } from '../../../temporal/rejections';
import { CURRENT_RULES, type CampaignInput, type CampaignRuleVersions, type CampaignState } from '../state';
import { campaignContext } from './context';
import { confirmFinal } from './confirm-final';
import { confirmList } from './confirm-list';
import { decideReelection } from './decide-reelection';
import { extendDeadline } from './extend-deadline';
import { fileObjection } from './file-objection';
import { flagReelection } from './flag-reelection';
import { panelFinalize } from './panel-finalize';
import { panelVote } from './panel-vote';
import { removeFromList } from './remove-from-list';
import { resolveObjection } from './resolve-objection';

export const campaignActions = {
  extendDeadline,
  confirmList,
  panelVote,
  panelFinalize,
  fileObjection,
  resolveObjection,
  confirmFinal,
  removeFromList,
  flagReelection,
  decideReelection,
};
export type { CampaignContext } from './context';

export type CampaignActions = typeof campaignActions;
export type CampaignActionName = ActionName<CampaignActions>;

/**
 * One action's checks outside a workflow (tests): `now` decides deadlines, `late` openings, `live` refuses
 * an extension into the past (see CampaignContext). Refusals come as the ApplicationFailure a client sees.
 */
export function checkCampaignAction<N extends CampaignActionName>(
  name: N,
  payload: unknown,
  s: CampaignState,
  input: CampaignInput,
  now: number,
  late = now,
  live = now,
): ActionData<CampaignActions, N> {
  return failing(() => checkAction(campaignActions, name, payload, campaignContext(s, input, { now, late, live })));
}

/** Applies checked data at `now`, as the workflow's handler does. */
export function applyCampaignAction<N extends CampaignActionName>(
  name: N,
  data: ActionData<CampaignActions, N>,
  s: CampaignState,
  input: CampaignInput,
  now: number,
  rules: CampaignRuleVersions = CURRENT_RULES,
): Applied {
  return applyAction(
    campaignActions,
    name,
    data,
    campaignContext(s, input, { now }, () => rules),
  );
}
