/** What a title's action rules decide with (workflows/shared/actions.ts). */
import { beijingDate } from '../../../domain/calendar';
import { actionFor } from '../../shared/actions';
import type { TitleInput, TitleState } from '../state';

export interface TitleContext {
  s: TitleState;
  input: TitleInput;
  /** The clock: a title's checks compare typed dates with today (day precision), and stamp with it. */
  now: number;
  /** `now` as a Beijing date. */
  today: string;
}

export const titleAction = actionFor<TitleContext>();

export function titleContext(s: TitleState, input: TitleInput, now: number): TitleContext {
  return { s, input, now, today: beijingDate(now) };
}

export const yearOf = (date: string) => Number(date.slice(0, 4));
