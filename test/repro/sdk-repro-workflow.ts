/** The workflow of sdk-repro.ts: branches on Date.now() against a deadline, as the campaign's phaseAt(calNow()) does. */
import { condition, defineUpdate, setHandler, sleep, upsertMemo } from '@temporalio/workflow';

export async function phaseLoop(deadlineMs: number): Promise<number[]> {
  const seen: number[] = [];
  let last = '';
  for (;;) {
    const now = Date.now();
    seen.push(now);
    const phase = now >= deadlineMs ? 'after' : 'before';
    if (phase !== last) {
      upsertMemo({ phase }); // a command only when the branch changes
      last = phase;
    }
    if (phase === 'after') return seen;
    await sleep(Math.max(1, deadlineMs - now));
  }
}

export const confirmUpdate = defineUpdate<string, []>('confirm');

/** The second variant: a timer's reaction and an Update handled in one workflow task (the campaign's end of 公示 and confirmFinal). */
export async function timerThenUpdate(deadlineMs: number): Promise<string> {
  let confirmed = false;
  setHandler(confirmUpdate, () => {
    confirmed = true;
    return 'ok';
  });
  await sleep(Math.max(1, deadlineMs - Date.now()));
  upsertMemo({ phase: 'awaiting-confirmation' }); // the timer's reaction: a command
  await condition(() => confirmed);
  upsertMemo({ phase: 'confirmed' });
  return 'done';
}
