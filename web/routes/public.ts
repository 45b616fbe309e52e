/**
 * The public's pages, without sign-in: the year's 公示 (`/public/<year>`) and objections to it. An objection is held
 * in a workflow of its own until it counts (client/public-objections.ts): an email contact confirms it by an emailed
 * link, a phone number is filed at once. Names and contacts are never shown on these pages or logged.
 */
import { EMAIL_PATTERN, PHONE_PATTERN } from '../../domain/contact';
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { campaignStatus } from '../../client/campaigns';
import {
  confirmPublicObjection,
  OBJECTION_REF_PATTERN,
  OBJECTION_TOKEN_PATTERN,
  publicObjectionResult,
  publicObjectionState,
  startPublicObjection,
} from '../../client/public-objections';
import { formatDeadline } from '../../domain/calendar';
import { SIGNATURE, SUBJECT_PREFIX, escapeHtml } from '../../templates/layout';
import type { CampaignStatus } from '../../workflows/campaign/state';
import type { PublicObjectionOutcome } from '../../workflows/public-objection/workflow';
import { ActionError, BUSY, withinDeadline } from '../actions';
import type { FieldError } from '../forms';
import { calendarNow } from '../format';
import { NO_PUBLICITY, objectable, publicView, type PublicYearView } from '../public-view';
import { errorPage, renderPage } from '../render';
import { createScanStore, MAX_SCAN_BYTES, scanTypeOf, SCAN_MIME, type ScanStore } from '../scan-store';
import type { AppContext } from '../server';

const envSchema = z.object({
  /** How long an emailed confirmation link is valid; 公示 itself may end first. */
  OBJECTION_LINK_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(86_400),
  /** Objections posted per IP address per hour (a household or an office shares one address). */
  OBJECTION_LIMIT_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(10),
});
/** Confirmation mails to one email address per hour, so nobody can flood a stranger's inbox through this form. */
const MAILS_PER_ADDRESS = 3;

const str = (v: unknown, max = 6000) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
const YEAR = /^\d{4}$/;

interface FormValues {
  committeeId: string;
  name: string;
  contact: string;
  grounds: string;
  organisation: string;
}

type Body = Record<string, unknown>;

export function registerPublicRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  scans: ScanStore = createScanStore(),
): void {
  const env = envSchema.parse(
    Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== '')),
  );
  const ttlMs = env.OBJECTION_LINK_TTL_SECONDS * 1000;
  const mailsTo = new Map<string, number[]>();
  const underMailLimit = (email: string) => {
    const key = createHash('sha256').update(email.toLowerCase()).digest('hex');
    const now = Date.now();
    const recent = (mailsTo.get(key) ?? []).filter((t) => now - t < 3_600_000);
    if (recent.length >= MAILS_PER_ADDRESS) return false;
    recent.push(now);
    mailsTo.set(key, recent);
    return true;
  };

  /** The year's status, or undefined when there is no campaign for it. */
  const load = async (year: number): Promise<CampaignStatus | undefined> => {
    try {
      return await withinDeadline(ctx.client, ctx.config.actionDeadlineMs, () => campaignStatus(ctx.client, year));
    } catch (err) {
      if (err instanceof ActionError && err.failure.kind === 'input') return undefined;
      throw err;
    }
  };

  const titleOf = (v: PublicYearView) =>
    v.state === 'final' ? `${v.year}年红色示范业委会表彰名单` : `${v.year}年红色示范业委会拟表彰名单公示`;
  const page = (
    request: FastifyRequest,
    reply: FastifyReply,
    view: PublicYearView,
    extra: Record<string, unknown> = {},
    status = 200,
  ) =>
    renderPage(
      request,
      reply,
      'public',
      {
        view,
        candidates: objectable(view),
        values: {},
        errors: [],
        fieldErrors: {},
        maxMb: MAX_SCAN_BYTES / 1024 / 1024,
        ...extra,
      },
      { title: titleOf(view), status: view.state === 'none' && status === 200 ? 404 : status, actor: request.actor },
    );
  const busyPage = (request: FastifyRequest, reply: FastifyReply, year: number) =>
    errorPage(request, reply, 503, '系统繁忙', BUSY, {
      links: [{ href: `/public/${year}`, text: '返回公示页面' }],
      actor: request.actor,
    });

  const yearOf = (raw: string) => (YEAR.test(raw) && +raw >= 2000 && +raw <= 2200 ? +raw : undefined);

  app.get<{ Params: { year: string } }>('/public/:year', async (request, reply) => {
    const year = yearOf(request.params.year);
    if (!year)
      return errorPage(request, reply, 404, '页面不存在', '您访问的页面不存在。', { links: [], actor: request.actor });
    let status;
    try {
      status = await load(year);
    } catch (err) {
      if (err instanceof ActionError && err.failure.kind === 'busy') return busyPage(request, reply, year);
      throw err;
    }
    return page(request, reply, status ? publicView(status, ctx.directory) : { year, ...NO_PUBLICITY });
  });

  app.post<{ Params: { year: string }; Body: Body }>(
    '/public/:year/objection',
    {
      config: {
        rateLimit: { max: env.OBJECTION_LIMIT_PER_HOUR, timeWindow: '1 hour' },
        // One scan of at most 5 MB: read one byte more, so a larger file shows as too large instead of failing the request.
        // (`throwFileSizeLimit` is read from these options at run time; the plugin's type only lists busboy's.)
        multipartOptions: {
          limits: { fileSize: MAX_SCAN_BYTES + 1, files: 1, fields: 10 },
          throwFileSizeLimit: false,
        } as { limits: { fileSize: number } },
      },
    },
    async (request, reply) => {
      const year = yearOf(request.params.year);
      if (!year)
        return errorPage(request, reply, 404, '页面不存在', '您访问的页面不存在。', {
          links: [],
          actor: request.actor,
        });
      const body = request.body ?? {};
      const values: FormValues = {
        committeeId: str(body.committeeId, 64),
        name: str(body.name, 200),
        contact: str(body.contact, 200),
        grounds: str(body.grounds),
        organisation: str(body.organisation, 200),
      };
      const raw = body.scan;
      const scan = Buffer.isBuffer(raw) && raw.length > 0 ? raw : undefined;

      let status;
      try {
        status = await load(year);
      } catch (err) {
        if (err instanceof ActionError && err.failure.kind === 'busy') return busyPage(request, reply, year);
        throw err;
      }
      const view = status ? publicView(status, ctx.directory) : { year, ...NO_PUBLICITY };
      if (view.state === 'none') return page(request, reply, view);
      if (view.state !== 'publicity') {
        request.log.info({ event: 'objection-refused', reason: 'window-closed', year }, 'objection refused');
        return page(
          request,
          reply,
          view,
          { closedError: `公示已于 ${view.endsText}（北京时间）结束，不再受理异议。` },
          409,
        );
      }

      const errors: FieldError[] = [];
      const contactKind = EMAIL_PATTERN.test(values.contact)
        ? 'email'
        : PHONE_PATTERN.test(values.contact)
          ? 'phone'
          : undefined;
      if (!objectable(view).some((r) => r.committeeId === values.committeeId))
        errors.push({ field: 'committeeId', message: '请选择异议针对的业委会' });
      if (values.name.length < 2 || values.name.length > 50)
        errors.push({ field: 'name', message: '请填写真实姓名（2–50 个字）' });
      if (!contactKind) errors.push({ field: 'contact', message: '请填写有效的手机号码、固定电话或电子邮箱' });
      if (values.grounds.length < 10 || values.grounds.length > 5000)
        errors.push({ field: 'grounds', message: '请填写异议理由（10–5000 个字）' });
      if (values.organisation && (values.organisation.length < 2 || values.organisation.length > 100))
        errors.push({ field: 'organisation', message: '单位名称为 2–100 个字' });
      let scanType;
      if (scan && scan.length > MAX_SCAN_BYTES)
        errors.push({ field: 'scan', message: `扫描件不能超过 ${MAX_SCAN_BYTES / 1024 / 1024} MB，请压缩后重新选择` });
      else if (scan && !(scanType = scanTypeOf(scan)))
        errors.push({ field: 'scan', message: '扫描件须为 PDF、JPG 或 PNG 文件，请重新选择' });
      else if (values.organisation && !scan)
        errors.push({ field: 'scan', message: '以单位名义提出异议的，须上传加盖公章的扫描件' });
      if (!errors.length && contactKind === 'email' && !underMailLimit(values.contact)) {
        errors.push({
          field: 'contact',
          message: `同一邮箱每小时最多提交 ${MAILS_PER_ADDRESS} 次，请稍后再试，或填写电话号码`,
        });
      }
      if (errors.length) {
        request.log.info(
          { event: 'objection-invalid', fields: errors.map((e) => e.field), year },
          'objection form has errors',
        );
        const fieldErrors = Object.fromEntries(errors.map((e) => [e.field!, e.message]));
        // A chosen file cannot be put back into the form by the server: say so next to the field.
        if (scan && !fieldErrors.scan) fieldErrors.scan = '出于安全原因，请重新选择扫描件';
        return page(request, reply, view, { values, errors, fieldErrors }, 400);
      }

      const scanId = scan ? scans.save(scan, scanType!) : undefined;
      const objection = {
        committeeId: values.committeeId,
        name: values.name,
        contact: values.contact,
        grounds: values.grounds,
        ...(values.organisation ? { organisation: values.organisation } : {}),
        ...(scan ? { stamped: true } : {}),
      };
      let started;
      try {
        started = await withinDeadline(ctx.client, ctx.config.actionDeadlineMs, () =>
          startPublicObjection(
            ctx.client,
            { year, objection, contactKind: contactKind!, ttlMs, scanId },
            { taskQueue: ctx.taskQueue },
          ),
        );
      } catch (err) {
        if (scanId) scans.remove(scanId);
        if (err instanceof ActionError && err.failure.kind === 'busy')
          return page(request, reply, view, { values, busy: BUSY }, 503);
        throw err;
      }
      const committee = view.rows.find((r) => r.committeeId === values.committeeId)!;
      request.log.info(
        {
          event: 'objection-submitted',
          year,
          ref: started.ref,
          committee: committee.committeeId,
          contactKind,
          scan: Boolean(scanId),
        },
        'objection submitted',
      );

      if (contactKind === 'email') {
        const link = `${ctx.config.publicBaseUrl}/public/${year}/objections/${started.ref}/confirm/${started.token}`;
        // The link's end on the campaign's clock (a compressed calendar runs faster than the wall clock), or 公示's end if sooner.
        const validUntil = formatDeadline(
          Math.min(calendarNow(status!, Date.now() + ttlMs), Date.parse(view.endsIso!)),
        );
        let mailed = true;
        try {
          await mailConfirmation(ctx, values.contact, {
            year,
            ref: started.ref,
            committee: `${committee.name}（${committee.subdistrict}）`,
            link,
            endsText: view.endsText!,
            ttlText: ttlTextOf(ttlMs),
          });
        } catch (err: any) {
          mailed = false;
          request.log.error(
            { event: 'objection-mail-failed', ref: started.ref, err: { name: err?.name, code: err?.code } },
            'objection confirmation mail failed',
          );
        }
        return renderPage(
          request,
          reply,
          'public-sent',
          {
            year,
            ref: started.ref,
            committee,
            kind: 'email',
            mailed,
            endsText: view.endsText,
            validUntil,
            ttlText: ttlTextOf(ttlMs),
          },
          {
            title: mailed ? '请到邮箱确认您的异议' : '确认邮件未能发送',
            status: mailed ? 202 : 502,
            actor: request.actor,
          },
        );
      }
      // A phone number is recorded as given: the objection is filed now; wait for the campaign's answer.
      let outcome: PublicObjectionOutcome | undefined;
      try {
        outcome = await withinDeadline(ctx.client, ctx.config.actionDeadlineMs, () =>
          publicObjectionResult(ctx.client, year, started.ref),
        );
      } catch (err) {
        if (!(err instanceof ActionError && err.failure.kind === 'busy')) throw err;
      }
      return outcomePage(request, reply, year, started.ref, committee, outcome, view.endsText!);
    },
  );

  const confirmPath = '/public/:year/objections/:ref/confirm/:token';
  type ConfirmParams = { Params: { year: string; ref: string; token: string } };
  const forged = (request: FastifyRequest, reply: FastifyReply, year: number | undefined) =>
    errorPage(request, reply, 400, '确认链接无效', '这个确认链接无效。请检查是否完整复制了邮件中的链接。', {
      links: year ? [{ href: `/public/${year}`, text: '返回公示页面' }] : [],
      actor: request.actor,
    });

  app.get<ConfirmParams>(confirmPath, async (request, reply) => {
    const { ref, token } = request.params;
    const year = yearOf(request.params.year);
    if (!year || !OBJECTION_REF_PATTERN.test(ref) || !OBJECTION_TOKEN_PATTERN.test(token))
      return forged(request, reply, year);
    // Mail scanners open links: only the button's POST confirms.
    return renderPage(
      request,
      reply,
      'public-confirm',
      { year, ref, token },
      { title: '确认提交异议', actor: request.actor },
    );
  });

  app.post<ConfirmParams>(
    confirmPath,
    { config: { rateLimit: { max: 60, timeWindow: '15 minutes' } } },
    async (request, reply) => {
      const { ref, token } = request.params;
      const year = yearOf(request.params.year);
      if (!year) return forged(request, reply, year);
      let result;
      try {
        result = await withinDeadline(ctx.client, ctx.config.actionDeadlineMs, () =>
          confirmPublicObjection(ctx.client, year, ref, token),
        );
      } catch (err) {
        if (err instanceof ActionError && err.failure.kind === 'busy')
          return errorPage(request, reply, 503, '系统繁忙', BUSY, {
            links: [{ href: request.url, text: '重新打开确认链接' }],
            actor: request.actor,
          });
        throw err;
      }
      request.log.info(
        {
          event: 'objection-confirmation',
          year,
          ref: OBJECTION_REF_PATTERN.test(ref) ? ref : undefined,
          outcome: result.outcome,
        },
        'objection confirmation',
      );
      const back = { links: [{ href: `/public/${year}`, text: '返回公示页面' }], actor: request.actor };
      if (result.outcome === 'forged') return forged(request, reply, year);
      if (result.outcome === 'used') {
        const r = result.state?.result;
        const where =
          r?.outcome === 'filed'
            ? `您的异议已受理，异议编号 ${r.objectionId}。`
            : r
              ? '您的异议未被受理。'
              : '您的异议正在受理。';
        return errorPage(
          request,
          reply,
          410,
          '确认链接已使用',
          `这个确认链接已经使用过。${where}参考编号 ${ref}。`,
          back,
        );
      }
      if (result.outcome === 'expired')
        return errorPage(
          request,
          reply,
          410,
          '确认链接已过期',
          `这个确认链接已过期（有效期 ${ttlTextOf(ttlMs)}），异议未被受理。如公示尚未结束，请重新提交。参考编号 ${ref}。`,
          back,
        );
      const state = await publicObjectionState(ctx.client, year, ref).catch(() => undefined);
      const c = ctx.directory.committees.find((x) => x.id === state?.committeeId);
      const status = await load(year).catch(() => undefined);
      const endsText = status?.draft ? formatDeadline(Date.parse(status.draft.publicityEnds)) : '';
      return outcomePage(
        request,
        reply,
        year,
        ref,
        { name: c?.name ?? state?.committeeId ?? '', subdistrict: c?.subdistrict ?? '' },
        result,
        endsText,
      );
    },
  );

  /** The stamped scan, for bureau staff only; every read is logged with who read it. */
  app.get<{ Params: { year: string; ref: string } }>('/public/:year/objections/:ref/scan', async (request, reply) => {
    const year = yearOf(request.params.year);
    const actor = request.actor;
    if (!actor) {
      request.session.set('returnTo', request.url);
      return reply.redirect('/auth/sign-in');
    }
    if (actor.role !== 'bureau') {
      request.log.warn(
        { event: 'forbidden', person: actor.id, role: actor.role, route: request.routeOptions.url },
        'access refused: objection scan',
      );
      return errorPage(request, reply, 403, '无权查看', '只有区房管局可以查看异议材料。', { actor });
    }
    const state = year ? await publicObjectionState(ctx.client, year, request.params.ref) : undefined;
    const file = state?.scanId ? scans.read(state.scanId) : undefined;
    if (!file) return errorPage(request, reply, 404, '未找到', '没有找到这份异议的扫描件。', { actor });
    request.log.info(
      { event: 'objection-scan-read', person: actor.id, year, ref: request.params.ref },
      'objection scan read',
    );
    return reply
      .type(SCAN_MIME[file.type])
      .header('cache-control', 'no-store')
      .header(
        'content-disposition',
        `attachment; filename="objection-${request.params.ref}.${file.type === 'jpeg' ? 'jpg' : file.type}"`,
      )
      .send(file.data);
  });
}

function outcomePage(
  request: FastifyRequest,
  reply: FastifyReply,
  year: number,
  ref: string,
  committee: { name: string; subdistrict: string },
  outcome: PublicObjectionOutcome | undefined,
  endsText: string,
) {
  const data = { year, ref, committee, outcome, endsText };
  if (!outcome)
    return renderPage(request, reply, 'public-outcome', data, {
      title: '异议已收到，正在受理',
      status: 202,
      actor: request.actor,
    });
  if (outcome.outcome === 'filed')
    return renderPage(request, reply, 'public-outcome', data, { title: '异议已受理', actor: request.actor });
  return renderPage(request, reply, 'public-outcome', data, {
    title: '异议未被受理',
    status: 409,
    actor: request.actor,
  });
}

const ttlTextOf = (ms: number) =>
  ms >= 3_600_000 && ms % 3_600_000 === 0 ? `${ms / 3_600_000} 小时` : `${Math.round(ms / 60_000)} 分钟`;

async function mailConfirmation(
  ctx: AppContext,
  to: string,
  m: { year: number; ref: string; committee: string; link: string; endsText: string; ttlText: string },
) {
  const lines = [
    '您好：',
    '',
    `您对${m.year}年红色示范业委会拟表彰名单中“${m.committee}”提出了异议，参考编号 ${m.ref}。`,
    `请打开下面的链接确认提交。确认后异议才被受理；链接 ${m.ttlText}内有效，只能使用一次：`,
    m.link,
    '',
    `公示于 ${m.endsText}（北京时间）结束，此后确认的异议不予受理。`,
    '如果不是您本人提交，请忽略本邮件，异议不会被受理。',
    '',
    SIGNATURE,
  ];
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>${lines
    .map((l) =>
      l === m.link ? `<p><a href="${escapeHtml(l)}">${escapeHtml(l)}</a></p>` : l ? `<p>${escapeHtml(l)}</p>` : '',
    )
    .join('')}</body></html>`;
  await ctx.mailer.send({
    to: { name: '', address: to },
    subject: `${SUBJECT_PREFIX}请确认您对拟表彰名单的异议（参考编号 ${m.ref}）`,
    text: lines.join('\n'),
    html,
    messageId: `<objection-${randomUUID()}@red-model.local>`,
  });
}
