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
export async function forEachConcurrent<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
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

/** An error and its causes on one line: an Update's failure says why only in its cause (the workflow's Rejection). */
export function causes(err: unknown): string {
  const parts: string[] = [];
  for (let e = err; e && parts.length < 5; e = (e as { cause?: unknown }).cause)
    parts.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  return parts.join(' <- ');
}

/**
 * A person whose click fails with a server-side error (a query that timed out while the campaign was
 * busy, an unavailable server) tries again. Such errors are retried, up to `attempts` times with a
 * growing pause, and counted; the latency recorded is the whole wait, retries included. Rejections by
 * the workflows (validators, UserError) are not retried: they mean the script or the calendar is wrong.
 * A retry that is rejected as a duplicate means the first attempt got through: that counts as success.
 */
export class Retries {
  readonly byKind: Record<string, number> = {};
  readonly messages: Record<string, number> = {};
  total = 0;

  static transient(err: unknown): boolean {
    const e = err as { name?: string; code?: number; cause?: { code?: number } };
    if (e?.name === 'ServiceError') return true;
    const code = e?.code ?? e?.cause?.code;
    return code === 4 || code === 8 || code === 14; // DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE
  }

  async run<T>(kind: string, fn: () => Promise<T>, attempts = 8): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const msg = String((err as Error)?.message ?? err);
        if (attempt > 1 && /already|Duplicate/i.test(causes(err))) return undefined;
        if (!Retries.transient(err) || attempt >= attempts) throw err;
        this.total++;
        this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
        const cause = (err as { cause?: Error })?.cause;
        const key = `${(err as Error)?.name}: ${msg.split('\n')[0].slice(0, 100)}${
          cause
            ? ` (${String(cause.message ?? cause)
                .split('\n')[0]
                .slice(0, 100)})`
            : ''
        }`;
        this.messages[key] = (this.messages[key] ?? 0) + 1;
        await sleep(Math.min(5_000, 250 * 2 ** (attempt - 1)));
      }
    }
  }
}
