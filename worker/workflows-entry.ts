/**
 * The worker's workflow bundle entry: the workflows of workflows/index.ts, each module graph loaded only
 * when a workflow of that type first runs in a sandbox.
 *
 * Every cached workflow has a sandbox of its own in which the modules it uses are instantiated again (the
 * SDK's reusable V8 context shares only the SDK). Entering through workflows/index.ts, an application's
 * sandbox instantiated the campaign's, the title's, the re-evaluation's … modules and zod schemas as well.
 * Here `require` runs inside the function, so webpack keeps each graph in the bundle but evaluates it on
 * first call: an application's sandbox holds only what an application imports (bench/MEMORY.md).
 *
 * The commands a workflow issues are the same either way; the names must match workflows/index.ts, which
 * worker/create-worker.ts checks at start.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a require inside the function is what defers the module */
import type * as Workflows from '../workflows';

type W = typeof Workflows;

export function campaign(...args: Parameters<W['campaign']>): ReturnType<W['campaign']> {
  return (require('../workflows/campaign/workflow') as W).campaign(...args);
}
export function application(...args: Parameters<W['application']>): ReturnType<W['application']> {
  return (require('../workflows/application/workflow') as W).application(...args);
}
export function title(...args: Parameters<W['title']>): ReturnType<W['title']> {
  return (require('../workflows/title/workflow') as W).title(...args);
}
export function reevaluation(...args: Parameters<W['reevaluation']>): ReturnType<W['reevaluation']> {
  return (require('../workflows/reevaluation/workflow') as W).reevaluation(...args);
}
export function campaignKickoff(...args: Parameters<W['campaignKickoff']>): ReturnType<W['campaignKickoff']> {
  return (require('../workflows/kickoff/workflow') as W).campaignKickoff(...args);
}
export function signIn(...args: Parameters<W['signIn']>): ReturnType<W['signIn']> {
  return (require('../workflows/sign-in/workflow') as W).signIn(...args);
}
export function reelectionFiling(...args: Parameters<W['reelectionFiling']>): ReturnType<W['reelectionFiling']> {
  return (require('../workflows/reelection-filing/workflow') as W).reelectionFiling(...args);
}
export function publicObjection(...args: Parameters<W['publicObjection']>): ReturnType<W['publicObjection']> {
  return (require('../workflows/public-objection/workflow') as W).publicObjection(...args);
}
export function subdistrictReports(...args: Parameters<W['subdistrictReports']>): ReturnType<W['subdistrictReports']> {
  return (require('../workflows/subdistrict-reports/workflow') as W).subdistrictReports(...args);
}
