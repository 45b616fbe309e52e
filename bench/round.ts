/**
 * The benchmark's round: every human action of notice 三 as one client call, issued by concurrent
 * actors (at most `concurrency` calls in flight). The same script drives the domain (client/*.ts
 * against the real workflows) and the floor (the same calls against bench/floor-workflows.ts), through
 * the Backend interface.
 *
 *   applications  every committee submits (a workflow start). Its form says the paper form came with it;
 *                 with --emails it says not, nobody records one, and every application sends its
 *                 paper-form reminders (7, 3 and 1 working days before the applications deadline)
 *   review        each 街镇 recommends 4 in 5 of its committees and turns down every 5th, then
 *                 confirms its list as soon as its last decision is in
 *   inspection    every recommended application is inspected (inspector-1 / inspector-2); panel-2
 *                 votes for the five best; the chair finalises them
 *   publicity     two objections are filed; one is upheld, one dismissed; after 公示 the bureau confirms
 */
import type { Directory } from '../domain/directory';
import { FIVE_GOODS } from '../domain/grades';
import { forEachConcurrent } from './stats';

export type Window = 'applications' | 'review' | 'inspection' | 'publicityEnds';

export interface Backend {
  /** Waits until the round may go on with `window` (the domain: its calendar; the floor: fan-outs done). */
  enter(window: Window): Promise<void>;
  submit(committeeId: string): Promise<void>;
  appUpdate(committeeId: string, name: string, payload: Record<string, unknown>): Promise<void>;
  campaignUpdate(name: string, payload: Record<string, unknown>): Promise<{ objectionId?: string }>;
}

export interface RoundPlan {
  recommended: string[];
  notRecommended: string[];
  ranking: string[];
  removed: string;
  finalList: string[];
  /** Totals of the inspections, by committee. */
  totals: Record<string, number>;
  officials: Record<string, string>;
}

export function planRound(d: Directory): RoundPlan {
  const officials: Record<string, string> = {};
  for (const sd of d.subdistricts)
    officials[sd] = d.people.find((p) => p.role === 'subdistrict' && p.subdistrict === sd)!.id;
  const recommended: string[] = [];
  const notRecommended: string[] = [];
  for (const sd of d.subdistricts) {
    d.committees
      .filter((c) => c.subdistrict === sd)
      .forEach((c, k) => ((k + 1) % 5 === 0 ? notRecommended : recommended).push(c.id));
  }
  // Interleave the 街镇 so the five best come from different ones.
  const bySd = d.subdistricts.map((sd) =>
    recommended.filter((id) => d.committees.find((c) => c.id === id)!.subdistrict === sd),
  );
  const order: string[] = [];
  for (let i = 0; order.length < recommended.length; i++) for (const list of bySd) if (list[i]) order.push(list[i]);
  const totals: Record<string, number> = {};
  order.forEach((id, i) => (totals[id] = i < 5 ? 99 - i : 60 + (i % 34)));
  const ranking = order.slice(0, 5);
  return {
    recommended: order,
    notRecommended,
    ranking,
    removed: ranking[1],
    finalList: ranking.filter((id) => id !== ranking[1]),
    totals,
    officials,
  };
}

export function scoresFor(total: number): Record<(typeof FIVE_GOODS)[number], number> {
  const base = Math.floor(total / 5);
  const extra = total - base * 5;
  return Object.fromEntries(FIVE_GOODS.map((k, i) => [k, base + (i < extra ? 1 : 0)])) as Record<
    (typeof FIVE_GOODS)[number],
    number
  >;
}

export interface RoundOptions {
  directory: Directory;
  plan: RoundPlan;
  backend: Backend;
  concurrency: number;
  /** Calendar year of the dates in the payloads (the calendar keeps 2023's dates under another label). */
  calendarYear: number;
  /** Marks the start of each window's work (for the per-window timings). */
  mark: (what: string) => void;
}

export async function runRound(o: RoundOptions): Promise<void> {
  const { backend: b, plan, directory: d, concurrency: c } = o;
  const sdOf = new Map(d.committees.map((x) => [x.id, x.subdistrict]));

  await b.enter('applications');
  o.mark('applications');
  await forEachConcurrent(d.committees, c, (x) => b.submit(x.id));

  await b.enter('review');
  o.mark('review');
  const left = new Map<string, number>();
  for (const x of d.committees) left.set(x.subdistrict, (left.get(x.subdistrict) ?? 0) + 1);
  const rejected = new Set(plan.notRecommended);
  await forEachConcurrent(d.committees, c, async (x) => {
    const actor = plan.officials[x.subdistrict];
    if (rejected.has(x.id)) await b.appUpdate(x.id, 'notRecommend', { actor, reason: '小区维修资金使用未按规定公示' });
    else await b.appUpdate(x.id, 'recommend', { actor });
    const sd = sdOf.get(x.id)!;
    left.set(sd, left.get(sd)! - 1);
    if (left.get(sd) === 0) await b.campaignUpdate('confirmList', { actor });
  });

  await b.enter('inspection');
  o.mark('inspection');
  await forEachConcurrent(plan.recommended, c, async (id, i) => {
    const total = plan.totals[id];
    await b.appUpdate(id, 'recordInspection', {
      actor: i % 2 ? 'inspector-2' : 'inspector-1',
      scores: scoresFor(total),
      total,
      inspector: i % 2 ? '冯洁' : '郑立',
      date: `${o.calendarYear}-08-07`,
      notes: '现场检查台账齐全',
    });
  });
  await forEachConcurrent(plan.ranking, c, async (id) => {
    await b.campaignUpdate('panelVote', { actor: 'panel-2', committeeId: id, support: true });
  });
  await b.campaignUpdate('panelFinalize', {
    actor: 'panel-chair',
    ranking: plan.ranking,
    tieBreakRule: '总分相同时，以群众评价好得分高者居前',
  });

  o.mark('publicity');
  const upheld = await b.campaignUpdate('fileObjection', {
    name: '张三',
    contact: '13800000000',
    grounds: '该小区业委会换届选举程序存在问题，已向街道反映。',
    committeeId: plan.removed,
  });
  const dismissed = await b.campaignUpdate('fileObjection', {
    name: '李四',
    contact: 'lisi@example.org',
    grounds: '认为该业委会公开不及时，但未提供具体材料。',
    committeeId: plan.ranking[3],
  });
  await b.campaignUpdate('resolveObjection', {
    actor: 'bureau-lu',
    objectionId: upheld.objectionId!,
    outcome: 'upheld',
    reason: '经核查，换届选举程序不规范',
  });
  await b.campaignUpdate('resolveObjection', {
    actor: 'bureau-lu',
    objectionId: dismissed.objectionId!,
    outcome: 'dismissed',
    reason: '经核查，财务与事务公开符合规定',
  });

  await b.enter('publicityEnds');
  o.mark('confirmation');
  await b.campaignUpdate('confirmFinal', { actor: 'bureau-lu' });
}

/** The key under which a campaign Update's fan-outs are recorded (bench/profile.ts) and looked up (floor). */
export function campaignUpdateKey(name: string, payload: any): string {
  const p = payload && typeof payload === 'object' ? payload : {};
  return [name, p.actor ?? '', p.committeeId ?? '', p.objectionId ?? ''].join('|');
}
