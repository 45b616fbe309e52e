/** A panel member votes on an inspected application during the expert review (notice 三(三)); may change it until the list is final. */
import { z } from 'zod';
import { requireRole } from '../../../domain/authorization';
import { reject } from '../../../domain/rejections';
import { actor, committeeId } from '../../shared/fields';
import { campaignAction } from './context';

export const panelVote = campaignAction({
  schema: () => z.object({ actor, committeeId, support: z.boolean(), note: z.string().max(2000).optional() }).strict(),
  who: (data, c) => void requireRole(c.input.staff, data.actor, 'panel', 'panelVote'),
  // The committee's inspection may have been recorded a moment ago.
  gathers: (data, { s }) => (s.registry[data.committeeId] ? [s.registry[data.committeeId].sd] : 'all'),
  when: (data, { s, phaseFrom }) => {
    if (phaseFrom !== 'inspection' && phaseFrom !== 'awaiting-panel')
      reject('WrongPhase', `the panel votes during the expert review, not in phase ${phaseFrom}`);
    // A member may change their vote until the chair finalises (the phase check above); only an identical vote is a duplicate.
    const prev = s.votes[data.committeeId]?.[data.actor];
    if (prev && prev.support === data.support && (prev.note ?? '') === (data.note ?? ''))
      reject('Duplicate', `${data.actor} has already voted the same on ${data.committeeId}`);
  },
  reported: (data, { s }) => {
    const entry = s.registry[data.committeeId];
    if (!entry) reject('NotFound', `committeeId: no application from ${data.committeeId} this year`);
    if (entry.stage !== 'inspected')
      reject(
        'WrongPhase',
        `${data.committeeId} has not been inspected (stage ${entry.stage}); only inspected applications are eligible`,
      );
  },
  apply: (data, { s }) => {
    const changed = s.votes[data.committeeId]?.[data.actor] !== undefined;
    (s.votes[data.committeeId] ??= {})[data.actor] = { support: data.support, note: data.note };
    return { message: `已${changed ? '更改' : '记录'}对 ${data.committeeId} 的投票` };
  },
});
