/**
 * The parts every browser test of the console needs, started once per file: a client on the run's dev server, a
 * worker on a task queue of its own, a real SMTP server and a mailer to it, the console on a free port, Chromium.
 * `close()` stops all of it and terminates every workflow still running on the stack's task queue (and any the test
 * names): a title or campaign left running with no worker slows the next file's listings down.
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
  /** A fresh zh-CN browser context (closed by close()). */
  context(): Promise<BrowserContext>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(workflowIds?: string[]): Promise<void>;
}

export interface WebStackOptions {
  /** The campaign year the console shows; a label no other test file uses. */
  year: number;
  /** The session key (32 bytes). */
  key: Buffer;
  queuePrefix: string;
  config?: Partial<WebConfig>;
}

export async function startWebStack(opts: WebStackOptions): Promise<WebStack> {
  const directory = loadDirectory();
  const smtp = await startTestSmtp();
  const mailer = createMailer({ url: smtp.url });
  const dev = await startDevServerWorker(opts.queuePrefix, { mailer });
  const { client, taskQueue } = dev;
  const logs: string[] = [];
  const port = await freePort();
  const config = loadWebConfig(
    {},
    {
      port,
      host: '127.0.0.1',
      publicBaseUrl: `http://127.0.0.1:${port}`,
      sessionKey: opts.key,
      campaignYear: opts.year,
      actionDeadlineMs: 8_000,
      ...opts.config,
    },
  );
  // Titles other test files left on the shared dev server are not this campaign's to re-evaluate.
  const app = await buildServer({
    client,
    directory,
    config,
    mailer,
    taskQueue,
    logger: { level: 'info', stream: { write: (l: string) => logs.push(l) } },
    activeTitles: async () => [],
  });
  await app.listen({ port, host: '127.0.0.1' });
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
    base: config.publicBaseUrl,
    browser,
    logs,
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
      await app.close();
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
