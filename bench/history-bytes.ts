/**
 * `npm run bench:history-bytes -- [history.json …] [--no-floor] [--build-id ID]`
 *
 * Where an application's history bytes go. For each history file ({ workflowId, history } as
 * test/histories/ holds them; default: the applications of the newest recording there):
 * - bytes per event type (each HistoryEvent protobuf-encoded, as the server stores it);
 * - every payload: its encoded size (encrypted, as stored) and its plaintext size, and for JSON objects
 *   the top-level fields that carry the bytes, so whole snapshots are named.
 * Then (unless --no-floor) the floor's twin of the first history: a fresh dev server, the floor's
 * workflows (bench/floor-workflows.ts) in a worker in this process, one floorApplication with the same
 * signals, Updates (the same Update payloads), timers, upserts and notices; its history is read back and
 * measured the same way.
 *
 * --build-id ID rewrites the build id that workflow task events carry before measuring: what the same history
 * weighs when written by a worker with that id (worker/create-worker.ts shortBuildId; golden histories were
 * written with the SDK's default).
 *
 * The payload codec comes from the environment (client/codec): the committed histories need
 * PAYLOAD_KEY_FILE=test/keys/payload-keys.json, which is the default here when nothing is set.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { clientOn } from '../client/connection';
import { dataConverter, FAILURE_CONVERTER_PATH } from '../client/codec';
import { shortBuildId } from '../worker/create-worker';
import { startDevServer } from '../scripts/dev-server';
import { eventType } from './profile';
import { floorActivities } from './floor-activities';
import {
  floorActUpdate,
  floorApplication,
  floorCampaign,
  floorNoticeSignal,
  type FloorAppProfile,
} from './floor-workflows';

const ROOT = join(__dirname, '..');
process.env.PAYLOAD_KEY_FILE ??= join(ROOT, 'test', 'keys', 'payload-keys.json');

type Event = temporal.api.history.v1.IHistoryEvent;

export interface PayloadBytes {
  /** Event type and field path, with the Update, signal, activity or marker name. */
  where: string;
  stored: number;
  plain: number;
  /** Top-level JSON fields of the plaintext, largest first (bytes of their JSON). */
  fields: [string, number][];
}

export interface HistoryBytes {
  workflowId: string;
  events: number;
  bytes: number;
  byType: Record<string, { count: number; bytes: number }>;
  payloads: PayloadBytes[];
}

const isPayload = (x: any): x is Payload =>
  x && typeof x === 'object' && x.data instanceof Uint8Array && x.metadata && typeof x.metadata === 'object';

function payloadSize(p: Payload): number {
  return temporal.api.common.v1.Payload.encode(p).finish().length;
}

/** Every Payload under `node`, with its path. */
function findPayloads(node: any, path: string, out: { path: string; payload: Payload }[]): void {
  if (!node || typeof node !== 'object' || node instanceof Uint8Array) return;
  if (isPayload(node)) {
    out.push({ path, payload: node });
    return;
  }
  for (const [k, v] of Object.entries(node)) {
    if (Array.isArray(v)) v.forEach((x, i) => findPayloads(x, `${path}.${k}[${i}]`, out));
    else findPayloads(v, `${path}.${k}`, out);
  }
}

function nameOf(e: any, t: string): string {
  const a = e[t[0].toLowerCase() + t.slice(1) + 'EventAttributes'] ?? {};
  return (
    a.signalName ?? a.acceptedRequest?.input?.name ?? a.activityType?.name ?? a.markerName ?? a.workflowType?.name ?? ''
  );
}

export async function measureHistory(workflowId: string, events: Event[]): Promise<HistoryBytes> {
  const codec = dataConverter().payloadCodecs ?? [];
  const r: HistoryBytes = { workflowId, events: events.length, bytes: 0, byType: {}, payloads: [] };
  for (const e of events) {
    const t = eventType(e as any);
    const size = temporal.api.history.v1.HistoryEvent.encode(e).finish().length;
    r.bytes += size;
    const s = (r.byType[t] ??= { count: 0, bytes: 0 });
    s.count++;
    s.bytes += size;
    const found: { path: string; payload: Payload }[] = [];
    findPayloads(e, '', found);
    const name = nameOf(e, t);
    for (const { path, payload } of found) {
      let plain = payload;
      for (const c of [...codec].reverse()) [plain] = await c.decode([plain]);
      let value: unknown;
      try {
        value = defaultPayloadConverter.fromPayload(plain);
      } catch {
        value = undefined;
      }
      const fields: [string, number][] =
        value && typeof value === 'object' && !Array.isArray(value)
          ? Object.entries(value)
              .map(([k, v]): [string, number] => [k, Buffer.byteLength(JSON.stringify(v) ?? '')])
              .sort((a, b) => b[1] - a[1])
          : [];
      r.payloads.push({
        where: `${t}${name ? `(${name})` : ''}${path.replace(/^\.[a-zA-Z]+EventAttributes/, '')}`,
        stored: payloadSize(payload),
        plain: plain.data?.length ?? 0,
        fields,
      });
    }
  }
  return r;
}

/** The floor twin's profile, read off a domain application's history. */
function floorProfileOf(events: Event[]): { profile: FloorAppProfile; updates: unknown[] } {
  const count = (t: string) => events.filter((e) => eventType(e as any) === t).length;
  const updates = count('WorkflowExecutionUpdateAccepted');
  const signals = count('SignalExternalWorkflowExecutionInitiated');
  const perUpdate = updates > 0 && signals >= updates ? 1 : 0;
  return {
    profile: {
      signalsAtStart: signals - perUpdate * updates,
      signalsPerUpdate: perUpdate,
      timersFired: count('TimerFired'),
      timersCanceled: count('TimerCanceled'),
      activities: count('ActivityTaskScheduled'),
      upserts: count('UpsertWorkflowSearchAttributes'),
      notices: count('WorkflowExecutionSignaled'),
    },
    updates: events
      .filter((e) => eventType(e as any) === 'WorkflowExecutionUpdateAccepted')
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args!.payloads![0]),
  };
}

async function runFloorTwin(events: Event[]): Promise<HistoryBytes> {
  const { profile, updates } = floorProfileOf(events);
  const server = await startDevServer({ headless: true, readyTimeoutMs: 120_000, stdio: 'ignore' });
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const client = clientOn(connection, 'default');
  const taskQueue = 'history-bytes-floor';
  // As bench/floor-worker.ts: the project's short build id, so the workflow task events compare.
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./floor-workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
  });
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle,
    buildId: shortBuildId(workflowBundle),
    activities: floorActivities(client),
    dataConverter: dataConverter(),
  });
  try {
    return await worker.runUntil(async () => {
      const coordinatorId = 'floor-campaign-2100';
      await client.workflow.start(floorCampaign, {
        workflowId: coordinatorId,
        taskQueue,
        args: [
          {
            profile: { activities: 0, timersFired: 0, timersCanceled: 0, upserts: 0, continueAsNewAt: 3_000 },
            appIdPrefix: 'floor-application-2100-',
          },
        ],
      });
      const handle = await client.workflow.start(floorApplication, {
        workflowId: 'floor-application-2100-twin',
        taskQueue,
        args: [{ coordinatorId, committeeId: 'twin', profile }],
      });
      // The domain's Update payloads, decoded, sent again: the floor's history carries the same bytes for them.
      const codec = dataConverter().payloadCodecs ?? [];
      for (const p of updates) {
        let plain = p as Payload;
        for (const c of [...codec].reverse()) [plain] = await c.decode([plain]);
        await handle.executeUpdate(floorActUpdate, { args: [defaultPayloadConverter.fromPayload(plain)] });
      }
      for (let i = 0; i < profile.notices; i++) await handle.signal(floorNoticeSignal, {});
      await handle.result();
      const history = await handle.fetchHistory();
      return measureHistory(handle.workflowId, history.events ?? []);
    });
  } finally {
    await connection.close();
    await native.close();
    await server.stop();
  }
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

export function renderHistory(h: HistoryBytes, top = 12): string[] {
  const lines = [`${h.workflowId}: ${h.events} events, ${h.bytes} bytes`];
  for (const [t, s] of Object.entries(h.byType).sort((a, b) => b[1].bytes - a[1].bytes))
    lines.push(`  ${pad(s.bytes, 7)} B ${pad(s.count, 4)}×  ${t}`);
  const payloadTotal = h.payloads.reduce((a, p) => a + p.stored, 0);
  lines.push(`  payloads: ${h.payloads.length}, ${payloadTotal} bytes stored; the largest:`);
  for (const p of [...h.payloads].sort((a, b) => b.stored - a.stored).slice(0, top))
    lines.push(
      `  ${pad(p.stored, 7)} B stored, ${pad(p.plain, 6)} B plain  ${p.where}${
        p.fields.length
          ? `  {${p.fields
              .slice(0, 5)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ')}}`
          : ''
      }`,
    );
  return lines;
}

async function main() {
  const args = process.argv.slice(2);
  const noFloor = args.includes('--no-floor');
  const b = args.indexOf('--build-id');
  const buildId = b >= 0 ? args[b + 1] : undefined;
  let files = args.filter((a, i) => !a.startsWith('--') && (b < 0 || i !== b + 1));
  if (!files.length) {
    const dir = join(ROOT, 'test', 'histories');
    const newest = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
      .pop()!;
    files = readdirSync(join(dir, newest))
      .filter((f) => f.startsWith('application--'))
      .map((f) => join(dir, newest, f));
  }
  const loaded = files.map((f) => {
    const { workflowId, history } = JSON.parse(readFileSync(f, 'utf8'));
    const events = (historyFromJSON(history).events ?? []) as Event[];
    if (buildId)
      for (const e of events)
        for (const a of [e.workflowTaskStartedEventAttributes, e.workflowTaskCompletedEventAttributes])
          if (a?.workerVersion?.buildId) a.workerVersion.buildId = buildId;
    return { workflowId: workflowId as string, events };
  });
  const results: HistoryBytes[] = [];
  for (const h of loaded) results.push(await measureHistory(h.workflowId, h.events));
  for (const r of results) console.log(renderHistory(r).join('\n'));
  const mean = results.reduce((a, r) => a + r.bytes, 0) / results.length;
  console.log(`mean over ${results.length} application histories: ${Math.round(mean)} bytes`);
  if (!noFloor) {
    const twin = await runFloorTwin(loaded[0].events);
    console.log(`floor twin of ${loaded[0].workflowId}:`);
    console.log(renderHistory(twin).join('\n'));
    console.log(`ratio ${(results[0].bytes / twin.bytes).toFixed(2)}×`);
  }
}

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
