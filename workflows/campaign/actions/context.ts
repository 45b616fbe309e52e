/** What the campaign's action rules decide with (workflows/shared/actions.ts). */
import type { CampaignPhase } from '../../../domain/stages';
import { actionFor } from '../../shared/actions';
import { CURRENT_RULES, phaseAt, type CampaignInput, type CampaignRuleVersions, type CampaignState } from '../state';

export interface CampaignContext {
  s: CampaignState;
  input: CampaignInput;
  /**
   * Decides deadlines ("before D"): the instant the campaign has reached (workflows/shared/clock.ts), or,
   * in a validator, the later of that and the clock.
   */
  now: number;
  /**
   * Decides openings ("from X on"). A validator: the later of the instant reached and the clock. A handler:
   * +Infinity (`forHandler`), since its validator checked the opening and an overdue opening timer (a worker
   * back after an outage) fires after the Update in the same task; old runs read the clock in both.
   */
  late: number;
  /** The clock; a validator refuses an extension into the past by it. In a handler, `now`. */
  live: number;
  /** The phase at `now`, and at `late`. */
  phase: CampaignPhase;
  phaseFrom: CampaignPhase;
  /** When the change is made (stamps): the clock, in calendar time. */
  at: number;
  /** Rules that changed while campaigns ran; decided with patched(), so only the action that needs one asks. */
  rules(): CampaignRuleVersions;
}

export const campaignAction = actionFor<CampaignContext>();

/** The context at the instants a validator, a handler or a test decides with. */
export function campaignContext(
  s: CampaignState,
  input: CampaignInput,
  t: { now: number; late?: number; live?: number; at?: number },
  rules: () => CampaignRuleVersions = () => CURRENT_RULES,
): CampaignContext {
  const late = t.late ?? t.now;
  return {
    s,
    input,
    now: t.now,
    late,
    live: t.live ?? t.now,
    at: t.at ?? t.now,
    phase: phaseAt(input, s, t.now),
    phaseFrom: phaseAt(input, s, late),
    rules,
  };
}
