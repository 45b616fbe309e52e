/** The worker process: `npm run worker` (npm start runs it for you). Connection settings come from the environment. */
import { runWorker } from './run';

runWorker().catch((err) => {
  console.error(err);
  process.exit(1);
});
