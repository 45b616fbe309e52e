/**
 * The story of scenario/round.ts driven through the CLI against the dev server on a compressed calendar; then
 * listing by search attributes (the dev server has visibility). The acts run through the CLI in this process, as the
 * demo runs them; the bureau's confirmation, and the status reads it waits on, run `cli/main.ts` as a process of its
 * own, as a person types it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { compressCalendar, defaultCalendar } from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import { loadDirectory } from '../client/directory';
import { startCampaign } from '../client/campaigns';
import { cli, eventually, processCli, withDevServerWorker } from './harness';
import { applicationWorkflowId, campaignWorkflowId } from '../temporal/ids';
import { plaintextHits, rawHistories } from './plaintext';
import { SEARCH_ATTRIBUTE_TYPES } from '../temporal/search-attributes';
import { yearOf } from './years';
import { roundStory } from '../scenario/round';
import { storyClock } from '../scenario/clock';
import { playScene, playScenes } from '../scenario/play';
import { cliDriver } from '../scenario/drivers/cli';
import type { CampaignResult } from '../workflows/campaign/workflow';
import { COORDINATOR_PRIORITY } from '../temporal/priority';
import { relayCountsFor, relaysOfAll } from '../workflows/subdistrict-reports/relays';

const YEAR = yearOf('cli-round.test.ts'); // a label of its own on the shared dev server; the calendar keeps the 2023 dates
const directory = loadDirectory();
const story = roundStory(directory, { year: YEAR });

// Every line the worker logs in this file (this fork's Runtime), for the privacy check below; warnings are printed.
const logLines: string[] = [];
Runtime.install({
  logger: new DefaultLogger('INFO', (e) => {
    const line = `${e.level} ${e.message} ${JSON.stringify(e.meta ?? {})}`;
    logLines.push(line);
    if (e.level === 'WARN' || e.level === 'ERROR') console.warn(line);
  }),
});
const worker = withDevServerWorker('cli');

beforeAll(() => {
  // The CLI reads these, in this process and in the processes it is run as.
  process.env.TEMPORAL_ADDRESS = worker().address;
  process.env.TASK_QUEUE = worker().taskQueue;
});

describe('the round through the CLI (dev server)', () => {
  it('ends with the same final list, and lists applications by search attributes', async () => {
    const { client, taskQueue } = worker();
    // Apr 1 → Nov 30 in about 90 s of real time.
    const base = { ...defaultCalendar(2023, loadWorkdays(2023)), year: YEAR };
    const { calendar, timeScale } = compressCalendar(base, Date.now() + 2_000, 240_000);
    const campaign = await startCampaign(client, { calendar, timeScale, directory, taskQueue });
    const clock = storyClock(timeScale, { calendarYear: 2023 });
    const [confirmation, ...before] = [story.selection.at(-1)!, ...story.selection.slice(0, -1)];
    expect(confirmation.id).toBe('confirmation');
    const objections = {};
    await playScenes(before, { driver: cliDriver(cli, YEAR), clock, width: 4, objections });
    await playScene(confirmation, { driver: cliDriver(processCli(), YEAR), clock, objections });
    const result = (await campaign.result()) as CampaignResult;
    expect(result.finalList).toEqual(story.expected.finalList);
    expect(result.removed).toEqual(story.expected.removed);
    expect(result.finalList).toHaveLength(4);
    // The campaign's and the relays' tasks go first on a busy worker (temporal/priority.ts); applications' keep the
    // server's default (no key).
    const priorityOf = async (id: string) => (await client.workflow.getHandle(id).describe()).priority?.priorityKey;
    expect(await priorityOf(campaignWorkflowId(YEAR))).toBe(COORDINATOR_PRIORITY.priorityKey);
    const relays = relaysOfAll(YEAR, directory.subdistricts, relayCountsFor(directory.committees));
    for (const relay of relays) expect(await priorityOf(relay.workflowId)).toBe(COORDINATOR_PRIORITY.priorityKey);
    expect(await priorityOf(applicationWorkflowId(YEAR, directory.committees[0].id))).toBeUndefined();
    for (const c of directory.committees) {
      const final = await client.workflow.getHandle(applicationWorkflowId(YEAR, c.id)).result();
      expect({ id: c.id, stage: final.stage }).toEqual({ id: c.id, stage: story.expected.stages[c.id].stage });
      expect(final.reason).toMatch(story.expected.stages[c.id].reason);
    }

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
        story.cast.bySubdistrict.at(-1),
      );
    });
    await eventually(async () => {
      const r = await cli(['application', 'list', '--year', String(YEAR), '--stage', 'commended', '--json']);
      expect(
        JSON.parse(r.stdout)
          .map((x: { committeeId: string }) => x.committeeId)
          .sort(),
      ).toEqual([...story.expected.finalList].sort());
    });
    const all = await cli(['application', 'list', '--year', String(YEAR), '--json']);
    expect(JSON.parse(all.stdout)).toHaveLength(directory.committees.length);

    const status = await cli(['campaign', 'status', '--year', String(YEAR), '--json']);
    const counts = JSON.parse(status.stdout).counts;
    expect(counts.total).toBe(directory.committees.length);
    const byStage: Record<string, number> = {};
    for (const { stage } of Object.values(story.expected.stages)) byStage[stage] = (byStage[stage] ?? 0) + 1;
    expect(counts.byStage).toEqual(byStage);
  }, 240_000);

  it("keeps the objectors' details and the forms out of every stored history and search attribute", async () => {
    const { client } = worker();
    // What the story's people typed (scenario/cast.ts, data/example-form.json): names, contacts, grounds, a form.
    const personal = story.cast.personalData;
    const histories = await rawHistories(
      client,
      `CampaignYear = ${YEAR} OR WorkflowId = '${campaignWorkflowId(YEAR)}'`,
    );
    expect(histories.length).toBeGreaterThan(directory.committees.length); // every application and the campaign
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
