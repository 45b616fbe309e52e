/** Bureau staff: start a year's campaign, read its status, extend a window, confirm the final list. */
import { z } from 'zod';
import { CalendarError, INSTANT_FIELDS, type CalendarOverrides } from '../../domain/calendar';
import { HolidayDataError } from '../../domain/holidays';
import { campaignAction, campaignStatus, resolveYearCalendar, startYearCampaign } from '../../client/campaigns';
import { UserError } from '../../client/errors';
import { formatCampaignStatus } from '../../client/format';
import { command } from './command';
import { actorFlag, flags } from './flags';
import { resumeAfterStartByHand } from '../../client/kickoff-schedule';

const windowFlags = Object.fromEntries(INSTANT_FIELDS.map((f) => [f, flags.dateOrInstant.optional()])) as Record<
  (typeof INSTANT_FIELDS)[number],
  z.ZodOptional<typeof flags.dateOrInstant>
>;

export const campaignCommands = [
  command({
    name: 'campaign start',
    summary:
      "Start the year's campaign (bureau). Windows default to the notice; override any with e.g. --review-closes 2027-08-15",
    flags: z
      .object({
        year: flags.year,
        holidayFile: z.string().optional(),
        weekendsOnly: z.literal(true).optional(),
        quota: z.coerce.number().int().min(1).max(50).default(5),
        publicityWorkingDays: z.coerce.number().int().min(1).max(30).optional(),
        // The written-materials deadline of this year's re-evaluations (default Sep 30 24:00).
        reevaluationMaterialsDue: flags.dateOrInstant.optional(),
        ...windowFlags,
      })
      .strict(),
    async run(f, ctx) {
      const overrides: CalendarOverrides = {};
      for (const k of INSTANT_FIELDS) if (f[k]) overrides[k] = f[k];
      if (f.publicityWorkingDays) overrides.publicityWorkingDays = f.publicityWorkingDays;
      let calendar;
      try {
        calendar = resolveYearCalendar(f.year, {
          holidayFile: f.holidayFile,
          weekendsOnly: f.weekendsOnly,
          overrides,
          now: Date.now(),
        });
      } catch (err) {
        if (err instanceof CalendarError || err instanceof HolidayDataError) throw new UserError(err.message);
        throw err;
      }
      // Every title active now is re-evaluated this year (startYearCampaign lists them).
      const { handle, activeTitles } = await startYearCampaign(await ctx.client(), {
        calendar,
        directory: ctx.directory(),
        quota: f.quota,
        reevaluationMaterialsDue: f.reevaluationMaterialsDue,
      });
      ctx.say(`Started ${handle.workflowId}. Next: npm run cli -- campaign status --year ${f.year}`);
      if (activeTitles.length)
        ctx.say(
          `Re-evaluating ${activeTitles.length} active title(s) this year: npm run cli -- title list --status active`,
        );
      if (await resumeAfterStartByHand(await ctx.client(), f.year))
        ctx.say(`The yearly kickoff Schedule, paused by the failed ${f.year} kickoff, is resumed.`);
      return { workflowId: handle.workflowId, calendar };
    },
  }),
  command({
    name: 'campaign status',
    summary: 'Phase, windows (Beijing time) and counts per stage and per 街镇',
    flags: z.object({ year: flags.year, json: flags.json }).strict(),
    async run(f, ctx) {
      const status = await campaignStatus(await ctx.client(), f.year);
      ctx.say(formatCampaignStatus(status));
      return status;
    },
  }),
  command({
    name: 'campaign extend',
    aliases: ['campaign extend-deadline'],
    summary: 'Extend a window (bureau): --window applications|review|inspection --until <date> [--subdistrict <街镇>]',
    flags: z
      .object({
        year: flags.year,
        as: flags.id,
        window: z.enum(['applications', 'review', 'inspection']),
        until: flags.until,
        subdistrict: z.string().optional(),
        json: flags.json,
      })
      .strict(),
    async run(f, ctx) {
      const r = await campaignAction(await ctx.client(), f.year, 'extendDeadline', {
        actor: actorFlag(ctx, f.as),
        window: f.window,
        until: f.until,
        subdistrict: f.subdistrict,
      });
      ctx.say(r.message);
      return r;
    },
  }),
  command({
    name: 'campaign confirm',
    aliases: ['campaign confirm-final'],
    summary: 'Confirm the final list after 公示 (bureau); each listed committee is commended',
    flags: z.object({ year: flags.year, as: flags.id, json: flags.json }).strict(),
    async run(f, ctx) {
      const r = await campaignAction(await ctx.client(), f.year, 'confirmFinal', { actor: actorFlag(ctx, f.as) });
      ctx.say(r.message);
      return r;
    },
  }),
];
