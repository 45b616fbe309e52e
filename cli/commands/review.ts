/** 街镇 officials, the inspection company, the panel and the public (objections). */
import { z } from 'zod';
import { fiveGoodsText } from '../../domain/grades';
import { applicationAction } from '../../client/applications';
import { campaignAction } from '../../client/campaigns';
import { command } from './command';
import { inspectionFlags, inspectionPayload } from './inspection';
import { actorFlag, flags } from './flags';

const say = (ctx: { say(l: string): void }) => (r: { message: string }) => (ctx.say(r.message), r);

export const reviewCommands = [
  command({
    name: 'subdistrict recommend',
    summary: '街镇 recommends an application of its own 街镇',
    flags: z
      .object({ year: flags.year, committee: flags.id, as: flags.id, note: z.string().optional(), json: flags.json })
      .strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await applicationAction(await ctx.client(), f.year, f.committee, 'recommend', {
          actor: actorFlag(ctx, f.as),
          note: f.note,
        }),
      ),
  }),
  command({
    name: 'subdistrict reject',
    aliases: ['subdistrict not-recommend'],
    summary: '街镇 does not recommend, with a reason',
    flags: z
      .object({ year: flags.year, committee: flags.id, as: flags.id, reason: flags.text(2), json: flags.json })
      .strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await applicationAction(await ctx.client(), f.year, f.committee, 'notRecommend', {
          actor: actorFlag(ctx, f.as),
          reason: f.reason,
        }),
      ),
  }),
  command({
    name: 'subdistrict confirm-list',
    summary: '街镇 confirms its recommendation list to the bureau; its decisions are then locked',
    flags: z.object({ year: flags.year, as: flags.id, json: flags.json }).strict(),
    run: async (f, ctx) =>
      say(ctx)(await campaignAction(await ctx.client(), f.year, 'confirmList', { actor: actorFlag(ctx, f.as) })),
  }),
  command({
    name: 'inspection record',
    summary: `Inspection company records five scores (0–20, in the order ${fiveGoodsText(',')})`,
    flags: z
      .object({ year: flags.year, committee: flags.id, as: flags.id, ...inspectionFlags, json: flags.json })
      .strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await applicationAction(
          await ctx.client(),
          f.year,
          f.committee,
          'recordInspection',
          inspectionPayload(f, actorFlag(ctx, f.as)),
        ),
      ),
  }),
  command({
    name: 'panel vote',
    summary: 'A panel member votes on an inspected application: --support yes|no',
    flags: z
      .object({
        year: flags.year,
        committee: flags.id,
        as: flags.id,
        support: flags.bool,
        note: z.string().optional(),
        json: flags.json,
      })
      .strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await campaignAction(await ctx.client(), f.year, 'panelVote', {
          actor: actorFlag(ctx, f.as),
          committeeId: f.committee,
          support: f.support,
          note: f.note,
        }),
      ),
  }),
  command({
    name: 'panel finalize',
    summary: 'The chair finalises the ranked draft list: --ranking a,b,c --tie-break-rule "…"; 公示 starts',
    flags: z
      .object({ year: flags.year, as: flags.id, ranking: flags.list, tieBreakRule: flags.text(4), json: flags.json })
      .strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await campaignAction(await ctx.client(), f.year, 'panelFinalize', {
          actor: actorFlag(ctx, f.as),
          ranking: f.ranking,
          tieBreakRule: f.tieBreakRule,
        }),
      ),
  }),
  command({
    name: 'objection file',
    summary: 'Anyone files an objection during 公示, under a real name with contact details and grounds',
    flags: z
      .object({
        year: flags.year,
        committee: flags.id,
        name: flags.text(2, 50),
        contact: flags.text(5, 100),
        grounds: flags.text(10, 5000),
        organisation: z.string().optional(),
        stamped: z.literal(true).optional(),
        json: flags.json,
      })
      .strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await campaignAction(await ctx.client(), f.year, 'fileObjection', {
          committeeId: f.committee,
          name: f.name,
          contact: f.contact,
          grounds: f.grounds,
          organisation: f.organisation,
          stamped: f.stamped,
        }),
      ),
  }),
  command({
    name: 'objection resolve',
    summary: 'The bureau resolves an objection: --outcome upheld|dismissed --reason "…"',
    flags: z
      .object({
        year: flags.year,
        as: flags.id,
        objection: flags.id,
        outcome: z.enum(['upheld', 'dismissed']),
        reason: flags.text(2),
        json: flags.json,
      })
      .strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await campaignAction(await ctx.client(), f.year, 'resolveObjection', {
          actor: actorFlag(ctx, f.as),
          objectionId: f.objection,
          outcome: f.outcome,
          reason: f.reason,
        }),
      ),
  }),
];
