/**
 * The benchmark's round: the story of scenario/round.ts at scale (every 街镇 recommends four in five, turns down every
 * fifth and confirms its list; the paper form comes with the application), each act one client call, issued by
 * concurrent actors (at most `concurrency` calls in flight; the acts of one wave side by side, waves in order). The
 * same story drives the domain (client/*.ts against the real workflows) and the floor (the same calls against
 * bench/floor-workflows.ts), through the Backend interface.
 *
 *   applications  every committee submits (a workflow start). Its form says the paper form came with it;
 *                 with --emails it says not, nobody records one, and every application sends its
 *                 paper-form reminders (7, 3 and 1 working days before the applications deadline)
 *   review        each 街镇 recommends 4 in 5 of its committees and turns down every 5th; then every 街镇
 *                 confirms its list
 *   inspection    every recommended application is inspected (inspector-1 / inspector-2); panel-2
 *                 votes for the five best
 *   publicity     the chair finalises them; two objections are filed; one is upheld, one dismissed
 *   confirmation  after 公示 the bureau confirms
 */
import type { Directory } from '../domain/directory';
import { FIVE_GOODS } from '../domain/grades';
import { fiveScores, type Act, type ObjectionKey } from '../scenario/acts';
import { roundStory, type Plan } from '../scenario/round';
import { causes, forEachConcurrent } from './stats';

export type Window = 'applications' | 'review' | 'inspection' | 'publicityEnds';

export interface Backend {
  /** Waits until the round may go on with `window` (the domain: its calendar; the floor: fan-outs done). */
  enter(window: Window): Promise<void>;
  submit(committeeId: string): Promise<void>;
  appUpdate(committeeId: string, name: string, payload: Record<string, unknown>): Promise<void>;
  campaignUpdate(name: string, payload: Record<string, unknown>): Promise<{ objectionId?: string }>;
}

/** Who is recommended, inspected, ranked and removed: the story's plan at scale. */
export type RoundPlan = Plan;

/** The bench's directory gives the story's at-scale plan (the year label is the backend's; not used here). */
export function planRound(d: Directory): RoundPlan {
  return roundStory(d, { year: 2023, shape: 'at-scale' }).plan;
}

export function scoresFor(total: number): Record<(typeof FIVE_GOODS)[number], number> {
  const five = fiveScores(total);
  return Object.fromEntries(FIVE_GOODS.map((k, i) => [k, five[i]])) as Record<(typeof FIVE_GOODS)[number], number>;
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

/** Where the backend waits before a scene: its window (the publicity scene follows the inspection at once). */
const WINDOW: Record<string, Window | undefined> = {
  applications: 'applications',
  review: 'review',
  inspection: 'inspection',
  confirmation: 'publicityEnds',
};

export async function runRound(o: RoundOptions): Promise<void> {
  const story = roundStory(o.directory, { year: o.calendarYear, calendarYear: o.calendarYear, shape: 'at-scale' });
  if (JSON.stringify(story.plan) !== JSON.stringify(o.plan))
    throw new Error("runRound: the plan is not the story's plan for this directory (planRound)");
  const b = o.backend;
  const objections: Partial<Record<ObjectionKey, string>> = {};
  for (const scene of story.selection) {
    const window = WINDOW[scene.id];
    if (window) await b.enter(window);
    o.mark(scene.id);
    for (const wave of scene.waves)
      await forEachConcurrent(wave, o.concurrency, async (act) => {
        const r = await perform(b, act, objections).catch((err) => {
          throw new Error(`${scene.id}: ${describeAct(act)} failed: ${causes(err)}`, { cause: err });
        });
        if (act.kind === 'fileObjection') objections[act.key] = r.objectionId;
      });
  }
}

/** The act in a failure's message: its kind and whom it concerns, no payload. */
function describeAct(act: Act): string {
  return 'committee' in act ? `${act.kind} ${act.committee}` : act.kind;
}

/** One act of the story as one backend call. */
async function perform(
  b: Backend,
  act: Act,
  objections: Partial<Record<ObjectionKey, string>>,
): Promise<{ objectionId?: string }> {
  switch (act.kind) {
    case 'submit':
      await b.submit(act.committee);
      return {};
    case 'recommend':
      await b.appUpdate(act.committee, 'recommend', { actor: act.actor });
      return {};
    case 'notRecommend':
      await b.appUpdate(act.committee, 'notRecommend', { actor: act.actor, reason: act.reason });
      return {};
    case 'confirmList':
      return b.campaignUpdate('confirmList', { actor: act.actor });
    case 'recordInspection':
      await b.appUpdate(act.committee, 'recordInspection', {
        actor: act.actor,
        scores: scoresFor(act.total),
        total: act.total,
        inspector: act.inspector,
        date: act.date,
        notes: act.notes,
      });
      return {};
    case 'panelVote':
      return b.campaignUpdate('panelVote', { actor: act.actor, committeeId: act.committee, support: true });
    case 'panelFinalize':
      return b.campaignUpdate('panelFinalize', {
        actor: act.actor,
        ranking: act.ranking,
        tieBreakRule: act.tieBreakRule,
      });
    case 'fileObjection':
      return b.campaignUpdate('fileObjection', {
        name: act.name,
        contact: act.contact,
        grounds: act.grounds,
        committeeId: act.committee,
      });
    case 'resolveObjection':
      return b.campaignUpdate('resolveObjection', {
        actor: act.actor,
        objectionId: objections[act.key]!,
        outcome: act.outcome,
        reason: act.reason,
      });
    case 'confirmFinal':
      return b.campaignUpdate('confirmFinal', { actor: act.actor });
    default:
      throw new Error(`the bench plays the selection at scale, not ${act.kind}`);
  }
}

/** The key under which a campaign Update's fan-outs are recorded (bench/profile.ts) and looked up (floor). */
export function campaignUpdateKey(name: string, payload: any): string {
  const p = payload && typeof payload === 'object' ? payload : {};
  return [name, p.actor ?? '', p.committeeId ?? '', p.objectionId ?? ''].join('|');
}
