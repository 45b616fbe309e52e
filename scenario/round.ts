/**
 * The story of one year, told once: the cast, the dated acts in the order of the notice, and the outcome they must
 * lead to. The client API (test/round.test.ts), the CLI (the demo, test/cli-round.test.ts, the history recorder),
 * the bench (bench/round.ts) and the fault runner (test/faults/round.ts) all play this story through a driver.
 *
 * Two threads run side by side, as in the notice:
 *   selection     三: applications (Apr 3), the 街镇's review (Jun 5), inspection and the panel's vote (Aug 7),
 *                 the draft list and two objections (Sep 28), the bureau's confirmation once 公示 is over (Oct 12)
 *   re-evaluation 五, when the story includes the 2022 holders: materials (Aug 3), one re-election filing (Aug 5),
 *                 inspection (Aug 10), the 街镇's pre-review (Aug 15), the bureau's decision (Aug 20), recovery of
 *                 the revoked titles' nameplates and certificates (Sep 10)
 *
 * The panel finalises on Thu Sep 28 10:00. 公示 then counts whole working days from Sat Oct 7 (a make-up working day
 * after the National Day holiday, Sep 29 – Oct 6) and ends Wed Oct 11 24:00. Finalising on Sep 25 instead would put
 * the first objections reminder (09:00 the next working day) 23 calendar hours after the draft list, under a second
 * at the compressions of the demo and the fault runner: whether the objections were resolved by then would be a race.
 */
import { join } from 'node:path';
import type { Directory } from '../domain/directory';
import type { ApplicationStage } from '../domain/stages';
import type { Act, Scene } from './acts';
import { castOf, HOLDERS_2022, type Cast } from './cast';

export interface StoryOptions {
  /** The campaign's year label (workflow ids, CLI --year). Tests relabel the 2023 calendar to keep their ids apart. */
  year: number;
  /** The year of the calendar's own dates (2023 for the 2023 calendar, whatever its label). */
  calendarYear?: number;
  /**
   * `notice` (default): the 街镇 take every path of notice 三 — seven recommend two and turn the rest down, one decides
   * once and never confirms, one recommends all, 新泾镇 lets its deadline pass — and the bureau records the paper
   * forms of all but 新泾镇. `at-scale` (the bench, 1,000 and more applications): every 街镇 recommends four in five,
   * turns down every fifth and confirms its list; the paper form comes with the application.
   */
  shape?: 'notice' | 'at-scale';
  /** Include the 2022 holders: they do not apply, they are re-evaluated (the demo's year). */
  holders?: boolean;
}

export interface Plan {
  recommended: string[];
  notRecommended: string[];
  noDecision: string[];
  /** The five best of the inspection, in the panel's order. */
  ranking: string[];
  /** The committee of the upheld objection (one of the ranking). */
  removed: string;
  finalList: string[];
  /** Inspection totals by committee. */
  totals: Record<string, number>;
  /** The 街镇 (by index) that confirm their lists. */
  confirming: number[];
}

export interface ExpectedOutcome {
  finalList: string[];
  removed: string[];
  /** Every applicant's final stage and the reason it is given. */
  stages: Record<string, { stage: ApplicationStage; reason: RegExp }>;
  /** Holders whose title is revoked (re-evaluation failed, or re-election filed), and those that pass. */
  revoked: string[];
  passed: string[];
}

export interface Story {
  year: number;
  calendarYear: number;
  cast: Cast;
  plan: Plan;
  /** Acts before the campaign starts (the holders' titles are imported, so the campaign re-evaluates them). */
  prologue: Act[];
  selection: Scene[];
  reevaluation: Scene[];
  expected: ExpectedOutcome;
}

export const NOT_RECOMMENDED_REASON = '小区维修资金使用未按规定公示';
export const UPHELD_REASON = '经核查，换届选举程序不规范';
const TITLES_FILE = join(__dirname, '..', 'data', 'titles-2022.json');

export function roundStory(directory: Directory, o: StoryOptions): Story {
  const shape = o.shape ?? 'notice';
  const cast = castOf(directory, o.holders ? HOLDERS_2022 : []);
  const calendarYear = o.calendarYear ?? 2023;
  const date = (mmdd: string) => `${calendarYear}-${mmdd}`;
  const plan = shape === 'notice' ? noticePlan(cast) : atScalePlan(cast);
  const applicants = cast.bySubdistrict.flat();
  const { upheld, dismissed } = cast.objectors;

  const selection: Scene[] = [
    {
      id: 'applications',
      title: '申报：各业委会提交推荐表',
      at: '04-03 10:00',
      phase: 'applications',
      waves: [
        applicants.map((committee) => ({ kind: 'submit', committee })),
        shape === 'notice'
          ? cast.bySubdistrict
              .slice(0, -1)
              .flat()
              .map((committee) => ({
                kind: 'recordPaperForm',
                committee,
                actor: cast.bureau,
                receivedOn: date('05-20'),
              }))
          : [],
      ],
    },
    {
      id: 'review',
      title: '街镇推荐遴选',
      at: '06-05 10:00',
      phase: 'review',
      waves: [
        cast.bySubdistrict.flatMap((ids, i) =>
          ids.flatMap((committee): Act[] => {
            const actor = cast.officials[i];
            if (plan.recommended.includes(committee)) return [{ kind: 'recommend', committee, actor }];
            if (plan.notRecommended.includes(committee))
              return [{ kind: 'notRecommend', committee, actor, reason: NOT_RECOMMENDED_REASON }];
            return [];
          }),
        ),
        plan.confirming.map((i) => ({
          kind: 'confirmList',
          subdistrict: directory.subdistricts[i],
          actor: cast.officials[i],
        })),
      ],
    },
    {
      id: 'inspection',
      title: '第三方专项检查，评选团投票',
      at: '08-07 10:00',
      phase: 'inspection',
      waves: [
        plan.recommended.map((committee, k) => ({
          kind: 'recordInspection',
          committee,
          actor: cast.inspectors[k % 2].actor,
          inspector: cast.inspectors[k % 2].name,
          total: plan.totals[committee],
          date: date('08-07'),
          notes: '现场检查台账齐全',
        })),
        plan.ranking.map((committee) => ({ kind: 'panelVote', committee, actor: cast.panel.member })),
      ],
    },
    {
      id: 'publicity',
      title: '评选团确定拟表彰名单；公示，受理并处理异议',
      at: '09-28 10:00',
      phase: 'inspection',
      waves: [
        [
          {
            kind: 'panelFinalize',
            actor: cast.panel.chair,
            ranking: plan.ranking,
            tieBreakRule: cast.panel.tieBreakRule,
          },
        ],
        [
          { kind: 'fileObjection', key: 'upheld', committee: plan.removed, ...upheld },
          { kind: 'fileObjection', key: 'dismissed', committee: plan.ranking[3], ...dismissed },
        ],
        [
          { kind: 'resolveObjection', key: 'upheld', actor: cast.bureau, outcome: 'upheld', reason: UPHELD_REASON },
          {
            kind: 'resolveObjection',
            key: 'dismissed',
            actor: cast.bureau,
            outcome: 'dismissed',
            reason: '经核查，财务与事务公开符合规定',
          },
        ],
      ],
    },
    {
      id: 'confirmation',
      title: '公示期满，区房管局确认最终名单并表彰',
      at: '10-12 10:00',
      phase: 'awaiting-confirmation',
      waves: [[{ kind: 'confirmFinal', actor: cast.bureau }]],
    },
  ];

  const [failing, reelected, ...passing] = cast.holders;
  const holderOfficial = (id: string) => cast.officialOf(id);
  const reevaluation: Scene[] = !o.holders
    ? []
    : [
        {
          id: 'materials',
          title: '复评：持牌业委会向原推荐街镇提交书面材料',
          at: '08-03 10:00',
          phase: 'inspection',
          waves: [
            [failing, ...passing].map((committee) => ({
              kind: 'submitMaterials',
              committee,
              summary: '本年度业委会规范运作情况、党建引领与群众评价书面材料',
            })),
          ],
        },
        {
          id: 'reelection',
          title: `换届改选备案：${reelected} 的称号即时失效`,
          at: '08-05 10:00',
          waves: [
            [
              {
                kind: 'fileReelection',
                committee: reelected,
                actor: holderOfficial(reelected),
                filingRef: `${reelected}-换届-1`,
              },
            ],
          ],
        },
        {
          id: 'reevaluation-inspection',
          title: '复评专项检查',
          at: '08-10 10:00',
          waves: [
            (
              [
                [failing, 72],
                [passing[0], 91],
                [passing[1], 86],
                [passing[2], 88],
              ] as const
            ).map(([committee, total]) => ({
              kind: 'recordReevaluation',
              committee,
              actor: cast.inspectors[0].actor,
              inspector: cast.inspectors[0].name,
              total,
              date: date('08-10'),
            })),
          ],
        },
        {
          id: 'pre-review',
          title: '街镇初审，上报复评名单',
          at: '08-15 10:00',
          waves: [passing.map((committee) => ({ kind: 'preReview', committee, actor: holderOfficial(committee) }))],
        },
        {
          id: 'reevaluation-confirm',
          title: '区房管局再评审，确认复评结果',
          at: '08-20 10:00',
          waves: [
            [failing, ...passing].map((committee) => ({ kind: 'confirmReevaluation', committee, actor: cast.bureau })),
          ],
        },
        {
          id: 'recovery',
          title: '街镇回收被撤销称号的铭牌与奖状',
          at: '09-10 10:00',
          waves: [
            [failing, reelected].map((committee) => ({
              kind: 'confirmRecovery',
              committee,
              actor: holderOfficial(committee),
            })),
          ],
        },
      ];

  const stages: ExpectedOutcome['stages'] = {};
  for (const id of applicants) stages[id] = { stage: 'not-selected', reason: /评选团未将其列入拟表彰名单/ };
  for (const id of plan.notRecommended) stages[id] = { stage: 'not-recommended', reason: /维修资金/ };
  for (const id of plan.noDecision) stages[id] = { stage: 'no-decision', reason: /截止时间前/ };
  for (const id of plan.finalList) stages[id] = { stage: 'commended', reason: /颁发铭牌与奖状/ };
  stages[plan.removed] = { stage: 'removed', reason: /换届选举程序不规范/ };

  return {
    year: o.year,
    calendarYear,
    cast,
    plan,
    prologue: o.holders ? [{ kind: 'importTitles', file: TITLES_FILE }] : [],
    selection,
    reevaluation,
    expected: {
      finalList: plan.finalList,
      removed: [plan.removed],
      stages,
      revoked: o.holders ? [failing, reelected] : [],
      passed: o.holders ? passing : [],
    },
  };
}

/** Seven 街镇 recommend two and turn the rest down; one decides once and never confirms; one recommends all; the last lets its deadline pass. */
function noticePlan(cast: Cast): Plan {
  const n = cast.bySubdistrict.length;
  const recommendedBySd: string[][] = [];
  const notRecommended: string[] = [];
  const noDecision: string[] = [];
  cast.bySubdistrict.forEach((ids, i) => {
    if (i < n - 3) {
      recommendedBySd.push(ids.slice(0, 2));
      notRecommended.push(...ids.slice(2));
    } else if (i === n - 3) {
      recommendedBySd.push(ids.slice(0, 1));
      noDecision.push(...ids.slice(1));
    } else if (i === n - 2) recommendedBySd.push(ids);
    else noDecision.push(...ids);
  });
  const confirming = cast.bySubdistrict.map((_, i) => i).filter((i) => i !== n - 3 && i !== n - 1);
  return ranked(recommendedBySd, notRecommended, noDecision, confirming);
}

/** Every 街镇 recommends four in five, turns down every fifth, and confirms its list. */
function atScalePlan(cast: Cast): Plan {
  const recommendedBySd = cast.bySubdistrict.map((ids) => ids.filter((_, k) => (k + 1) % 5 !== 0));
  const notRecommended = cast.bySubdistrict.flatMap((ids) => ids.filter((_, k) => (k + 1) % 5 === 0));
  return ranked(
    recommendedBySd,
    notRecommended,
    [],
    cast.bySubdistrict.map((_, i) => i),
  );
}

/**
 * The inspection order interleaves the 街镇 (the first of each, then the second of each, …), so the five best come
 * from five 街镇. They score 99 down to 95; the others 60–93. The upheld objection is against the second best.
 */
function ranked(bySd: string[][], notRecommended: string[], noDecision: string[], confirming: number[]): Plan {
  const order: string[] = [];
  const total = bySd.reduce((a, l) => a + l.length, 0);
  for (let i = 0; order.length < total; i++) for (const list of bySd) if (list[i]) order.push(list[i]);
  const totals: Record<string, number> = {};
  order.forEach((id, i) => (totals[id] = i < 5 ? 99 - i : 60 + (i % 34)));
  const ranking = order.slice(0, 5);
  return {
    recommended: order,
    notRecommended,
    noDecision,
    ranking,
    removed: ranking[1],
    finalList: ranking.filter((id) => id !== ranking[1]),
    totals,
    confirming,
  };
}
