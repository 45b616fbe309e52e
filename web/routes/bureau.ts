/** The bureau: the campaign dashboard and extending a window. */
import { beijingInstant } from '../../domain/beijing-time';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { campaignAction, campaignAudit, campaignStatus } from '../../client/campaigns';
import { APPLICATION_STAGES, PHASE_LABELS, STAGE_LABELS } from '../../domain/stages';
import { ActionError, BUSY, withinDeadline } from '../actions';
import { beijingText, deadlineLine, deadlineView } from '../format';
import { newNonce, updateIdOf } from '../forms';
import { actorById, type Actor } from '../people';
import { errorPage, renderPage } from '../render';
import { requireActor, type AppContext } from '../server';

type Body = Record<string, string | undefined>;
const WINDOW_TEXT: Record<string, string> = {
  applications: '申报与纸质推荐表窗口',
  review: '街镇审查推荐窗口',
  inspection: '专项检查与专家评审窗口',
};
/** The workflow's result names the window by its code; the page says it in Chinese. */
const resultText = (message: string) =>
  message.replace(/^(applications|review|inspection) /, (_, w: string) => WINDOW_TEXT[w]);
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export function registerBureauRoutes(app: FastifyInstance, ctx: AppContext): void {
  const within = <T>(fn: () => Promise<T>) => withinDeadline(ctx.client, ctx.config.actionDeadlineMs, fn);

  const dashboard = async (
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    year: number,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const s = await within(() => campaignStatus(ctx.client, year));
    const cal = s.calendar;
    const dl = (iso: string) => deadlineLine(deadlineView(iso, s, Date.now(), '已结束'));
    const stages = APPLICATION_STAGES.filter((st) => s.counts.byStage[st]).map((st) => ({
      key: st,
      label: STAGE_LABELS[st],
    }));
    const rows = Object.keys(s.reviewDeadlines).map((sd) => ({
      sd,
      deadline: dl(s.reviewDeadlines[sd]),
      list: s.confirmed[sd] ? `已确认（推荐 ${s.confirmed[sd].recommended.length} 个）` : '未确认',
      counts: stages.map((st) => s.counts.bySubdistrict[sd]?.[st.key] ?? 0),
    }));
    const overdue: string[] = [];
    for (const sd of Object.keys(s.reviewDeadlines)) {
      if (!s.confirmed[sd] && deadlineView(s.reviewDeadlines[sd], s).overdue)
        overdue.push(`${sd}审查截止（${beijingText(s.reviewDeadlines[sd])}）已过，推荐名单未确认`);
    }
    if (s.panelOverdue && !s.draft)
      overdue.push(`专家评审窗口（${beijingText(s.inspectionCloses)}）已过，评选团尚未定稿`);
    const windows = [
      { name: '申报与纸质推荐表', from: beijingText(cal.opens), until: dl(s.applicationsClose) },
      { name: '街镇审查推荐', from: beijingText(cal.reviewOpens), until: dl(cal.reviewCloses) },
      { name: '专项检查与专家评审', from: beijingText(cal.inspectionOpens), until: dl(s.inspectionCloses) },
      {
        name: '拟表彰名单公示',
        from: s.draft ? beijingText(s.draft.at) : '评选团定稿时',
        until: s.draft ? dl(s.draft.publicityEnds) : `${cal.publicityWorkingDays} 个工作日`,
      },
      { name: '确认表彰', from: '公示期满后', until: dl(cal.commendationBy) },
    ];
    return renderPage(
      request,
      reply,
      'dashboard',
      {
        s,
        phaseLabel: PHASE_LABELS[s.phase],
        stages,
        rows,
        overdue,
        windows,
        subdistricts: Object.keys(s.reviewDeadlines),
        nonce: newNonce(),
        values: {},
        fieldErrors: {},
        errors: [],
        ...extra,
      },
      { title: '评选看板', actor, status },
    );
  };

  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    const actor = requireActor(request, reply);
    if (!actor) return undefined;
    if (actor.role !== 'bureau') {
      request.log.warn(
        { event: 'forbidden', person: actor.id, role: actor.role, route: request.routeOptions.url },
        'access refused: bureau page',
      );
      void errorPage(request, reply, 403, '无权查看', '评选看板只对区房管局开放。', { actor });
      return undefined;
    }
    const year = await ctx.years.current();
    if (!year) {
      void renderPage(
        request,
        reply,
        'message',
        { message: '目前没有进行中的评选。', links: [{ href: '/campaign/start', text: '启动评选' }] },
        { title: '评选看板', actor },
      );
      return undefined;
    }
    return { actor, year };
  };

  app.get('/dashboard', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    try {
      return await dashboard(request, reply, g.actor, g.year);
    } catch (err) {
      if (err instanceof ActionError && err.failure.kind === 'busy')
        return errorPage(request, reply, 503, '系统繁忙', BUSY, { actor: g.actor });
      throw err;
    }
  });

  const ACTION_TEXT: Record<string, string> = {
    extendDeadline: '延长时间窗口',
    confirmList: '街镇确认推荐名单',
    panelVote: '评选团投票',
    panelFinalize: '评选团确定拟表彰名单',
    fileObjection: '提出异议',
    resolveObjection: '处理异议',
    confirmFinal: '确认表彰名单',
    viewedObjector: '查阅异议人信息',
  };

  app.get('/dashboard/audit', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    try {
      const audit = await within(() => campaignAudit(ctx.client, g.year));
      const rows = [...audit].reverse().map((e) => ({
        when: beijingText(e.at),
        who: actorById(ctx.directory, e.actor)?.name ?? e.actor,
        action: ACTION_TEXT[e.action] ?? e.action,
        outcome: e.outcome,
        detail: resultText(e.detail),
      }));
      return renderPage(
        request,
        reply,
        'campaign-audit',
        { rows, year: g.year },
        { title: '评选办理记录', actor: g.actor },
      );
    } catch (err) {
      if (err instanceof ActionError && err.failure.kind === 'busy')
        return errorPage(request, reply, 503, '系统繁忙', BUSY, { actor: g.actor });
      throw err;
    }
  });

  app.post<{ Body: Body }>('/dashboard/extend', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    const body = request.body ?? {};
    const values = { window: str(body.window), subdistrict: str(body.subdistrict), until: str(body.until) };
    const nonce = str(body.nonce);
    const show = async (extra: Record<string, unknown>, status: number) => {
      try {
        return await dashboard(request, reply, g.actor, g.year, { values, nonce, ...extra }, status);
      } catch (err) {
        if (err instanceof ActionError && err.failure.kind === 'busy')
          return errorPage(request, reply, 503, '系统繁忙', `${BUSY}。请返回上一页再次提交。`, { actor: g.actor });
        throw err;
      }
    };
    const updateId = updateIdOf(g.actor.id, nonce);
    if (!updateId) return show({ errors: [{ message: '表单已失效，请重新提交' }], nonce: newNonce() }, 400);
    if (!['applications', 'review', 'inspection'].includes(values.window))
      return show({ errors: [{ field: 'window', message: '请选择时间窗口' }] }, 400);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.until)) {
      const message = '请按“年-月-日”填写延长至的日期';
      return show({ errors: [{ field: 'until', message }], fieldErrors: { until: message } }, 400);
    }
    if (values.subdistrict && values.window !== 'review') {
      const message = '只有街镇审查窗口可以按街镇延长；其他窗口请选择“全部街镇”';
      return show({ errors: [{ field: 'subdistrict', message }] }, 400);
    }
    try {
      const result = await within(() =>
        campaignAction(
          ctx.client,
          g.year,
          'extendDeadline',
          {
            actor: g.actor.id,
            window: values.window as 'review',
            until: beijingInstant(values.until, 'until', { deadline: true }),
            subdistrict: values.subdistrict || undefined,
          },
          { updateId },
        ),
      );
      request.log.info({ event: 'action', action: 'extendDeadline', person: g.actor.id }, 'action accepted');
      return await show({ result: resultText(result.message), values: {}, nonce: newNonce() }, 200);
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      if (err.failure.kind === 'busy') return show({ busy: BUSY }, 503);
      const message = err.failure.message;
      return show({ errors: [{ field: 'until', message }], fieldErrors: { until: message } }, 409);
    }
  });
}
