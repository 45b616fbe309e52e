/** What a re-evaluation's action rules decide with (workflows/shared/actions.ts). */
import { formatDeadline } from '../../../domain/calendar';
import { reject } from '../../../domain/rejections';
import { actionFor } from '../../shared/actions';
import type { ReevaluationInput, ReevaluationState } from '../state';

export interface ReevaluationContext {
  s: ReevaluationState;
  input: ReevaluationInput;
  /** Decides deadlines: the instant the re-evaluation's timers have reached (or, in a validator, the later clock). */
  now: number;
  /** Decides openings; see workflows/campaign/actions/context.ts for why it may be later than `now`. */
  late: number;
  /** When the change is made (stamps). */
  at: number;
  workflowId: string;
}

export const reevaluationAction = actionFor<ReevaluationContext>();

export function reevaluationContext(
  s: ReevaluationState,
  input: ReevaluationInput,
  workflowId: string,
  t: { now: number; late?: number; at?: number },
): ReevaluationContext {
  return { s, input, workflowId, now: t.now, late: t.late ?? t.now, at: t.at ?? t.now };
}

export const deadlineText = (v: string | number) =>
  `${formatDeadline(typeof v === 'number' ? v : Date.parse(v))}（北京时间）`;

/** A decided or closed re-evaluation takes no more actions; a second confirmation is a duplicate. */
export function requireUndecided(s: ReevaluationState, duplicate: boolean): void {
  if (!s.result) return;
  if (s.result.outcome === 'closed') reject('WrongPhase', `复评已终止：${s.result.reasons.join('；')}`);
  const what = s.result.outcome === 'pass' ? '通过' : '未通过';
  reject(
    duplicate ? 'Duplicate' : 'WrongPhase',
    `复评结果已于 ${deadlineText(s.result.decidedAt)} 由 ${s.result.decidedBy} 确认：${what}`,
  );
}
