/**
 * The web console: one Fastify process beside the worker. It maps the signed-in person to `actor`
 * and calls the same client functions as the CLI; the workflows check authorisation again.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import secureSession from '@fastify/secure-session';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Client } from '@temporalio/client';
import type { Directory } from '../domain/directory';
import type { Mailer } from '../activities/mailer';
import type { WebConfig } from './config';
import { actorById, type Actor } from './people';
import { CSS, errorPage } from './render';
import { registerAuthRoutes } from './routes/auth';
import { registerInboxRoutes } from './routes/inbox';
import { registerApplicationRoutes } from './routes/applications';
import { registerBureauRoutes } from './routes/bureau';
import { registerCampaignStartRoutes } from './routes/campaign-start';
import { registerCodecRoutes } from './routes/codec';
import { registerTitleRoutes } from './routes/titles';
import { registerSelectionRoutes } from './routes/selection';
import { registerPublicRoutes } from './routes/public';
import { registerDocumentRoutes } from './routes/documents';
import { createYearResolver, type YearResolver } from './year';

export const SESSION_HOURS = 8;

export interface WebDeps {
  client: Client;
  directory: Directory;
  config: WebConfig;
  mailer: Mailer;
  /** Task queue for workflows the console starts (sign-ins, applications, campaigns). */
  taskQueue?: string;
  /** Sign-in requests per IP per 15 minutes (default 30: an office behind one NAT address shares it). */
  signInLimit?: number;
  /** The titles a new campaign re-evaluates; default: every active title, listed by search attributes (as the CLI does). */
  activeTitles?: (client: Client) => Promise<string[]>;
  /** pino options, or false in tests that do not want logs. */
  logger?: boolean | Record<string, unknown>;
}

export interface AppContext extends WebDeps {
  years: YearResolver;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: a JSON API called by another origin's page with the session cookie (the Web UI's codec); no form token. */
    csrf?: boolean;
  }
}

declare module '@fastify/secure-session' {
  interface SessionData {
    personId: string;
    signedInAt: number;
    /** The page an emailed link led to before sign-in: shown after it. */
    returnTo: string;
  }
}

/** Request logs carry the route pattern (never a token), the status, the time and the person's id only. */
function requestLogLine(request: FastifyRequest, reply: FastifyReply) {
  return {
    method: request.method,
    route: request.routeOptions.url ?? 'unmatched',
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime),
    person: request.actor?.id,
  };
}

export async function buildServer(deps: WebDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? { level: 'info' },
    // Fastify's own request lines carry the URL (a sign-in token is in one); ours carry the route pattern.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    bodyLimit: 256 * 1024,
  });
  const ctx: AppContext = { ...deps, years: createYearResolver(deps.client, deps.config.campaignYear) };

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'"],
        'form-action': ["'self'"],
        // On a plain-http intranet address the browser must not rewrite form posts to https.
        'upgrade-insecure-requests': deps.config.secureCookies ? [] : null,
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // Plain http on 127.0.0.1 in development: no HSTS unless the public address is https.
    hsts: deps.config.secureCookies,
  });
  await app.register(formbody);
  // Only the holiday-file upload is multipart: one small file, fields in request.body like a urlencoded form.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: 256 * 1024, files: 1, fields: 20 },
  });
  await app.register(secureSession, {
    key: deps.config.sessionKey,
    cookieName: 'rmc_session',
    expiry: SESSION_HOURS * 3600,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.config.secureCookies,
      maxAge: SESSION_HOURS * 3600,
    },
  });
  await app.register(csrf, { sessionPlugin: '@fastify/secure-session' });
  await app.register(rateLimit, { global: false });

  // The acting person comes only from the session cookie, never from a form field.
  app.addHook('onRequest', async (request) => {
    const id = request.session.get('personId');
    const at = request.session.get('signedInAt');
    if (id && at && Date.now() - at < SESSION_HOURS * 3_600_000) request.actor = actorById(deps.directory, id);
  });
  // CSRF on every POST: after the body is parsed (preValidation), since the token is a form field.
  app.addHook('preValidation', (request, reply, done) => {
    if (request.method === 'POST' && request.routeOptions.config?.csrf !== false)
      return app.csrfProtection(request, reply, done);
    done();
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(requestLogLine(request, reply), 'request');
  });

  app.setErrorHandler((err: any, request, reply) => {
    if (err.code?.startsWith?.('FST_CSRF')) {
      request.log.warn({ route: request.routeOptions.url, person: request.actor?.id, event: 'csrf-rejected' }, 'csrf');
      return errorPage(request, reply, 403, '请求已失效', '表单已过期或缺少安全校验，请返回上一页刷新后重新提交。', {
        actor: request.actor,
      });
    }
    if (err.statusCode === 429)
      return errorPage(request, reply, 429, '请求过于频繁', '请求过于频繁，请 15 分钟后再试。', {
        actor: request.actor,
      });
    if (err.statusCode && err.statusCode < 500)
      return errorPage(request, reply, err.statusCode, '请求有误', '请求有误，请返回重试。', { actor: request.actor });
    request.log.error(
      {
        err: { name: err.name, message: err.message, stack: err.stack },
        route: request.routeOptions?.url,
        person: request.actor?.id,
      },
      'request failed',
    );
    return errorPage(request, reply, 500, '系统错误', '系统出现错误，请稍后再试。如果问题持续，请联系区房管局。', {
      actor: request.actor,
    });
  });
  app.setNotFoundHandler((request, reply) =>
    errorPage(request, reply, 404, '页面不存在', '您访问的页面不存在。', { actor: request.actor }),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/static/console.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CSS),
  );
  app.get('/', async (request, reply) => reply.redirect(request.actor ? '/inbox' : '/auth/sign-in'));

  registerAuthRoutes(app, ctx);
  registerInboxRoutes(app, ctx);
  registerApplicationRoutes(app, ctx);
  registerBureauRoutes(app, ctx);
  registerCampaignStartRoutes(app, ctx);
  registerTitleRoutes(app, ctx);
  registerSelectionRoutes(app, ctx);
  registerPublicRoutes(app, ctx);
  registerDocumentRoutes(app, ctx);
  registerCodecRoutes(app, { allowedOrigins: deps.config.codecAllowedOrigins });
  return app;
}

/** For routes that need a signed-in person: redirects to the sign-in page otherwise. */
export function requireActor(request: FastifyRequest, reply: FastifyReply): Actor | undefined {
  if (request.actor) return request.actor;
  // Only a local path, never another site: "/x", not "//host" or "http:".
  if (request.method === 'GET' && /^\/(?![/\\])/.test(request.url) && request.url.length < 300)
    request.session.set('returnTo', request.url);
  void reply.redirect('/auth/sign-in');
  return undefined;
}
