/** What an application's action rules decide with (workflows/shared/actions.ts). */
import { formatBeijing, formatDeadline } from '../../../domain/calendar';
import { reject } from '../../../domain/rejections';
import { STAGE_LABELS } from '../../../domain/stages';
import { actionFor } from '../../shared/actions';
import { isFinal, type ApplicationInput, type ApplicationState } from '../state';

export interface ApplicationContext {
  s: ApplicationState;
  input: ApplicationInput;
  /** Decides deadlines: the instant the application's timers have reached (or, in a validator, the later clock). */
  now: number;
  /** Decides openings; see workflows/campaign/actions/context.ts for why it may be later than `now`. */
  late: number;
  /** When the change is made (stamps). */
  at: number;
}

export const applicationAction = actionFor<ApplicationContext>();

export const deadlineText = (ms: number) => formatDeadline(ms) + ' (北京时间)';
export const openingText = (ms: number) => formatBeijing(ms) + ' (北京时间)';

/** Every action: a closed application takes none. */
export function requireOpen({ s }: ApplicationContext): void {
  if (isFinal(s))
    reject('WrongPhase', `application is closed: ${STAGE_LABELS[s.stage]}${s.reason ? `（${s.reason}）` : ''}`);
}

export function applicationContext(
  s: ApplicationState,
  input: ApplicationInput,
  t: { now: number; late?: number; at?: number },
): ApplicationContext {
  return { s, input, now: t.now, late: t.late ?? t.now, at: t.at ?? t.now };
}
