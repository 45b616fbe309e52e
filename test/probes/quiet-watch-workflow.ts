/**
 * The smallest run that hands over at a quiet moment (workflows/shared/continue-as-new.ts `quietHandOver`), for
 * test/quiet-watch.test.ts: a Signal it hears, an Update its validator always refuses, and a main loop that waits
 * on `wake()` or its phase timer, as the campaign's does. It returns where the campaign continues as new.
 */
import { condition, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';
import { heardCounter, quietHandOver } from '../../workflows/shared/continue-as-new';

export const pokeSignal = defineSignal('poke');
export const refusedUpdate = defineUpdate<void>('refused');
/** The main loop's timer, as the campaign's to its next phase: an hour, so that it never fires in a test. */
const PHASE_MS = 60 * 60_000;

export async function quietWatchProbe(input: { softLimit: number; fromEvents: boolean }): Promise<string> {
  const heard = heardCounter();
  const quiet = quietHandOver(true, input.softLimit, heard, { fromEvents: input.fromEvents });
  setHandler(pokeSignal, () => heard.hear());
  setHandler(refusedUpdate, () => undefined, {
    validator: () => {
      throw new Error('refused');
    },
  });
  for (;;) {
    quiet.watch();
    await condition(quiet.wake, PHASE_MS);
    if (quiet.due()) return 'handed over';
  }
}
