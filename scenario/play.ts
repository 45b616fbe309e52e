/**
 * Plays the story through a driver: each scene waits for its moment and its campaign phase, then runs its waves in
 * order. The two threads (selection, re-evaluation) run side by side.
 */
import { CAMPAIGN_PHASES, type CampaignPhase } from '../domain/stages';
import type { Act, ObjectionKey, Scene } from './acts';
import type { StoryClock } from './clock';
import type { Story } from './round';

export interface Driver {
  /** Does one act; a filed objection answers with its id. */
  perform(act: Act, objections: Objections): Promise<{ objectionId?: string }>;
  /** The campaign's phase now. */
  phase(): Promise<CampaignPhase>;
}

/** The ids the campaign gave the story's objections, filled in as they are filed. */
export type Objections = Partial<Record<ObjectionKey, string>>;

export interface PlayOptions {
  driver: Driver;
  clock: StoryClock;
  /** How many acts of one wave run at once (default 1: in order). */
  width?: number;
  /** Called with each scene's title as it begins. */
  progress?: (line: string) => void;
  objections?: Objections;
}

/** Returns once the campaign has reached `phase` or a later one (polls its status every 200 ms). */
export async function untilPhase(driver: Driver, phase: CampaignPhase, timeoutMs = 120_000): Promise<void> {
  const want = CAMPAIGN_PHASES.indexOf(phase);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await driver.phase();
    if (CAMPAIGN_PHASES.indexOf(now) >= want) return;
    if (Date.now() > deadline)
      throw new Error(`the campaign is still ${now} after ${timeoutMs} ms; waiting for ${phase}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function playScene(scene: Scene, o: PlayOptions): Promise<void> {
  const objections = (o.objections ??= {});
  await o.clock.until(scene.at);
  // On a cold stack the campaign's start-up work can run past an opening instant at high compression: an act sent
  // before the campaign has entered its phase is refused, so the phase itself is awaited, not just the clock.
  if (scene.phase) await untilPhase(o.driver, scene.phase);
  o.progress?.(scene.title);
  for (const wave of scene.waves)
    await inParallel(wave, o.width ?? 1, async (act) => {
      const r = await o.driver.perform(act, objections);
      if (act.kind === 'fileObjection') objections[act.key] = r.objectionId;
    });
}

export async function playScenes(scenes: Scene[], o: PlayOptions): Promise<void> {
  for (const scene of scenes) await playScene(scene, o);
}

/** The prologue, then both threads side by side (the campaign must have been started in between: see the callback). */
export async function playStory(story: Story, o: PlayOptions & { startCampaign: () => Promise<void> }): Promise<void> {
  for (const act of story.prologue) await o.driver.perform(act, {});
  await o.startCampaign();
  const objections: Objections = {};
  await Promise.all([
    playScenes(story.selection, { ...o, objections }),
    playScenes(story.reevaluation, { ...o, objections }),
  ]);
}

/** Runs `fn` over `items`, `width` at a time; the first failure is thrown once the others in flight settle. */
export async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  const results = await Promise.allSettled(lanes);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
