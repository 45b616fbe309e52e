/** The console's check before it shows one committee's application or title (the rule: domain/authorization.ts). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mayReadCommittee } from '../domain/authorization';
import type { Actor } from './people';
import { errorPage } from './render';
import type { AppContext } from './server';

/**
 * A guard for pages about one committee's `noun` (申报, 称号). An unknown committee gets 404; another 街镇's
 * or committee's gets 403, and the attempt is logged with ids only.
 */
export function committeeReadGuard(ctx: AppContext, noun: string) {
  return (request: FastifyRequest, reply: FastifyReply, actor: Actor, committeeId: string): boolean => {
    const committee = ctx.directory.committees.find((c) => c.id === committeeId);
    if (!committee) {
      void errorPage(request, reply, 404, `未找到${noun}`, '名录中没有这个业委会。', { actor });
      return false;
    }
    if (mayReadCommittee(actor, committee)) return true;
    request.log.warn(
      {
        event: 'forbidden',
        person: actor.id,
        role: actor.role,
        committee: committee.id,
        route: request.routeOptions.url,
      },
      'access refused: another 街镇 or committee',
    );
    void errorPage(
      request,
      reply,
      403,
      '无权查看',
      actor.role === 'subdistrict'
        ? `这个${noun}属于${committee.subdistrict}，您只能查看和办理${actor.subdistrict}的${noun}。`
        : `您无权查看这个${noun}。`,
      { actor },
    );
    return false;
  };
}
