/** Latency recording, percentiles and a bounded-concurrency runner for the scripted actors. */

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  // Nearest-rank: the smallest value with at least p% of the values at or below it.
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export class Latencies {
  private readonly byKind = new Map<string, number[]>();

  record(kind: string, ms: number): void {
    let list = this.byKind.get(kind);
    if (!list) this.byKind.set(kind, (list = []));
    list.push(ms);
  }

  /** Times `fn` under `kind` (only when it succeeds). */
  async time<T>(kind: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const result = await fn();
    this.record(kind, performance.now() - t0);
    return result;
  }

  kinds(): string[] {
    return [...this.byKind.keys()].sort();
  }

  summary(kinds?: (kind: string) => boolean): LatencySummary {
    const all: number[] = [];
    for (const [k, v] of this.byKind) if (!kinds || kinds(k)) all.push(...v);
    all.sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 10) / 10;
    return {
      count: all.length,
      p50: round(percentile(all, 50)),
      p90: round(percentile(all, 90)),
      p99: round(percentile(all, 99)),
      max: round(all.length ? all[all.length - 1] : NaN),
      mean: round(all.reduce((a, b) => a + b, 0) / (all.length || 1)),
    };
  }

  byKindSummary(): Record<string, LatencySummary> {
    return Object.fromEntries(this.kinds().map((k) => [k, this.summary((x) => x === k)]));
  }
}

/** Runs `fn` over `items` with at most `concurrency` calls at once; the first error stops the run. */
export async function forEachConcurrent<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async () => {
    while (failed === undefined) {
      const i = next++;
      if (i >= items.length) return;
      try {
        await fn(items[i], i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  if (failed !== undefined) throw failed;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
