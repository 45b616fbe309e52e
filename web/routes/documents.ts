/**
 * Official documents: the 公示 notice and the final list (PDF), a certificate per commended committee (PDF), and
 * the lists and all scores as CSV. The final list is public once confirmed; everything else is for bureau staff.
 * Printing happens here, in the web process (never in the worker), through one lazily started Chromium.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireRole } from '../../domain/authorization';
import { ActionError, BUSY, withinDeadline } from '../actions';
import { DocumentService, type YearLists, type YearState } from '../documents/service';
import { Printer } from '../documents/printer';
import { errorPage, renderPage } from '../render';
import { requireActor, type AppContext } from '../server';
import type { Actor } from '../people';
import { applicationStatus } from '../../client/applications';
import { inBatches } from '../in-batches';

const yearParam = z.object({ year: z.coerce.number().int().min(2000).max(2100) });
const certificateParam = yearParam.extend({ committee: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/) });

/** RFC 6266/5987: an ASCII name for old clients, the Chinese one for the rest. */
function disposition(kind: 'inline' | 'attachment', ascii: string, chinese: string): string {
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(chinese)}`;
}

function sendPdf(reply: FastifyReply, pdf: Buffer, ascii: string, chinese: string) {
  return reply
    .type('application/pdf')
    .header('content-disposition', disposition('inline', ascii, chinese))
    .header('cache-control', 'no-store')
    .send(pdf);
}

function sendCsv(reply: FastifyReply, csv: string, ascii: string, chinese: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', disposition('attachment', ascii, chinese))
    .header('cache-control', 'no-store')
    .send(csv);
}

export function registerDocumentRoutes(app: FastifyInstance, ctx: AppContext): void {
  const printer = new Printer();
  const docs = new DocumentService(ctx.directory, printer, (year) => `${ctx.config.publicBaseUrl}/public/${year}`);
  app.addHook('onClose', async () => printer.close());
  const within = <T>(fn: () => Promise<T>) => withinDeadline(ctx.client, ctx.config.actionDeadlineMs, fn);

  /** The year's state, or a Chinese page: 404 for no campaign or a malformed year, 503 when Temporal is busy. */
  const load = async (request: FastifyRequest, reply: FastifyReply, actor?: Actor): Promise<YearState | undefined> => {
    const parsed = yearParam.safeParse(request.params);
    if (!parsed.success) {
      void errorPage(request, reply, 404, '页面不存在', '年份有误，请检查地址。', { actor, links: [] });
      return undefined;
    }
    try {
      return await within(() => DocumentService.load(ctx.client, parsed.data.year));
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      if (err.failure.kind === 'busy') void errorPage(request, reply, 503, '系统繁忙', BUSY, { actor, links: [] });
      else
        void errorPage(request, reply, 404, '没有该年度的评选', `没有 ${parsed.data.year} 年度的红色示范业委会评选。`, {
          actor,
          links: [],
        });
      return undefined;
    }
  };

  /** The year's lists, without a Query once the final list is confirmed; undefined after a Chinese page, as `load`. */
  const lists = async (request: FastifyRequest, reply: FastifyReply, actor?: Actor): Promise<YearLists | undefined> => {
    const parsed = yearParam.safeParse(request.params);
    const settled = parsed.success ? docs.settledLists(parsed.data.year) : undefined;
    if (settled) return settled;
    const s = await load(request, reply, actor);
    return s && docs.listsOf(s);
  };

  /** Bureau staff only, checked against the directory's roles (domain/authorization.ts); others get a 403 page. */
  const bureau = (request: FastifyRequest, reply: FastifyReply): Actor | undefined => {
    const actor = requireActor(request, reply);
    if (!actor) return undefined;
    try {
      requireRole(ctx.directory.people, actor.id, 'bureau', 'official documents');
      return actor;
    } catch {
      request.log.warn(
        { event: 'forbidden', person: actor.id, role: actor.role, route: request.routeOptions.url },
        'access refused: official documents',
      );
      void errorPage(request, reply, 403, '无权查看', '正式文件与导出只对区房管局开放。', { actor });
      return undefined;
    }
  };

  /** A PDF, or a 503 page when Chromium cannot print (e.g. not installed: scripts/install-browser.sh). */
  const pdfOr503 = async (
    request: FastifyRequest,
    reply: FastifyReply,
    make: () => Promise<Buffer>,
    names: [string, string],
    actor?: Actor,
  ) => {
    let pdf: Buffer;
    try {
      pdf = await make();
    } catch (err) {
      request.log.error(
        {
          event: 'document-print-failed',
          route: request.routeOptions.url,
          err: { name: (err as Error).name, message: (err as Error).message },
        },
        'printing failed',
      );
      return errorPage(
        request,
        reply,
        503,
        '文件暂时无法生成',
        '文件生成服务暂时不可用，请稍后再试。如果问题持续，请联系系统管理员。',
        { actor, links: [] },
      );
    }
    return sendPdf(reply, pdf, names[0], names[1]);
  };

  // Public, once confirmed: rate-limited per address; the PDF itself is printed once and kept.
  app.get(
    '/public/:year/final-list.pdf',
    { config: { rateLimit: { max: 60, timeWindow: 60_000 } } },
    async (request, reply) => {
      const l = await lists(request, reply);
      if (!l) return reply;
      const list = l.final;
      if (!list)
        return errorPage(
          request,
          reply,
          404,
          '表彰名单尚未确认',
          `${l.year} 年度红色示范业委会表彰名单尚未确认，确认后将在此公布。`,
          { links: [{ href: `/public/${l.year}`, text: '查看公示' }] },
        );
      return pdfOr503(request, reply, () => docs.finalListPdf(list), [
        `final-list-${list.year}.pdf`,
        `${list.year}年度红色示范业委会表彰名单.pdf`,
      ]);
    },
  );

  app.get('/documents', async (request, reply) => {
    const actor = bureau(request, reply);
    if (!actor) return reply;
    const year = await ctx.years.current();
    if (!year)
      return renderPage(
        request,
        reply,
        'message',
        { message: '目前没有进行中的评选。', links: [{ href: '/campaign/start', text: '启动评选' }] },
        { title: '正式文件与导出', actor },
      );
    return reply.redirect(`/documents/${year}`);
  });

  app.get('/documents/:year', async (request, reply) => {
    const actor = bureau(request, reply);
    if (!actor) return reply;
    const s = await load(request, reply, actor);
    if (!s) return reply;
    const { draft, final } = docs.listsOf(s);
    return renderPage(
      request,
      reply,
      'documents',
      { year: s.status.year, draft, final, applications: s.rows.length },
      { title: `${s.status.year} 年度正式文件与导出`, actor },
    );
  });

  const notYet = (request: FastifyRequest, reply: FastifyReply, actor: Actor, year: number, what: string) =>
    errorPage(request, reply, 404, '文件尚未生成', `${year} 年度${what}。`, {
      actor,
      links: [{ href: `/documents/${year}`, text: '返回正式文件与导出' }],
    });

  app.get('/documents/:year/publicity-notice.pdf', async (request, reply) => {
    const actor = bureau(request, reply);
    if (!actor) return reply;
    const l = await lists(request, reply, actor);
    if (!l) return reply;
    const list = l.draft;
    if (!list) return notYet(request, reply, actor, l.year, '拟表彰名单尚未公示');
    return pdfOr503(
      request,
      reply,
      () => docs.publicityNoticePdf(list),
      [`publicity-notice-${list.year}.pdf`, `${list.year}年度红色示范业委会拟表彰名单公示.pdf`],
      actor,
    );
  });

  app.get('/documents/:year/draft-list.csv', async (request, reply) => {
    const actor = bureau(request, reply);
    if (!actor) return reply;
    const l = await lists(request, reply, actor);
    if (!l) return reply;
    const list = l.draft;
    if (!list) return notYet(request, reply, actor, l.year, '拟表彰名单尚未公示');
    return sendCsv(reply, docs.listCsv(list), `draft-list-${list.year}.csv`, `${list.year}年度拟表彰名单.csv`);
  });

  app.get('/documents/:year/final-list.csv', async (request, reply) => {
    const actor = bureau(request, reply);
    if (!actor) return reply;
    const l = await lists(request, reply, actor);
    if (!l) return reply;
    const list = l.final;
    if (!list) return notYet(request, reply, actor, l.year, '表彰名单尚未确认');
    return sendCsv(reply, docs.listCsv(list), `final-list-${list.year}.csv`, `${list.year}年度表彰名单.csv`);
  });

  app.get('/documents/:year/scores.csv', async (request, reply) => {
    const actor = bureau(request, reply);
    if (!actor) return reply;
    const s = await load(request, reply, actor);
    if (!s) return reply;
    // The five scores live in each application; the campaign's registry has the total and grade. One Query per
    // inspected application, 8 at a time (inspected applications are the recommended few, not every applicant).
    const inspected = s.rows.filter((r) => r.total !== undefined);
    const scores = await inBatches(inspected, 8, async (r) => {
      const a = await applicationStatus(ctx.client, s.status.year, r.committeeId);
      return [r.committeeId, a.inspection?.scores ?? {}] as const;
    });
    return sendCsv(
      reply,
      docs.scoresCsv(s, new Map(scores)),
      `scores-${s.status.year}.csv`,
      `${s.status.year}年度申报与专项检查得分.csv`,
    );
  });

  app.get('/documents/:year/certificates/:committee.pdf', async (request, reply) => {
    const actor = bureau(request, reply);
    if (!actor) return reply;
    const params = certificateParam.safeParse(request.params);
    if (!params.success)
      return errorPage(request, reply, 404, '页面不存在', '地址有误，请从正式文件页面进入。', { actor });
    const l = await lists(request, reply, actor);
    if (!l) return reply;
    const list = l.final;
    if (!list) return notYet(request, reply, actor, l.year, '表彰名单尚未确认，奖状尚不能生成');
    const pdf = docs.certificatePdf(list, params.data.committee);
    if (!pdf) return notYet(request, reply, actor, l.year, '表彰名单中没有该业委会');
    return pdfOr503(
      request,
      reply,
      () => pdf,
      [
        `certificate-${list.year}-${params.data.committee}.pdf`,
        `${list.year}年度红色示范业委会奖状-${params.data.committee}.pdf`,
      ],
      actor,
    );
  });
}
