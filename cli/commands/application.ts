/** Committees submit; anyone with access reads an application, its audit trail and lists. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { STAGE_LABELS, APPLICATION_STAGES } from '../../domain/stages';
import { applicationAction, applicationStatus, listApplications, submitApplication } from '../../client/applications';
import { UserError } from '../../client/errors';
import { table } from '../../client/format';
import { formatBeijing } from '../../domain/calendar';
import { command } from './command';
import { actorFlag, flags } from './flags';

function readForm(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`--form ${path}: ${(err as Error).message}`);
  }
}

export const applicationCommands = [
  command({
    name: 'application submit',
    summary:
      'Apply with the recommendation form (推荐表) as a committee: --as <committee id> --form <file.json> (see data/example-form.json)',
    flags: z.object({ year: flags.year, as: flags.id, form: z.string().min(1), json: flags.json }).strict(),
    async run(f, ctx) {
      actorFlag(ctx, f.as);
      const handle = await submitApplication(await ctx.client(), {
        year: f.year,
        directory: ctx.directory(),
        committeeId: f.as,
        form: readForm(f.form),
      });
      ctx.say(`申报已提交：${handle.workflowId}`);
      return { workflowId: handle.workflowId };
    },
  }),
  command({
    name: 'application record-paper-form',
    summary: 'Record that the paper form (一式两份) reached the bureau',
    flags: z
      .object({ year: flags.year, committee: flags.id, as: flags.id, receivedOn: flags.date, json: flags.json })
      .strict(),
    async run(f, ctx) {
      const r = await applicationAction(await ctx.client(), f.year, f.committee, 'recordPaperForm', {
        actor: actorFlag(ctx, f.as),
        receivedOn: f.receivedOn,
      });
      ctx.say(r.message);
      return r;
    },
  }),
  command({
    name: 'application show',
    summary: 'One application: form, stage, decisions, inspection',
    flags: z.object({ year: flags.year, committee: flags.id, json: flags.json }).strict(),
    async run(f, ctx) {
      const s = await applicationStatus(await ctx.client(), f.year, f.committee);
      ctx.say(`${s.workflowId}  ${s.form.committeeName}（${s.form.subdistrict}）`);
      ctx.say(`stage: ${s.stage} ${s.stageLabel}${s.reason ? ` — ${s.reason}` : ''}`);
      ctx.say(
        `paper form received: ${s.paperFormReceived ? `yes${s.paperFormReceivedOn ? ` (${s.paperFormReceivedOn})` : ''}` : 'no'}`,
      );
      if (s.decision)
        ctx.say(
          `街镇 decision: ${s.decision.kind} by ${s.decision.by}${s.decision.note ? ` — ${s.decision.note}` : ''}`,
        );
      if (s.inspection)
        ctx.say(
          `inspection: ${s.inspection.total} (${s.inspection.grade}) by ${s.inspection.inspector} on ${s.inspection.date}`,
        );
      if (s.rank) ctx.say(`rank on the draft list: ${s.rank}`);
      return s;
    },
  }),
  command({
    name: 'application history',
    summary:
      'The audit trail: accepted actions, refused signals, and refused Updates the client reported (times in Beijing time)',
    flags: z.object({ year: flags.year, committee: flags.id, json: flags.json }).strict(),
    async run(f, ctx) {
      const s = await applicationStatus(await ctx.client(), f.year, f.committee);
      ctx.say(
        table([
          ['time (北京时间)', 'actor', 'role', 'action', 'outcome'],
          ...s.audit.map((e) => [
            formatBeijing(Date.parse(e.at)),
            e.actor,
            e.role,
            e.action,
            e.outcome + (e.error ? `: ${e.error}` : ''),
          ]),
        ]),
      );
      if (s.rejectedCount) ctx.say(`(${s.rejectedCount} rejected actions in total; the oldest are dropped beyond 100)`);
      // Said plainly: an Update refused by a client that did not report it (an old client, a crash) is not here.
      ctx.say(
        'Refused Updates appear only when the client that sent them reported them; Temporal keeps no record of them.',
      );
      return s.audit;
    },
  }),
  command({
    name: 'application list',
    summary: 'List applications by search attributes: --year [--subdistrict <街镇>] [--stage <stage>]',
    flags: z
      .object({
        year: flags.year,
        subdistrict: z.string().optional(),
        stage: z.enum(APPLICATION_STAGES).optional(),
        json: flags.json,
      })
      .strict(),
    async run(f, ctx) {
      const rows = await listApplications(await ctx.client(), {
        year: f.year,
        subdistrict: f.subdistrict,
        stage: f.stage,
      });
      ctx.say(
        table([
          ['committee', '街镇', 'stage', 'workflow'],
          ...rows.map((r) => [
            r.committeeId,
            r.subdistrict,
            `${r.stage} ${STAGE_LABELS[r.stage as keyof typeof STAGE_LABELS] ?? ''}`,
            r.status,
          ]),
        ]),
      );
      ctx.say(`${rows.length} application(s)`);
      return rows;
    },
  }),
];
