/**
 * Titles after the round (notice 五): import old holders, list and show titles, the yearly
 * re-evaluation (holder, bureau, 街镇), incidents, re-election filing and recovery of the nameplate.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatBeijing, formatDeadline } from '../../domain/calendar';
import { fiveGoodsText } from '../../domain/grades';
import { INCIDENT_LABELS, INCIDENT_TYPES, TITLE_STATUSES, TITLE_STATUS_LABELS } from '../../domain/titles';
import type { ReevaluationSnapshot } from '../../workflows/reevaluation/state';
import type { TitleSnapshot } from '../../workflows/title/state';
import { UserError } from '../../client/errors';
import { table } from '../../client/format';
import {
  importTitles,
  listTitles,
  reevaluationAction,
  reevaluationStatus,
  resolveTitleId,
  titleAction,
  titleStatus,
} from '../../client/titles';
import { command, type CommandContext } from './command';
import { actorFlag, flags } from './flags';
import { inspectionFlags, inspectionPayload } from './inspection';

const say = (ctx: { say(l: string): void }) => (r: { message: string }) => (ctx.say(r.message), r);
const bj = (iso: string) => formatBeijing(Date.parse(iso));
const dl = (iso: string) => formatDeadline(Date.parse(iso));
/** --committee with an optional --award-year (default: the committee's newest title, found by listing). */
const titleFlags = { committee: flags.id, awardYear: flags.year.optional() };
const titleOf = async (ctx: CommandContext, f: { committee: string; awardYear?: number }) =>
  resolveTitleId(await ctx.client(), f.committee, f.awardYear);
const reevFlags = { year: flags.year, committee: flags.id, as: flags.id, json: flags.json };

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`--file ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
}

function formatTitle(t: TitleSnapshot, ctx: CommandContext): string[] {
  const name = ctx.directory().committees.find((c) => c.id === t.committeeId)?.name ?? '';
  const lines = [`${t.workflowId}  ${name}（${t.subdistrict}）`];
  lines.push(
    `status: ${t.status} ${t.statusLabel}${t.revocation ? ` since ${t.revocation.date} — ${t.revocation.reason}` : ''}`,
  );
  lines.push(
    `awarded: ${t.awardYear} 年度 (on ${t.awardedOn}, ${t.source}); nameplate ${t.nameplateIssued ? 'issued' : 'not issued'}, certificate ${t.certificateIssued ? 'issued' : 'not issued'}`,
  );
  if (t.reelection) lines.push(`re-election filed on ${t.reelection.filedOn} by ${t.reelection.by}`);
  if (t.recovery)
    lines.push(
      `recovery by ${t.recovery.subdistrict}: ${t.recovery.confirmedAt ? `confirmed by ${t.recovery.confirmedBy} (${t.recovery.recoveredOn ?? bj(t.recovery.confirmedAt)})` : `OPEN since ${bj(t.recovery.taskedAt)}`}`,
    );
  if (t.current) lines.push(`re-evaluation running: ${t.current.year} (${t.current.workflowId})`);
  if (t.reevaluations.length) {
    lines.push(
      '',
      table([
        ['year', 'outcome', 'grade', 'reasons'],
        ...t.reevaluations.map((r) => [String(r.year), r.outcome, r.grade ?? '-', r.reasons.join('；')]),
      ]),
    );
  }
  if (t.incidents.length) {
    lines.push('', 'Incidents:');
    for (const i of t.incidents)
      lines.push(
        `  ${i.id} ${i.date} ${INCIDENT_LABELS[i.type]}: ${i.description}${i.countedIn ? ` (counted in ${i.countedIn})` : ' (not yet counted)'}`,
      );
  }
  if (t.rejectedCount) lines.push('', `Rejected actions recorded: ${t.rejectedCount}`);
  return lines;
}

function formatReevaluation(r: ReevaluationSnapshot): string[] {
  const lines = [`${r.workflowId}  ${r.committeeId}（${r.subdistrict}），${r.awardYear} 年度称号`];
  lines.push(`stage: ${r.stage} ${r.stageLabel} (since ${bj(r.stageSince)})`);
  lines.push(
    `materials: ${r.materials ? `submitted ${bj(r.materials.at)}` : r.materialsMissing ? `MISSING at the deadline ${dl(r.materialsMissing.deadline)}` : `due ${dl(r.materialsDue)}`}`,
  );
  lines.push(
    `inspection: ${r.inspection ? `${r.inspection.total} (${r.inspection.grade}) on ${r.inspection.date}` : `opens ${bj(r.inspectionOpens)}, target ${dl(r.inspectionCloses)}`}`,
  );
  if (r.preReview) lines.push(`街镇 pre-review: kept on the list by ${r.preReview.by}`);
  if (r.cancellation)
    lines.push(`街镇 cancelled eligibility: score ${r.cancellation.standardisationScore} — ${r.cancellation.reason}`);
  for (const i of r.incidents) lines.push(`incident ${i.date} ${INCIDENT_LABELS[i.type]}: ${i.description}`);
  if (r.result) lines.push(`RESULT: ${r.result.outcome} — ${r.result.reasons.join('；')}`);
  else if (r.provisional.outcome === 'fail') lines.push(`cannot pass: ${r.provisional.reasons.join('；')}`);
  for (const p of r.pending)
    lines.push(`pending: ${p.who} — ${p.task} (since ${bj(p.since)}${p.due ? `, due ${dl(p.due)}` : ''})`);
  return lines;
}

export const titleCommands = [
  command({
    name: 'title import',
    summary: 'Import title holders from before the system (bureau): --file data/titles-2022.json',
    flags: z.object({ file: z.string().min(1), json: flags.json }).strict(),
    async run(f, ctx) {
      const rows = await importTitles(await ctx.client(), { data: readJson(f.file), directory: ctx.directory() });
      ctx.say(
        table([
          ['committee', 'title workflow', 'outcome'],
          ...rows.map((r) => [
            r.committeeId,
            r.workflowId,
            r.outcome === 'started' ? 'imported' : 'already there, left alone',
          ]),
        ]),
      );
      return rows;
    },
  }),
  command({
    name: 'title list',
    summary: 'List titles by search attributes: [--status active|revoked] [--subdistrict <街镇>]',
    flags: z
      .object({ status: z.enum(TITLE_STATUSES).optional(), subdistrict: z.string().optional(), json: flags.json })
      .strict(),
    async run(f, ctx) {
      const rows = await listTitles(await ctx.client(), { status: f.status, subdistrict: f.subdistrict });
      ctx.say(
        table([
          ['title', 'committee', '街镇', 'status', 'workflow'],
          ...rows.map((r) => [
            r.workflowId,
            r.committeeId,
            r.subdistrict,
            `${r.titleStatus} ${TITLE_STATUS_LABELS[r.titleStatus as 'active'] ?? ''}`,
            r.status,
          ]),
        ]),
      );
      ctx.say(`${rows.length} title(s)`);
      return rows;
    },
  }),
  command({
    name: 'title show',
    summary: "One title: status, every year's re-evaluation, incidents, recovery",
    flags: z.object({ ...titleFlags, json: flags.json }).strict(),
    async run(f, ctx) {
      const t = await titleStatus(await ctx.client(), await titleOf(ctx, f));
      for (const line of formatTitle(t, ctx)) ctx.say(line);
      return t;
    },
  }),
  command({
    name: 'title confirm-recovery',
    summary: 'The original 街镇 confirms it has recovered the nameplate and certificate of a revoked title',
    flags: z
      .object({
        ...titleFlags,
        as: flags.id,
        recoveredOn: flags.date.optional(),
        note: z.string().optional(),
        json: flags.json,
      })
      .strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await titleAction(await ctx.client(), await titleOf(ctx, f), 'confirmRecovery', {
          actor: actorFlag(ctx, f.as),
          recoveredOn: f.recoveredOn,
          note: f.note,
        }),
      ),
  }),
  command({
    name: 'incident record',
    summary: `Bureau records a serious incident in the quarter: --type ${INCIDENT_TYPES.join('|')} --date --description`,
    flags: z
      .object({
        ...titleFlags,
        as: flags.id,
        type: z.enum(INCIDENT_TYPES),
        date: flags.date,
        description: flags.text(5),
        json: flags.json,
      })
      .strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await titleAction(await ctx.client(), await titleOf(ctx, f), 'recordIncident', {
          actor: actorFlag(ctx, f.as),
          type: f.type,
          date: f.date,
          description: f.description,
        }),
      ),
  }),
  // `committee file-reelection` (any committee, with or without a title) is in ./reelection.ts.
  command({
    name: 'reevaluation show',
    summary: "One year's re-evaluation: stage, materials, inspection, 街镇 pre-review, result, who owes what",
    flags: z.object({ year: flags.year, committee: flags.id, json: flags.json }).strict(),
    async run(f, ctx) {
      const r = await reevaluationStatus(await ctx.client(), f.year, f.committee);
      for (const line of formatReevaluation(r)) ctx.say(line);
      return r;
    },
  }),
  command({
    name: 'reevaluation submit-materials',
    summary:
      'The holder submits written materials to its original 街镇: --as <committee id> --summary "…" [--documents a,b]',
    flags: z
      .object({
        year: flags.year,
        as: flags.id,
        summary: flags.text(10, 5000),
        documents: flags.list.optional(),
        json: flags.json,
      })
      .strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await reevaluationAction(await ctx.client(), f.year, actorFlag(ctx, f.as), 'submitMaterials', {
          actor: f.as,
          summary: f.summary,
          documents: f.documents ?? [],
        }),
      ),
  }),
  command({
    name: 'reevaluation record-inspection',
    summary: `Org Dept / bureau records the special inspection: five scores 0–20 (${fiveGoodsText(',')})`,
    flags: z.object({ ...reevFlags, ...inspectionFlags }).strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await reevaluationAction(
          await ctx.client(),
          f.year,
          f.committee,
          'recordInspection',
          inspectionPayload(f, actorFlag(ctx, f.as)),
        ),
      ),
  }),
  command({
    name: 'reevaluation pre-review',
    summary: 'The original 街镇 keeps the holder on its re-evaluation list and reports it to the bureau',
    flags: z
      .object({
        ...reevFlags,
        standardisationScore: z.coerce.number().min(0).max(100).optional(),
        note: z.string().optional(),
      })
      .strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await reevaluationAction(await ctx.client(), f.year, f.committee, 'preReview', {
          actor: actorFlag(ctx, f.as),
          standardisationScore: f.standardisationScore,
          note: f.note,
        }),
      ),
  }),
  command({
    name: 'reevaluation cancel-eligibility',
    summary:
      'The original 街镇 cancels eligibility on the standardisation score: --standardisation-score 58 --reason "…"',
    flags: z
      .object({ ...reevFlags, standardisationScore: z.coerce.number().min(0).max(100), reason: flags.text(2) })
      .strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await reevaluationAction(await ctx.client(), f.year, f.committee, 'cancelEligibility', {
          actor: actorFlag(ctx, f.as),
          standardisationScore: f.standardisationScore,
          reason: f.reason,
        }),
      ),
  }),
  command({
    name: 'reevaluation confirm',
    summary: 'The bureau re-reviews and confirms the result; a failure revokes the title',
    flags: z.object({ ...reevFlags, note: z.string().optional() }).strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await reevaluationAction(await ctx.client(), f.year, f.committee, 'confirm', {
          actor: actorFlag(ctx, f.as),
          note: f.note,
        }),
      ),
  }),
  command({
    name: 'reevaluation extend',
    aliases: ['reevaluation extend-deadline'],
    summary: 'The bureau moves the materials deadline later, before it passes: --until <date>',
    flags: z.object({ ...reevFlags, until: flags.until }).strict(),
    run: async (f, ctx) =>
      say(ctx)(
        await reevaluationAction(await ctx.client(), f.year, f.committee, 'extendDeadline', {
          actor: actorFlag(ctx, f.as),
          until: f.until,
        }),
      ),
  }),
];
