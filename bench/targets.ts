/**
 * The bench's targets, all in this file: the only place they are checked (never in timed tests). Each is
 * evaluated on a run's figures (bench/figures.ts), so this run and its baseline are judged by the same rule.
 * A target whose figure was not measured (no floor run, an older bench without the replay) is NOT met.
 */
import type { Figures } from './figures';

export const TARGETS = {
  /** 1,000 applications: busy time against the engine floor's, same N, same concurrency. */
  floorRatioAt1000: 1.1,
  /** A committee on a web form: its submission (the workflow start) accepted within half a second. */
  submitP99MsAt1000: 500,
  /** No workflow task fails (each one is retried after a timeout, often with a full replay). */
  workflowTaskFailuresAt1000: 0,
  /** Worker RSS growth per 1,000 cached applications against the floor's. */
  rssGrowthRatioAt1000: 2,
  /** 10,000 applications: applications completed per busy second. */
  applicationsPerSecondAt10000: 10,
  maxHistoryEventsAt10000: 4096,
  maxReplayMsAt10000: 1000,
};

export interface Target {
  scale: 1000 | 10000;
  name: string;
  measured: string;
  met: boolean;
  /** This run has the scale the target is set for. */
  applies: boolean;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export function evaluateTargets(f: Figures): Target[] {
  const d = f.domain;
  const fl = f.floor;
  const t = (scale: 1000 | 10000, name: string, measured: string, met: boolean): Target => ({
    scale,
    name,
    measured,
    met,
    applies: f.applications === scale,
  });
  const noFloor = 'not measured (no floor run)';
  const busyRatio = fl && d.busySeconds && fl.busySeconds ? d.busySeconds / fl.busySeconds : undefined;
  const rssRatio =
    fl && d.workerPeakRssGrowthMiBPer1000 !== null && fl.workerPeakRssGrowthMiBPer1000
      ? d.workerPeakRssGrowthMiBPer1000 / fl.workerPeakRssGrowthMiBPer1000
      : undefined;
  const upd = d.updateLatencyMs.p99;
  const floorUpd = fl?.updateLatencyMs.p99;
  const submit = d.submitLatencyMs.p99;
  return [
    t(
      1000,
      `busy time ≤ ${TARGETS.floorRatioAt1000}× the floor's`,
      busyRatio === undefined ? noFloor : `${r2(busyRatio)}× (${d.busySeconds} s / ${fl!.busySeconds} s)`,
      busyRatio !== undefined && busyRatio <= TARGETS.floorRatioAt1000,
    ),
    t(
      1000,
      `submit p99 ≤ ${TARGETS.submitP99MsAt1000} ms`,
      `${submit ?? '-'} ms`,
      submit !== null && submit <= TARGETS.submitP99MsAt1000,
    ),
    // The floor's Updates do the same engine work with no domain logic: its p99 is the bar, not a constant.
    t(
      1000,
      "Update p99 ≤ the floor's",
      floorUpd === undefined || floorUpd === null ? noFloor : `${upd ?? '-'} ms (floor ${floorUpd} ms)`,
      upd !== null && floorUpd !== undefined && floorUpd !== null && upd <= floorUpd,
    ),
    t(
      1000,
      `failed workflow tasks: ${TARGETS.workflowTaskFailuresAt1000}`,
      `${d.workflowTaskFailures} runs with a WorkflowTaskFailed`,
      d.workflowTaskFailures <= TARGETS.workflowTaskFailuresAt1000,
    ),
    t(
      1000,
      `worker RSS growth ≤ ${TARGETS.rssGrowthRatioAt1000}× the floor's`,
      rssRatio === undefined
        ? noFloor
        : `${r2(rssRatio)}× (${d.workerPeakRssGrowthMiBPer1000} / ${fl!.workerPeakRssGrowthMiBPer1000} MiB per 1,000)`,
      rssRatio !== undefined && rssRatio <= TARGETS.rssGrowthRatioAt1000,
    ),
    t(
      10000,
      `≥ ${TARGETS.applicationsPerSecondAt10000} applications / busy s`,
      `${d.applicationsPerSecond ?? '-'}`,
      d.applicationsPerSecond !== null && d.applicationsPerSecond >= TARGETS.applicationsPerSecondAt10000,
    ),
    t(
      10000,
      `no history > ${TARGETS.maxHistoryEventsAt10000} events`,
      `largest ${d.largestHistory.events} (${d.largestHistory.workflowId})`,
      d.largestHistory.events <= TARGETS.maxHistoryEventsAt10000,
    ),
    t(
      10000,
      `no replay > ${TARGETS.maxReplayMsAt10000 / 1000} s`,
      d.replay
        ? `largest ${d.replay.largest.ms} ms (${d.replay.largest.workflowId}, ${d.replay.largest.events} events; ${d.replay.histories} replayed${d.replay.failed ? `, ${d.replay.failed} FAILED` : ''})`
        : 'not measured (this bench did not replay)',
      !!d.replay && d.replay.failed === 0 && d.replay.largest.ms <= TARGETS.maxReplayMsAt10000,
    ),
    t(
      10000,
      'the round completes as scripted',
      f.outcomeOk ? 'completed, outcomes as scripted' : 'NOT as scripted',
      f.outcomeOk,
    ),
  ];
}
