/** Bureau staff: the yearly kickoff Schedule (client/kickoff-schedule.ts). */
import { z } from 'zod';
import {
  formatKickoffSchedule,
  kickoffScheduleSummary,
  pauseKickoff,
  resumeKickoff,
  triggerKickoff,
} from '../../client/kickoff-schedule';
import { command } from './command';
import { flags } from './flags';

const scheduleId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes')
  .default('campaign-kickoff');

export const scheduleCommands = [
  command({
    name: 'campaign schedule show',
    summary: 'The yearly kickoff (April 1 09:00 Beijing): next run, paused or not and why, the last run and its result',
    flags: z.object({ scheduleId, json: flags.json }).strict(),
    async run(f, ctx) {
      const s = await kickoffScheduleSummary(await ctx.client(), f.scheduleId);
      ctx.say(formatKickoffSchedule(s));
      return s;
    },
  }),
  command({
    name: 'campaign schedule pause',
    summary: 'Pause the yearly kickoff (bureau): --reason "<why>"',
    flags: z.object({ reason: flags.text(1, 500), scheduleId, json: flags.json }).strict(),
    async run(f, ctx) {
      await pauseKickoff(await ctx.client(), f.reason, f.scheduleId);
      ctx.say(`Paused ${f.scheduleId}. Resume: npm run cli -- campaign schedule resume`);
      return { scheduleId: f.scheduleId, paused: true };
    },
  }),
  command({
    name: 'campaign schedule resume',
    summary: 'Resume the yearly kickoff after a pause',
    flags: z.object({ scheduleId, json: flags.json }).strict(),
    async run(f, ctx) {
      await resumeKickoff(await ctx.client(), f.scheduleId);
      const s = await kickoffScheduleSummary(await ctx.client(), f.scheduleId);
      ctx.say(`Resumed ${f.scheduleId}.\n${formatKickoffSchedule(s)}`);
      return s;
    },
  }),
  command({
    name: 'campaign schedule trigger',
    summary: "Run the kickoff now for this year (Beijing); it starts nothing if the year's campaign exists",
    flags: z.object({ scheduleId, json: flags.json }).strict(),
    async run(f, ctx) {
      await triggerKickoff(await ctx.client(), f.scheduleId);
      ctx.say(`Triggered ${f.scheduleId}. See the result: npm run cli -- campaign schedule show`);
      return { scheduleId: f.scheduleId, triggered: true };
    },
  }),
];
