/** The bureau starts a year's campaign, as `campaign start` does: built-in holidays, an uploaded holiday file, or weekends only. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { startCampaign } from '../../client/campaigns';
import { activeTitleIds } from '../../client/titles';
import { resumeAfterStartByHand } from '../../client/kickoff-schedule';
import { CalendarError, resolveCalendar } from '../../domain/calendar';
import { HolidayDataError, loadWorkdays } from '../../domain/holidays';
import { ActionError, BUSY, withinDeadline } from '../actions';
import type { Actor } from '../people';
import { errorPage, renderPage } from '../render';
import { requireActor, type AppContext } from '../server';

type Body = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The uploaded file goes through the same validation as the CLI's --holiday-file: written to a private temp file, read back. */
function workdaysFrom(year: number, choice: string, file: Buffer | undefined) {
  if (choice === 'weekends') return loadWorkdays(year, { weekendsOnly: true });
  if (choice !== 'file') return loadWorkdays(year);
  const dir = mkdtempSync(join(tmpdir(), 'rmc-holidays-'));
  try {
    const path = join(dir, 'holidays.json');
    writeFileSync(path, file ?? Buffer.alloc(0));
    return loadWorkdays(year, { holidayFile: path });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function registerCampaignStartRoutes(app: FastifyInstance, ctx: AppContext): void {
  const page = (
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    extra: Record<string, unknown> = {},
    status = 200,
  ) =>
    renderPage(
      request,
      reply,
      'campaign-start',
      { values: {}, fieldErrors: {}, errors: [], ...extra },
      { title: '启动评选', actor, status },
    );

  const bureauOnly = (request: FastifyRequest, reply: FastifyReply): Actor | undefined => {
    const actor = requireActor(request, reply);
    if (!actor) return undefined;
    if (actor.role === 'bureau') return actor;
    request.log.warn(
      { event: 'forbidden', person: actor.id, role: actor.role, route: request.routeOptions.url },
      'access refused: bureau page',
    );
    void errorPage(request, reply, 403, '无权办理', '只有区房管局可以启动评选。', { actor });
    return undefined;
  };

  app.get('/campaign/start', async (request, reply) => {
    const actor = bureauOnly(request, reply);
    if (!actor) return reply;
    return page(request, reply, actor, {
      values: { year: String(new Date().getUTCFullYear() + 1), holidays: 'package' },
    });
  });

  app.post<{ Body: Body }>('/campaign/start', async (request, reply) => {
    const actor = bureauOnly(request, reply);
    if (!actor) return reply;
    const body = request.body ?? {};
    const values = { year: str(body.year), quota: str(body.quota), holidays: str(body.holidays) };
    const fail = (field: string, message: string, status = 400) =>
      page(request, reply, actor, { values, errors: [{ field, message }], fieldErrors: { [field]: message } }, status);
    const year = Number(values.year);
    if (!Number.isInteger(year) || year < 2000 || year > 2100) return fail('year', '请填写 2000–2100 之间的评选年度');
    const quota = Number(values.quota);
    if (!Number.isInteger(quota) || quota < 1 || quota > 50) return fail('quota', '表彰名额须为 1–50 的整数');
    if (!['package', 'file', 'weekends'].includes(values.holidays))
      return fail('holidays', '请选择工作日与法定节假日的依据');
    const raw = body.holidayFile;
    const file = Buffer.isBuffer(raw) ? raw : typeof raw === 'string' && raw ? Buffer.from(raw) : undefined;
    if (values.holidays === 'file' && !file?.length) return fail('holidayFile', '请选择要上传的节假日文件');
    let calendar;
    try {
      const workdays = workdaysFrom(year, values.holidays, file);
      calendar = resolveCalendar({ year, workdays, now: Date.now() });
    } catch (err) {
      if (err instanceof HolidayDataError) {
        const field = values.holidays === 'file' ? 'holidayFile' : 'holidays';
        const why =
          values.holidays === 'file'
            ? '节假日文件无法使用'
            : `系统内置数据中没有 ${year} 年的节假日安排，请上传节假日文件，或明确选择仅按周末计算`;
        // The CLI's flag hint after ';' means nothing on this page.
        return fail(field, `${why}（${err.message.split(';')[0].replace(/\/tmp\/rmc-holidays-[^/]+\//g, '')}）`);
      }
      if (err instanceof CalendarError) return fail('year', `${year} 年的时间安排无法使用（${err.message}）`);
      throw err;
    }
    try {
      const handle = await withinDeadline(ctx.client, ctx.config.actionDeadlineMs, async () => {
        const activeTitles = await (ctx.activeTitles ?? activeTitleIds)(ctx.client);
        return startCampaign(ctx.client, {
          calendar,
          directory: ctx.directory,
          quota,
          activeTitles,
          taskQueue: ctx.taskQueue,
        });
      });
      request.log.info({ event: 'action', action: 'startCampaign', person: actor.id, year }, 'campaign started');
      // The yearly Schedule, if this year's failed kickoff paused it, needs no more attention.
      const resumed = await resumeAfterStartByHand(ctx.client, year).catch((err) => {
        request.log.warn({ event: 'kickoff-resume-failed', error: String(err) }, 'kickoff schedule');
        return false;
      });
      return renderPage(
        request,
        reply,
        'message',
        {
          message: `已启动 ${year} 年红色示范业委会创建评选（${handle.workflowId}），工作日依据：${calendar.workdays.source}。${resumed ? '因本年度自动启动失败而暂停的年度计划已恢复。' : ''}`,
          links: [{ href: '/dashboard', text: '查看评选看板' }],
        },
        { title: '评选已启动', actor },
      );
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      if (err.failure.kind === 'busy') return page(request, reply, actor, { values, busy: BUSY }, 503);
      const message = /already exists/.test(err.failure.message)
        ? `${year} 年的评选已经启动，不能重复启动`
        : err.failure.message;
      return fail('year', message, 409);
    }
  });
}
