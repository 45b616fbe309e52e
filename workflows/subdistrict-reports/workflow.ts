/**
 * One 街镇's application reports in one year (reports-<year>-<subdistrict>, or one of its shards where the 街镇 has
 * more than 200 committees: relays.ts). Its applications report each stage change here; the campaign receives
 * them in batches, one signal for all the reports of a second.
 *
 * Why a relay: a signal costs the workflow that takes it about 1 ms of worker CPU, most of it the SDK's
 * per-promise bookkeeping, and the campaign is one workflow on one thread. Taking every application's 2.8
 * reports itself, at 10,000 applications it fell minutes behind and could not continue as new under the stream
 * (README, "The campaign is not the hot spot"). The relays share that work, and the campaign's part shrinks by
 * the batch size.
 *
 * What the campaign decides with a 街镇's reports (its list confirmation, a panel vote) it first gathers: it asks
 * this relay, and the batch that answers carries every report received before the request. An application
 * answers its Update once its report is here, so a confirmation right after the last decision still sees it.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
} from '@temporalio/workflow';
import {
  parseApplicationReport,
  applicationReportSignal,
  applicationReportsSignal,
  type ApplicationReport,
} from '../campaign/stage-report';
import {
  continueAsNewWhenSettled,
  heardCounter,
  HISTORY_LIMITS,
  historyIsLarge as historyIsLargeAfter,
  quietHandOver,
  QUIET_WATCH_FROM_EVENTS_PATCH,
  RELAY_BACKSTOP_PATCH,
  RELAY_QUIET_WATCH_PATCH,
  RELAY_SOFT_LIMIT,
  RELAY_LIMITS_BEFORE_PATCH,
} from '../shared/continue-as-new';
import { mergeReport } from './batch';
import {
  closeReportsSignal,
  forwardNowUpdate,
  NOTHING_TO_FORWARD,
  gatherReportsSignal,
  gatherRequestSchema,
  type SubdistrictReportsInput,
  type SubdistrictReportsResult,
} from './messages';

/** How long a first report waits for more: in a busy window a 街镇's reports come every 100–500 ms. */
export const BATCH_MS = 1_000;
/** A batch goes at once when this many applications wait in it (about 30 KB of reports, far below 2 MB). */
export const MAX_BATCH = 200;

/**
 * The patch for handing over at the quiet moment itself, carrying the reports still waiting for their batch. Before
 * it, a relay past its soft limit began to watch for quiet only when its main loop came round (not while it waited
 * for a batch), and handed over only when a batch had just gone and no report had come meanwhile. In a busy window
 * (a report every second or two, a batch every 5 s at 10,000 applications) that was rare: runs grew to 1,472 events,
 * whose replay took 1.1 s. With it they still reach the 1,500 backstop at that scale: the worker's backlog delays a
 * relay's tasks by seconds, so reports arrive with the timer that was to prove the quiet. A 1,000-event backstop
 * was tried and not kept: that run's inspection took 484 s instead of 253 and the round did not complete.
 * Read at the run's start, before any command.
 */
export const RELAY_HAND_OVER_AT_QUIET_PATCH = 'relay-hand-over-at-quiet';

/**
 * The limits a relay run hands over by (workflows/shared/continue-as-new.ts): RELAY_BACKSTOP_PATCH's, with or
 * without the soft limit of RELAY_QUIET_WATCH_PATCH, or the earlier.
 */
function relayLimits(shortRuns: boolean, quietWatch: boolean) {
  if (!shortRuns) return { soft: RELAY_LIMITS_BEFORE_PATCH.soft, backstop: RELAY_LIMITS_BEFORE_PATCH.backstop };
  const backstop = HISTORY_LIMITS.subdistrictReports;
  return { soft: quietWatch ? RELAY_SOFT_LIMIT : backstop, backstop, waitAtBackstop: true };
}

export async function subdistrictReports(input: SubdistrictReportsInput): Promise<SubdistrictReportsResult> {
  const handOverAtQuiet = patched(RELAY_HAND_OVER_AT_QUIET_PATCH);
  // Then, also before any command: whether past its backstop the run waits for a short quiet moment (RELAY_BACKSTOP_PATCH).
  const shortRuns = patched(RELAY_BACKSTOP_PATCH);
  // Then: whether every report starts the watch and the main loop's wait never reads the history length
  // (QUIET_WATCH_FROM_EVENTS_PATCH: a refused forwardNow Update is a task with no event, where that length grows).
  const fromEvents = handOverAtQuiet && patched(QUIET_WATCH_FROM_EVENTS_PATCH);
  // Then, only with both: whether a 2 s quiet moment past RELAY_SOFT_LIMIT hands over, before the backstop.
  const limits = relayLimits(shortRuns, shortRuns && fromEvents && patched(RELAY_QUIET_WATCH_PATCH));
  const pending = new Map<string, ApplicationReport>();
  for (const r of input.carried?.pending ?? []) pending.set(r.committeeId, r);
  // The campaign's latest gather request not yet answered.
  let gather = input.carried?.gather;
  let forwarded = input.carried?.forwarded ?? 0;
  let urgent = false;
  let closing = false;
  let campaignGone = false;
  // Batches composed and delivered in this run: a reader waits for the batch holding what it asked for.
  let composed = 0;
  let delivered = 0;
  // Past the backstop a task that took no report hands over (`quietInTask`).
  const heard = heardCounter();
  const quiet = quietHandOver(
    true,
    limits.soft,
    heard,
    limits.waitAtBackstop ? { backstop: limits.backstop, quietInTask: true, fromEvents } : { fromEvents },
  );
  // Each report may be the one past the soft limit: the watch starts then, even while the loop waits for a batch
  // (with `fromEvents`, `quiet` starts it itself).
  const hear = () => {
    heard.hear();
    if (handOverAtQuiet && !fromEvents) quiet.watch();
  };

  setHandler(applicationReportSignal, (raw) => {
    hear();
    const r = parseApplicationReport(raw);
    if (!r.success) return void log.warn('malformed application report ignored', { field: fieldOf(r.error) });
    pending.set(r.data.committeeId, mergeReport(pending.get(r.data.committeeId), r.data));
  });
  setHandler(gatherReportsSignal, (raw) => {
    hear();
    const r = gatherRequestSchema.safeParse(raw);
    if (!r.success) return void log.warn('malformed gather request ignored', { field: fieldOf(r.error) });
    gather = Math.max(gather ?? 0, r.data.token);
  });
  setHandler(closeReportsSignal, () => {
    closing = true;
  });
  setHandler(
    forwardNowUpdate,
    async () => {
      // Everything received so far is in the next batch if any is pending, else in the one on its way.
      const target = pending.size > 0 ? composed + 1 : composed;
      urgent = pending.size > 0;
      await condition(() => delivered >= target || campaignGone);
      return { forwarded };
    },
    {
      // Nothing pending and nothing on its way: the campaign has every report. Refused in the validator, the
      // request leaves no trace in the history, so reading a list costs the relay nothing.
      validator: () => {
        if (pending.size === 0 && composed === delivered)
          throw ApplicationFailure.create({ type: NOTHING_TO_FORWARD, message: 'the campaign has every report' });
      },
    },
  );

  const send = async () => {
    const reports = [...pending.values()];
    pending.clear();
    const ack = gather;
    gather = undefined;
    urgent = false;
    composed++;
    try {
      await getExternalWorkflowHandle(input.campaignWorkflowId).signal(applicationReportsSignal, {
        subdistrict: input.subdistrict,
        ...(input.shard !== undefined ? { shard: input.shard } : {}),
        reports,
        ...(ack !== undefined ? { ack } : {}),
      });
      forwarded++;
    } catch (err) {
      // The campaign has ended (or never ran): nothing more can reach it from here.
      log.warn('could not forward reports to the campaign; the relay ends', {
        error: String(err),
        reports: reports.length,
      });
      campaignGone = true;
    }
    delivered++;
  };

  // Runs before RELAY_BACKSTOP_PATCH hand over at their backstop at once; later runs leave it to `quiet`.
  const historyIsLarge = () => !limits.waitAtBackstop && historyIsLargeAfter(limits.backstop);
  const due = () => gather !== undefined || urgent || closing || pending.size >= MAX_BATCH;
  // Quiet, and nobody waits on a batch: hand over now, the pending reports going with the run (a batch sent first
  // would give reports one more round trip in which to arrive and refuse the hand-over).
  const quietNow = () => handOverAtQuiet && quiet.due() && !due();
  // 0: each report goes as it comes, with no timer. No recorded run was started with 0, so no patch is needed.
  const batchMs = input.batchMs ?? BATCH_MS;
  while (!campaignGone) {
    quiet.watch();
    await condition(() => pending.size > 0 || due() || quiet.wake() || historyIsLarge());
    if (pending.size > 0 && batchMs > 0 && !due() && !quietNow()) await condition(() => due() || quietNow(), batchMs);
    if (!quietNow()) {
      if (pending.size > 0 || gather !== undefined) await send();
      if (pending.size > 0 || gather !== undefined) continue;
      if (closing) break;
    }
    if (historyIsLarge() || quiet.due())
      await continueAsNewWhenSettled<typeof subdistrictReports>([], () => ({
        ...input,
        carried: { pending: [...pending.values()], gather, forwarded },
      }));
  }
  quiet.stop();
  await condition(allHandlersFinished);
  return { forwarded };
}

function fieldOf(error: { issues: { path: PropertyKey[] }[] }): string {
  return error.issues[0]?.path.map(String).join('.') || '(payload)';
}
