/** Re-election filings (换届改选备案) and the bureau's decision on a flagged committee of the draft list. */
import { z } from 'zod';
import { campaignAction } from '../../client/campaigns';
import { fileReelection } from '../../client/reelection';
import { command } from './command';
import { actorFlag, flags } from './flags';

export const reelectionCommands = [
  command({
    name: 'committee file-reelection',
    summary:
      'Record a re-election filing (换届改选备案) for any committee: --committee <id> --as <committee|街镇|bureau> --filing-ref <备案编号> [--filed-on <date>, default today] [--year <round>]; an active title lapses at once',
    flags: z
      .object({
        committee: flags.id,
        as: flags.id,
        filedOn: flags.date.optional(),
        filingRef: flags.text(1, 64),
        note: z.string().optional(),
        year: flags.year.optional(),
        json: flags.json,
      })
      .strict(),
    async run(f, ctx) {
      const r = await fileReelection(await ctx.client(), {
        directory: ctx.directory(),
        committeeId: f.committee,
        actor: actorFlag(ctx, f.as),
        filedOn: f.filedOn,
        filingRef: f.filingRef,
        note: f.note,
        year: f.year,
      });
      for (const m of r.messages) ctx.say(m);
      return r;
    },
  }),
  command({
    name: 'campaign decide-reelection',
    summary:
      'The bureau decides on a flagged committee of the draft list: --outcome keep|remove --reason "…" (keep: the title goes to the new committee)',
    flags: z
      .object({
        year: flags.year,
        as: flags.id,
        committee: flags.id,
        outcome: z.enum(['keep', 'remove']),
        reason: flags.text(4),
        json: flags.json,
      })
      .strict(),
    async run(f, ctx) {
      const r = await campaignAction(await ctx.client(), f.year, 'decideReelection', {
        actor: actorFlag(ctx, f.as),
        committeeId: f.committee,
        outcome: f.outcome,
        reason: f.reason,
      });
      ctx.say(r.message);
      return r;
    },
  }),
];
