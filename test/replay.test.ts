/**
 * The gate for changing workflow code: every golden history in test/histories/ must replay against
 * the current workflows. A failure names the file, the workflow id and Temporal's nondeterminism
 * message. The gate proves itself: an incompatible variant fails, a patched() change passes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { directory, formFor, workflowBundle } from './fixtures';
import { startTimeSkippingWorker } from './harness';
import { startCampaign } from '../client/campaigns';
import { submitApplication } from '../client/applications';
import { applicationWorkflowId } from '../temporal/ids';
import {
  APPLICATION_PATHS_PATCH,
  DEADLINE_DAY_REMINDER_PATCH,
  DEADLINE_TIMERS_ONLY_PATCH,
} from '../workflows/application/code-paths';
import { TIME_FROM_TIMERS_PATCH } from '../workflows/shared/clock';
import { REMINDER_TIMERS_PATCH } from '../workflows/reminders/runner';
import { RESULT_BEFORE_MAIL_PATCH } from '../workflows/reevaluation/workflow';
import { REEVALUATION_DIGEST_PATCH } from '../workflows/reevaluation/campaign-report';
import { SUBMISSION_MEMO_PATCH } from '../workflows/campaign/memo';
import {
  CAMPAIGN_BACKSTOP_PATCH,
  CAMPAIGN_SOFT_LIMIT_PATCH,
  CAMPAIGN_BACKSTOP_800_PATCH,
  RELAY_BACKSTOP_PATCH,
  RELAY_QUIET_WATCH_PATCH,
  QUIET_HAND_OVER_PATCH,
  QUIET_WATCH_FROM_EVENTS_PATCH,
} from '../workflows/shared/continue-as-new';
import { RELAY_HAND_OVER_AT_QUIET_PATCH } from '../workflows/subdistrict-reports/workflow';
import { NOTICES_BESIDE_TIMERS_PATCH } from '../workflows/campaign/notices';
import { dataConverter, parseKeyList, readKeyFile, type Keyring } from '../client/codec';
import { randomBytes } from 'node:crypto';

const DIR = join(__dirname, 'histories');
// Every recording: the first, in plain JSON payloads, at the top; later ones (encrypted) in a folder each.
const files = (readdirSync(DIR, { recursive: true }) as string[]).filter((f) => f.endsWith('.json')).sort();
const ENCRYPTED = files.filter((f) => f.includes('/'));
const TEST_KEYS = join(__dirname, 'keys', 'payload-keys.json');
const load = (file: string) => {
  const { workflowId, history } = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
  return { workflowId: workflowId as string, history: historyFromJSON(history) };
};
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as any;

async function replayAll(bundle: WorkflowBundleWithSourceMap, names: string[], keyring?: Keyring) {
  const failures: string[] = [];
  const histories = names.map((file) => ({ file, ...load(file) }));
  const results = Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: 'golden', dataConverter: dataConverter(keyring) },
    histories.map((h) => ({ workflowId: h.workflowId, history: h.history })),
  );
  for await (const r of results) {
    if (r.error) {
      const file = histories.find((h) => h.workflowId === r.workflowId)?.file;
      failures.push(`${file} (${r.workflowId}): ${r.error.name}: ${r.error.message}`);
    }
  }
  return failures;
}

// The worker's log lines (this fork's Runtime): the missing-key test reads what an operator would see.
const workerLog: string[] = [];
beforeAll(() =>
  Runtime.install({
    logger: new DefaultLogger('WARN', (e) => {
      workerLog.push(`${e.message} ${String((e.meta as { error?: unknown } | undefined)?.error ?? '')}`);
    }),
  }),
);

describe('golden histories', () => {
  it('exist for every workflow type', () => {
    const types = new Set(files.map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')).workflowType));
    expect([...types].sort()).toEqual([
      'application',
      'campaign',
      'campaignKickoff',
      'reelectionFiling',
      'reevaluation',
      'subdistrictReports',
      'title',
    ]);
  });

  it("take each patch's new branch in some recording", () => {
    // A patch marker's details hold the patch id as a JSON payload (base64), never encrypted.
    const b64 = (id: string) => Buffer.from(JSON.stringify(id)).toString('base64').slice(0, 20);
    const patches = [
      TIME_FROM_TIMERS_PATCH,
      REMINDER_TIMERS_PATCH,
      RESULT_BEFORE_MAIL_PATCH,
      DEADLINE_DAY_REMINDER_PATCH,
      'publicity-whole-working-days',
      REEVALUATION_DIGEST_PATCH,
      SUBMISSION_MEMO_PATCH,
      QUIET_HAND_OVER_PATCH,
      CAMPAIGN_BACKSTOP_PATCH,
      DEADLINE_TIMERS_ONLY_PATCH,
      APPLICATION_PATHS_PATCH,
      RELAY_HAND_OVER_AT_QUIET_PATCH,
      NOTICES_BESIDE_TIMERS_PATCH,
      CAMPAIGN_SOFT_LIMIT_PATCH,
      CAMPAIGN_BACKSTOP_800_PATCH,
      RELAY_BACKSTOP_PATCH,
      QUIET_WATCH_FROM_EVENTS_PATCH,
      RELAY_QUIET_WATCH_PATCH,
    ];
    const texts = files.map((f) => readFileSync(join(DIR, f), 'utf8'));
    expect(patches.filter((p) => !texts.some((text) => text.includes(b64(p))))).toEqual([]);
  });

  it('all replay against the current workflow code', async () => {
    const failures = await replayAll(await workflowBundle(), files);
    expect(failures).toEqual([]);
  });
});

describe('encrypted histories', () => {
  const fresh = () => `${randomBytes(4).toString('hex')}=${randomBytes(32).toString('base64')}`;

  it('were recorded for every workflow type, with no payload in clear', () => {
    const types = new Set(ENCRYPTED.map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')).workflowType));
    expect([...types].sort()).toEqual([
      'application',
      'campaign',
      'campaignKickoff',
      'reelectionFiling',
      'reevaluation',
      'subdistrictReports',
      'title',
    ]);
    // Every payload list in every event (search attributes are not payloads of the workflow: they stay plain).
    const encodings = new Map<string, number>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (!v || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        if (k === 'markerRecordedEventAttributes') continue; // patch markers: written by the SDK's core, a patch id only
        if (k === 'payloads' && Array.isArray(x))
          for (const p of x) {
            const e = Buffer.from(p.metadata?.encoding ?? '', 'base64').toString();
            encodings.set(e, (encodings.get(e) ?? 0) + 1);
          }
        else walk(x);
      }
    };
    for (const f of ENCRYPTED) walk(JSON.parse(readFileSync(join(DIR, f), 'utf8')).history);
    expect([...encodings.keys()]).toEqual(['binary/encrypted']);
    expect(encodings.get('binary/encrypted')).toBeGreaterThan(100);
  });

  it('still replay once a newer key is current, the old key kept for decryption', async () => {
    const old = readKeyFile(TEST_KEYS);
    const rotated = parseKeyList(
      [...[...old.keys].map(([id, k]) => `${id}=${k.toString('base64')}`), fresh()].join(','),
    );
    expect(rotated.currentId).not.toBe(old.currentId);
    expect(await replayAll(await workflowBundle(), ENCRYPTED, rotated)).toEqual([]);
  });

  it('fail with an error naming the key id when that key is gone', async () => {
    const file = ENCRYPTED.find((f) => f.includes('/application--'))!;
    const failures = await replayAll(await workflowBundle(), [file], parseKeyList(fresh()));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/Replay failed/);
    // The failure itself is encrypted like every other; the worker's log says which key is missing.
    expect(workerLog.join('\n')).toContain(`key "${readKeyFile(TEST_KEYS).currentId}", which is not configured`);
  });
});

describe('the gate proves itself', () => {
  it('fails an incompatible change (a timer inserted before the first command) with DeterminismViolationError', async () => {
    const bundle = await bundleWorkflowCode({
      workflowsPath: join(__dirname, 'variants', 'incompatible.ts'),
      logger: silent,
    });
    const file = files.find((f) => f.startsWith('application-'))!;
    const { workflowId, history } = load(file);
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId)).rejects.toBeInstanceOf(
      DeterminismViolationError,
    );
  });
});

describe('a compatible change made with patched()', () => {
  it('replays the histories recorded before it (above) and a history recorded after it', async () => {
    // Its reminders go to a real SMTP server on the server's clock.
    const w = await startTimeSkippingWorker('patched', { smtp: {} });
    const bundle = await workflowBundle();
    try {
      const { client, calendar, taskQueue } = w;
      await startCampaign(client, { calendar, directory, taskQueue });
      await w.sleepUntil('2023-04-03T02:00:00Z');
      const id = directory.committees[0].id;
      await submitApplication(client, { year: 2023, directory, committeeId: id, form: formFor(id, false), taskQueue });
      // Past 09:00 on the deadline day (Wed 2023-05-31), when the new reminder goes out.
      await w.sleepUntil('2023-05-31T03:00:00Z');
      const history = await client.workflow.getHandle(applicationWorkflowId(2023, id)).fetchHistory();
      // One marker for the four changes a new run takes (workflows/application/code-paths.ts): time from timers,
      // reminders on their own timers, deadlines without opening timers and the deadline-day reminder.
      const markers = history.events!.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
      const b64 = (id: string) => Buffer.from(JSON.stringify(id)).toString('base64').slice(0, 20);
      expect(markers.map((m) => JSON.stringify(m.markerRecordedEventAttributes!.details))).toEqual([
        expect.stringContaining(b64(APPLICATION_PATHS_PATCH)),
      ]);
      const sends = history.events!.filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendMail',
      );
      expect(sends.length).toBe(4); // 7, 3 and 1 working days before, and now the deadline day itself
      await Worker.runReplayHistory(
        { workflowBundle: bundle, dataConverter: dataConverter() },
        history,
        applicationWorkflowId(2023, directory.committees[0].id),
      );
    } finally {
      await w.stop();
    }
  });
});
