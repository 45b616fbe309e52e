/** 我的待办, for every signed-in person. */
import type { FastifyInstance } from 'fastify';
import { PHASE_LABELS } from '../../domain/stages';
import { ActionError, BUSY, withinDeadline } from '../actions';
import { errorPage, renderPage } from '../render';
import { requireActor, type AppContext } from '../server';
import { inboxFor } from '../tasks';

export function registerInboxRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { tab?: string } }>('/inbox', async (request, reply) => {
    const actor = requireActor(request, reply);
    if (!actor) return reply;
    const year = await ctx.years.current();
    if (!year)
      return renderPage(request, reply, 'message', { message: '目前没有进行中的评选。' }, { title: '我的待办', actor });
    try {
      const inbox = await withinDeadline(ctx.client, ctx.config.actionDeadlineMs, () =>
        inboxFor(ctx.client, ctx.directory, actor, year),
      );
      const tab = request.query.tab === 'done' ? 'done' : 'open';
      return renderPage(
        request,
        reply,
        'inbox',
        { inbox, tab, year, phaseLabel: PHASE_LABELS[inbox.status.phase] },
        { title: '我的待办', actor },
      );
    } catch (err) {
      if (err instanceof ActionError && err.failure.kind === 'busy')
        return errorPage(request, reply, 503, '系统繁忙', BUSY, { actor });
      throw err;
    }
  });
}
