/**
 * The parts every browser test of the console needs, started once per file: a client on the run's dev server, a
 * worker on a task queue of its own, a real SMTP server and a mailer to it, the console on a free port, Chromium.
 * `close()` stops all of it and terminates every workflow still running on the stack's task queue (and any the test
 * names): a title or campaign left running with no worker slows the next file's listings down.
 * With `webUi`, the stack runs on a dev server of its own that serves the Temporal Web UI, pointed at the console's
 * /codec as `npm start` does.
 */
import type { Client } from '@temporalio/client';
import type { Browser, BrowserContext } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createMailer, type Mailer } from '../../activities/mailer';
import { loadDirectory } from '../../client/directory';
import type { Directory } from '../../domain/directory';
import { loadWebConfig, type WebConfig } from '../../web/config';
import { buildServer } from '../../web/server';
import { startDevServerWorker } from '../harness';
import { freePort, startTestSmtp, type TestSmtp } from '../smtp';
import type { WebDeps } from '../../web/server';
import { launch, newContext } from './browser';

export interface WebStack {
  client: Client;
  /** The dev server's address (the in-process CLI reads it from TEMPORAL_ADDRESS). */
  address: string;
  directory: Directory;
  taskQueue: string;
  smtp: TestSmtp;
  mailer: Mailer;
  app: FastifyInstance;
  base: string;
  browser: Browser;
  /** The console's JSON log lines (level info and up). */
  logs: string[];
  /** The Temporal Web UI's address (with `webUi`). */
  uiUrl?: string;
  /**
   * Another console on the same stack, on a port of its own, with other settings (short-lived links, a low sign-in
   * limit); it logs warnings only. Its `server` is the caller's to close; close() closes any left open.
   */
  startConsole(o?: ConsoleOptions): Promise<{ server: FastifyInstance; base: string }>;
  /** A fresh zh-CN browser context (closed by close()). */
  context(): Promise<BrowserContext>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(workflowIds?: string[]): Promise<void>;
}

export interface ConsoleOptions {
  config?: Partial<WebConfig>;
  /** Sign-in requests per IP per 15 minutes (web/server.ts's default when unset). */
  signInLimit?: number;
}

export interface WebStackOptions extends ConsoleOptions {
  /** The campaign year the console shows; a label no other test file uses (none: the console's own default). */
  year?: number;
  /** The session key (32 bytes). */
  key: Buffer;
  queuePrefix: string;
  /** A dev server of the file's own with the Temporal Web UI, its codec this console's, allowed to call it. */
  webUi?: boolean;
}

export async function startWebStack(opts: WebStackOptions): Promise<WebStack> {
  const directory = loadDirectory();
  const smtp = await startTestSmtp();
  const mailer = createMailer({ url: smtp.url });
  const port = await freePort();
  const publicBaseUrl = `http://127.0.0.1:${port}`;
  const dev = await startDevServerWorker(
    opts.queuePrefix,
    { mailer },
    opts.webUi ? { headless: false, uiCodecEndpoint: `${publicBaseUrl}/codec` } : undefined,
  );
  const { client, taskQueue } = dev;
  const uiUrl = dev.server?.uiUrl;
  const logs: string[] = [];
  const consoles: FastifyInstance[] = [];
  const startConsole = async (o: ConsoleOptions, at?: number, logger?: WebDeps['logger']) => {
    const p = at ?? (await freePort());
    const config = loadWebConfig(
      {},
      {
        port: p,
        host: '127.0.0.1',
        publicBaseUrl: `http://127.0.0.1:${p}`,
        sessionKey: opts.key,
        campaignYear: opts.year,
        actionDeadlineMs: 8_000,
        ...(uiUrl ? { codecAllowedOrigins: [uiUrl] } : {}),
        ...o.config,
      },
    );
    // Titles other test files left on the shared dev server are not this campaign's to re-evaluate.
    const server = await buildServer({
      client,
      directory,
      config,
      mailer,
      taskQueue,
      signInLimit: o.signInLimit,
      logger: logger ?? { level: 'warn' },
      activeTitles: async () => [],
    });
    await server.listen({ port: p, host: '127.0.0.1' });
    consoles.push(server);
    return { server, base: config.publicBaseUrl };
  };
  const { server: app } = await startConsole(opts, port, {
    level: 'info',
    stream: { write: (l: string) => logs.push(l) },
  });
  const browser = await launch();
  const contexts: BrowserContext[] = [];
  return {
    client,
    address: dev.address,
    directory,
    taskQueue,
    smtp,
    mailer,
    app,
    base: publicBaseUrl,
    browser,
    logs,
    uiUrl,
    startConsole: (o = {}) =>
      startConsole({ signInLimit: o.signInLimit ?? opts.signInLimit, config: { ...opts.config, ...o.config } }),
    async context() {
      const c = await newContext(browser);
      contexts.push(c);
      return c;
    },
    startWorker: dev.startWorker,
    stopWorker: dev.stopWorker,
    async close(workflowIds = []) {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      // Fastify's close() resolves at once for a console already closed.
      for (const c of consoles) await c.close();
      for (const id of workflowIds)
        await client.workflow
          .getHandle(id)
          .terminate('web test done')
          .catch(() => undefined);
      await dev.stop();
      mailer.close();
      await smtp.close();
    },
  };
}
