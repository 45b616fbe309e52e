/** The CLI commands a re-evaluation's reminders name (cli/commands/titles.ts); shared by its own mail and the campaign's digest. */
import { cli } from '../../templates/layout';

/** `reevaluation submit-materials` (cli/commands/titles.ts), as the holder runs it. */
export const submitMaterialsCommand = (year: number, committeeId: string): string =>
  cli('reevaluation submit-materials', `--year ${year}`, `--as ${committeeId}`, '--summary "<书面复评材料摘要>"');

/** `reevaluation pre-review` (cli/commands/titles.ts), as one 街镇 official runs it. */
export const preReviewCommand = (year: number, committeeId: string, officialId: string): string =>
  cli('reevaluation pre-review', `--year ${year}`, `--committee ${committeeId}`, `--as ${officialId}`);
