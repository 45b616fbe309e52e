/**
 * The demo's year: the 2022 holders are imported and re-evaluated (one fails, one is revoked by
 * re-election) while the 2023 selection round runs (scripts/scenario.ts). Every action goes
 * through the CLI, as a person would type it.
 */
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { startCampaign } from '../client/campaigns';
import { activeTitleIds, listTitles, titleStatus } from '../client/titles';
import { toReal, type CampaignCalendar } from '../domain/calendar';
import type { Directory } from '../domain/directory';
import { FIVE_GOODS } from '../domain/grades';
import { runScenario, type Cli } from './scenario';

export interface DemoOutcome {
  finalList: string[];
  removed: string[];
  revocations: string[];
  passed: string[];
}

const TITLES_FILE = join(__dirname, '..', 'data', 'titles-2022.json');
/** The 2022 holders in data/titles-2022.json: re-evaluated this year rather than applying again. */
export const HOLDERS_2022 = ['huayang-002', 'jiangsu-001', 'xinhua-003', 'tianshan-002', 'hongqiao-001'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DemoOptions {
  client: Client;
  cli: Cli;
  directory: Directory;
  calendar: CampaignCalendar;
  progress?: (line: string) => void;
}

export async function runDemoScenario(o: DemoOptions): Promise<DemoOutcome> {
  const { client, cli, directory: d, calendar: cal } = o;
  const log = o.progress ?? (() => {});
  const act = async (...argv: string[]) => {
    const r = await cli(argv);
    if (r.code !== 0) throw new Error(`\`${argv.join(' ')}\` failed: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const name = (id: string) => {
    const c = d.committees.find((x) => x.id === id);
    return c ? `${id} ${c.name}（${c.subdistrict}）` : id;
  };

  log('导入 2022 年度红色示范业委会（5 家）');
  await act('title', 'import', '--file', TITLES_FILE);
  let titles: string[] = [];
  for (let i = 0; i < 100 && titles.length < 5; i++) {
    titles = await activeTitleIds(client); // visibility catches up within a moment
    if (titles.length < 5) await sleep(200);
  }
  log(`启动 ${cal.year} 年度创建评选（压缩日历，${cal.clock.speed}× 实时）`);
  const campaign = await startCampaign(client, { calendar: cal, directory: d, activeTitles: titles });
  await Promise.all([
    runScenario({ client, cli, directory: d, calendar: cal, progress: log, exclude: HOLDERS_2022 }),
    reevaluate(o, act, log),
  ]);
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
  const passed = (await listTitles(client, { status: 'active', runningOnly: true }))
    .filter((t) => t.workflowId.endsWith('-2022'))
    .map((t) => name(t.committeeId));
  return { finalList: result.finalList.map(name), removed: result.removed.map(name), revocations, passed };
}

/** The 2022 holders during Aug–Oct: materials, inspection, 街镇 pre-review, the bureau's decision. */
async function reevaluate(
  o: DemoOptions,
  act: (...a: string[]) => Promise<string>,
  log: (l: string) => void,
): Promise<void> {
  const cal = o.calendar;
  const y = ['--year', String(cal.year)];
  const calYear = new Date(Date.parse(cal.opens) + 8 * 3_600_000).getUTCFullYear();
  const until = async (mmdd: string) => {
    const wait = toReal(cal, Date.parse(`${calYear}-${mmdd}T02:00:00Z`)) - Date.now();
    if (wait > 0) await sleep(wait);
  };
  const official = (id: string) => {
    const sd = o.directory.committees.find((c) => c.id === id)!.subdistrict;
    return o.directory.people.find((p) => p.role === 'subdistrict' && p.subdistrict === sd)!.id;
  };
  const [failing, reelected, ...passing] = HOLDERS_2022;
  const scoresFor = (total: number) =>
    FIVE_GOODS.map((_, i) => Math.floor(total / 5) + (i < total % 5 ? 1 : 0)).join(',');

  await until('08-03');
  log('复评：持牌业委会向原推荐街镇提交书面材料');
  for (const id of [failing, ...passing])
    await act(
      'reevaluation',
      'submit-materials',
      ...y,
      '--as',
      id,
      '--summary',
      '本年度业委会规范运作情况、党建引领与群众评价书面材料',
    );
  await until('08-05');
  log(`换届改选备案：${reelected} 的称号即时失效`);
  await act(
    'committee',
    'file-reelection',
    '--committee',
    reelected,
    '--as',
    official(reelected),
    '--filing-ref',
    `${reelected}-换届-1`,
  );
  await until('08-10');
  log('复评专项检查');
  for (const [id, total] of [
    [failing, 72],
    [passing[0], 91],
    [passing[1], 86],
    [passing[2], 88],
  ] as const)
    await act(
      'reevaluation',
      'record-inspection',
      ...y,
      '--committee',
      id,
      '--as',
      'inspector-1',
      '--scores',
      scoresFor(total),
      '--inspector',
      '郑立',
      '--date',
      `${calYear}-08-10`,
    );
  await until('08-15');
  for (const id of passing) await act('reevaluation', 'pre-review', ...y, '--committee', id, '--as', official(id));
  await until('08-20');
  log('区房管局再评审，确认复评结果');
  for (const id of [failing, ...passing])
    await act('reevaluation', 'confirm', ...y, '--committee', id, '--as', 'bureau-lu');
  await until('09-10');
  log('街镇回收被撤销称号的铭牌与奖状');
  for (const id of [failing, reelected])
    await act('title', 'confirm-recovery', '--committee', id, '--as', official(id));
}
