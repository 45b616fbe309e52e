/**
 * The campaign's workflow-task timeout: how long one workflow task may take before the server hands
 * it to a worker again. The default 10 s is too short at city scale: a campaign evicted from a busy
 * worker replays ~3,000 events and its registry, passes 10 s, is handed out again and replays again,
 * and stalls. The price of a longer one: when a worker dies mid-task, that campaign waits this long.
 * On a real calendar a minute is nothing; on a calendar compressed 100,000× for fault tests it is
 * two months, so those tests start their campaign with a shorter one. Continue-as-new keeps it.
 */
export const CAMPAIGN_TASK_TIMEOUT = '60 seconds';
