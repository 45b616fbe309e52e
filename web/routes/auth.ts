/**
 * Sign-in by emailed link. The form always answers the same, so it never tells who is in the
 * directory; the link's GET only shows "确认登录" (mail scanners open links), its POST spends it.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SUBJECT_PREFIX, SIGNATURE, escapeHtml } from '../../templates/layout';
import { BUSY, withinDeadline, ActionError } from '../actions';
import { actorByEmail, type Actor } from '../people';
import { errorPage, renderPage } from '../render';
import type { AppContext } from '../server';
import { redeem, startSignIn, tokenHash, TOKEN_PATTERN } from '../sign-in-links';

const WINDOW = '15 minutes';
/** Links mailed to one address per window, so nobody can flood a colleague's inbox. */
const PER_ADDRESS = 5;
const emailSchema = z.object({ email: z.string().trim().max(200), _csrf: z.string().optional() });

export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const ttlMs = ctx.config.signInTtlMs;
  const ttlText = ttlMs >= 60_000 ? `${Math.round(ttlMs / 60_000)} 分钟` : `${Math.round(ttlMs / 1000)} 秒`;
  const sentTo = new Map<string, number[]>();

  const underAddressLimit = (id: string) => {
    const now = Date.now();
    const recent = (sentTo.get(id) ?? []).filter((t) => now - t < 15 * 60_000);
    if (recent.length >= PER_ADDRESS) return false;
    recent.push(now);
    sentTo.set(id, recent);
    return true;
  };

  const mailLink = async (actor: Actor, email: string, token: string) => {
    const link = `${ctx.config.publicBaseUrl}/auth/link/${token}`;
    const text = [
      `${actor.name}您好：`,
      '',
      `请打开下面的链接登录红色示范业委会评选工作台。链接 ${ttlText}内有效，只能使用一次：`,
      link,
      '',
      '如果不是您本人申请登录，请忽略本邮件，您的账号不会有任何变化。',
      '',
      SIGNATURE,
    ].join('\n');
    const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body><p>${escapeHtml(actor.name)}您好：</p><p>请打开下面的链接登录红色示范业委会评选工作台。链接 ${ttlText}内有效，只能使用一次：</p><p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p><p>如果不是您本人申请登录，请忽略本邮件，您的账号不会有任何变化。</p><p>${escapeHtml(SIGNATURE)}</p></body></html>`;
    await ctx.mailer.send({
      to: { name: actor.name, address: email },
      subject: `${SUBJECT_PREFIX}登录链接`,
      text,
      html,
      messageId: `<signin-${randomUUID()}@red-model.local>`,
    });
  };

  app.get('/auth/sign-in', async (request, reply) => {
    if (request.actor) return reply.redirect('/inbox');
    return renderPage(request, reply, 'sign-in', { values: {}, ttlText }, { title: '登录' });
  });

  app.post(
    '/auth/sign-in',
    { config: { rateLimit: { max: ctx.signInLimit ?? 30, timeWindow: WINDOW } } },
    async (request, reply) => {
      const parsed = emailSchema.safeParse(request.body);
      const email = parsed.success ? parsed.data.email : '';
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
        const message = '请输入有效的工作邮箱，例如 name@example.org';
        return renderPage(
          request,
          reply,
          'sign-in',
          { values: { email }, errors: [{ field: 'email', message }], fieldErrors: { email: message }, ttlText },
          { title: '登录', status: 400 },
        );
      }
      const actor = actorByEmail(ctx.directory, email);
      if (actor && underAddressLimit(actor.id)) {
        // In the background: the answer's timing must not tell whether the address is in the directory.
        void (async () => {
          const token = await startSignIn(ctx.client, actor.id, ctx.config.signInTtlMs, ctx.taskQueue);
          await mailLink(actor, email, token);
          request.log.info(
            { event: 'sign-in-link-sent', person: actor.id, link: tokenHash(token).slice(0, 12) },
            'sign-in link sent',
          );
        })().catch((err) =>
          request.log.error(
            { event: 'sign-in-link-failed', person: actor.id, err: { name: err?.name, message: err?.message } },
            'sign-in link failed',
          ),
        );
      } else {
        request.log.info(
          { event: 'sign-in-link-not-sent', reason: actor ? 'address-limit' : 'not-in-directory' },
          'sign-in request',
        );
      }
      return renderPage(request, reply, 'sign-in', { values: {}, sent: true, ttlText }, { title: '登录' });
    },
  );

  app.get<{ Params: { token: string } }>('/auth/link/:token', async (request, reply) => {
    if (!TOKEN_PATTERN.test(request.params.token))
      return errorPage(
        request,
        reply,
        400,
        '登录链接无效',
        '这个登录链接无效。请检查是否完整复制了邮件中的链接，或重新申请登录链接。',
      );
    return renderPage(request, reply, 'confirm-sign-in', { token: request.params.token }, { title: '确认登录' });
  });

  app.post<{ Params: { token: string } }>(
    '/auth/link/:token',
    { config: { rateLimit: { max: (ctx.signInLimit ?? 30) * 4, timeWindow: WINDOW } } },
    async (request, reply) => {
      let outcome;
      try {
        outcome = await withinDeadline(ctx.client, ctx.config.actionDeadlineMs, () =>
          redeem(ctx.client, request.params.token),
        );
      } catch (err) {
        if (err instanceof ActionError && err.failure.kind === 'busy')
          return errorPage(request, reply, 503, '系统繁忙', BUSY, {
            links: [{ href: request.url, text: '重新打开登录链接' }],
          });
        throw err;
      }
      if (!outcome.ok) {
        request.log.warn({ event: 'sign-in-link-refused', reason: outcome.reason }, 'sign-in link refused');
        const again = { links: [{ href: '/auth/sign-in', text: '重新申请登录链接' }] };
        if (outcome.reason === 'used')
          return errorPage(
            request,
            reply,
            410,
            '登录链接已使用',
            '这个登录链接已经使用过，每个链接只能使用一次。',
            again,
          );
        if (outcome.reason === 'expired')
          return errorPage(request, reply, 410, '登录链接已过期', `这个登录链接已过期（有效期 ${ttlText}）。`, again);
        return errorPage(
          request,
          reply,
          400,
          '登录链接无效',
          '这个登录链接无效。请检查是否完整复制了邮件中的链接，或重新申请登录链接。',
          again,
        );
      }
      const returnTo = request.session.get('returnTo');
      // A fresh session: nothing from before sign-in (such as the CSRF secret) carries over.
      request.session.regenerate();
      request.session.set('personId', outcome.personId);
      request.session.set('signedInAt', Date.now());
      request.actor = undefined;
      request.log.info({ event: 'signed-in', person: outcome.personId }, 'signed in');
      return reply.redirect(returnTo && /^\/(?![/\\])/.test(returnTo) ? returnTo : '/inbox', 303);
    },
  );

  app.post('/auth/sign-out', async (request, reply) => {
    request.log.info({ event: 'signed-out', person: request.actor?.id }, 'signed out');
    request.session.delete();
    return reply.redirect('/auth/sign-in', 303);
  });
}
