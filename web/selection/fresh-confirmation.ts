/**
 * A fresh confirmation for the two irreversible steps: the chair's finalising (it starts 公示) and the
 * bureau's confirmation of the final list. The page that asks for it emails the person a second link,
 * valid for the sign-in link's lifetime (at most 10 minutes) and once; only the POST of that link's
 * page acts. Re-typing one's own email address was rejected: it is shown on screen and known to
 * colleagues, so it proves nothing a session does not; the link proves the mailbox is in hand now.
 *
 * Single use and expiry are the sign-in workflow's (under the id `confirm-<sha256>`, so a sign-in link
 * can never confirm and a confirmation link can never sign in). What is to be done waits in this
 * process's memory, keyed by the token's hash: a restart of the web process forgets it, and the person
 * asks again (the workflows refuse nothing twice because nothing was sent).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { campaignAction } from '../../client/campaigns';
import { SIGNATURE, SUBJECT_PREFIX, escapeHtml } from '../../templates/layout';
import { ActionError, BUSY, withinDeadline } from '../actions';
import type { Actor } from '../people';
import { errorPage, renderPage } from '../render';
import { requireActor, type AppContext } from '../server';
import { redeem, startSignIn, tokenHash, TOKEN_PATTERN } from '../sign-in-links';

export const confirmationWorkflowId = (hash: string): string => `confirm-${hash}`;

export type ConfirmedAction =
  | { name: 'panelFinalize'; payload: { actor: string; ranking: string[]; tieBreakRule: string } }
  | { name: 'confirmFinal'; payload: { actor: string } };

interface Pending {
  personId: string;
  year: number;
  title: string;
  lines: string[];
  action: ConfirmedAction;
  expires: number;
  /** Where to go afterwards. */
  back: { href: string; text: string };
  result?: string;
}

export interface FreshConfirmations {
  /** Starts the link's workflow and mails it; the action waits for the link's POST. */
  request(actor: Actor, p: Omit<Pending, 'personId' | 'expires' | 'result'>): Promise<void>;
  /** "10 分钟": the link's lifetime, for the page that says a link was sent. */
  ttlText: string;
  /**
   * `request`, then the page that says a link was sent (and a log line without personal data). A refusal is
   * handed to `refused` with its one-line message and status: 503 when Temporal is busy, else 400.
   */
  requestAndShow(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    p: Omit<Pending, 'personId' | 'expires' | 'result'>,
    refused: (message: string, code: number) => unknown,
  ): Promise<unknown>;
}

export function registerFreshConfirmation(app: FastifyInstance, ctx: AppContext): FreshConfirmations {
  const ttlMs = ctx.config.signInTtlMs;
  const ttlText = ttlMs >= 60_000 ? `${Math.round(ttlMs / 60_000)} 分钟` : `${Math.round(ttlMs / 1000)} 秒`;
  const pending = new Map<string, Pending>();
  const sweep = () => {
    // Kept a minute past expiry so a late click still gets "已过期" from the workflow, not "不存在".
    for (const [h, p] of pending) if (p.expires + 60_000 < Date.now()) pending.delete(h);
  };

  const request: FreshConfirmations['request'] = async (actor, p) => {
    sweep();
    const email = ctx.directory.people.find((x) => x.id === actor.id)?.email;
    if (!email)
      throw new ActionError({ kind: 'input', message: '名录中没有您的工作邮箱，无法发送确认链接，请联系区房管局。' });
    const token = await withinDeadline(ctx.client, ctx.config.actionDeadlineMs, () =>
      startSignIn(ctx.client, actor.id, ttlMs, ctx.taskQueue, confirmationWorkflowId),
    );
    pending.set(tokenHash(token), { ...p, personId: actor.id, expires: Date.now() + ttlMs });
    const link = `${ctx.config.publicBaseUrl}/confirm/${token}`;
    const intro = `${actor.name}您好：`;
    const ask = `您在评选工作台申请“${p.title}”。此操作不可撤销。请打开下面的链接，核对后点击确认。链接 ${ttlText}内有效，只能使用一次：`;
    const text = [
      intro,
      '',
      ask,
      ...p.lines.map((l) => `  ${l}`),
      link,
      '',
      '如果不是您本人申请，请不要打开链接，并告知区房管局。',
      '',
      SIGNATURE,
    ].join('\n');
    const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body><p>${escapeHtml(intro)}</p><p>${escapeHtml(ask)}</p><ul>${p.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul><p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p><p>如果不是您本人申请，请不要打开链接，并告知区房管局。</p><p>${escapeHtml(SIGNATURE)}</p></body></html>`;
    await ctx.mailer.send({
      to: { name: actor.name, address: email },
      subject: `${SUBJECT_PREFIX}请确认：${p.title}`,
      text,
      html,
      messageId: `<confirm-${randomUUID()}@red-model.local>`,
    });
  };

  const find = (request: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) => {
    const actor = requireActor(request, reply);
    if (!actor) return undefined;
    const { token } = request.params;
    const p = TOKEN_PATTERN.test(token) ? pending.get(tokenHash(token)) : undefined;
    if (!p) {
      void errorPage(
        request,
        reply,
        410,
        '确认链接无效',
        '这个确认链接无效或已失效（工作台重启后需重新申请）。请回到原页面重新提交。',
        { actor },
      );
      return undefined;
    }
    if (p.personId !== actor.id) {
      request.log.warn(
        { event: 'forbidden', person: actor.id, route: request.routeOptions.url },
        'access refused: confirmation of another person',
      );
      void errorPage(
        request,
        reply,
        403,
        '无权确认',
        '这个确认链接是发给另一位工作人员的。请用收到链接的人员身份登录。',
        { actor },
      );
      return undefined;
    }
    return { actor, p, token };
  };

  app.get<{ Params: { token: string } }>('/confirm/:token', async (request, reply) => {
    const f = find(request, reply);
    if (!f) return reply;
    return renderPage(
      request,
      reply,
      'fresh-confirm',
      { p: f.p, token: f.token },
      { title: `确认：${f.p.title}`, actor: f.actor },
    );
  });

  app.post<{ Params: { token: string } }>('/confirm/:token', async (request, reply) => {
    const f = find(request, reply);
    if (!f) return reply;
    const { actor, p, token } = f;
    const hash = tokenHash(token);
    const done = (result: string) =>
      renderPage(request, reply, 'fresh-confirm', { p, token, result }, { title: `确认：${p.title}`, actor });
    try {
      const outcome = await withinDeadline(ctx.client, ctx.config.actionDeadlineMs, () =>
        redeem(ctx.client, token, confirmationWorkflowId),
      );
      if (!outcome.ok) {
        // A second click after success: the same result, nothing done twice.
        if (outcome.reason === 'used' && p.result) return done(p.result);
        const why =
          outcome.reason === 'expired' ? `这个确认链接已过期（有效期 ${ttlText}）。` : '这个确认链接已经使用过。';
        return errorPage(request, reply, 410, '确认链接已失效', `${why}请回到原页面重新提交。`, {
          actor,
          links: [p.back],
        });
      }
      if (outcome.personId !== actor.id)
        return errorPage(request, reply, 403, '无权确认', '这个确认链接是发给另一位工作人员的。', { actor });
      const updateId = `web-${actor.id}-confirm-${hash.slice(0, 32)}`;
      const r = await withinDeadline(ctx.client, ctx.config.actionDeadlineMs, () =>
        campaignAction(ctx.client, p.year, p.action.name, p.action.payload as any, { updateId }),
      );
      p.result = r.message;
      request.log.info(
        { event: 'action', action: p.action.name, person: actor.id, confirmed: 'fresh-link' },
        'action accepted',
      );
      return done(r.message);
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      if (err.failure.kind === 'busy')
        return errorPage(request, reply, 503, '系统繁忙', `${BUSY}。请稍后重新打开邮件中的链接。`, {
          actor,
          links: [p.back],
        });
      return errorPage(request, reply, 409, '未能办理', err.failure.message, { actor, links: [p.back] });
    }
  });

  const requestAndShow: FreshConfirmations['requestAndShow'] = async (req, reply, actor, p, refused) => {
    try {
      await request(actor, p);
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      const busy = err.failure.kind === 'busy';
      return refused(busy ? BUSY : err.failure.message, busy ? 503 : 400);
    }
    req.log.info(
      { event: 'fresh-confirmation-sent', action: p.action.name, person: actor.id },
      'confirmation link sent',
    );
    return renderPage(
      req,
      reply,
      'fresh-confirm-sent',
      { lines: p.lines, back: p.back, ttlText },
      { title: '请到邮箱确认', actor },
    );
  };

  return { request, ttlText, requestAndShow };
}
