/** The workflow bundle's entry: one workflow per file, named after what it governs. */
export { campaign } from './campaign/workflow';
export { application } from './application/workflow';
export { title } from './title/workflow';
export { reevaluation } from './reevaluation/workflow';
export { campaignKickoff } from './kickoff/workflow';
export { signIn } from './sign-in/workflow';
export { reelectionFiling } from './reelection-filing/workflow';
export { publicObjection } from './public-objection/workflow';
export { subdistrictReports } from './subdistrict-reports/workflow';
