/**
 * Titles and their yearly re-evaluation (复评): the holder submits its written materials, its 街镇
 * pre-reviews (or cancels eligibility) and confirms the recovery of the nameplate after a revocation;
 * the bureau re-reviews. The same client functions as the CLI; the workflows check every rule again.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UserError } from '../../client/errors';
import {
  listReevaluations,
  listTitles,
  reevaluationAction,
  reevaluationStatus,
  resolveTitleId,
  titleAction,
  titleStatus,
} from '../../client/titles';
import { REEVALUATION_STAGE_LABELS, type ReevaluationStage } from '../../workflows/reevaluation/state';
import { committeeReadGuard } from '../access';
import { ActionError, BUSY, withinDeadline } from '../actions';
import { beijingText, deadlineView } from '../format';
import { newNonce, updateIdOf, type FieldError } from '../forms';
import { type Actor, committeeName } from '../people';
import { errorPage, renderPage } from '../render';
import { requireActor, type AppContext } from '../server';

type Body = Record<string, string | undefined>;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
export const titlePath = (committeeId: string) => `/titles/${encodeURIComponent(committeeId)}`;

/** Undefined when the committee has no re-evaluation that year. */
async function reevaluationOf(ctx: AppContext, year: number, committeeId: string) {
  try {
    return await reevaluationStatus(ctx.client, year, committeeId);
  } catch (err) {
    if (err instanceof UserError) return undefined;
    throw err;
  }
}

/** A score field: blank → undefined; otherwise a number 0–100 or a field error. */
function score(v: unknown, field: string, required: boolean): { value?: number; error?: FieldError } {
  const s = str(v);
  if (!s) return required ? { error: { field, message: '请填写规范化评价成绩' } } : {};
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0 || n > 100) return { error: { field, message: '规范化评价成绩须为 0–100 的数字' } };
  return { value: n };
}

interface ActionSpec {
  role: Actor['role'];
  /** The form's fields; a workflow rejection naming `standardisationScore` etc. is shown at the mapped field. */
  fields: Record<string, string>;
  check(b: Body): { payload?: Record<string, unknown>; error?: FieldError };
}

const ACTIONS: Record<string, ActionSpec> = {
  materials: {
    role: 'committee',
    fields: { summary: 'summary' },
    check: (b) =>
      str(b.summary).length < 10
        ? { error: { field: 'summary', message: '请填写书面复评材料（至少 10 个字）' } }
        : { payload: { summary: str(b.summary), documents: [] } },
  },
  'pre-review': {
    role: 'subdistrict',
    fields: { standardisationScore: 'preScore', note: 'preNote' },
    check: (b) => {
      const s = score(b.preScore, 'preScore', false);
      return s.error
        ? { error: s.error }
        : { payload: { standardisationScore: s.value, note: str(b.preNote) || undefined } };
    },
  },
  'cancel-eligibility': {
    role: 'subdistrict',
    fields: { standardisationScore: 'cancelScore', reason: 'reason' },
    check: (b) => {
      const s = score(b.cancelScore, 'cancelScore', true);
      if (s.error) return { error: s.error };
      if (str(b.reason).length < 2)
        return { error: { field: 'reason', message: '请填写取消复评资格的理由（至少 2 个字）' } };
      return { payload: { standardisationScore: s.value, reason: str(b.reason) } };
    },
  },
  'confirm-recovery': {
    role: 'subdistrict',
    fields: { recoveredOn: 'recoveredOn', note: 'recoveryNote' },
    check: (b) => {
      const d = str(b.recoveredOn);
      if (d && !/^\d{4}-\d{2}-\d{2}$/.test(d))
        return { error: { field: 'recoveredOn', message: '请按“年-月-日”填写收回日期' } };
      return { payload: { recoveredOn: d || undefined, note: str(b.recoveryNote) || undefined } };
    },
  },
  confirm: {
    role: 'bureau',
    fields: { note: 'confirmNote' },
    check: (b) => ({ payload: { note: str(b.confirmNote) || undefined } }),
  },
};
const REEVALUATION_UPDATE = {
  materials: 'submitMaterials',
  'pre-review': 'preReview',
  'cancel-eligibility': 'cancelEligibility',
  confirm: 'confirm',
} as const;
const FORMS = ['materials', 'pre-review', 'cancel-eligibility', 'confirm-recovery', 'confirm'];

export function registerTitleRoutes(app: FastifyInstance, ctx: AppContext): void {
  const within = <T>(fn: () => Promise<T>) => withinDeadline(ctx.client, ctx.config.actionDeadlineMs, fn);
  const nameOf = (id: string) => committeeName(ctx.directory, id);
  const busyPage = (request: FastifyRequest, reply: FastifyReply, actor: Actor) =>
    errorPage(request, reply, 503, '系统繁忙', BUSY, { actor });

  const mayRead = committeeReadGuard(ctx, '称号');

  const titlePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    year: number | undefined,
    committeeId: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const titleId = await within(() => resolveTitleId(ctx.client, committeeId)).catch((err) => {
      if (err instanceof ActionError && err.failure.kind === 'input') return undefined;
      throw err;
    });
    if (!titleId && actor.role === 'committee')
      return renderPage(
        request,
        reply,
        'message',
        { message: '贵业委会目前没有红色示范业委会称号。' },
        { title: '称号与复评', actor },
      );
    if (!titleId)
      return errorPage(request, reply, 404, '未找到称号', `${nameOf(committeeId)}没有红色示范业委会称号。`, { actor });
    const [t, r] = await within(() =>
      Promise.all([
        titleStatus(ctx.client, titleId),
        year ? reevaluationOf(ctx, year, committeeId) : Promise.resolve(undefined),
      ]),
    );
    const official = actor.role === 'subdistrict' && actor.subdistrict === t.subdistrict;
    const owes = (role: string) => !!r?.pending.some((p) => p.role === role);
    return renderPage(
      request,
      reply,
      'title',
      {
        t,
        r,
        committeeId,
        name: nameOf(committeeId),
        materialsDue: r ? deadlineView(r.materialsDue, r) : undefined,
        canSubmit: actor.role === 'committee' && actor.id === committeeId && owes('committee'),
        canPreReview: official && owes('subdistrict'),
        canCancel: official && !!r && !r.result && !r.cancellation,
        canConfirm: actor.role === 'bureau' && r?.stage === 'awaiting-confirmation',
        canRecover: official && !!t.recovery && !t.recovery.confirmedAt,
        when: beijingText,
        nonces: Object.fromEntries(FORMS.map((f) => [f, newNonce()])),
        values: {},
        fieldErrors: {},
        errors: [],
        back:
          actor.role === 'committee'
            ? { href: '/inbox', text: '返回我的待办' }
            : { href: '/titles', text: '返回称号列表' },
        ...extra,
      },
      { title: `${nameOf(committeeId)}的称号与复评`, actor, status },
    );
  };

  app.get('/titles', async (request, reply) => {
    const actor = requireActor(request, reply);
    if (!actor) return reply;
    if (actor.role === 'committee') return reply.redirect(titlePath(actor.id));
    if (actor.role !== 'subdistrict' && actor.role !== 'bureau')
      return errorPage(request, reply, 403, '无权查看', '您的角色不能查看称号列表。', { actor });
    const year = await ctx.years.current();
    const subdistrict = actor.role === 'subdistrict' ? actor.subdistrict : undefined;
    try {
      // Two listings (titles, this year's re-evaluations), joined here: no Query per row.
      const [titles, reevs] = await within(() =>
        Promise.all([
          listTitles(ctx.client, { subdistrict }),
          year ? listReevaluations(ctx.client, { year, subdistrict }) : Promise.resolve([]),
        ]),
      );
      const stageOf = new Map(
        reevs.map((r) => [r.committeeId, REEVALUATION_STAGE_LABELS[r.stage as ReevaluationStage] ?? r.stage]),
      );
      const rows = titles.map((t) => ({
        committeeId: t.committeeId,
        name: nameOf(t.committeeId),
        subdistrict: t.subdistrict,
        awardYear: t.workflowId.slice(t.workflowId.lastIndexOf('-') + 1),
        status: t.titleStatus === 'revoked' ? (t.status === 'Running' ? '已撤销，待收回铭牌与奖状' : '已撤销') : '有效',
        reevaluation: stageOf.get(t.committeeId) ?? '—',
      }));
      return renderPage(
        request,
        reply,
        'titles',
        { rows, year, scope: subdistrict ?? '全区' },
        { title: subdistrict ? `${subdistrict}的称号` : '全部称号', actor },
      );
    } catch (err) {
      if (err instanceof ActionError && err.failure.kind === 'busy') return busyPage(request, reply, actor);
      throw err;
    }
  });

  app.get<{ Params: { committeeId: string } }>('/titles/:committeeId', async (request, reply) => {
    const actor = requireActor(request, reply);
    if (!actor) return reply;
    if (!mayRead(request, reply, actor, request.params.committeeId)) return reply;
    try {
      return await titlePage(request, reply, actor, await ctx.years.current(), request.params.committeeId);
    } catch (err) {
      if (err instanceof ActionError && err.failure.kind === 'busy') return busyPage(request, reply, actor);
      throw err;
    }
  });

  /** One Update from a form: the nonce is its id, so a repeated submission has one effect and shows the same result. */
  app.post<{ Params: { committeeId: string; action: string }; Body: Body }>(
    '/titles/:committeeId/:action',
    async (request, reply) => {
      const actor = requireActor(request, reply);
      if (!actor) return reply;
      const { committeeId, action } = request.params;
      const spec = ACTIONS[action];
      if (!spec) return errorPage(request, reply, 404, '页面不存在', '没有这个操作。', { actor });
      if (!mayRead(request, reply, actor, committeeId)) return reply;
      if (actor.role !== spec.role)
        return errorPage(request, reply, 403, '无权办理', '您的角色不能办理这个事项。', { actor });
      const year = await ctx.years.current();
      const body = request.body ?? {};
      const updateId = updateIdOf(actor.id, body.nonce);
      const values = Object.fromEntries(
        Object.values(spec.fields).map((f) => [f, typeof body[f] === 'string' ? body[f] : '']),
      );
      const again = async (extra: Record<string, unknown>, status: number) => {
        try {
          const nonces = {
            ...Object.fromEntries(FORMS.map((f) => [f, newNonce()])),
            ...(status === 200 ? {} : { [action]: str(body.nonce) }),
          };
          return await titlePage(request, reply, actor, year, committeeId, { values, ...extra, nonces }, status);
        } catch (err) {
          if (err instanceof ActionError && err.failure.kind === 'busy')
            return errorPage(
              request,
              reply,
              503,
              '系统繁忙',
              `${BUSY}。请返回上一页再次提交，您填写的内容仍在浏览器中。`,
              { actor },
            );
          throw err;
        }
      };
      if (!updateId) return again({ errors: [{ message: '表单已失效，请重新提交' }] }, 400);
      // Field checks in Chinese before the workflow sees it; the workflow checks again.
      const checked = spec.check(body);
      if (checked.error)
        return again({ errors: [checked.error], fieldErrors: { [checked.error.field!]: checked.error.message } }, 400);
      const payload = { actor: actor.id, ...checked.payload };
      try {
        const result = await within(async () => {
          if (action === 'confirm-recovery')
            return titleAction(
              ctx.client,
              await resolveTitleId(ctx.client, committeeId),
              'confirmRecovery',
              payload as any,
              { updateId },
            );
          if (!year) throw new UserError('目前没有进行中的评选');
          return reevaluationAction(
            ctx.client,
            year,
            committeeId,
            REEVALUATION_UPDATE[action as keyof typeof REEVALUATION_UPDATE],
            payload as any,
            { updateId },
          );
        });
        request.log.info({ event: 'action', action, person: actor.id, committee: committeeId }, 'action accepted');
        return await again({ result: result.message, values: {} }, 200);
      } catch (err) {
        if (!(err instanceof ActionError)) throw err;
        const f = err.failure;
        request.log.info(
          { event: 'action-refused', kind: f.kind, person: actor.id, committee: committeeId },
          'action refused',
        );
        if (f.kind === 'busy') return again({ busy: BUSY }, 503);
        const field = f.field ? spec.fields[f.field] : undefined;
        return again(
          { errors: [{ field, message: f.message }], fieldErrors: field ? { [field]: f.message } : {} },
          f.kind === 'rejected' ? 409 : 400,
        );
      }
    },
  );
}
