/**
 * A campaign outlives its final list while its 街镇 officials' re-evaluation digest is still due: the 2023 round's
 * selection (scenario/round.ts) on the time-skipping server, with one 2022 holder whose re-evaluation has its
 * materials and inspection but never the 街镇's pre-review (due with the inspection window, Tue Oct 31). The bureau
 * confirms the final list on Oct 12; the campaign keeps running, sends the digest at each of its slots (7/3/1 working
 * days before the due day, 09:00 Beijing: Oct 20, 26 and 30), and completes after the last one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { eventually, withTimeSkippingWorker } from './harness';
import { directory, reevaluationInspection, reevaluationMaterials } from './fixtures';
import type { ReceivedMail } from './smtp';
import { campaignStatus, startCampaign } from '../client/campaigns';
import { importTitles, reevaluationAction } from '../client/titles';
import { campaignWorkflowId } from '../temporal/ids';
import { roundStory } from '../scenario/round';
import { playScene, type PlayOptions } from '../scenario/play';
import { clientDriver } from '../scenario/drivers/client';
import type { SceneId } from '../scenario/acts';

const YEAR = 2023;
const story = roundStory(directory, { year: YEAR, holders: true });
const scene = (id: SceneId) => story.selection.find((s) => s.id === id)!;
/** A 2022 holder: it does not apply this year (holders: true), it is re-evaluated. */
const holder = story.cast.holders[0];
const official = directory.people.find((p) => p.id === story.cast.officialOf(holder))!;
const titles = JSON.parse(readFileSync(join(__dirname, '..', 'data', 'titles-2022.json'), 'utf8'));

const rig = withTimeSkippingWorker('digest-after-final', { smtp: {} });
let client: Client;
let play: PlayOptions;
beforeAll(() => {
  const { taskQueue } = rig();
  client = rig().client;
  play = { driver: clientDriver({ client, year: YEAR, directory, taskQueue }), clock: rig().clock };
});

const campaign = () => client.workflow.getHandle(campaignWorkflowId(YEAR));
const statusName = async () => (await campaign().describe()).status.name;
const digests = (): ReceivedMail[] =>
  rig().smtp.messages.filter((m) => m.headers['x-red-model-kind'] === 'reevaluation-review');
/** The digest slot of a day of the story (09:00 Beijing), as the Message-ID's instant. */
const slot = (mmdd: string) => new Date(play.clock.instant(`${mmdd} 09:00`)).toISOString();

describe('the officials’ re-evaluation digest after the final list (time-skipping, real SMTP)', () => {
  it('the campaign stays open past its final list while digest slots are ahead, and completes after the last one', async () => {
    const { taskQueue, calendar } = rig();
    const data = { ...titles, titles: titles.titles.filter((t: { committeeId: string }) => t.committeeId === holder) };
    const rows = await importTitles(client, { data, directory, taskQueue });
    await startCampaign(client, { calendar, directory, taskQueue, activeTitles: rows.map((r) => r.workflowId) });

    for (const id of ['applications', 'review', 'inspection'] as const) await playScene(scene(id), play);
    // Aug 7: the holder's materials and inspection are in; its 街镇 never pre-reviews it.
    await reevaluationAction(client, YEAR, holder, 'recordInspection', reevaluationInspection());
    await reevaluationAction(client, YEAR, holder, 'submitMaterials', reevaluationMaterials(holder));

    await playScene(scene('publicity'), play);
    await playScene(scene('confirmation'), play);
    await eventually(async () =>
      expect((await campaignStatus(client, YEAR)).final?.list).toEqual(story.expected.finalList),
    );
    expect(digests()).toEqual([]);
    expect(await statusName()).toBe('RUNNING');

    // Each slot: one digest to the 街镇's official, from the campaign, naming the holder; the campaign still runs.
    for (const day of ['10-20', '10-26']) {
      await play.clock.until(`${day} 10:00`);
      await eventually(async () =>
        expect(digests().map((m) => m.headers['x-red-model-scheduled'])).toContain(slot(day)),
      );
      expect(await statusName()).toBe('RUNNING');
    }
    await play.clock.until('10-30 08:00');
    expect(await statusName()).toBe('RUNNING');

    // The last slot: its digest goes out, then nothing is ahead and the campaign ends with its final list.
    await play.clock.until('10-30 10:00');
    await eventually(async () => expect(await statusName()).toBe('COMPLETED'));
    const result = await campaign().result();
    expect(result.finalList).toEqual(story.expected.finalList);
    const closed = (await campaign().describe()).closeTime!.getTime();
    expect(closed).toBeGreaterThanOrEqual(play.clock.instant('10-30 09:00'));

    expect(digests().map((m) => [m.headers['x-red-model-scheduled'], m.headers['x-red-model-workflow'], m.to])).toEqual(
      ['10-20', '10-26', '10-30'].map((day) => [slot(day), campaignWorkflowId(YEAR), official.email]),
    );
    for (const m of digests()) expect(m.text).toContain(`/titles/${holder}`);
  }, 300_000);
});
