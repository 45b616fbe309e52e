/**
 * The scripted round: every actor of the notice, through the same CLI commands a person types.
 * Used by the CLI integration test, the demo and the golden-history recorder. It runs on a
 * compressed calendar, waiting on the real clock for each calendar moment.
 */
import type { Client } from '@temporalio/client';
import { toReal, type CampaignCalendar } from '../domain/calendar';
import type { Directory } from '../domain/directory';
import { FIVE_GOODS } from '../domain/grades';
import { campaignStatus } from '../client/campaigns';
import { join } from 'node:path';

export type Cli = (argv: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

export interface ScenarioOptions {
  client: Client;
  cli: Cli;
  directory: Directory;
  calendar: CampaignCalendar;
  /** Called with a short line at each step (the demo prints progress). */
  progress?: (line: string) => void;
  /** Committees that do not apply this year (the demo's current title holders). */
  exclude?: string[];
  /** Called once 公示 is over and before the bureau confirms (tests look at what is public before confirmation). */
  beforeConfirm?: () => Promise<void>;
}

export interface ScenarioPlan {
  recommended: string[];
  notRecommended: string[];
  noDecision: string[];
  ranking: string[];
  removed: string;
  finalList: string[];
}

const FORM = join(__dirname, '..', 'data', 'example-form.json');

/** Who does what: 7 街镇 recommend two and turn one down; one decides one and never confirms; one recommends all; 新泾镇 lets its deadline pass. */
export function planFor(d: Directory): ScenarioPlan & { bySd: string[][]; officials: string[] } {
  const bySd = d.subdistricts.map((sd) => d.committees.filter((c) => c.subdistrict === sd).map((c) => c.id));
  const officials = d.subdistricts.map(
    (sd) => d.people.find((p) => p.role === 'subdistrict' && p.subdistrict === sd)!.id,
  );
  const n = d.subdistricts.length;
  const recommended: string[] = [];
  const notRecommended: string[] = [];
  const noDecision: string[] = [];
  bySd.forEach((ids, i) => {
    if (i < n - 3) {
      recommended.push(...ids.slice(0, 2));
      notRecommended.push(...ids.slice(2));
    } else if (i === n - 3) {
      recommended.push(ids[0]);
      noDecision.push(...ids.slice(1));
    } else if (i === n - 2) recommended.push(...ids);
    else noDecision.push(...ids);
  });
  const ranking = recommended.slice(0, 5);
  return {
    bySd,
    officials,
    recommended,
    notRecommended,
    noDecision,
    ranking,
    removed: ranking[1],
    finalList: ranking.filter((id) => id !== ranking[1]),
  };
}

export async function runScenario(o: ScenarioOptions): Promise<ScenarioPlan> {
  const { cli, calendar: cal } = o;
  const d: Directory = o.exclude
    ? { ...o.directory, committees: o.directory.committees.filter((c) => !o.exclude!.includes(c.id)) }
    : o.directory;
  const year = cal.year;
  const y = ['--year', String(year)];
  const log = o.progress ?? (() => {});
  const act = async (...argv: string[]) => {
    const r = await cli(argv);
    if (r.code !== 0) throw new Error(`\`${argv.join(' ')}\` failed: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const until = async (calendarIso: string) => {
    const wait = toReal(cal, Date.parse(calendarIso)) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };
  const untilPhase = async (phase: string) => {
    while ((await campaignStatus(o.client, year)).phase !== phase) await new Promise((r) => setTimeout(r, 200));
  };
  const plan = planFor(d);
  const { bySd, officials } = plan;
  const n = d.subdistricts.length;
  // Calendar moments come from the calendar's own dates (tests relabel the year to keep ids apart).
  const calYear = new Date(Date.parse(cal.opens) + 8 * 3_600_000).getUTCFullYear();
  const calDay = (mmdd: string) => `${calYear}-${mmdd}T02:00:00Z`; // 10:00 Beijing

  await until(calDay('04-03'));
  // On a cold stack the campaign's start-up work can run past the opening instant at high compression:
  // a committee that submits before the campaign has opened is refused, so wait for the phase itself.
  await untilPhase('applications');
  log('申报：各业委会提交推荐表');
  // Committees apply at the same time, as they would: one after another, a loaded machine can let the compressed
  // two months (about 25 s at 210,000×) run out before the last one has applied.
  await inParallel(d.committees, 4, (c) => act('application', 'submit', ...y, '--as', c.id, '--form', FORM));
  await inParallel(d.committees.slice(0, -3), 4, (c) =>
    act(
      'application',
      'record-paper-form',
      ...y,
      '--committee',
      c.id,
      '--as',
      'bureau-lu',
      '--received-on',
      `${calYear}-05-20`,
    ),
  );

  await until(calDay('06-05'));
  log('街镇推荐遴选');
  for (let i = 0; i < n - 2; i++) {
    const last = i === n - 3;
    for (const id of bySd[i]) {
      if (plan.recommended.includes(id))
        await act('subdistrict', 'recommend', ...y, '--committee', id, '--as', officials[i]);
      else if (plan.notRecommended.includes(id))
        await act(
          'subdistrict',
          'reject',
          ...y,
          '--committee',
          id,
          '--as',
          officials[i],
          '--reason',
          '小区维修资金使用未按规定公示',
        );
    }
    if (!last) await act('subdistrict', 'confirm-list', ...y, '--as', officials[i]);
  }
  for (const id of bySd[n - 2])
    await act('subdistrict', 'recommend', ...y, '--committee', id, '--as', officials[n - 2]);
  await act('subdistrict', 'confirm-list', ...y, '--as', officials[n - 2]);

  await until(calDay('08-07'));
  log('第三方专项检查');
  for (const [k, id] of plan.recommended.entries()) {
    const total = 98 - k * 2;
    const base = Math.floor(total / 5);
    const scores = FIVE_GOODS.map((_, i) => base + (i < total - base * 5 ? 1 : 0));
    await act(
      'inspection',
      'record',
      ...y,
      '--committee',
      id,
      '--as',
      'inspector-1',
      '--scores',
      scores.join(','),
      '--inspector',
      '郑立',
      '--date',
      `${calYear}-08-07`,
      '--notes',
      '现场检查台账齐全',
    );
  }
  log('评选团投票并确定拟表彰名单');
  for (const id of plan.ranking)
    await act('panel', 'vote', ...y, '--committee', id, '--as', 'panel-2', '--support', 'yes');
  await until(calDay('09-25'));
  await act(
    'panel',
    'finalize',
    ...y,
    '--as',
    'panel-chair',
    '--ranking',
    plan.ranking.join(','),
    '--tie-break-rule',
    '总分相同时，以群众评价好得分高者居前',
  );

  log('公示：受理并处理异议');
  const filed = async (committee: string, name: string, grounds: string) =>
    JSON.parse(
      await act(
        'objection',
        'file',
        ...y,
        '--committee',
        committee,
        '--name',
        name,
        '--contact',
        '13800000000',
        '--grounds',
        grounds,
        '--json',
      ),
    ).objectionId as string;
  const upheld = await filed(plan.removed, '张三', '该小区业委会换届选举程序存在问题，已向街道反映。');
  const dismissed = await filed(plan.ranking[3], '李四', '认为该业委会公开不及时，但未提供具体材料。');
  await act(
    'objection',
    'resolve',
    ...y,
    '--as',
    'bureau-lu',
    '--objection',
    upheld,
    '--outcome',
    'upheld',
    '--reason',
    '经核查，换届选举程序不规范',
  );
  await act(
    'objection',
    'resolve',
    ...y,
    '--as',
    'bureau-lu',
    '--objection',
    dismissed,
    '--outcome',
    'dismissed',
    '--reason',
    '经核查，财务与事务公开符合规定',
  );

  await untilPhase('awaiting-confirmation');
  await o.beforeConfirm?.();
  log('公示期满，区房管局确认最终名单并表彰');
  await act('campaign', 'confirm', ...y, '--as', 'bureau-lu');
  return plan;
}

/** Runs `fn` over `items`, `width` at a time; the first failure is thrown once the others in flight settle. */
async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  const results = await Promise.allSettled(lanes);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
