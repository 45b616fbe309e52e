/** Stages of an application (the Stage search attribute) and of a campaign, with their Chinese labels. */

export const APPLICATION_STAGES = [
  'submitted',
  'recommended',
  'not-recommended',
  'no-decision',
  'inspected',
  'listed',
  'removed',
  'commended',
  'not-selected',
  'rejected-late',
] as const;
export type ApplicationStage = (typeof APPLICATION_STAGES)[number];

export const STAGE_LABELS: Record<ApplicationStage, string> = {
  submitted: '已申报',
  recommended: '街镇推荐',
  'not-recommended': '街镇未推荐',
  'no-decision': '未推荐（街镇逾期未决定）',
  inspected: '已专项检查',
  listed: '拟表彰公示中',
  removed: '公示异议成立，移出名单',
  commended: '已表彰',
  'not-selected': '未入选',
  'rejected-late': '申报已截止',
};

export const FINAL_STAGES: ReadonlySet<ApplicationStage> = new Set([
  'not-recommended',
  'no-decision',
  'removed',
  'commended',
  'not-selected',
  'rejected-late',
]);

export const CAMPAIGN_PHASES = [
  'preparing',
  'applications',
  'review',
  'inspection',
  'awaiting-panel',
  'publicity',
  'awaiting-confirmation',
  'commended',
] as const;
export type CampaignPhase = (typeof CAMPAIGN_PHASES)[number];

export const PHASE_LABELS: Record<CampaignPhase, string> = {
  preparing: '准备中',
  applications: '宣传发动与申报（4–5月）',
  review: '街镇推荐遴选（6–7月）',
  inspection: '专项检查与专家评审（8–10月）',
  'awaiting-panel': '评审期已过，等待评选团定稿',
  publicity: '拟表彰名单公示',
  'awaiting-confirmation': '公示期满，待最终确认',
  commended: '已确定名单并表彰',
};
