/**
 * The bench's baseline worker: the project's worker with payloads left in clear, so `npm run bench -- --codec-compare`
 * can measure what encryption costs on the same round. Used by nothing else.
 */
import { runWorker } from '../worker/run';

runWorker({ dataConverter: {} }).catch((err) => {
  console.error(err);
  process.exit(1);
});
