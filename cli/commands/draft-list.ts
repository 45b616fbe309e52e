/** The bureau's decisions on the draft list besides objections: taking a committee off it. */
import { z } from 'zod';
import { campaignAction } from '../../client/campaigns';
import { command } from './command';
import { actorFlag, flags } from './flags';

export const draftListCommands = [
  command({
    name: 'campaign remove',
    aliases: ['campaign remove-from-list'],
    summary:
      'Take a committee off the draft list with a reason (bureau), e.g. after a serious incident (notice 五(三)); recorded and emailed',
    flags: z
      .object({ year: flags.year, as: flags.id, committee: flags.id, reason: flags.text(4), json: flags.json })
      .strict(),
    async run(f, ctx) {
      const r = await campaignAction(await ctx.client(), f.year, 'removeFromList', {
        actor: actorFlag(ctx, f.as),
        committeeId: f.committee,
        reason: f.reason,
      });
      ctx.say(r.message);
      return r;
    },
  }),
];
