/**
 * The bench's targets and its reading of results files (bench/targets.ts, bench/figures.ts, bench/baseline.ts):
 * a committed results file of an older bench (no replay) reads, each target is judged at its bound, and a
 * missing baseline ref is a one-line error. No timing is asserted here: the targets are the bench's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRef } from '../bench/baseline';
import { figuresOf, type Figures } from '../bench/figures';
import { evaluateTargets, TARGETS } from '../bench/targets';

// A 1,000-application run of the bench before it replayed histories: domain and floor, no `replay`.
const FILE = join(__dirname, '..', 'bench', 'results', '20261130T111441Z.json');
const read = () => figuresOf(JSON.parse(readFileSync(FILE, 'utf8')), FILE);
const byName = (f: Figures) => Object.fromEntries(evaluateTargets(f).map((t) => [t.name, t]));

describe('bench targets', () => {
  it('judges a committed results file of an older bench', () => {
    const t = byName(read());
    expect(t["busy time ≤ 1.1× the floor's"]).toMatchObject({ measured: '1.28× (505.1 s / 394.4 s)', met: false });
    expect(t['submit p99 ≤ 500 ms']).toMatchObject({ measured: '15212 ms', met: false, applies: true });
    // 4,969 ms against the floor's 6,661 ms: met, whatever the absolute figure.
    expect(t["Update p99 ≤ the floor's"]).toMatchObject({ met: true });
    expect(t['failed workflow tasks: 0']).toMatchObject({ measured: '8 runs with a WorkflowTaskFailed', met: false });
    expect(t["worker RSS growth ≤ 2× the floor's"]).toMatchObject({ met: false });
    expect(t['≥ 10 applications / busy s']).toMatchObject({ measured: '1.98', met: false, applies: false });
    expect(t['no history > 4096 events']).toMatchObject({ met: true, applies: false });
    expect(t['no replay > 1 s']).toMatchObject({ measured: 'not measured (this bench did not replay)', met: false });
    expect(t['the round completes as scripted']).toMatchObject({ met: true });
  });

  it('meets each target at its bound and misses it just past', () => {
    const f = read();
    const floor = f.floor!;
    const at = (patch: (x: Figures) => void) => {
      const x: Figures = structuredClone(f);
      patch(x);
      return byName(x);
    };
    const busy = (s: number) => at((x) => (x.domain.busySeconds = s));
    expect(busy(floor.busySeconds! * TARGETS.floorRatioAt1000)["busy time ≤ 1.1× the floor's"].met).toBe(true);
    expect(busy(floor.busySeconds! * 1.12)["busy time ≤ 1.1× the floor's"].met).toBe(false);
    const submit = (ms: number) => at((x) => (x.domain.submitLatencyMs.p99 = ms))['submit p99 ≤ 500 ms'].met;
    expect([submit(500), submit(500.1)]).toEqual([true, false]);
    const upd = (ms: number) => at((x) => (x.domain.updateLatencyMs.p99 = ms))["Update p99 ≤ the floor's"].met;
    expect([upd(floor.updateLatencyMs.p99!), upd(floor.updateLatencyMs.p99! + 1)]).toEqual([true, false]);
    expect(at((x) => (x.domain.workflowTaskFailures = 0))['failed workflow tasks: 0'].met).toBe(true);
    const rss = (r: number) =>
      at((x) => (x.domain.workerPeakRssGrowthMiBPer1000 = floor.workerPeakRssGrowthMiBPer1000! * r))[
        "worker RSS growth ≤ 2× the floor's"
      ].met;
    expect([rss(2), rss(2.01)]).toEqual([true, false]);
    const rate = (r: number) => at((x) => (x.domain.applicationsPerSecond = r))['≥ 10 applications / busy s'].met;
    expect([rate(10), rate(9.99)]).toEqual([true, false]);
    const events = (n: number) => at((x) => (x.domain.largestHistory.events = n))['no history > 4096 events'].met;
    expect([events(4096), events(4097)]).toEqual([true, false]);
    const replay = (ms: number, failed = 0) =>
      at(
        (x) =>
          (x.domain.replay = {
            histories: 1001,
            failed,
            over1s: 0,
            largest: { workflowId: 'campaign-2100', type: 'campaign', events: 3000, ms },
          }),
      )['no replay > 1 s'].met;
    expect([replay(1000), replay(1000.1), replay(10, 1)]).toEqual([true, false, false]);
    // Without a floor run, the floor's targets are not measured, hence not met.
    const noFloor = at((x) => (x.floor = null));
    expect(noFloor["busy time ≤ 1.1× the floor's"]).toMatchObject({
      measured: 'not measured (no floor run)',
      met: false,
    });
  });

  it('refuses a file that is not a result, naming the field', () => {
    expect(() => figuresOf({ startedAt: 'x', options: { applications: 10 } }, 'some.json')).toThrow(
      /^some\.json: not a bench result: options\.windowSeconds: /,
    );
  });

  it('resolves a commit, and a missing or malformed ref is a one-line error', () => {
    expect(resolveRef('HEAD')).toMatch(/^[0-9a-f]{40}$/);
    expect(() => resolveRef('no-such-tag-anywhere')).toThrow(
      '--baseline no-such-tag-anywhere: no such tag or commit in this clone (git fetch --tags, or pass a commit hash: --baseline <sha>)',
    );
    expect(() => resolveRef('--upload-pack=x')).toThrow(/^--baseline "--upload-pack=x": a git tag or commit hash$/);
  });
});
