/**
 * campaignKickoff: the action of the yearly Schedule (client/kickoff-schedule.ts). The Schedule cannot
 * start `campaign-<year>` itself (the server appends a timestamp to the workflow id it starts), so this
 * small workflow does: it picks the year from its scheduled time in Beijing and runs one activity that
 * starts the campaign as `campaign start` would. If that fails, it pauses the Schedule with the reason,
 * emails the bureau, and fails without retrying.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import {
  KICKOFF_FAILURE_TYPES,
  kickoffFailedNote,
  kickoffInputSchema,
  kickoffYear,
  type KickoffFailureKind,
  type KickoffInput,
  type KickoffResult,
} from '../../domain/kickoff';
import { zodLine } from '../../domain/rejections';
import { TemporalScheduledById, TemporalScheduledStartTime } from '../../temporal/search-attributes';

type Activities = ReturnType<typeof createActivities>;

const { kickoffCampaign } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  // A server or visibility hiccup is retried for about an hour; missing data fails at once (non-retryable).
  retry: { initialInterval: '5 seconds', maximumInterval: '2 minutes', maximumAttempts: 30 },
});

// Telling the bureau must not give up: SMTP or the server may be down for a while.
const { pauseKickoffSchedule, mailKickoffFailure } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

const KIND_OF_TYPE = Object.fromEntries(Object.entries(KICKOFF_FAILURE_TYPES).map(([k, t]) => [t, k])) as Record<
  string,
  KickoffFailureKind
>;

export async function campaignKickoff(input: KickoffInput = {}): Promise<KickoffResult> {
  const parsed = kickoffInputSchema.safeParse(input ?? {});
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`kickoff input: ${zodLine(parsed.error)}`, 'InvalidInput');
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(TemporalScheduledStartTime);
  const scheduleId = info.typedSearchAttributes.get(TemporalScheduledById);
  // A scheduled run (also a late catch-up or a backfill) is for the year it was scheduled in, not the year it runs.
  const year = scheduledAt ? kickoffYear(scheduledAt) : parsed.data.year;
  if (year === undefined)
    throw ApplicationFailure.nonRetryable(
      'kickoff input: year: required for a run not started by the Schedule',
      'InvalidInput',
    );

  try {
    return await kickoffCampaign({ year });
  } catch (err) {
    if (isCancellation(err)) throw err; // someone cancelled the run: nothing to report
    const cause = err instanceof ActivityFailure && err.cause ? err.cause : (err as Error);
    const failure = cause instanceof ApplicationFailure ? cause : undefined;
    const kind: KickoffFailureKind = KIND_OF_TYPE[failure?.type ?? ''] ?? 'other';
    // A timeout or exhausted retries count as 'other': the activity's own last message, or the timeout.
    const reason = (cause?.message || String(err)).slice(0, 1500);
    if (scheduleId) await pauseKickoffSchedule({ scheduleId, note: pauseNote(year, kind, reason) });
    await mailKickoffFailure({
      year,
      kind,
      reason,
      scheduledAt: (scheduledAt ?? new Date(info.startTime)).toISOString(),
      workflowId: info.workflowId,
      scheduleId,
    });
    throw ApplicationFailure.create({
      type: KICKOFF_FAILURE_TYPES[kind],
      message: `kickoff ${year}: ${reason}`,
      nonRetryable: true,
    });
  }
}

/** The Schedule's note, shown by `campaign schedule show` and the Web UI: the reason and the way out. */
export function pauseNote(year: number, kind: KickoffFailureKind, reason: string): string {
  const fix =
    kind === 'holiday-data'
      ? `Supply that holiday file (the official arrangement, shaped like domain/holidays-example-2027.json) or a newer chinese-days, then \`campaign schedule trigger\`, or start by hand: \`campaign start --year ${year} --holiday-file <file>\`.`
      : `Fix it, then \`campaign schedule trigger\` or \`campaign start --year ${year}\`.`;
  return `${kickoffFailedNote(year)}${reason}. ${fix} Then \`campaign schedule resume\`.`.slice(0, 1000);
}
