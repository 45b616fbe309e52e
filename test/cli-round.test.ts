/**
 * The same round as test/round.test.ts, driven through the CLI against the dev server on a
 * compressed calendar; then listing by search attributes (the dev server has visibility).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { compressCalendar, defaultCalendar } from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import { loadDirectory } from '../client/directory';
import { startCampaign } from '../client/campaigns';
import { runCli } from '../cli/main';
import { createWorker } from '../worker/create-worker';
import { runScenario } from '../scripts/scenario';
import { devServerClient, eventually, uniqueTaskQueue } from './harness';
import { workflowBundle } from './fixtures';
import { applicationWorkflowId, campaignWorkflowId } from '../temporal/ids';
import { plaintextHits, rawHistories } from './plaintext';
import { SEARCH_ATTRIBUTE_TYPES } from '../temporal/search-attributes';

const YEAR = 2091; // a label of its own on the shared dev server; the calendar keeps the 2023 dates
const taskQueue = uniqueTaskQueue('cli');
let client: Client;
let worker: Worker;
let running: Promise<void>;
let nativeConnection: NativeConnection;

const cli = async (argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
};

// Every line the worker logs in this file (this fork's Runtime), for the privacy check below; warnings are printed.
const logLines: string[] = [];

beforeAll(async () => {
  Runtime.install({
    logger: new DefaultLogger('INFO', (e) => {
      const line = `${e.level} ${e.message} ${JSON.stringify(e.meta ?? {})}`;
      logLines.push(line);
      if (e.level === 'WARN' || e.level === 'ERROR') console.warn(line);
    }),
  });
  const dev = await devServerClient();
  client = dev.client;
  process.env.TEMPORAL_ADDRESS = dev.address;
  process.env.TASK_QUEUE = taskQueue;
  nativeConnection = await NativeConnection.connect({ address: dev.address });
  worker = await createWorker({
    connection: nativeConnection,
    client,
    taskQueue,
    workflowBundle: await workflowBundle(),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await nativeConnection?.close();
  await client?.connection.close();
  delete process.env.TASK_QUEUE;
});

describe('the round through the CLI (dev server)', () => {
  it('ends with the same final list, and lists applications by search attributes', async () => {
    const directory = loadDirectory();
    // Apr 1 → Nov 30 in about 90 s of real time.
    const base = { ...defaultCalendar(2023, loadWorkdays(2023)), year: YEAR };
    const calendar = compressCalendar(base, Date.now() + 2_000, 240_000);
    const campaign = await startCampaign(client, { calendar, directory, taskQueue });
    const plan = await runScenario({ client, cli, directory, calendar });
    const result = await campaign.result();
    expect(result.finalList).toEqual(plan.finalList);
    expect(result.removed).toEqual([plan.removed]);
    expect(result.finalList).toHaveLength(4);

    const final = await client.workflow.getHandle(applicationWorkflowId(YEAR, plan.removed)).result();
    expect(final.stage).toBe('removed');

    // Listing goes through visibility, which lags the workflows slightly.
    await eventually(async () => {
      const r = await cli([
        'application',
        'list',
        '--year',
        String(YEAR),
        '--subdistrict',
        '新泾镇',
        '--stage',
        'no-decision',
        '--json',
      ]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).map((x: { committeeId: string }) => x.committeeId)).toEqual(
        directory.committees.filter((c) => c.subdistrict === '新泾镇').map((c) => c.id),
      );
    });
    await eventually(async () => {
      const r = await cli(['application', 'list', '--year', String(YEAR), '--stage', 'commended', '--json']);
      expect(
        JSON.parse(r.stdout)
          .map((x: { committeeId: string }) => x.committeeId)
          .sort(),
      ).toEqual([...plan.finalList].sort());
    });
    const all = await cli(['application', 'list', '--year', String(YEAR), '--json']);
    expect(JSON.parse(all.stdout)).toHaveLength(directory.committees.length);

    const status = await cli(['campaign', 'status', '--year', String(YEAR)]);
    expect(status.stdout).toContain('commended');
    expect(status.stdout).toContain('新泾镇');
  }, 240_000);

  it("keeps the objectors' details and the forms out of every stored history and search attribute", async () => {
    // What the scripted round typed (scripts/scenario.ts, data/example-form.json): names, phone, grounds, a form.
    const personal = [
      '张三',
      '李四',
      '13800000000',
      '换届选举程序存在问题',
      '未提供具体材料',
      '成立业委会党的工作小组',
    ];
    const histories = await rawHistories(
      client,
      `CampaignYear = ${YEAR} OR WorkflowId = '${campaignWorkflowId(YEAR)}'`,
    );
    expect(histories.length).toBeGreaterThan(loadDirectory().committees.length); // every application and the campaign
    const hits = histories.flatMap((h) => plaintextHits(h.json, personal, h.id));
    expect(hits).toEqual([]);
    // The project's search attributes are stored in clear by design: nothing shaped like a phone or an email.
    // (The phone pattern stands alone, so the hex of a run id never looks like one.)
    const contactLike = /(?<![\w-])1\d{10}(?!\w)|[^\s@]+@[^\s@]+\.[a-z]{2,}/i;
    const ours = Object.keys(SEARCH_ATTRIBUTE_TYPES);
    const attrs = histories.flatMap((h) =>
      Object.entries(h.searchAttributes as Record<string, unknown[]>)
        .filter(([k]) => ours.includes(k))
        .flatMap(([, v]) => v.map(String)),
    );
    expect(attrs.length).toBeGreaterThan(histories.length);
    expect(attrs.filter((v) => contactLike.test(v))).toEqual([]);
    // Nor the worker's log lines.
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((l) => contactLike.test(l) || personal.some((p) => l.includes(p)))).toEqual([]);
    // With the codec (this client), the same histories still read: the objection is there, decrypted.
    const campaign = await client.workflow
      .getHandle(campaignWorkflowId(YEAR))
      .query<{ objections?: { name?: string }[] }>('status');
    expect(JSON.stringify(campaign)).toContain('张三');
  }, 120_000);
});
