/**
 * Committees apply and see their application; 街镇 officials see only their own 街镇's applications,
 * decide and confirm their list; the bureau records paper forms and reads every audit trail.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { applicationAction, submitApplication } from '../../client/applications';
import { campaignAction, campaignApplications, campaignStatus } from '../../client/campaigns';
import { FIVE_GOODS, FIVE_GOODS_LABELS } from '../../domain/grades';
import { STAGE_LABELS, type ApplicationStage } from '../../domain/stages';
import { committeeReadGuard } from '../access';
import { ActionError, BUSY, withinDeadline, type ActionFailure } from '../actions';
import { beijingText, deadlineLine, deadlineView } from '../format';
import { chineseIssues, fieldMap, newNonce, updateIdOf, type FieldError } from '../forms';
import { actorById, ROLE_TEXT, type Actor, committeeName } from '../people';
import { errorPage, renderPage } from '../render';
import { requireActor, type AppContext } from '../server';
import { ownApplication } from '../tasks';

const ACTION_TEXT: Record<string, string> = {
  submit: '提交推荐表',
  recommend: '推荐',
  notRecommend: '不推荐',
  recordPaperForm: '登记纸质推荐表',
  recordInspection: '记录专项检查',
};

const FORM_FIELDS = [
  { id: 'members', name: 'members', label: '业委会委员人数', type: 'number', hint: '1–99 的整数' },
  { id: 'partyMembers', name: 'partyMembers', label: '其中党员人数', type: 'number', hint: '不超过委员人数' },
  {
    id: 'crossAppointedMembers',
    name: 'crossAppointedMembers',
    label: '其中交叉任职人数',
    type: 'number',
    hint: '同时在居委会或党组织任职的委员，不超过委员人数',
  },
  ...FIVE_GOODS.map((k) => ({
    id: `selfAssessment-${k}`,
    name: `selfAssessment.${k}`,
    label: `自评：${FIVE_GOODS_LABELS[k]}`,
    type: 'textarea',
    hint: '不超过 2000 字',
  })),
  { id: 'summary', name: 'summary', label: '申报简述', type: 'textarea', hint: '不超过 5000 字' },
  {
    id: 'paperFormReceived',
    name: 'paperFormReceived',
    label: '纸质推荐表（一式两份）已报送区房管局',
    type: 'checkbox',
  },
];
const LABELS: Record<string, string> = Object.fromEntries(
  FORM_FIELDS.map((f) => [
    f.name,
    f.label.replace(/^自评：/, '自评“') + (f.name.startsWith('selfAssessment.') ? '”' : ''),
  ]),
);

const count = z.coerce.number({ error: 'invalid' }).int().min(0).max(99);
const webFormSchema = z
  .object({
    members: count.min(1),
    partyMembers: count,
    crossAppointedMembers: count,
    selfAssessment: z.object(
      Object.fromEntries(FIVE_GOODS.map((k) => [k, z.string().trim().min(1).max(2000)])) as Record<
        (typeof FIVE_GOODS)[number],
        z.ZodString
      >,
    ),
    summary: z.string().trim().min(1).max(5000),
    paperFormReceived: z.boolean(),
  })
  .refine((f) => f.partyMembers <= f.members, { path: ['partyMembers'], message: '党员人数不能超过委员人数' })
  .refine((f) => f.crossAppointedMembers <= f.members, {
    path: ['crossAppointedMembers'],
    message: '交叉任职人数不能超过委员人数',
  });

type Body = Record<string, string | undefined>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function formFromBody(body: Body) {
  const blank = (v: unknown) => (str(v).trim() === '' ? undefined : str(v));
  return {
    members: blank(body.members),
    partyMembers: blank(body.partyMembers),
    crossAppointedMembers: blank(body.crossAppointedMembers),
    selfAssessment: Object.fromEntries(FIVE_GOODS.map((k) => [k, str(body[`selfAssessment.${k}`])])),
    summary: str(body.summary),
    paperFormReceived: body.paperFormReceived === 'yes',
  };
}

/** A refine's message is already Chinese; zod's own issues get the field label. */
function formErrors(error: z.ZodError, body: Body): FieldError[] {
  return chineseIssues(error, LABELS).map((e, i) => {
    const issue = error.issues[i];
    const name = issue?.path.map(String).join('.') ?? '';
    if (issue?.code === 'custom') return { field: e.field, message: issue.message };
    // A blank number field is a missing answer, not a wrong one.
    if (issue?.code === 'invalid_type' && str(body[name]).trim() === '')
      return { field: e.field, message: `请填写${LABELS[name] ?? name}` };
    return e;
  });
}

function failurePage(
  request: FastifyRequest,
  reply: FastifyReply,
  actor: Actor,
  failure: ActionFailure,
  render: (extra: Record<string, unknown>, status: number) => Promise<FastifyReply>,
) {
  if (failure.kind === 'busy') return render({ busy: BUSY }, 503);
  return render(
    { errors: [{ field: failure.field, message: failure.message }] },
    failure.kind === 'rejected' ? 409 : 400,
  );
}

export function registerApplicationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const deadlineMs = ctx.config.actionDeadlineMs;
  const within = <T>(fn: () => Promise<T>) => withinDeadline(ctx.client, deadlineMs, fn);
  const nameOf = (id: string) => committeeName(ctx.directory, id);
  const busyPage = (request: FastifyRequest, reply: FastifyReply, actor: Actor) =>
    errorPage(request, reply, 503, '系统繁忙', BUSY, { actor });
  const noCampaign = (request: FastifyRequest, reply: FastifyReply, actor: Actor) =>
    renderPage(request, reply, 'message', { message: '目前没有进行中的评选。' }, { title: '没有进行中的评选', actor });

  const mayRead = committeeReadGuard(ctx, '申报');

  // ---- the committee ---------------------------------------------------------------

  const applyPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    year: number,
    extra: Record<string, unknown>,
    status = 200,
  ) => {
    // Only for the deadline line: a short wait, and none at all when Temporal was just found busy.
    const s = extra.busy
      ? undefined
      : await withinDeadline(ctx.client, 2_000, () => campaignStatus(ctx.client, year)).catch(() => undefined);
    const deadline = s ? deadlineLine(deadlineView(s.applicationsClose, s)) : '';
    return renderPage(
      request,
      reply,
      'apply',
      {
        committee: actor.committee,
        fields: FORM_FIELDS,
        values: {},
        fieldErrors: {},
        errors: [],
        nonce: newNonce(),
        deadline,
        ...extra,
      },
      { title: '填写推荐表', actor, status },
    );
  };

  app.get('/application', async (request, reply) => {
    const actor = requireActor(request, reply);
    if (!actor) return reply;
    if (actor.role !== 'committee') return reply.redirect('/applications');
    return reply.redirect(`/applications/${encodeURIComponent(actor.id)}`);
  });

  app.get('/application/new', async (request, reply) => {
    const actor = requireActor(request, reply);
    if (!actor) return reply;
    if (actor.role !== 'committee')
      return errorPage(request, reply, 403, '无权办理', '只有业委会可以填写推荐表。', { actor });
    const year = await ctx.years.current();
    if (!year) return noCampaign(request, reply, actor);
    try {
      const existing = await within(() => ownApplication(ctx.client, year, actor.id));
      if (existing) return reply.redirect(`/applications/${encodeURIComponent(actor.id)}`);
    } catch (err) {
      if (err instanceof ActionError && err.failure.kind === 'busy') return busyPage(request, reply, actor);
      throw err;
    }
    return applyPage(request, reply, actor, year, {});
  });

  app.post<{ Body: Body }>('/application', async (request, reply) => {
    const actor = requireActor(request, reply);
    if (!actor) return reply;
    if (actor.role !== 'committee')
      return errorPage(request, reply, 403, '无权办理', '只有业委会可以提交推荐表。', { actor });
    const year = await ctx.years.current();
    if (!year) return noCampaign(request, reply, actor);
    const body = request.body ?? {};
    const values = Object.fromEntries(Object.entries(body).filter(([k]) => k !== '_csrf'));
    const nonce = updateIdOf(actor.id, body.nonce) ? str(body.nonce) : newNonce();
    const parsed = webFormSchema.safeParse(formFromBody(body));
    if (!parsed.success) {
      const errors = formErrors(parsed.error, body);
      return applyPage(request, reply, actor, year, { values, errors, fieldErrors: fieldMap(errors), nonce }, 400);
    }
    try {
      await within(() =>
        submitApplication(ctx.client, {
          year,
          directory: ctx.directory,
          committeeId: actor.id,
          form: parsed.data,
          taskQueue: ctx.taskQueue,
        }),
      );
    } catch (err) {
      const failure = err instanceof ActionError ? err.failure : undefined;
      if (!failure) throw err;
      // A second submission of the same form (double click, reload) finds the application already there.
      if (failure.kind === 'input' && /already applied/.test(failure.message))
        return reply.redirect(`/applications/${encodeURIComponent(actor.id)}?submitted=1`, 303);
      if (failure.kind === 'busy') return applyPage(request, reply, actor, year, { values, busy: BUSY, nonce }, 503);
      return applyPage(request, reply, actor, year, { values, errors: [{ message: failure.message }], nonce }, 409);
    }
    request.log.info({ event: 'application-submitted', person: actor.id }, 'application submitted');
    return reply.redirect(`/applications/${encodeURIComponent(actor.id)}?submitted=1`, 303);
  });

  // ---- one application ---------------------------------------------------------------

  const applicationPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    year: number,
    committeeId: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const [s, a] = await within(() =>
      Promise.all([campaignStatus(ctx.client, year), ownApplication(ctx.client, year, committeeId)]),
    );
    if (!a) {
      if (actor.role === 'committee')
        return renderPage(
          request,
          reply,
          'message',
          {
            message: '您还没有提交推荐表。',
            links: s.phase === 'applications' ? [{ href: '/application/new', text: '填写推荐表' }] : [],
          },
          { title: '我的申报', actor },
        );
      return errorPage(request, reply, 404, '未找到申报', `${nameOf(committeeId)}在 ${year} 年度没有申报。`, { actor });
    }
    const open =
      !a.final &&
      !a.locked &&
      s.phase !== 'preparing' &&
      ['submitted', 'recommended', 'not-recommended'].includes(a.stage);
    const canDecide =
      actor.role === 'subdistrict' &&
      actor.subdistrict === a.form.subdistrict &&
      open &&
      !s.confirmed[a.form.subdistrict];
    const canRecordPaper = actor.role === 'bureau' && !a.paperFormReceived && !a.final;
    return renderPage(
      request,
      reply,
      'application',
      {
        app: a,
        committeeId,
        reviewDeadline: deadlineView(a.reviewDeadline, s),
        canDecide,
        canRecordPaper,
        showAudit: actor.role !== 'committee',
        when: beijingText,
        who: (id: string) => (id ? (actorById(ctx.directory, id)?.name ?? id) : '系统'),
        roleText: (id: string, r: string) =>
          ROLE_TEXT[actorById(ctx.directory, id)?.role ?? (r as keyof typeof ROLE_TEXT)] ?? r,
        actionText: (a: string) => ACTION_TEXT[a] ?? a,
        nonces: { recommend: newNonce(), notRecommend: newNonce(), paper: newNonce() },
        values: {},
        fieldErrors: {},
        errors: [],
        result: (request.query as { submitted?: string }).submitted ? '推荐表已提交' : undefined,
        back:
          actor.role === 'committee'
            ? { href: '/inbox', text: '返回我的待办' }
            : { href: '/applications', text: '返回申报列表' },
        ...extra,
      },
      { title: `${a.form.committeeName}的申报`, actor, status },
    );
  };

  app.get<{ Params: { committeeId: string } }>('/applications/:committeeId', async (request, reply) => {
    const actor = requireActor(request, reply);
    if (!actor) return reply;
    if (!mayRead(request, reply, actor, request.params.committeeId)) return reply;
    const year = await ctx.years.current();
    if (!year) return noCampaign(request, reply, actor);
    try {
      return await applicationPage(request, reply, actor, year, request.params.committeeId);
    } catch (err) {
      if (!(err instanceof ActionError && err.failure.kind === 'busy')) throw err;
      // A submission needs no worker (its workflow is started, the campaign read from its memo), but this page
      // reads the application's state through one: say that the form is in, and that its details come later.
      if ((request.query as { submitted?: string }).submitted)
        return renderPage(
          request,
          reply,
          'message',
          { message: '推荐表已提交。系统繁忙，申报详情暂时无法显示，请稍后刷新本页。', links: [] },
          { title: '推荐表已提交', actor },
        );
      return busyPage(request, reply, actor);
    }
  });

  /** One Update from a form: the nonce is its id, so a repeated submission has one effect and shows the same result. */
  const ACTIONS = {
    recommend: {
      role: 'subdistrict',
      payload: (b: Body) => ({ note: str(b.note).trim() || undefined }),
      nonceKey: 'recommend',
    },
    'not-recommend': {
      role: 'subdistrict',
      payload: (b: Body) => ({ reason: str(b.reason).trim() }),
      nonceKey: 'notRecommend',
    },
    'paper-form': {
      role: 'bureau',
      payload: (b: Body) => ({ receivedOn: str(b.receivedOn).trim() }),
      nonceKey: 'paper',
    },
  } as const;
  const UPDATE_NAME = {
    recommend: 'recommend',
    'not-recommend': 'notRecommend',
    'paper-form': 'recordPaperForm',
  } as const;

  app.post<{ Params: { committeeId: string; action: string }; Body: Body }>(
    '/applications/:committeeId/:action',
    async (request, reply) => {
      const actor = requireActor(request, reply);
      if (!actor) return reply;
      const { committeeId, action } = request.params;
      const spec = ACTIONS[action as keyof typeof ACTIONS];
      if (!spec) return errorPage(request, reply, 404, '页面不存在', '没有这个操作。', { actor });
      if (!mayRead(request, reply, actor, committeeId)) return reply;
      if (actor.role !== spec.role)
        return errorPage(request, reply, 403, '无权办理', '您的角色不能办理这个事项。', { actor });
      const year = await ctx.years.current();
      if (!year) return noCampaign(request, reply, actor);
      const body = request.body ?? {};
      const updateId = updateIdOf(actor.id, body.nonce);
      const values = { note: str(body.note), reason: str(body.reason), receivedOn: str(body.receivedOn) };
      const keepNonce = { [spec.nonceKey]: str(body.nonce) };
      const again = async (extra: Record<string, unknown>, status: number) => {
        try {
          return await applicationPage(
            request,
            reply,
            actor,
            year,
            committeeId,
            {
              values,
              ...extra,
              nonces: { recommend: newNonce(), notRecommend: newNonce(), paper: newNonce(), ...keepNonce },
            },
            status,
          );
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
      const payload = { actor: actor.id, ...spec.payload(body) };
      // Field checks in Chinese before the workflow sees it; the workflow checks again.
      if (action === 'not-recommend' && (payload as { reason: string }).reason.length < 2) {
        const e = { field: 'reason', message: '请填写不推荐理由（至少 2 个字）' };
        return again({ errors: [e], fieldErrors: { reason: e.message } }, 400);
      }
      if (action === 'paper-form' && !/^\d{4}-\d{2}-\d{2}$/.test((payload as { receivedOn: string }).receivedOn)) {
        const e = { field: 'receivedOn', message: '请按“年-月-日”填写收到日期' };
        return again({ errors: [e], fieldErrors: { receivedOn: e.message } }, 400);
      }
      try {
        const result = await within(() =>
          applicationAction(
            ctx.client,
            year,
            committeeId,
            UPDATE_NAME[action as keyof typeof UPDATE_NAME],
            payload as any,
            { updateId },
          ),
        );
        request.log.info(
          {
            event: 'action',
            action: UPDATE_NAME[action as keyof typeof UPDATE_NAME],
            person: actor.id,
            committee: committeeId,
          },
          'action accepted',
        );
        return await again({ result: result.message, values: {} }, 200);
      } catch (err) {
        if (!(err instanceof ActionError)) throw err;
        const f = err.failure;
        request.log.info(
          { event: 'action-refused', kind: f.kind, person: actor.id, committee: committeeId },
          'action refused',
        );
        const field =
          f.kind !== 'busy' && f.field && ['reason', 'receivedOn', 'note'].includes(f.field) ? f.field : undefined;
        return failurePage(request, reply, actor, f, (extra, status) =>
          again(
            {
              ...extra,
              ...(field ? { fieldErrors: { [field]: f.message }, errors: [{ field, message: f.message }] } : {}),
            },
            status,
          ),
        );
      }
    },
  );

  // ---- lists and the 街镇's confirmation ----------------------------------------------------

  app.get<{ Querystring: { subdistrict?: string } }>('/applications', async (request, reply) => {
    const actor = requireActor(request, reply);
    if (!actor) return reply;
    if (actor.role === 'committee') return reply.redirect('/application');
    if (actor.role !== 'subdistrict' && actor.role !== 'bureau')
      return errorPage(request, reply, 403, '无权查看', '您的角色不能查看申报列表。', { actor });
    const year = await ctx.years.current();
    if (!year) return noCampaign(request, reply, actor);
    const subdistrict =
      actor.role === 'subdistrict'
        ? actor.subdistrict
        : ctx.directory.subdistricts.find((s) => s === request.query.subdistrict);
    try {
      const rows = await within(() => campaignApplications(ctx.client, year, subdistrict ?? ''));
      const view = [...rows]
        .sort((a, b) => a.committeeId.localeCompare(b.committeeId))
        .map((r) => ({
          ...r,
          name: nameOf(r.committeeId),
          stageLabel: STAGE_LABELS[r.stage as ApplicationStage] ?? r.stage,
        }));
      return renderPage(
        request,
        reply,
        'applications',
        { rows: view, year, scope: subdistrict ?? '全区' },
        { title: subdistrict ? `${subdistrict}的申报` : '全部申报', actor },
      );
    } catch (err) {
      if (err instanceof ActionError && err.failure.kind === 'busy') return busyPage(request, reply, actor);
      throw err;
    }
  });

  const confirmPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    year: number,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const sd = actor.subdistrict!;
    const [s, rows] = await within(() =>
      Promise.all([campaignStatus(ctx.client, year), campaignApplications(ctx.client, year, sd)]),
    );
    const names = (stage: string) => rows.filter((r) => r.stage === stage).map((r) => nameOf(r.committeeId));
    const confirmed = s.confirmed[sd];
    return renderPage(
      request,
      reply,
      'confirm-list',
      {
        subdistrict: sd,
        deadline: deadlineView(s.reviewDeadlines[sd], s),
        recommended: confirmed ? confirmed.recommended.map(nameOf) : names('recommended'),
        notRecommended: names('not-recommended'),
        undecided: confirmed ? [] : names('submitted'),
        confirmed: confirmed ? beijingText(confirmed.at) : undefined,
        nonce: newNonce(),
        errors: [],
        ...extra,
      },
      { title: '确认推荐名单', actor, status },
    );
  };

  app.get('/subdistrict/confirm-list', async (request, reply) => {
    const actor = requireActor(request, reply);
    if (!actor) return reply;
    if (actor.role !== 'subdistrict')
      return errorPage(request, reply, 403, '无权办理', '只有街镇工作人员可以确认推荐名单。', { actor });
    const year = await ctx.years.current();
    if (!year) return noCampaign(request, reply, actor);
    try {
      return await confirmPage(request, reply, actor, year);
    } catch (err) {
      if (err instanceof ActionError && err.failure.kind === 'busy') return busyPage(request, reply, actor);
      throw err;
    }
  });

  app.post<{ Body: Body }>('/subdistrict/confirm-list', async (request, reply) => {
    const actor = requireActor(request, reply);
    if (!actor) return reply;
    if (actor.role !== 'subdistrict')
      return errorPage(request, reply, 403, '无权办理', '只有街镇工作人员可以确认推荐名单。', { actor });
    const year = await ctx.years.current();
    if (!year) return noCampaign(request, reply, actor);
    const updateId = updateIdOf(actor.id, (request.body ?? {}).nonce);
    try {
      if (!updateId)
        return await confirmPage(request, reply, actor, year, { errors: [{ message: '表单已失效，请重新提交' }] }, 400);
      const result = await within(() =>
        campaignAction(ctx.client, year, 'confirmList', { actor: actor.id }, { updateId }),
      );
      request.log.info({ event: 'action', action: 'confirmList', person: actor.id }, 'action accepted');
      return await confirmPage(request, reply, actor, year, { result: result.message });
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      if (err.failure.kind === 'busy') return errorPage(request, reply, 503, '系统繁忙', BUSY, { actor });
      try {
        return await confirmPage(
          request,
          reply,
          actor,
          year,
          { errors: [{ message: err.failure.message }], nonce: str((request.body ?? {}).nonce) },
          409,
        );
      } catch (again) {
        if (again instanceof ActionError && again.failure.kind === 'busy')
          return errorPage(request, reply, 503, '系统繁忙', BUSY, { actor });
        throw again;
      }
    }
  });
}
