/**
 * What the benchmark measures over time:
 * - every scripted client call (begin/end), so a sample knows whether anything was in flight;
 * - CPU of the worker and of the Temporal server, and the worker's RSS, sampled every SAMPLE_MS.
 *
 * Busy time, the denominator of "applications completed per second", is the wall time of a run minus
 * the samples in which nothing scripted was in flight AND worker + server together used less than
 * IDLE_CPU_SHARE of one core. The domain run waits on its calendar between windows; those waits are
 * idle unless the system is still working (a fan-out, a burst of reminder timers, mail): then they
 * count. The same rule is applied to the floor run, which has no calendar waits.
 */
import { cpuSeconds, machineBusySeconds, memoryMiB, treesCpuSeconds } from './proc';

export const SAMPLE_MS = 250;
/** Below this share of one core (worker + server) a sample with nothing in flight counts as idle. */
export const IDLE_CPU_SHARE = 0.1;

export interface Sample {
  /** Wall-clock ms at the end of the sample. */
  t: number;
  /** A scripted call was in flight at some point in the sample. */
  active: boolean;
  workerCpu: number;
  serverCpu: number;
  /** CPU seconds of everything else on the machine (other sessions, the bench process excluded). */
  otherCpu: number;
  workerRssMiB?: number;
}

export class Monitor {
  readonly samples: Sample[] = [];
  private inFlight = 0;
  private activeSinceSample = false;
  private timer?: NodeJS.Timeout;
  private lastWorker: number;
  private lastServer: number;
  private lastMachine = machineBusySeconds();
  private lastSelf = process.cpuUsage();

  constructor(
    private readonly workerPid: number,
    /** The server's processes (a dev server: one; a cluster: its services and database; none: not measured). */
    private readonly serverPids: number[],
  ) {
    this.lastWorker = cpuSeconds(workerPid) ?? 0;
    this.lastServer = treesCpuSeconds(serverPids);
  }

  start(): void {
    this.lastWorker = cpuSeconds(this.workerPid) ?? this.lastWorker;
    this.lastServer = treesCpuSeconds(this.serverPids);
    this.lastMachine = machineBusySeconds();
    this.lastSelf = process.cpuUsage();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  begin(): void {
    this.inFlight++;
    this.activeSinceSample = true;
  }

  end(): void {
    this.inFlight--;
  }

  /** Times `fn` as one scripted call. */
  async track<T>(fn: () => Promise<T>): Promise<T> {
    this.begin();
    try {
      return await fn();
    } finally {
      this.end();
    }
  }

  private sample(): void {
    const t = Date.now();
    const w = cpuSeconds(this.workerPid) ?? this.lastWorker;
    const s = treesCpuSeconds(this.serverPids);
    const m = machineBusySeconds();
    const self = process.cpuUsage(this.lastSelf);
    const selfS = (self.user + self.system) / 1e6;
    const workerCpu = Math.max(0, w - this.lastWorker);
    const serverCpu = Math.max(0, s - this.lastServer);
    this.samples.push({
      t,
      active: this.activeSinceSample || this.inFlight > 0,
      workerCpu,
      serverCpu,
      otherCpu: Math.max(0, m - this.lastMachine - workerCpu - serverCpu - selfS),
      workerRssMiB: memoryMiB(this.workerPid)?.rss,
    });
    this.activeSinceSample = this.inFlight > 0;
    this.lastWorker = w;
    this.lastServer = s;
    this.lastMachine = m;
    this.lastSelf = process.cpuUsage();
  }

  /** Wall, idle and busy seconds of [from, to]. */
  busy(from: number, to: number): { wallS: number; idleS: number; busyS: number } {
    let idleMs = 0;
    let prev = from;
    for (const sm of this.samples) {
      const start = Math.max(prev, sm.t - SAMPLE_MS);
      prev = sm.t;
      if (sm.t <= from || start >= to) continue;
      const len = Math.min(sm.t, to) - Math.max(start, from);
      const share = (sm.workerCpu + sm.serverCpu) / (SAMPLE_MS / 1000);
      if (!sm.active && share < IDLE_CPU_SHARE) idleMs += Math.max(0, len);
    }
    const wallS = (to - from) / 1000;
    return { wallS, idleS: idleMs / 1000, busyS: wallS - idleMs / 1000 };
  }

  /** Mean cores used by other processes over [from, to] (noise from outside the run). */
  otherCores(from: number, to: number): number {
    const inRange = this.samples.filter((x) => x.t > from && x.t <= to);
    const cpu = inRange.reduce((a, x) => a + x.otherCpu, 0);
    return inRange.length ? cpu / ((inRange.length * SAMPLE_MS) / 1000) : NaN;
  }

  peakSampledRssMiB(): number | undefined {
    const v = this.samples.map((s) => s.workerRssMiB).filter((x): x is number => x !== undefined);
    return v.length ? Math.max(...v) : undefined;
  }
}
