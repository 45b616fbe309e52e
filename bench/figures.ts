/**
 * The figures a results file holds, read with zod so that this run's report and a baseline's results file
 * (written by an older bench, bench/baseline.ts) are read the same way. Fields an older bench did not write
 * (the replay) are optional; a NaN it wrote as null stays null and prints as '-'.
 */
import { z } from 'zod';

const num = z.number().nullable();
const latency = z.object({ count: z.number(), p50: num, p99: num });
const replay = z.object({
  histories: z.number(),
  failed: z.number(),
  over1s: z.number(),
  largest: z.object({ workflowId: z.string(), type: z.string(), events: z.number(), ms: z.number() }),
});

const part = z.object({
  busySeconds: num,
  applicationsPerSecond: num,
  otherProcessesCores: num.optional(),
  retriedCalls: z.object({ total: z.number() }),
  updateLatencyMs: latency,
  submitLatencyMs: latency,
  workerCpuSecondsPer1000: num,
  serverCpuSecondsPer1000: num,
  workerPeakRssMiB: num,
  workerPeakRssGrowthMiBPer1000: num,
  historyEventsPerApplication: num,
  historyBytesPerApplication: num.optional(),
  largestHistory: z.object({ workflowId: z.string(), events: z.number() }),
  campaignChain: z.object({ runs: z.number(), totalEvents: z.number(), largestRun: z.number() }),
  workflowTaskFailures: z.number(),
  replay: replay.optional(),
});

export const resultsFile = z.object({
  startedAt: z.string(),
  options: z.object({ applications: z.number(), windowSeconds: z.number(), concurrency: z.number() }),
  outcome: z.object({ ok: z.boolean() }),
  domain: part,
  floor: part.nullable(),
});

export type Part = z.infer<typeof part>;

export interface Figures {
  applications: number;
  outcomeOk: boolean;
  domain: Part;
  floor: Part | null;
}

/** Figures of a results file (or of this run's report, which has the same shape); a one-line error otherwise. */
export function figuresOf(json: unknown, what: string): Figures {
  const r = resultsFile.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${what}: not a bench result: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return {
    applications: r.data.options.applications,
    outcomeOk: r.data.outcome.ok,
    domain: r.data.domain,
    floor: r.data.floor,
  };
}
