/** The workflow of sdk-repro.ts: branches on Date.now() against a deadline, as the campaign's phaseAt(calNow()) does. */
import { sleep, upsertMemo } from '@temporalio/workflow';

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
