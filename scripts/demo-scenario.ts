/**
 * The demo's year through the CLI, as a person would type it: the story of scenario/round.ts with the 2022 holders.
 * Their titles are imported and re-evaluated (one fails, one lapses by re-election) while the selection round runs.
 */
import type { Client } from '@temporalio/client';
import { startCampaign } from '../client/campaigns';
import { activeTitleIds, listTitles, titleStatus } from '../client/titles';
import type { CampaignCalendar } from '../domain/calendar';
import type { TimeScale } from '../domain/time-scale';
import type { Directory } from '../domain/directory';
import { roundStory, type Story } from '../scenario/round';
import { storyClock } from '../scenario/clock';
import { playStory } from '../scenario/play';
import { cliDriver, type Cli } from '../scenario/drivers/cli';

export interface DemoOutcome {
  story: Story;
  finalList: string[];
  removed: string[];
  revocations: string[];
  passed: string[];
}

export interface DemoOptions {
  client: Client;
  cli: Cli;
  directory: Directory;
  calendar: CampaignCalendar;
  /** The compressed run's time scale, passed to the campaign beside its calendar. */
  timeScale: TimeScale;
  progress?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runDemoScenario(o: DemoOptions): Promise<DemoOutcome> {
  const { client, directory: d, calendar: cal, timeScale } = o;
  const log = o.progress ?? (() => {});
  const calendarYear = new Date(Date.parse(cal.opens) + 8 * 3_600_000).getUTCFullYear();
  const story = roundStory(d, { year: cal.year, calendarYear, holders: true });
  const name = (id: string) => {
    const c = d.committees.find((x) => x.id === id);
    return c ? `${id} ${c.name}（${c.subdistrict}）` : id;
  };
  log(`导入 2022 年度红色示范业委会（${story.cast.holders.length} 家）`);
  let campaign: Awaited<ReturnType<typeof startCampaign>> | undefined;
  await playStory(story, {
    driver: cliDriver(o.cli, cal.year),
    clock: storyClock(timeScale, { calendarYear }),
    // Committees apply, and officials decide, side by side as they would: one after another, a loaded machine can
    // let the compressed two months (about 25 s at 210,000×) run out before the last one has acted.
    width: 4,
    progress: log,
    async startCampaign() {
      let titles: string[] = [];
      for (let i = 0; i < 100 && titles.length < story.cast.holders.length; i++) {
        titles = await activeTitleIds(client); // visibility catches up within a moment
        if (titles.length < story.cast.holders.length) await sleep(200);
      }
      log(`启动 ${cal.year} 年度创建评选（压缩日历，${timeScale.speed}× 实时）`);
      campaign = await startCampaign(client, { calendar: cal, timeScale, directory: d, activeTitles: titles });
    },
  });
  const result = await campaign!.result();
  // A title's earlier runs (continued-as-new) are listed too: one line per title.
  const revoked = [
    ...new Map((await listTitles(client, { status: 'revoked' })).map((t) => [t.workflowId, t])).values(),
  ];
  const revocations: string[] = [];
  for (const t of revoked) {
    const s = await titleStatus(client, t.workflowId);
    revocations.push(`${name(t.committeeId)}: ${s.revocation?.reason ?? s.statusLabel}`);
  }
  const passedIds = (await listTitles(client, { status: 'active', runningOnly: true }))
    .filter((t) => t.workflowId.endsWith('-2022'))
    .map((t) => t.committeeId);
  const outcome = {
    finalList: result.finalList,
    removed: result.removed,
    revoked: revoked.map((t) => t.committeeId),
    passed: passedIds,
  };
  const wanted = story.expected;
  const same = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  if (
    JSON.stringify(outcome.finalList) !== JSON.stringify(wanted.finalList) ||
    !same(outcome.removed, wanted.removed) ||
    !same(outcome.revoked, wanted.revoked) ||
    !same(outcome.passed, wanted.passed)
  )
    throw new Error(`the year did not end as the story says: ${JSON.stringify({ outcome, wanted })}`);
  return {
    story,
    finalList: outcome.finalList.map(name),
    removed: outcome.removed.map(name),
    revocations,
    passed: outcome.passed.map(name),
  };
}
