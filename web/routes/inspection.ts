/**
 * The inspection company (第三方测评企业): the five scores of each recommended application, by form
 * (the grade band is shown on a preview step before saving; no JavaScript needed) or by CSV upload,
 * and the CSV template. Each score becomes the application's `recordInspection` Update, which checks
 * the role, the phase and duplicates again.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applicationAction } from '../../client/applications';
import { campaignApplications, campaignStatus } from '../../client/campaigns';
import { beijingDate } from '../../domain/calendar';
import { DEFAULT_GRADE_BANDS, FIVE_GOODS } from '../../domain/grades';
import { STAGE_LABELS, type ApplicationStage } from '../../domain/stages';
import { ActionError, BUSY, classify, withinDeadline } from '../actions';
import { calendarNow, deadlineLine, deadlineView } from '../format';
import { fieldMap, newNonce, updateIdOf } from '../forms';
import { type Actor, committeeName } from '../people';
import { errorPage, renderPage } from '../render';
import type { AppContext } from '../server';
import { busyPage, guardRole } from '../selection/guard';
import { checkScores, OTHER_LABELS, SCORE_FIELDS, type ScoreValues } from '../selection/scores';
import { checkCsv, COLUMNS, MAX_ROWS, templateCsv, type RowError } from '../selection/scores-csv';

type Body = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const TITLE = '专项检查评分';

export function registerInspectionRoutes(app: FastifyInstance, ctx: AppContext): void {
  const within = <T>(fn: () => Promise<T>) => withinDeadline(ctx.client, ctx.config.actionDeadlineMs, fn);
  const nameOf = (id: string) => committeeName(ctx.directory, id);
  const guard = (request: FastifyRequest, reply: FastifyReply) =>
    guardRole(ctx, request, reply, 'inspector', '专项检查评分');

  /** The year's applications as the registry has them: awaiting inspection (recommended, list confirmed) and inspected. */
  const overview = async (year: number) => {
    const [status, rows] = await within(() =>
      Promise.all([campaignStatus(ctx.client, year), campaignApplications(ctx.client, year, '')]),
    );
    const open = ['inspection', 'awaiting-panel'].includes(status.phase);
    const row = (r: (typeof rows)[number]) => ({
      committeeId: r.committeeId,
      name: nameOf(r.committeeId),
      subdistrict: r.subdistrict,
      stage: STAGE_LABELS[r.stage as ApplicationStage] ?? r.stage,
    });
    const awaiting = rows.filter((r) => r.stage === 'recommended' && status.confirmed[r.subdistrict]).map(row);
    const unconfirmed = rows.filter((r) => r.stage === 'recommended' && !status.confirmed[r.subdistrict]).map(row);
    const inspected = rows
      .filter((r) => !['submitted', 'recommended', 'not-recommended', 'no-decision', 'withdrawn'].includes(r.stage))
      .map(row);
    return {
      status,
      open,
      awaiting,
      unconfirmed,
      inspected,
      deadline: deadlineLine(deadlineView(status.inspectionCloses, status, Date.now(), '已结束')),
    };
  };

  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    year: number,
    extra: Record<string, unknown> = {},
    code = 200,
  ) => {
    const o = await overview(year);
    return renderPage(
      request,
      reply,
      'inspection',
      { ...o, year, columns: COLUMNS, maxRows: MAX_ROWS, nonce: newNonce(), ...extra },
      { title: TITLE, actor, status: code },
    );
  };

  app.get('/inspection', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    try {
      return await listPage(request, reply, g.actor, g.year);
    } catch (err) {
      return busyPage(request, reply, g.actor, err);
    }
  });

  app.get('/inspection/template.csv', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    try {
      const o = await overview(g.year);
      const name = `${g.year}年专项检查评分模板.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'no-store')
        .header(
          'content-disposition',
          `attachment; filename="inspection-${g.year}.csv"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .send(templateCsv(o.awaiting));
    } catch (err) {
      return busyPage(request, reply, g.actor, err);
    }
  });

  app.post<{ Body: Body }>('/inspection/upload', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    const body = request.body ?? {};
    const raw = body.csv;
    const file = Buffer.isBuffer(raw) ? raw : typeof raw === 'string' && raw ? Buffer.from(raw) : undefined;
    const nonce = str(body.nonce);
    const show = (extra: Record<string, unknown>, code: number) =>
      listPage(request, reply, g.actor, g.year, extra, code).catch((err) => busyPage(request, reply, g.actor, err));
    const prefix = updateIdOf(g.actor.id, nonce);
    if (!prefix) return show({ errors: [{ message: '表单已失效，请重新提交' }] }, 400);
    if (!file?.length)
      return show(
        {
          errors: [{ field: 'csv', message: '请选择要上传的 CSV 文件' }],
          fieldErrors: { csv: '请选择要上传的 CSV 文件' },
        },
        400,
      );
    let o;
    try {
      o = await overview(g.year);
    } catch (err) {
      return busyPage(request, reply, g.actor, err);
    }
    const checkedCsv = checkCsv(file, new Set([...o.awaiting, ...o.inspected].map((r) => r.committeeId)));
    if (!checkedCsv.ok)
      return show(
        { errors: [{ field: 'csv', message: checkedCsv.message }], fieldErrors: { csv: checkedCsv.message } },
        400,
      );
    const bad: RowError[] = [...checkedCsv.bad];
    const saved: { line: number; name: string; total: number; grade: string }[] = [];
    // One Update per good row, in file order; the Update id carries the line, so a re-sent upload is the same Updates.
    for (const row of checkedCsv.good) {
      const { grade: _grade, ...entry } = row.entry;
      try {
        await within(() =>
          applicationAction(
            ctx.client,
            g.year,
            row.committeeId,
            'recordInspection',
            { actor: g.actor.id, ...entry },
            { updateId: `${prefix}-line-${row.line}` },
          ),
        );
        saved.push({ line: row.line, name: nameOf(row.committeeId), total: row.entry.total, grade: row.entry.grade });
      } catch (err) {
        let failure;
        try {
          failure = classify(err);
        } catch {
          throw err;
        }
        bad.push({
          line: row.line,
          column: '业委会编号',
          message: failure.kind === 'busy' ? `${BUSY}，本行未保存，请稍后重新上传本行` : failure.message,
        });
      }
    }
    bad.sort((a, b) => a.line - b.line);
    request.log.info(
      { event: 'action', action: 'inspectionCsv', person: g.actor.id, saved: saved.length, bad: bad.length },
      'inspection csv',
    );
    return show({ upload: { saved, bad } }, bad.length && !saved.length ? 400 : 200);
  });

  const formPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    year: number,
    committeeId: string,
    extra: Record<string, unknown>,
    code = 200,
  ) => {
    const o = await overview(year);
    const row = [...o.awaiting, ...o.inspected, ...o.unconfirmed].find((r) => r.committeeId === committeeId);
    if (!row)
      return errorPage(request, reply, 404, '未找到', `本年度没有待专项检查的申报“${committeeId}”。`, {
        actor,
        links: [{ href: '/inspection', text: '返回专项检查评分' }],
      });
    const today = beijingDate(calendarNow(o.status));
    return renderPage(
      request,
      reply,
      'inspection-form',
      {
        row,
        o,
        scoreFields: SCORE_FIELDS,
        labels: OTHER_LABELS,
        bands: DEFAULT_GRADE_BANDS,
        nonce: newNonce(),
        values: { inspector: actor.name, date: today },
        fieldErrors: {},
        errors: [],
        ...extra,
      },
      { title: `专项检查评分：${row.name}`, actor, status: code },
    );
  };

  app.get<{ Params: { committee: string } }>('/inspection/:committee', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    try {
      return await formPage(request, reply, g.actor, g.year, request.params.committee, {});
    } catch (err) {
      return busyPage(request, reply, g.actor, err);
    }
  });

  app.post<{ Params: { committee: string }; Body: Body }>('/inspection/:committee', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    const body = request.body ?? {};
    const committeeId = request.params.committee;
    const values: ScoreValues = {};
    for (const k of [...FIVE_GOODS, 'inspector', 'date', 'notes'] as const) values[k] = str(body[k]);
    const nonce = str(body.nonce);
    const show = (extra: Record<string, unknown>, code: number) =>
      formPage(request, reply, g.actor, g.year, committeeId, { values, nonce, ...extra }, code).catch((err) =>
        busyPage(request, reply, g.actor, err),
      );
    const updateId = updateIdOf(g.actor.id, nonce);
    if (!updateId) return show({ errors: [{ message: '表单已失效，请重新提交' }], nonce: newNonce() }, 400);
    const r = checkScores(values);
    if (!r.entry) return show({ errors: r.errors, fieldErrors: fieldMap(r.errors) }, 400);
    // Saving needs the preview of exactly these scores first: the grade is seen before it is recorded.
    if (str(body.step) !== 'save' || Number(str(body.previewTotal)) !== r.entry.total)
      return show({ preview: r.entry }, 200);
    try {
      const { grade: _grade, ...entry } = r.entry;
      const result = await within(() =>
        applicationAction(
          ctx.client,
          g.year,
          committeeId,
          'recordInspection',
          { actor: g.actor.id, ...entry },
          { updateId },
        ),
      );
      request.log.info({ event: 'action', action: 'recordInspection', person: g.actor.id }, 'action accepted');
      return await listPage(request, reply, g.actor, g.year, {
        result: `${nameOf(committeeId)}：${result.message}`,
      }).catch((err) => busyPage(request, reply, g.actor, err));
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      if (err.failure.kind === 'busy') return show({ busy: BUSY, preview: r.entry }, 503);
      return show({ errors: [{ message: err.failure.message }] }, 409);
    }
  });
}
