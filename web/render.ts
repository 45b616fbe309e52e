/** Server-side HTML: Eta templates (escaped by default) inside the one zh-CN layout. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Eta } from 'eta';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ROLE_TEXT, type Actor } from './people';

const eta = new Eta({ views: join(__dirname, 'views'), cache: true, autoEscape: true, autoTrim: false });
export const CSS = readFileSync(join(__dirname, 'static', 'console.css'), 'utf8');

export interface PageOptions {
  title: string;
  status?: number;
  actor?: Actor;
}

export function renderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  view: string,
  data: Record<string, unknown>,
  opts: PageOptions,
): FastifyReply {
  const csrf = reply.generateCsrf();
  const body = eta.render(view, { ...data, csrf });
  const html = eta.render('layout', {
    title: opts.title,
    body,
    actor: opts.actor,
    roleText: opts.actor ? ROLE_TEXT[opts.actor.role] : '',
    csrf,
  });
  return reply
    .code(opts.status ?? 200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(html);
}

export interface Link {
  href: string;
  text: string;
}

export function errorPage(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
  opts: { detail?: string; links?: Link[]; actor?: Actor } = {},
) {
  const links =
    opts.links ??
    (opts.actor ? [{ href: '/inbox', text: '返回我的待办' }] : [{ href: '/auth/sign-in', text: '返回登录页' }]);
  return renderPage(
    request,
    reply,
    'error',
    { message, detail: opts.detail, links },
    { title, status, actor: opts.actor },
  );
}
