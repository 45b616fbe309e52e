/**
 * Linux /proc readings for the benchmark: CPU seconds and resident memory of a process tree.
 *
 * The worker runs as `node <tsx cli> worker/main.ts`; tsx's CLI is a thin wrapper that spawns the real
 * worker as its own child (`node --require … --import … worker/main.ts`). The numbers that matter are
 * that child's, so `waitForChild` finds it through /proc/<pid>/task/<tid>/children.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

export const CLK_TCK = 100; // getconf CLK_TCK on Linux x86_64

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Direct children of `pid` (every thread's children file). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    } catch {
      // thread gone
    }
  }
  return [...new Set(out)];
}

/** `pid` and all its descendants. */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]));
  return all;
}

/** The first child process of `pid` (the tsx wrapper's real node process), waiting for it to appear. */
export async function waitForChild(pid: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const kids = childrenOf(pid);
    if (kids.length) return kids[0];
    if (Date.now() > deadline) throw new Error(`process ${pid} has no child process after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** utime + stime of one process (all its threads), in seconds; undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime is field 14, stime field 15.
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Sum of cpuSeconds over a process tree (missing processes count 0). */
export function treeCpuSeconds(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + (cpuSeconds(p) ?? 0), 0);
}

/** Sum of cpuSeconds over several process trees, each process once (a cluster's services and its database). */
export function treesCpuSeconds(pids: number[]): number {
  const all = new Set(pids.flatMap(processTree));
  return [...all].reduce((sum, p) => sum + (cpuSeconds(p) ?? 0), 0);
}

/** VmHWM and VmRSS of one process in MiB. */
export function memoryMiB(pid: number): { hwm: number; rss: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * Resets VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`, Linux ≥ 4.0), so that the
 * peak measured afterwards is the run's and not the workflow bundling's at start-up.
 * Returns false where the kernel or permissions refuse it (then the sampled RSS peak is used).
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds the whole machine has been busy (all cores: everything but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
    void idle;
    void iowait;
    return (user + nice + system + irq + softirq + (steal ?? 0)) / CLK_TCK;
  } catch {
    return NaN;
  }
}
