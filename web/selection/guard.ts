/** Page guards for the selection pages: the role comes from the signed-in session only, never from a form. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../people';
import type { Actor } from '../people';
import { errorPage, renderPage } from '../render';
import { requireActor, type AppContext } from '../server';
import { ActionError, BUSY } from '../actions';

export async function guardRole(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  role: Role,
  what: string,
): Promise<{ actor: Actor; year: number } | undefined> {
  const actor = requireActor(request, reply);
  if (!actor) return undefined;
  if (actor.role !== role) {
    request.log.warn(
      { event: 'forbidden', person: actor.id, role: actor.role, route: request.routeOptions.url },
      `access refused: ${role} page`,
    );
    void errorPage(
      request,
      reply,
      403,
      '无权查看',
      `${what}只对${({ inspector: '第三方测评企业', panel: '评选团', bureau: '区房管局' } as Record<string, string>)[role] ?? role}开放。`,
      { actor },
    );
    return undefined;
  }
  const year = await ctx.years.current();
  if (!year) {
    void renderPage(request, reply, 'message', { message: '目前没有进行中的评选。' }, { title: what, actor });
    return undefined;
  }
  return { actor, year };
}

/** "系统繁忙" for a page whose Query did not answer in time; anything else is thrown on. */
export function busyPage(request: FastifyRequest, reply: FastifyReply, actor: Actor, err: unknown) {
  if (err instanceof ActionError && err.failure.kind === 'busy')
    return errorPage(request, reply, 503, '系统繁忙', BUSY, { actor });
  throw err;
}
