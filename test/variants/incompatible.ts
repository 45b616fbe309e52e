/**
 * A deliberately incompatible change, for the replay gate's own test: the application workflow
 * with a timer inserted before anything it did before. Old histories cannot replay it.
 */
import { sleep } from '@temporalio/workflow';
import { application as current } from '../../workflows/application/workflow';
export { campaign } from '../../workflows/campaign/workflow';

export async function application(...args: Parameters<typeof current>): ReturnType<typeof current> {
  await sleep('1 minute');
  return current(...args);
}
