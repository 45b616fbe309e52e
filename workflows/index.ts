/** The workflow bundle's entry: one workflow per file, named after what it governs. */
export { campaign } from './campaign';
export { application } from './application';
export { title } from './title';
export { reevaluation } from './reevaluation';
export { campaignKickoff } from './kickoff/kickoff';
export { signIn } from './sign-in';
export { reelectionFiling } from './reelection-filing';
export { publicObjection } from './public-objection';
