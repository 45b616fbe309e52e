/**
 * The vocabulary of the story: each act is one thing a person of the cast does, named as the notice names it.
 * Drivers turn an act into a client call, a CLI command line, a bench Update or a fault-tolerant CLI step.
 */
import type { CampaignPhase } from '../domain/stages';

export type Act =
  // 三(一)–(二) 宣传发动, 申报
  | { kind: 'submit'; committee: string }
  | { kind: 'recordPaperForm'; committee: string; actor: string; receivedOn: string }
  // 三(二) 推荐遴选
  | { kind: 'recommend'; committee: string; actor: string }
  | { kind: 'notRecommend'; committee: string; actor: string; reason: string }
  | { kind: 'confirmList'; subdistrict: string; actor: string }
  // 三(三) 专家评审
  | {
      kind: 'recordInspection';
      committee: string;
      actor: string;
      total: number;
      inspector: string;
      date: string;
      notes: string;
    }
  | { kind: 'panelVote'; committee: string; actor: string }
  | { kind: 'panelFinalize'; actor: string; ranking: string[]; tieBreakRule: string }
  // 三(四) 公示表彰
  | { kind: 'fileObjection'; key: ObjectionKey; committee: string; name: string; contact: string; grounds: string }
  | { kind: 'resolveObjection'; key: ObjectionKey; actor: string; outcome: ObjectionKey; reason: string }
  | { kind: 'confirmFinal'; actor: string }
  // 五 复评 and 退出
  | { kind: 'importTitles'; file: string }
  | { kind: 'submitMaterials'; committee: string; summary: string }
  | { kind: 'fileReelection'; committee: string; actor: string; filingRef: string }
  | { kind: 'recordReevaluation'; committee: string; actor: string; total: number; inspector: string; date: string }
  | { kind: 'preReview'; committee: string; actor: string }
  | { kind: 'confirmReevaluation'; committee: string; actor: string }
  | { kind: 'confirmRecovery'; committee: string; actor: string };

export type ActKind = Act['kind'];
/** The story files two objections; a resolution names the one it decides by its key. */
export type ObjectionKey = 'upheld' | 'dismissed';

/**
 * One scene: a moment of the notice's calendar, the campaign phase it needs, and its acts. The acts of one wave do
 * not depend on each other (a driver may run them side by side); each wave starts when the one before has ended.
 */
export interface Scene {
  id: SceneId;
  /** The notice's words for it, printed by the demo. */
  title: string;
  /** Beijing wall time in the calendar's own year, 'MM-DD HH:mm'. */
  at: string;
  /** Wait until the campaign has reached this phase: a calendar opening late on a cold stack refuses early acts. */
  phase?: CampaignPhase;
  waves: Act[][];
}

export type SceneId =
  | 'applications'
  | 'review'
  | 'inspection'
  | 'publicity'
  | 'confirmation'
  | 'titles'
  | 'materials'
  | 'reelection'
  | 'reevaluation-inspection'
  | 'pre-review'
  | 'reevaluation-confirm'
  | 'recovery';

/** Five scores (the five goods) adding up to `total`, the first ones one point higher where it does not divide. */
export function fiveScores(total: number): number[] {
  const base = Math.floor(total / 5);
  return [0, 1, 2, 3, 4].map((i) => base + (i < total - base * 5 ? 1 : 0));
}
