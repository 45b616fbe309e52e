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
import { playScenes } from '../scenario/play';
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
  /**
   * The compressed calendar and its time scale, made once the 2022 titles are active, just before the campaign
   * starts: on a cold stack the worker needs many seconds before it runs anything, and a calendar made earlier
   * would have run on meanwhile (at 210,000× a second is 2.4 days) so that the applications window closed before
   * the committees applied.
   */
  calendar: () => { calendar: CampaignCalendar; timeScale: TimeScale };
  progress?: (line: string) => void;
  /** Called with the time scale once the campaign has started (the demo's progress line shows its date). */
  started?: (timeScale: TimeScale) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runDemoScenario(o: DemoOptions): Promise<DemoOutcome> {
  const { client, directory: d } = o;
  const log = o.progress ?? (() => {});
  const name = (id: string) => {
    const c = d.committees.find((x) => x.id === id);
    return c ? `${id} ${c.name}（${c.subdistrict}）` : id;
  };
  const probe = o.calendar().calendar;
  const calendarYear = new Date(Date.parse(probe.opens) + 8 * 3_600_000).getUTCFullYear();
  const story = roundStory(d, { year: probe.year, calendarYear, holders: true });
  const driver = cliDriver(o.cli, probe.year);
  log(`导入 2022 年度红色示范业委会（${story.cast.holders.length} 家）`);
  for (const act of story.prologue) await driver.perform(act, {});
  let titles: string[] = [];
  for (let i = 0; i < 300 && titles.length < story.cast.holders.length; i++) {
    titles = await activeTitleIds(client); // the worker starts them, and visibility catches up within a moment
    if (titles.length < story.cast.holders.length) await sleep(200);
  }
  const { calendar: cal, timeScale } = o.calendar();
  log(`启动 ${cal.year} 年度创建评选（压缩日历，${timeScale.speed}× 实时）`);
  const campaign = await startCampaign(client, { calendar: cal, timeScale, directory: d, activeTitles: titles });
  o.started?.(timeScale);
  // Committees apply, and officials decide, side by side as they would: one after another, a loaded machine can
  // let the compressed two months (about 25 s at 210,000×) run out before the last one has acted.
  const play = { driver, clock: storyClock(timeScale, { calendarYear }), width: 4, progress: log, objections: {} };
  await Promise.all([playScenes(story.selection, play), playScenes(story.reevaluation, play)]);
  const result = await campaign.result();
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
