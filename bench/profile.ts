/**
 * Reads back what a run did, from the server: every execution (each run of a continue-as-new chain is
 * one) through the list API, and each one's history. From the histories:
 * - history events per application, the largest history of any run, the campaign's chain;
 * - the event-type counts, so the floor can be checked against the domain type by type;
 * - the floor's inputs: per application, how many signals, timers, activities and upserts it did and how
 *   many notices it received; per campaign Update, the fan-out batches the campaign ran after it.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { Stage } from '../temporal/search-attributes';
import { campaignUpdateKey } from './round';
import { forEachConcurrent } from './stats';
import type { FloorAppProfile, FloorCampaignProfile } from './floor-workflows';

type HistoryEvent = Record<string, any>;

export interface Execution {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  startTime: number;
  closeTime?: number;
  /** From the history itself. */
  events: number;
  /** From visibility (bytes), when the server reports it. */
  historySize?: number;
  /** The Stage search attribute, as visibility last saw it. */
  stage?: string;
  /** The run before / after this one in a continue-as-new chain. */
  continuedFrom?: string;
  continuedTo?: string;
}

/** `workflowExecutionSignaledEventAttributes` → `WorkflowExecutionSignaled`. */
export function eventType(e: HistoryEvent): string {
  for (const k of Object.keys(e)) {
    if (k.endsWith('EventAttributes') && e[k]) return k[0].toUpperCase() + k.slice(1, -'EventAttributes'.length);
  }
  return `EventType${e.eventType}`;
}

const decode = (payload: any): any => {
  try {
    return payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
  } catch {
    return undefined;
  }
};

export interface RunSummary {
  exec: Execution;
  types: Record<string, number>;
  /** Signal names received, activity types scheduled, Update names accepted. */
  signalsIn: Record<string, number>;
  activities: Record<string, number>;
  updates: Record<string, number>;
  /** For campaign runs: in order, accepted Updates (key) and the fan-out batches scheduled after each. */
  updateLog?: { key: string; batches: string[][] }[];
  /** Fan-out batches scheduled before any Update in this run. */
  leadingBatches?: string[][];
  /** WorkflowTaskFailed events: cause and the first line of the failure. */
  taskFailures: string[];
  /** WorkflowTaskTimedOut events by timeout type (SCHEDULE_TO_START: a sticky queue's task nobody took in time). */
  taskTimeouts: Record<string, number>;
  /** Attempts after the first of activities that completed (ActivityTaskStarted.attempt − 1), by type. */
  activityRetries: Record<string, number>;
}

const inc = (m: Record<string, number>, k: string, n = 1) => (m[k] = (m[k] ?? 0) + n);

/**
 * What came in while a failed workflow task ran: the server writes those events right after the failure. For an
 * UnhandledCommand (a completion or continue-as-new refused), they are the reason.
 */
function arrivedDuring(after: HistoryEvent[]): string {
  const arrived: string[] = [];
  for (const e of after) {
    const t = eventType(e);
    if (t === 'WorkflowTaskScheduled') break;
    arrived.push(t === 'WorkflowExecutionSignaled' ? `${t}(${signalLabel(e)})` : t);
  }
  return arrived.length ? arrived.join(', ') : 'nothing';
}

/** A signal's name, and the `type` of its argument when that was decoded (a campaign decision: `campaignNotice:locked`). */
function signalLabel(e: HistoryEvent): string {
  const a = e.workflowExecutionSignaledEventAttributes;
  const type = decode(a.input?.payloads?.[0])?.type;
  return typeof type === 'string' ? `${a.signalName}:${type}` : a.signalName;
}

/** Every signal a run received, in order, with its time (ms since the run's start), for a failed task's sample. */
function signalsReceived(events: HistoryEvent[]): string {
  const t0 = eventTime(events[0]);
  return events
    .filter((e) => eventType(e) === 'WorkflowExecutionSignaled')
    .map((e) => `${signalLabel(e)}@${Math.round(eventTime(e) - t0)}ms`)
    .join(', ');
}

const eventTime = (e: HistoryEvent | undefined): number => {
  const t = e?.eventTime;
  if (!t) return 0;
  if (t instanceof Date) return t.getTime();
  return Number(t.seconds ?? 0) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6);
};

export function summarise(exec: Execution, events: HistoryEvent[], fanoutActivity?: string): RunSummary {
  const s: RunSummary = {
    exec,
    types: {},
    signalsIn: {},
    activities: {},
    updates: {},
    taskFailures: [],
    taskTimeouts: {},
    activityRetries: {},
  };
  const activityNames = new Map<string, string>();
  const log: { key: string; batches: string[][] }[] = [];
  const leading: string[][] = [];
  for (const [i, e] of events.entries()) {
    const t = eventType(e);
    inc(s.types, t);
    if (t === 'WorkflowTaskFailed') {
      const a = e.workflowTaskFailedEventAttributes;
      s.taskFailures.push(
        `cause ${a.cause}: ${String(a.failure?.message ?? '')
          .split('\n')[0]
          .slice(0, 200)}; then ${arrivedDuring(events.slice(i + 1))}` +
          (exec.type === 'campaign' ? '' : `; signals: ${signalsReceived(events)}`),
      );
    }
    if (t === 'WorkflowTaskTimedOut') inc(s.taskTimeouts, String(e.workflowTaskTimedOutEventAttributes.timeoutType));
    if (t === 'ActivityTaskStarted') {
      const a = e.activityTaskStartedEventAttributes;
      const name = activityNames.get(String(a.scheduledEventId)) ?? '?';
      if ((a.attempt ?? 1) > 1) inc(s.activityRetries, name, a.attempt - 1);
    }
    if (t === 'WorkflowExecutionSignaled')
      inc(s.signalsIn, e.workflowExecutionSignaledEventAttributes.signalName ?? '?');
    if (t === 'WorkflowExecutionStarted')
      exec.continuedFrom = e.workflowExecutionStartedEventAttributes.continuedExecutionRunId || undefined;
    if (t === 'WorkflowExecutionContinuedAsNew')
      exec.continuedTo = e.workflowExecutionContinuedAsNewEventAttributes.newExecutionRunId || undefined;
    if (t === 'WorkflowExecutionUpdateAccepted') {
      const input = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input;
      const name = input?.name ?? '?';
      inc(s.updates, name);
      if (fanoutActivity) log.push({ key: campaignUpdateKey(name, decode(input?.args?.payloads?.[0])), batches: [] });
    }
    if (t === 'ActivityTaskScheduled') {
      const a = e.activityTaskScheduledEventAttributes;
      const name = a.activityType?.name ?? '?';
      activityNames.set(String(e.eventId), name);
      inc(s.activities, name);
      if (fanoutActivity && name === fanoutActivity) {
        const ids: string[] = decode(a.input?.payloads?.[0])?.committeeIds ?? [];
        (log.length ? log[log.length - 1].batches : leading).push(ids);
      }
    }
  }
  exec.events = events.length;
  if (fanoutActivity) {
    s.updateLog = log;
    s.leadingBatches = leading;
  }
  return s;
}

export async function listExecutions(client: Client, query?: string): Promise<Execution[]> {
  const out: Execution[] = [];
  for await (const w of client.workflow.list(query ? { query } : undefined)) out.push(toExecution(w));
  return out;
}

function toExecution(w: WorkflowExecutionInfo): Execution {
  return {
    workflowId: w.workflowId,
    runId: w.runId,
    type: w.type,
    status: w.status.name,
    startTime: w.startTime.getTime(),
    closeTime: w.closeTime?.getTime(),
    events: w.historyLength,
    historySize: w.historySize,
    stage: (w.typedSearchAttributes.get(Stage) as string | undefined) ?? undefined,
  };
}

/**
 * A fetched history holds payloads as the client's codecs left them (encrypted, client/codec/): decodes in place
 * the two that `summarise` reads, the Update inputs and the fan-out activity's input, so the floor plan sees
 * the Update keys and the committees each fan-out reached.
 */
export async function decodeCampaignPayloads(
  client: Client,
  events: HistoryEvent[],
  fanoutActivity: string,
): Promise<void> {
  const codecs = [...client.options.loadedDataConverter.payloadCodecs].reverse();
  if (!codecs.length) return;
  const decodeList = async (holder: { payloads?: any[] | null } | undefined | null) => {
    if (!holder?.payloads?.length) return;
    let payloads = holder.payloads;
    for (const codec of codecs) payloads = await codec.decode(payloads);
    holder.payloads = payloads;
  };
  for (const e of events) {
    await decodeList(e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === fanoutActivity) await decodeList(scheduled.input);
  }
}

async function decodeSignals(client: Client, events: HistoryEvent[]): Promise<void> {
  const codecs = [...client.options.loadedDataConverter.payloadCodecs].reverse();
  for (const e of events) {
    const input = e.workflowExecutionSignaledEventAttributes?.input;
    if (!input?.payloads?.length) continue;
    let payloads = input.payloads;
    for (const codec of codecs) payloads = await codec.decode(payloads);
    input.payloads = payloads;
  }
}

/** Fetches and summarises every execution's history (`fanoutActivity` marks the campaign type's fan-outs). */
export async function summariseAll(
  client: Client,
  executions: Execution[],
  opts: { campaignType: string; fanoutActivity: string; concurrency?: number },
): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  await forEachConcurrent(executions, opts.concurrency ?? 16, async (exec) => {
    const history = await client.workflow.getHandle(exec.workflowId, exec.runId).fetchHistory();
    const events = (history.events ?? []) as HistoryEvent[];
    const fanout = exec.type === opts.campaignType ? opts.fanoutActivity : undefined;
    if (fanout) await decodeCampaignPayloads(client, events, fanout);
    // A run with a failed task: its signals' arguments too, so the sample says which decision arrived when.
    if (events.some((e) => eventType(e) === 'WorkflowTaskFailed')) await decodeSignals(client, events);
    out.push(summarise(exec, events, fanout));
  });
  return out;
}

/** Runs of one workflow id in continue-as-new order (first run first). */
export function chain(runs: RunSummary[]): RunSummary[] {
  const byRun = new Map(runs.map((r) => [r.exec.runId, r]));
  let first = runs.find((r) => !r.exec.continuedFrom || !byRun.has(r.exec.continuedFrom));
  const out: RunSummary[] = [];
  const seen = new Set<string>();
  while (first && !seen.has(first.exec.runId)) {
    out.push(first);
    seen.add(first.exec.runId);
    first = first.exec.continuedTo ? byRun.get(first.exec.continuedTo) : undefined;
  }
  // Anything not reachable (should not happen) goes last, by start time.
  for (const r of [...runs].sort((a, b) => a.exec.startTime - b.exec.startTime))
    if (!seen.has(r.exec.runId)) out.push(r);
  return out;
}

export const sumTypes = (rs: RunSummary[], pick: (r: RunSummary) => Record<string, number> = (r) => r.types) => {
  const m: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(pick(r))) inc(m, k, v);
  return m;
};

export interface RunShape {
  executions: number;
  /** Application workflows (distinct ids) and their runs. */
  applications: number;
  applicationRuns: number;
  /** Σ events over every run of every application workflow / number of application workflows. */
  eventsPerApplication: number;
  /** Per application, averaged, by event type. */
  appTypesPerApplication: Record<string, number>;
  campaignRuns: number;
  campaignEventsTotal: number;
  largestCampaignRun: number;
  campaignTypes: Record<string, number>;
  largest: { workflowId: string; runId: string; type: string; events: number };
  /** Every workflow type: executions, total and max events. */
  byType: Record<string, { executions: number; events: number; maxEvents: number }>;
  /** Last close time of an application workflow (ms). */
  lastApplicationClose?: number;
  applicationsNotClosed: number;
  /** Runs with a WorkflowTaskFailed in their history. */
  workflowTaskFailures: number;
  /** Up to 20 of them: workflow id, cause (enums.v1.WorkflowTaskFailedCause) and message. */
  workflowTaskFailureSamples: string[];
  /** WorkflowTaskTimedOut events by workflow type and timeout type (enums.v1.TimeoutType). */
  workflowTaskTimeouts: Record<string, Record<string, number>>;
  /** Retried activity attempts by activity type (a retried fan-out signals some applications twice). */
  activityRetries: Record<string, number>;
  /** Final Stage of each application workflow (its last run), counted. */
  applicationStages: Record<string, number>;
  /** Σ history bytes (visibility) over application runs / applications, when reported. */
  bytesPerApplication?: number;
}

export function shapeOf(runs: RunSummary[], appType: string, campaignId: string): RunShape {
  const apps = runs.filter((r) => r.exec.type === appType);
  const appIds = new Set(apps.map((r) => r.exec.workflowId));
  const n = appIds.size || 1;
  const appTypes = sumTypes(apps);
  const campaign = chain(runs.filter((r) => r.exec.workflowId === campaignId));
  const largest = runs.reduce<RunSummary | undefined>(
    (a, r) => (!a || r.exec.events > a.exec.events ? r : a),
    undefined,
  );
  const byType: RunShape['byType'] = {};
  for (const r of runs) {
    const t = (byType[r.exec.type] ??= { executions: 0, events: 0, maxEvents: 0 });
    t.executions++;
    t.events += r.exec.events;
    t.maxEvents = Math.max(t.maxEvents, r.exec.events);
  }
  const closes = apps.map((r) => r.exec.closeTime).filter((x): x is number => x !== undefined);
  return {
    executions: runs.length,
    applications: appIds.size,
    applicationRuns: apps.length,
    eventsPerApplication: apps.reduce((a, r) => a + r.exec.events, 0) / n,
    appTypesPerApplication: Object.fromEntries(Object.entries(appTypes).map(([k, v]) => [k, v / n])),
    campaignRuns: campaign.length,
    campaignEventsTotal: campaign.reduce((a, r) => a + r.exec.events, 0),
    largestCampaignRun: Math.max(0, ...campaign.map((r) => r.exec.events)),
    campaignTypes: sumTypes(campaign),
    largest: largest
      ? {
          workflowId: largest.exec.workflowId,
          runId: largest.exec.runId,
          type: largest.exec.type,
          events: largest.exec.events,
        }
      : { workflowId: '', runId: '', type: '', events: 0 },
    byType,
    lastApplicationClose: closes.length ? Math.max(...closes) : undefined,
    applicationsNotClosed: apps.filter((r) => r.exec.status === 'RUNNING' && !r.exec.continuedTo).length,
    workflowTaskFailures: runs.filter((r) => (r.types.WorkflowTaskFailed ?? 0) > 0).length,
    workflowTaskFailureSamples: runs
      .filter((r) => r.taskFailures.length)
      .slice(0, 20)
      .map((r) => `${r.exec.workflowId} (${r.exec.type}): ${r.taskFailures.join(' | ')}`),
    workflowTaskTimeouts: runs.reduce<Record<string, Record<string, number>>>((m, r) => {
      for (const [k, v] of Object.entries(r.taskTimeouts)) inc((m[r.exec.type] ??= {}), k, v);
      return m;
    }, {}),
    activityRetries: sumTypes(runs, (r) => r.activityRetries),
    applicationStages: apps
      .filter((r) => !r.exec.continuedTo)
      .reduce<Record<string, number>>((m, r) => (inc(m, r.exec.stage ?? '(none)'), m), {}),
    bytesPerApplication: apps.every((r) => r.exec.historySize)
      ? apps.reduce((a, r) => a + (r.exec.historySize ?? 0), 0) / n
      : undefined,
  };
}

export interface FloorPlan {
  apps: Record<string, FloorAppProfile>;
  campaign: FloorCampaignProfile;
  /** Campaign Update key → fan-out batches (committee ids). */
  batchesByKey: Record<string, string[][]>;
  leadingBatches: string[][];
  /** Domain fan-out batches the floor cannot replay (an Update key seen twice, or none). */
  unmatched: number;
}

/** The floor's inputs, from the domain run's histories. */
export function floorPlanFrom(
  runs: RunSummary[],
  o: {
    appType: string;
    appIdPrefix: string;
    campaignId: string;
    fanoutActivity: string;
    defaultContinueAsNewAt: number;
  },
): FloorPlan {
  const campaign = chain(runs.filter((r) => r.exec.workflowId === o.campaignId));
  const batchesByKey: Record<string, string[][]> = {};
  const leadingBatches: string[][] = [];
  let unmatched = 0;
  campaign.forEach((r, i) => {
    // Batches before the first Update of a later run belong to the last Update of the run before.
    const lead = r.leadingBatches ?? [];
    if (i === 0) leadingBatches.push(...lead);
    else {
      const prevLog = campaign.slice(0, i).flatMap((x) => x.updateLog ?? []);
      if (prevLog.length) batchesByKey[prevLog[prevLog.length - 1].key].push(...lead);
      else leadingBatches.push(...lead);
    }
    for (const u of r.updateLog ?? []) {
      if (batchesByKey[u.key]) unmatched += u.batches.length;
      batchesByKey[u.key] ??= [];
      batchesByKey[u.key].push(...u.batches);
    }
  });
  const notices = new Map<string, number>();
  for (const b of [...leadingBatches, ...Object.values(batchesByKey).flat()])
    for (const id of b) notices.set(id, (notices.get(id) ?? 0) + 1);

  const byApp = new Map<string, RunSummary[]>();
  for (const r of runs.filter((x) => x.exec.type === o.appType)) {
    const id = r.exec.workflowId.slice(o.appIdPrefix.length);
    byApp.set(id, [...(byApp.get(id) ?? []), r]);
  }
  const apps: Record<string, FloorAppProfile> = {};
  for (const [id, rs] of byApp) {
    const t = sumTypes(rs);
    const signals = t.SignalExternalWorkflowExecutionInitiated ?? 0;
    const updates = t.WorkflowExecutionUpdateAccepted ?? 0;
    const perUpdate = updates > 0 && signals >= updates ? 1 : 0;
    apps[id] = {
      signalsAtStart: signals - perUpdate * updates,
      signalsPerUpdate: perUpdate,
      timersFired: t.TimerFired ?? 0,
      timersCanceled: t.TimerCanceled ?? 0,
      activities: t.ActivityTaskScheduled ?? 0,
      upserts: t.UpsertWorkflowSearchAttributes ?? 0,
      // What the application actually received: a batch can reach it after it ended (then the signal fails, as in the domain).
      notices: Math.min(t.WorkflowExecutionSignaled ?? 0, notices.get(id) ?? 0),
    };
  }
  const ct = sumTypes(campaign);
  const cActs = sumTypes(campaign, (r) => r.activities);
  const canRuns = campaign.filter((r) => r.exec.continuedTo).map((r) => r.exec.events);
  return {
    apps,
    campaign: {
      activities: Object.entries(cActs).reduce((a, [k, v]) => a + (k === o.fanoutActivity ? 0 : v), 0),
      timersFired: ct.TimerFired ?? 0,
      timersCanceled: ct.TimerCanceled ?? 0,
      upserts: ct.UpsertWorkflowSearchAttributes ?? 0,
      // The domain continues-as-new past a history length; the floor does so at the shortest run that did.
      continueAsNewAt: canRuns.length ? Math.min(...canRuns) - 10 : o.defaultContinueAsNewAt,
    },
    batchesByKey,
    leadingBatches,
    unmatched,
  };
}
