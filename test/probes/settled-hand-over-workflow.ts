/**
 * The smallest run that hands over through `continueAsNewWhenSettled` (workflows/shared/continue-as-new.ts), for
 * test/settled-hand-over.test.ts. Its first note starts the hand-over; the settle step holds until `release`, as the
 * campaign's does while an email or notice is in flight. The next run returns the notes it was given.
 */
import { condition, defineQuery, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';
import { continueAsNewWhenSettled } from '../../workflows/shared/continue-as-new';

export const noteSignal = defineSignal<[string]>('note');
/** Adds a note and answers how many the run holds. */
export const noteUpdate = defineUpdate<number, [string]>('noteAndCount');
export const releaseSignal = defineSignal('release');
export const holdingQuery = defineQuery<boolean>('holding');

export async function settledHandOverProbe(input: { carried?: string[] }): Promise<string[]> {
  if (input.carried) return input.carried;
  const notes: string[] = [];
  let holding = false;
  let released = false;
  setHandler(noteSignal, (note) => void notes.push(note));
  setHandler(noteUpdate, (note) => notes.push(note));
  setHandler(releaseSignal, () => void (released = true));
  setHandler(holdingQuery, () => holding);
  await condition(() => notes.length > 0);
  return continueAsNewWhenSettled<typeof settledHandOverProbe>(
    [
      async () => {
        holding = true;
        await condition(() => released);
      },
    ],
    () => ({ carried: [...notes] }),
  );
}
