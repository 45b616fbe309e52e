/**
 * Workflow-task timeouts (how long one workflow task may take before the server gives it to a worker
 * again). The default 10 s is too short for a campaign that replays ~3,000 events and its registry on
 * a busy worker: the task times out, is replayed from scratch again, and the campaign stalls.
 * Continue-as-new passes the campaign's on to the next run.
 */
export const CAMPAIGN_TASK_TIMEOUT = '60 seconds';
export const APPLICATION_TASK_TIMEOUT = '30 seconds';
