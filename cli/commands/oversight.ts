/** What the bureau reads to oversee a campaign: its audit trail, its email, the panel's votes. */
import { z } from 'zod';
import { formatBeijing } from '../../domain/calendar';
import { campaignAudit, campaignMailStatus, panelVotes } from '../../client/campaigns';
import { table } from '../../client/format';
import { command } from './command';
import { flags } from './flags';

const bj = (iso: string) => formatBeijing(Date.parse(iso));

export const oversightCommands = [
  command({
    name: 'campaign audit',
    summary:
      "The campaign's audit trail (bureau): accepted actions, refused signals and refused Updates the client reported; --rejected for refusals only",
    flags: z.object({ year: flags.year, rejected: z.literal(true).optional(), json: flags.json }).strict(),
    async run(f, ctx) {
      const all = await campaignAudit(await ctx.client(), f.year);
      const rows = f.rejected ? all.filter((e) => e.outcome === 'rejected') : all;
      ctx.say(
        table([
          ['time (北京时间)', 'actor', 'action', 'outcome', 'detail'],
          ...rows.map((e) => [bj(e.at), e.actor, e.action, e.outcome, e.detail]),
        ]),
      );
      ctx.say(
        `${rows.length} entr${rows.length === 1 ? 'y' : 'ies'}; the oldest refusals are dropped beyond 200. Refused Updates appear only when the client that sent them reported them.`,
      );
      return rows;
    },
  }),
  command({
    name: 'campaign mail',
    summary: "The campaign's email (bureau): sent, still sending or retrying, undeliverable (with the reason)",
    flags: z.object({ year: flags.year, json: flags.json }).strict(),
    async run(f, ctx) {
      const m = await campaignMailStatus(await ctx.client(), f.year);
      const status = {
        sent: m.sent,
        retrying: m.queued,
        undeliverable: m.undeliverableTotal,
        undeliverableRecent: m.undeliverable,
        reminders: m.reminders,
      };
      ctx.say(`sent: ${m.sent}   sending or retrying: ${m.queued}   undeliverable: ${m.undeliverableTotal}`);
      if (m.undeliverable.length) {
        ctx.say('');
        ctx.say(
          table([
            ['for (北京时间)', 'recipient', 'email', 'about', 'reason'],
            ...m.undeliverable.map((u) => [
              bj(u.at),
              `${u.recipientId} ${u.recipientName}`,
              u.email ?? '(none)',
              u.kind,
              u.reason,
            ]),
          ]),
        );
      }
      return status;
    },
  }),
  command({
    name: 'panel votes',
    summary: "The panel's votes so far (bureau, panel): per committee, who supported and who did not",
    flags: z.object({ year: flags.year, json: flags.json }).strict(),
    async run(f, ctx) {
      const votes = await panelVotes(await ctx.client(), f.year);
      const rows = Object.entries(votes)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([committeeId, byMember]) => {
          const all = Object.entries(byMember);
          return {
            committeeId,
            support: all.filter(([, v]) => v.support).length,
            against: all.filter(([, v]) => !v.support).length,
            votes: all.map(([member, v]) => ({ member, ...v })),
          };
        });
      ctx.say(
        table([
          ['committee', 'support', 'against', 'votes'],
          ...rows.map((r) => [
            r.committeeId,
            String(r.support),
            String(r.against),
            r.votes.map((v) => `${v.member}:${v.support ? 'yes' : 'no'}`).join(' '),
          ]),
        ]),
      );
      ctx.say(`${rows.length} committee(s) voted on`);
      return rows;
    },
  }),
];
