/**
 * The bureau after the panel: objections to the draft list (the list without the objectors' details;
 * each objection's own page shows them, and every opening of it is first recorded in the campaign's
 * audit), upholding or dismissing each with a reason, taking a committee off the draft list, deciding
 * on re-election filings, and confirming the final list through a fresh emailed confirmation.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { campaignAction, campaignStatus } from '../../client/campaigns';
import { recordObjectorView } from '../../client/objector-views';
import { PHASE_LABELS } from '../../domain/stages';
import { ActionError, BUSY, withinDeadline } from '../actions';
import { beijingText, deadlineLine, deadlineView } from '../format';
import { newNonce, updateIdOf } from '../forms';
import { type Actor, committeeName } from '../people';
import { errorPage, renderPage } from '../render';
import type { AppContext } from '../server';
import type { FreshConfirmations } from '../selection/fresh-confirmation';
import { busyPage, guardRole } from '../selection/guard';

type Body = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const TITLE = '公示异议与最终名单';
const OUTCOME_TEXT = { upheld: '异议成立（移出名单）', dismissed: '异议不成立' } as const;

export function registerObjectionReviewRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  confirmations: FreshConfirmations,
): void {
  const within = <T>(fn: () => Promise<T>) => withinDeadline(ctx.client, ctx.config.actionDeadlineMs, fn);
  const nameOf = (id: string) => committeeName(ctx.directory, id);
  const personName = (id: string) => ctx.directory.people.find((p) => p.id === id)?.name ?? id;
  const guard = (request: FastifyRequest, reply: FastifyReply) =>
    guardRole(ctx, request, reply, 'bureau', '公示异议与最终名单');
  const resolutionText = (r?: { outcome: 'upheld' | 'dismissed'; reason: string; by: string; at: string }) =>
    r ? `${OUTCOME_TEXT[r.outcome]}：${r.reason}（${personName(r.by)}，${beijingText(r.at)}）` : '待处理';

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    year: number,
    extra: Record<string, unknown> = {},
    code = 200,
  ) => {
    const s = await within(() => campaignStatus(ctx.client, year));
    const onList = (s.draft?.ranking ?? []).filter((id) => !s.removed.includes(id));
    const objections = s.objections.map((o) => ({
      id: o.id,
      committee: nameOf(o.committeeId),
      filedAt: beijingText(o.filedAt),
      resolution: resolutionText(o.resolution),
      open: !o.resolution,
    }));
    const flags = s.reelectionFlags.map((f) => ({
      ...f,
      name: nameOf(f.committeeId),
      decision: f.decision && `${f.decision.outcome === 'keep' ? '保留' : '移出'}：${f.decision.reason}`,
      nonce: newNonce(),
    }));
    const removals = s.listRemovals.map((r) => ({
      name: nameOf(r.committeeId),
      reason: r.reason,
      by: personName(r.by),
      at: beijingText(r.at),
    }));
    return renderPage(
      request,
      reply,
      'objections',
      {
        year,
        s,
        phaseLabel: PHASE_LABELS[s.phase],
        publicity: s.draft ? deadlineLine(deadlineView(s.draft.publicityEnds, s, Date.now(), '已结束')) : undefined,
        onList: onList.map((id) => ({ id, name: nameOf(id) })),
        final: s.final && { names: s.final.list.map(nameOf), at: beijingText(s.final.at), by: personName(s.final.by) },
        objections,
        flags,
        removals,
        canConfirm: s.phase === 'awaiting-confirmation',
        canRemove: !!s.draft && s.phase !== 'commended',
        nonce: newNonce(),
        values: {},
        fieldErrors: {},
        errors: [],
        ...extra,
      },
      { title: TITLE, actor, status: code },
    );
  };

  app.get('/objections', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    try {
      return await page(request, reply, g.actor, g.year);
    } catch (err) {
      return busyPage(request, reply, g.actor, err);
    }
  });

  /** The objection's page: the read is recorded (and acknowledged by the server) before the details are rendered. */
  const objectionPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    year: number,
    id: string,
    extra: Record<string, unknown> = {},
    code = 200,
  ) => {
    const s = await within(() => campaignStatus(ctx.client, year));
    const o = s.objections.find((x) => x.id === id);
    if (!o)
      return errorPage(request, reply, 404, '未找到', `没有编号为“${id.slice(0, 20)}”的异议。`, {
        actor,
        links: [{ href: '/objections', text: '返回公示异议' }],
      });
    try {
      await within(() => recordObjectorView(ctx.client, year, actor.id, o.id));
    } catch (err: any) {
      if (err?.name === 'WorkflowNotFoundError' || /not found|already completed/i.test(String(err?.message)))
        return errorPage(
          request,
          reply,
          410,
          '无法查看',
          '本年度评选已结束，无法再记录查阅，因此不再显示异议人信息。',
          { actor, links: [{ href: '/objections', text: '返回公示异议' }] },
        );
      throw err;
    }
    request.log.info({ event: 'objector-viewed', person: actor.id, objection: o.id }, 'objector details viewed');
    return renderPage(
      request,
      reply,
      'objection',
      {
        o: { ...o, committee: nameOf(o.committeeId), filedAt: beijingText(o.filedAt) },
        resolution: o.resolution && resolutionText(o.resolution),
        nonce: newNonce(),
        values: {},
        fieldErrors: {},
        errors: [],
        ...extra,
      },
      { title: `异议 ${o.id}`, actor, status: code },
    );
  };

  app.get<{ Params: { id: string } }>('/objections/:id', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    try {
      return await objectionPage(request, reply, g.actor, g.year, request.params.id);
    } catch (err) {
      return busyPage(request, reply, g.actor, err);
    }
  });

  app.post<{ Params: { id: string }; Body: Body }>('/objections/:id', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    const body = request.body ?? {};
    const values = { outcome: str(body.outcome), reason: str(body.reason) };
    const show = (extra: Record<string, unknown>, code: number) =>
      objectionPage(request, reply, g.actor, g.year, request.params.id, { values, ...extra }, code).catch((err) =>
        busyPage(request, reply, g.actor, err),
      );
    const updateId = updateIdOf(g.actor.id, str(body.nonce));
    if (!updateId) return show({ errors: [{ message: '表单已失效，请重新提交' }] }, 400);
    const errors = [];
    if (values.outcome !== 'upheld' && values.outcome !== 'dismissed')
      errors.push({ field: 'outcome', message: '请选择异议成立或不成立' });
    if (values.reason.length < 2 || values.reason.length > 2000)
      errors.push({ field: 'reason', message: '请填写处理理由（2–2000 个字）' });
    if (errors.length)
      return show({ errors, fieldErrors: Object.fromEntries(errors.map((e) => [e.field, e.message])) }, 400);
    try {
      const r = await within(() =>
        campaignAction(
          ctx.client,
          g.year,
          'resolveObjection',
          {
            actor: g.actor.id,
            objectionId: request.params.id,
            outcome: values.outcome as 'upheld',
            reason: values.reason,
          },
          { updateId },
        ),
      );
      request.log.info({ event: 'action', action: 'resolveObjection', person: g.actor.id }, 'action accepted');
      return await page(request, reply, g.actor, g.year, { result: r.message.replace('upheld', '成立') });
    } catch (err) {
      if (!(err instanceof ActionError)) return busyPage(request, reply, g.actor, err);
      if (err.failure.kind === 'busy') return show({ busy: BUSY }, 503);
      return show({ errors: [{ message: err.failure.message }] }, 409);
    }
  });

  /** removeFromList and decideReelection: one committee, a reason, and the draft list page again. */
  const listAction = (path: string, name: 'removeFromList' | 'decideReelection') =>
    app.post<{ Body: Body }>(path, async (request, reply) => {
      const g = await guard(request, reply);
      if (!g) return reply;
      const body = request.body ?? {};
      const committeeId = str(body.committeeId);
      const reason = str(body.reason);
      const outcome = str(body.outcome);
      const show = (extra: Record<string, unknown>, code: number) =>
        page(request, reply, g.actor, g.year, extra, code).catch((err) => busyPage(request, reply, g.actor, err));
      const updateId = updateIdOf(g.actor.id, str(body.nonce));
      if (!updateId) return show({ errors: [{ message: '表单已失效，请重新提交' }] }, 400);
      const field = name === 'removeFromList' ? 'remove-reason' : `reason-${committeeId}`;
      if (reason.length < 4 || reason.length > 2000)
        return show(
          {
            errors: [{ field, message: '请填写理由（4–2000 个字）' }],
            fieldErrors: { [field]: '请填写理由（4–2000 个字）' },
          },
          400,
        );
      if (name === 'decideReelection' && outcome !== 'keep' && outcome !== 'remove')
        return show({ errors: [{ message: '请选择保留或移出' }] }, 400);
      try {
        const payload =
          name === 'removeFromList'
            ? { actor: g.actor.id, committeeId, reason }
            : { actor: g.actor.id, committeeId, reason, outcome: outcome as 'keep' };
        const r = await within(() => campaignAction(ctx.client, g.year, name, payload as any, { updateId }));
        request.log.info({ event: 'action', action: name, person: g.actor.id }, 'action accepted');
        return await show({ result: r.message.replace(committeeId, nameOf(committeeId)) }, 200);
      } catch (err) {
        if (!(err instanceof ActionError)) throw err;
        if (err.failure.kind === 'busy') return show({ busy: BUSY }, 503);
        return show({ errors: [{ message: err.failure.message }] }, 409);
      }
    });
  listAction('/objections/remove', 'removeFromList');
  listAction('/objections/reelection', 'decideReelection');

  app.post<{ Body: Body }>('/objections/confirm-final', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    const show = (extra: Record<string, unknown>, code: number) =>
      page(request, reply, g.actor, g.year, extra, code).catch((err) => busyPage(request, reply, g.actor, err));
    let s;
    try {
      s = await within(() => campaignStatus(ctx.client, g.year));
    } catch (err) {
      return busyPage(request, reply, g.actor, err);
    }
    if (s.phase !== 'awaiting-confirmation')
      return show(
        {
          errors: [
            { message: `当前阶段（${PHASE_LABELS[s.phase]}）不能确认最终名单：须在公示期满且所有异议处理完毕之后` },
          ],
        },
        409,
      );
    const list = (s.draft?.ranking ?? []).filter((id) => !s.removed.includes(id));
    const lines = [
      `${g.year} 年度红色示范业委会最终表彰名单（${list.length} 家）：${list.map((id, i) => `${i + 1}. ${nameOf(id)}`).join('；') || '（空）'}`,
      s.removed.length ? `已移出拟表彰名单：${s.removed.map(nameOf).join('、')}` : '没有移出拟表彰名单的业委会',
      `公示期间收到异议 ${s.objections.length} 件，均已处理。确认后即授予称号，不可撤销。`,
    ];
    const back = { href: '/objections', text: '返回公示异议与最终名单' };
    return confirmations.requestAndShow(
      request,
      reply,
      g.actor,
      {
        year: g.year,
        title: '确认最终表彰名单',
        lines,
        action: { name: 'confirmFinal', payload: { actor: g.actor.id } },
        back,
      },
      (message, code) => show({ errors: [{ message }] }, code),
    );
  });
}
