/**
 * The expert panel (评选团): every member sees the inspected applications with their five scores and
 * grades and votes (a vote can be changed until the chair finalises); the chair ranks candidates with a
 * rank number per row (no JavaScript), writes the tie-break rule, sees the quota, and finalises through
 * a fresh emailed confirmation. The scores come from one Query per inspected application (a year has
 * tens of them), at most 8 at a time.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applicationStatus } from '../../client/applications';
import { campaignAction, campaignApplications, campaignStatus, panelVotes } from '../../client/campaigns';
import { FIVE_GOODS } from '../../domain/grades';
import { ActionError, BUSY, withinDeadline } from '../actions';
import { beijingText, deadlineLine, deadlineView } from '../format';
import { newNonce, updateIdOf } from '../forms';
import { type Actor, committeeName } from '../people';
import { renderPage } from '../render';
import type { AppContext } from '../server';
import type { FreshConfirmations } from '../selection/fresh-confirmation';
import { busyPage, guardRole } from '../selection/guard';
import { SCORE_FIELDS } from '../selection/scores';
import { inBatches } from '../in-batches';

type Body = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const TITLE = '评选团评审';

export function registerPanelRoutes(app: FastifyInstance, ctx: AppContext, confirmations: FreshConfirmations): void {
  const within = <T>(fn: () => Promise<T>) => withinDeadline(ctx.client, ctx.config.actionDeadlineMs, fn);
  const nameOf = (id: string) => committeeName(ctx.directory, id);
  const personName = (id: string) => ctx.directory.people.find((p) => p.id === id)?.name ?? id;
  const isChair = (actor: Actor) =>
    ctx.directory.people.some((p) => p.id === actor.id && p.role === 'panel' && p.chair === true);
  const guard = (request: FastifyRequest, reply: FastifyReply) => guardRole(ctx, request, reply, 'panel', '评选团评审');

  const candidates = async (year: number) => {
    const [status, rows, votes] = await within(() =>
      Promise.all([
        campaignStatus(ctx.client, year),
        campaignApplications(ctx.client, year, ''),
        panelVotes(ctx.client, year),
      ]),
    );
    const eligible = rows.filter(
      (r) =>
        ['inspected', 'listed', 'removed', 'commended'].includes(r.stage) ||
        (r.stage === 'not-selected' && status.draft),
    );
    const apps = await within(() => inBatches(eligible, 8, (r) => applicationStatus(ctx.client, year, r.committeeId)));
    const list = apps
      .filter((a) => a.inspection)
      .map((a) => {
        const v = votes[a.form.committeeId] ?? {};
        const cast = Object.values(v);
        return {
          committeeId: a.form.committeeId,
          name: nameOf(a.form.committeeId),
          subdistrict: a.form.subdistrict,
          scores: FIVE_GOODS.map((k) => a.inspection!.scores[k]),
          total: a.inspection!.total,
          grade: a.inspection!.grade,
          yes: cast.filter((x) => x.support).length,
          no: cast.filter((x) => !x.support).length,
          votes: v,
        };
      })
      .sort((a, b) => b.total - a.total || a.committeeId.localeCompare(b.committeeId));
    return { status, list };
  };

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    year: number,
    extra: Record<string, unknown> = {},
    code = 200,
  ) => {
    const { status, list } = await candidates(year);
    const canVote = ['inspection', 'awaiting-panel'].includes(status.phase) && !status.draft;
    const rows = list.map((r) => ({ ...r, mine: r.votes[actor.id], nonce: newNonce() }));
    return renderPage(
      request,
      reply,
      'panel',
      {
        year,
        status,
        rows,
        canVote,
        chair: isChair(actor),
        scoreFields: SCORE_FIELDS,
        deadline: deadlineLine(deadlineView(status.inspectionCloses, status, Date.now(), '已结束')),
        draft: status.draft && {
          ...status.draft,
          at: beijingText(status.draft.at),
          ends: beijingText(status.draft.publicityEnds),
          by: personName(status.draft.by),
          names: status.draft.ranking.map(nameOf),
        },
        nonce: newNonce(),
        values: {},
        fieldErrors: {},
        errors: [],
        ...extra,
      },
      { title: TITLE, actor, status: code },
    );
  };

  app.get('/panel', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    try {
      return await page(request, reply, g.actor, g.year);
    } catch (err) {
      return busyPage(request, reply, g.actor, err);
    }
  });

  app.post<{ Body: Body }>('/panel/vote', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    const body = request.body ?? {};
    const show = (extra: Record<string, unknown>, code: number) =>
      page(request, reply, g.actor, g.year, extra, code).catch((err) => busyPage(request, reply, g.actor, err));
    const updateId = updateIdOf(g.actor.id, str(body.nonce));
    const support = str(body.support);
    const committeeId = str(body.committeeId);
    if (!updateId) return show({ errors: [{ message: '表单已失效，请重新提交' }] }, 400);
    if (support !== 'yes' && support !== 'no') return show({ errors: [{ message: '请选择赞成或不赞成' }] }, 400);
    try {
      const r = await within(() =>
        campaignAction(
          ctx.client,
          g.year,
          'panelVote',
          { actor: g.actor.id, committeeId, support: support === 'yes' },
          { updateId },
        ),
      );
      request.log.info({ event: 'action', action: 'panelVote', person: g.actor.id }, 'action accepted');
      return await show({ result: r.message.replace(committeeId, nameOf(committeeId)) }, 200);
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      if (err.failure.kind === 'busy') return show({ busy: BUSY }, 503);
      return show({ errors: [{ message: err.failure.message }] }, 409);
    }
  });

  app.post<{ Body: Body }>('/panel/finalize', async (request, reply) => {
    const g = await guard(request, reply);
    if (!g) return reply;
    const body = request.body ?? {};
    const rule = str(body.tieBreakRule);
    const ranks: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (k.startsWith('rank-')) ranks[k.slice(5)] = str(v);
    const show = (extra: Record<string, unknown>, code: number) =>
      page(request, reply, g.actor, g.year, { values: { tieBreakRule: rule, ranks }, ...extra }, code).catch((err) =>
        busyPage(request, reply, g.actor, err),
      );
    if (!isChair(g.actor)) return show({ errors: [{ message: '只有评选团主任可以确定拟表彰名单' }] }, 403);
    let status, list;
    try {
      ({ status, list } = await candidates(g.year));
    } catch (err) {
      return busyPage(request, reply, g.actor, err);
    }
    const errors: { field?: string; message: string }[] = [];
    const ranked: { id: string; rank: number }[] = [];
    const seen = new Map<number, string>();
    for (const r of list) {
      const v = ranks[r.committeeId] ?? '';
      if (!v) continue;
      const n = Number(v);
      if (!/^\d{1,2}$/.test(v) || n < 1 || n > status.quota)
        errors.push({
          field: `rank-${r.committeeId}`,
          message: `${r.name}的排名须为 1–${status.quota} 的整数（不列入名单请留空）`,
        });
      else if (seen.has(n))
        errors.push({
          field: `rank-${r.committeeId}`,
          message: `${r.name}与${seen.get(n)}的排名都是 ${n}，请用同分排序规则排出先后`,
        });
      else {
        seen.set(n, r.name);
        ranked.push({ id: r.committeeId, rank: n });
      }
    }
    if (!errors.length && !ranked.length) errors.push({ message: '请至少为一家申报填写排名' });
    if (rule.length < 4 || rule.length > 2000)
      errors.push({ field: 'tieBreakRule', message: '请填写同分排序规则（4–2000 个字）' });
    if (errors.length)
      return show(
        { errors, fieldErrors: Object.fromEntries(errors.filter((e) => e.field).map((e) => [e.field, e.message])) },
        400,
      );
    const ranking = ranked.sort((a, b) => a.rank - b.rank).map((r) => r.id);
    const lines = [
      `${g.year} 年度拟表彰名单（${ranking.length} 家，名额 ${status.quota} 家），按排序：${ranking.map((id, i) => `${i + 1}. ${nameOf(id)}`).join('；')}`,
      `同分排序规则：${rule}`,
      `确认后名单即公示 ${status.calendar.publicityWorkingDays} 个工作日，评选团不能再投票或修改名单。`,
    ];
    const back = { href: '/panel', text: '返回评选团评审' };
    return confirmations.requestAndShow(
      request,
      reply,
      g.actor,
      {
        year: g.year,
        title: '确定拟表彰名单并开始公示',
        lines,
        action: { name: 'panelFinalize', payload: { actor: g.actor.id, ranking, tieBreakRule: rule } },
        back,
      },
      (message, code) => show({ errors: [{ message }] }, code),
    );
  });
}
