/**
 * The engine's floor: the same Temporal operations as the domain run, with no domain logic.
 *
 * floorApplication stands in for application-<year>-<committee>: started by the client, it takes
 * every Update the domain application took (accepting anything, no validator), signals its
 * coordinator as often as the domain application signalled its campaign, runs as many (no-op)
 * activities and timers and search-attribute upserts, and ends once it has received as many notices
 * as the domain campaign sent it.
 *
 * floorCampaign stands in for campaign-<year>: it counts the reports, answers the two queries a
 * submission makes, takes the campaign's Updates, and for each one runs the same fan-out batches the
 * domain campaign ran after it (one activity per batch, signalling the same number of applications).
 * It continues-as-new at the history length the domain campaign did.
 *
 * The numbers come from the domain run's histories (bench/profile.ts); nothing here knows the domain.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { FloorActivities } from './floor-activities';

export interface FloorAppProfile {
  /** Signals to the coordinator right after start. */
  signalsAtStart: number;
  /** Signals to the coordinator inside each Update handler (0 or 1). */
  signalsPerUpdate: number;
  /** Timers that fire (1 ms each), in a background coroutine. */
  timersFired: number;
  /** Waits for a notice with a timeout that the notice cancels. */
  timersCanceled: number;
  /** No-op activities, started in the background (at most 20 at a time, like the mail outbox). */
  activities: number;
  /** Stage search-attribute upserts: one per Update or notice while any are left, the rest at the end. */
  upserts: number;
  /** Notices to receive before ending: as many as the domain application received (later ones find it ended). */
  notices: number;
}

export interface FloorAppInput {
  coordinatorId: string;
  committeeId: string;
  profile: FloorAppProfile;
}

export interface FloorCampaignProfile {
  /** No-op activities beside the fan-outs (the domain campaign's mail and title activities). */
  activities: number;
  timersFired: number;
  timersCanceled: number;
  upserts: number;
  /** Continue-as-new once the history is longer than this (or when the server suggests it). */
  continueAsNewAt: number;
}

export interface FloorCampaignState {
  reports: number;
  outbox: string[][];
  finished: boolean;
  backgroundDone: boolean;
  cancelsLeft: number;
  upsertsLeft: number;
}

export interface FloorCampaignInput {
  profile: FloorCampaignProfile;
  appIdPrefix: string;
  /** Fan-out batches the domain campaign ran before its first Update (normally none). */
  initialBatches?: string[][];
  carried?: FloorCampaignState;
}

export interface FloorCampaignUpdate {
  /** Fan-out batches: committee ids to notify, one activity per batch. */
  batches: string[][];
  /** The last Update of the round (confirmFinal): end once the outbox is empty. */
  finish?: boolean;
  /** Whatever the domain Update carried; ignored. */
  payload?: unknown;
}

export const floorActUpdate = defineUpdate<{ ok: true }, [unknown]>('act');
export const floorNoticeSignal = defineSignal<[unknown]>('notice');
export const floorReportSignal = defineSignal<[unknown]>('report');
export const floorCampaignUpdate = defineUpdate<{ ok: true }, [FloorCampaignUpdate]>('campaignAct');
export const floorStatusQuery = defineQuery<{ reports: number; outbox: number; finished: boolean }>('status');
export const floorProgressQuery = defineQuery<{ notices: number; expected: number }>('progress');

const { noop } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
const { fanout } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** The project's Stage attribute (registered by scripts/dev-server.ts), upserted as often as the domain does. */
const Stage = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);

async function background(activities: number, timers: number): Promise<void> {
  const acts = (async () => {
    let next = 0;
    const lane = async () => {
      while (next < activities) {
        next++;
        await noop();
      }
    };
    await Promise.all(Array.from({ length: Math.min(20, activities) }, lane));
  })();
  for (let i = 0; i < timers; i++) await sleep(1);
  await acts;
}

export async function floorApplication(input: FloorAppInput): Promise<{ notices: number }> {
  const p = input.profile;
  let notices = 0;
  let upsertsLeft = p.upserts;
  const coordinator = getExternalWorkflowHandle(input.coordinatorId);
  const report = () => coordinator.signal(floorReportSignal, { committeeId: input.committeeId, notices });
  const maybeUpsert = () => {
    if (upsertsLeft <= 0) return;
    upsertsLeft--;
    upsertSearchAttributes([{ key: Stage, value: `floor-${upsertsLeft}` }]);
  };

  setHandler(floorActUpdate, async () => {
    for (let i = 0; i < p.signalsPerUpdate; i++) await report();
    maybeUpsert();
    return { ok: true as const };
  });
  setHandler(floorNoticeSignal, () => {
    notices++;
    maybeUpsert();
  });
  setHandler(floorProgressQuery, () => ({ notices, expected: p.notices }));

  for (let i = 0; i < p.signalsAtStart; i++) await report();
  const bg = background(p.activities, p.timersFired);
  let cancelsLeft = p.timersCanceled;
  while (notices < p.notices) {
    const seen = notices;
    if (cancelsLeft > 0) {
      cancelsLeft--;
      await condition(() => notices > seen, '30 days');
    } else await condition(() => notices > seen);
  }
  await bg;
  while (upsertsLeft > 0) maybeUpsert();
  await condition(allHandlersFinished);
  return { notices };
}

export async function floorCampaign(input: FloorCampaignInput): Promise<{ reports: number }> {
  const p = input.profile;
  const s: FloorCampaignState = input.carried ?? {
    reports: 0,
    outbox: [...(input.initialBatches ?? [])],
    finished: false,
    backgroundDone: false,
    cancelsLeft: p.timersCanceled,
    upsertsLeft: p.upserts,
  };
  const maybeUpsert = () => {
    if (s.upsertsLeft <= 0) return;
    s.upsertsLeft--;
    upsertSearchAttributes([{ key: Stage, value: `floor-${s.upsertsLeft}` }]);
  };

  setHandler(floorReportSignal, () => {
    s.reports++;
  });
  setHandler(floorCampaignUpdate, (u) => {
    s.outbox.push(...u.batches);
    if (u.finish) s.finished = true;
    maybeUpsert();
    return { ok: true as const };
  });
  setHandler(floorStatusQuery, () => ({ reports: s.reports, outbox: s.outbox.length, finished: s.finished }));

  const bg = s.backgroundDone
    ? Promise.resolve()
    : background(p.activities, p.timersFired).then(() => void (s.backgroundDone = true));
  const large = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > p.continueAsNewAt;

  for (;;) {
    while (s.outbox.length) {
      await fanout({ prefix: input.appIdPrefix, committeeIds: s.outbox[0] });
      s.outbox.shift();
    }
    if (s.finished) break;
    if (large()) {
      await bg;
      await condition(allHandlersFinished);
      await continueAsNew<typeof floorCampaign>({ ...input, carried: s });
    }
    const wake = () => s.outbox.length > 0 || s.finished || large();
    if (s.cancelsLeft > 0) {
      s.cancelsLeft--;
      await condition(wake, '30 days');
    } else await condition(wake);
  }
  await bg;
  while (s.upsertsLeft > 0) maybeUpsert();
  await condition(allHandlersFinished);
  return { reports: s.reports };
}
