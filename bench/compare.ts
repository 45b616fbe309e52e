/**
 * This run against its baseline (bench/baseline.ts): each figure with the baseline's and their ratio, beside
 * the engine floor each of them measured; and each target (bench/targets.ts) judged on both runs.
 * The floor of each run follows that run's own workflows, so when a redesign changes the engine's work the
 * two floors differ, and "this run / baseline" shows the gain that "busy / floor" alone would hide.
 */
import type { Figures, Part } from './figures';
import { table } from './table';
import type { Target } from './targets';

type Pick = (p: Part) => number | null | undefined;

const ROWS: [string, Pick][] = [
  ['busy s', (p) => p.busySeconds],
  ['applications completed / busy s', (p) => p.applicationsPerSecond],
  ['Update p50 ms', (p) => p.updateLatencyMs.p50],
  ['Update p99 ms', (p) => p.updateLatencyMs.p99],
  ['submit p50 ms', (p) => p.submitLatencyMs.p50],
  ['submit p99 ms', (p) => p.submitLatencyMs.p99],
  ['worker CPU s per 1,000 applications', (p) => p.workerCpuSecondsPer1000],
  ['server CPU s per 1,000 applications', (p) => p.serverCpuSecondsPer1000],
  ['worker peak RSS MiB', (p) => p.workerPeakRssMiB],
  ['worker RSS growth MiB per 1,000 applications', (p) => p.workerPeakRssGrowthMiBPer1000],
  ['history events per application', (p) => p.historyEventsPerApplication],
  ['history bytes per application', (p) => p.historyBytesPerApplication],
  ['largest history (events)', (p) => p.largestHistory.events],
  ['campaign chain events', (p) => p.campaignChain.totalEvents],
  ['runs with a failed workflow task', (p) => p.workflowTaskFailures],
  ['client calls retried after a server error', (p) => p.retriedCalls.total],
  ['largest replay ms', (p) => p.replay?.largest.ms],
  ['other processes on the machine (mean cores)', (p) => p.otherProcessesCores],
];

const show = (x: number | null | undefined) => (x === null || x === undefined ? '-' : String(x));
const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || !b ? '' : `${Math.round((a / b) * 100) / 100}×`;

export function renderComparison(cur: Figures, base: Figures, baseLabel: string): string {
  const rows: string[][] = [['figure', 'this run', 'its floor', 'baseline', "baseline's floor", 'this / baseline']];
  for (const [name, pick] of ROWS) {
    const c = pick(cur.domain);
    const b = pick(base.domain);
    rows.push([
      name,
      show(c),
      cur.floor ? show(pick(cur.floor)) : '-',
      show(b),
      base.floor ? show(pick(base.floor)) : '-',
      ratio(c, b),
    ]);
  }
  const busyRatio = (f: Figures) =>
    f.floor && f.domain.busySeconds && f.floor.busySeconds ? f.domain.busySeconds / f.floor.busySeconds : undefined;
  const rc = busyRatio(cur);
  const rb = busyRatio(base);
  const r2 = (x: number | undefined) => (x === undefined ? '-' : `${Math.round(x * 100) / 100}×`);
  rows.splice(3, 0, ['busy s / its floor', r2(rc), '', r2(rb), '', rc && rb ? ratio(rc, rb) : '']);
  return [`against the baseline ${baseLabel}:`, table(rows)].join('\n');
}

/** Targets of this run, and of the baseline beside them when there is one. */
export function renderTargets(cur: Target[], base?: Target[]): string {
  const result = (t: Target) => `${t.met ? 'met' : 'NOT met'}${t.applies ? '' : ' (reference: other scale)'}`;
  const rows: string[][] = [
    ['target', 'at', 'measured', 'result', ...(base ? ['baseline measured', 'baseline result'] : [])],
  ];
  cur.forEach((t, i) => {
    const b = base?.[i];
    rows.push([
      t.name,
      t.scale.toLocaleString('en-US'),
      t.measured,
      result(t),
      ...(base ? [b?.measured ?? '-', b ? (b.met ? 'met' : 'NOT met') : '-'] : []),
    ]);
  });
  return table(rows);
}
