/** The panel chair finalises the ranked draft list (notice 三(三)); 公示 starts, and every other application is told. */
import { z } from 'zod';
import { requirePanelChair } from '../../../domain/authorization';
import { publicityEnd, publicityEndCountingPublicationDay } from '../../../domain/calendar';
import { reject } from '../../../domain/rejections';
import { actor, committeeId, text } from '../../shared/fields';
import { decide, deadlineText as fmt, entriesWhere } from '../state';
import { campaignAction } from './context';

/** The patch under which the panel's list tells each application left off it once (CampaignRuleVersions). */
export const NOT_SELECTED_ONCE_PATCH = 'not-selected-once';

export const panelFinalize = campaignAction({
  schema: () =>
    z
      .object({ actor, ranking: z.array(committeeId).min(1).max(50), tieBreakRule: text(4, 2000) })
      .strict()
      .refine((v) => new Set(v.ranking).size === v.ranking.length, {
        path: ['ranking'],
        message: 'lists a committee twice',
      }),
  who: (data, c) => void requirePanelChair(c.input.staff, data.actor, 'panelFinalize'),
  // Every application's last stage: the ranked ones must be inspected, the others are told they were not selected.
  gathers: () => 'all',
  when: (data, { input, phaseFrom }) => {
    if (phaseFrom !== 'inspection' && phaseFrom !== 'awaiting-panel')
      reject('WrongPhase', `the list is finalised during the expert review, not in phase ${phaseFrom}`);
    if (data.ranking.length > input.quota)
      reject('InvalidInput', `ranking: ${data.ranking.length} committees exceed the quota of ${input.quota}`);
  },
  reported: (data, { s }) => {
    for (const id of data.ranking) {
      const e = s.registry[id];
      if (!e || e.stage !== 'inspected')
        reject(
          'InvalidInput',
          `ranking: ${id} is not an inspected application; only inspected applications are eligible`,
        );
    }
  },
  apply: (data, c) => {
    const { s, input } = c;
    // Lists finalised before 公示 counted whole working days keep the end they were given.
    const end = c.rules().wholePublicityDays ? publicityEnd : publicityEndCountingPublicationDay;
    const ends = end(c.at, input.calendar.publicityWorkingDays, input.calendar.workdays);
    s.draft = {
      ranking: data.ranking,
      tieBreakRule: data.tieBreakRule,
      by: data.actor,
      at: new Date(c.at).toISOString(),
      publicityEnds: new Date(ends).toISOString(),
    };
    data.ranking.forEach((id, i) => decide(s, [id], { type: 'listed', rank: i + 1 }));
    const notListed = entriesWhere(s, (e) => e.stage === 'inspected' || e.stage === 'recommended').filter(
      (id) => !data.ranking.includes(id),
    );
    const reasonFor = (id: string) =>
      s.registry[id].stage === 'inspected' ? '评选团未将其列入拟表彰名单' : '未完成专项检查，不具备评选资格';
    const reasons = ['评选团未将其列入拟表彰名单', '未完成专项检查，不具备评选资格'];
    // Grouped before any is recorded as not selected: grouping after the first decide() read the inspected ones'
    // new stage and put them in the second group too, so each was told twice, seconds apart, and one told while
    // it completed failed that completion. Lists finalised before keep their two fan-outs (rules().notSelectedOnce).
    const groups = c.rules().notSelectedOnce ? reasons.map((r) => notListed.filter((id) => reasonFor(id) === r)) : [];
    reasons.forEach((reason, i) => {
      const group = groups[i] ?? notListed.filter((id) => reasonFor(id) === reason);
      if (group.length) decide(s, group, { type: 'not-selected', reason });
    });
    return { message: `拟表彰名单已确定（${data.ranking.length} 家），公示至 ${fmt(ends)}` };
  },
});
