/**
 * `npm run bench:web [-- --applications N --requests R]`: server-side render time of the console's
 * two heaviest pages with N applications (default 1,000) in one 街镇:
 *   - "我的待办" of that 街镇's official: the campaign's status Query + its registry Query (N rows);
 *   - the bureau's dashboard: one campaign Query.
 * A dev server of its own, an in-process worker, the campaign on a slow compressed calendar (the
 * applications window stays open), N applications submitted through client/applications.ts, then R
 * sequential requests per page over HTTP to the real console (after a warm-up). Prints p50/p95/p99 and
 * writes bench/results/web-<time>.json. Not a timed test: the figure goes in the README.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { clientOn } from '../client/connection';
import { NativeConnection } from '@temporalio/worker';
import { createMailer } from '../activities/mailer';
import { submitApplication, listApplications } from '../client/applications';
import { campaignStatus, startCampaign } from '../client/campaigns';
import { UserError } from '../client/errors';
import { generateDirectory } from '../data/generate-directory';
import { compressCalendar, defaultCalendar } from '../domain/calendar';
import { loadWorkdays } from '../domain/holidays';
import { startDevServer } from '../scripts/dev-server';
import { createWorker } from '../worker/create-worker';
import { loadWebConfig } from '../web/config';
import { buildServer } from '../web/server';
import { startSmtpSink } from './smtp-sink';
import { percentile } from './stats';
import { formFor } from '../test/fixtures';

const SD = '华阳路街道';
const YEAR = 2023;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`);
  return v;
}

async function pool<T>(items: T[], concurrency: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function main(): Promise<void> {
  const n = arg('applications', 1000);
  const requests = arg('requests', 200);
  const log = (m: string) => console.log(`[bench:web] ${m}`);

  // Every official and staff member of the demo directory, and N committees, all in one 街镇.
  const base = generateDirectory(1);
  const committees = generateDirectory(Math.ceil(n / 1))
    .committees.filter((c) => c.subdistrict === SD)
    .slice(0, n);
  const directory = { ...base, committees };

  log('starting a dev server of its own …');
  const server = await startDevServer({ readyTimeoutMs: 120_000 });
  const connection = await Connection.connect({ address: server.address });
  const client = clientOn(connection);
  const native = await NativeConnection.connect({ address: server.address });
  const sink = await startSmtpSink();
  const mailer = createMailer({ url: sink.url });
  const taskQueue = 'bench-web';
  const worker = await createWorker({ connection: native, client, taskQueue, mailer });
  const running = worker.run();
  let web: Awaited<ReturnType<typeof buildServer>> | undefined;
  try {
    // Apr 1 – May 31 in about 20 minutes: the applications window stays open for the whole run.
    const { calendar, timeScale } = compressCalendar(
      defaultCalendar(YEAR, loadWorkdays(YEAR)),
      Date.now() + 2_000,
      4_000,
    );
    await startCampaign(client, { calendar, timeScale, directory, taskQueue });
    while ((await campaignStatus(client, YEAR)).phase !== 'applications') await new Promise((r) => setTimeout(r, 200));

    log(`submitting ${n} applications in ${SD} …`);
    const t0 = Date.now();
    await pool(committees, 8, async (c) => {
      // A Query can fail while the campaign continues as new (bench/README.md); a person would try again.
      for (let attempt = 1; ; attempt++) {
        try {
          await submitApplication(client, { year: YEAR, directory, committeeId: c.id, form: formFor(c.id), taskQueue });
          return;
        } catch (err) {
          if (err instanceof UserError && /already applied/.test(err.message)) return;
          if (attempt >= 5 || err instanceof UserError) throw err;
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
    });
    log(`submitted in ${((Date.now() - t0) / 1000).toFixed(1)} s; waiting for the campaign's counts and the listing …`);
    for (;;) {
      const [s, rows] = await Promise.all([
        campaignStatus(client, YEAR),
        listApplications(client, { year: YEAR, subdistrict: SD }),
      ]);
      if (s.counts.total === n && rows.length === n) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }

    const config = loadWebConfig(
      {},
      {
        port: 0,
        host: '127.0.0.1',
        publicBaseUrl: 'http://127.0.0.1',
        sessionKey: Buffer.alloc(32, 1),
        campaignYear: YEAR,
      },
    );
    web = await buildServer({ client, directory, config, mailer, taskQueue, logger: false });
    await web.listen({ port: 0, host: '127.0.0.1' });
    const address = web.server.address() as { port: number };
    const url = `http://127.0.0.1:${address.port}`;
    // A session cookie as the sign-in would set it (same key, same fields).
    const cookieFor = (personId: string) =>
      `rmc_session=${encodeURIComponent(web!.encodeSecureSession(web!.createSecureSession({ personId, signedInAt: Date.now() })))}`;

    const results: Record<
      string,
      { p50: number; p95: number; p99: number; max: number; requests: number; bytes: number }
    > = {};
    for (const [name, path, person, expect] of [
      ['inbox (街镇 official)', '/inbox', 'official-huayang', `待办（${n + 1}）`],
      ['dashboard (bureau)', '/dashboard', 'bureau-lu', `申报总数</dt><dd>${n}</dd>`],
    ] as const) {
      const cookie = cookieFor(person);
      const once = async () => {
        const start = performance.now();
        const res = await fetch(url + path, { headers: { cookie } });
        const body = await res.text();
        const ms = performance.now() - start;
        if (res.status !== 200 || !body.includes(expect))
          throw new Error(`${path}: status ${res.status}, expected "${expect}" in the page`);
        return { ms, bytes: body.length };
      };
      for (let i = 0; i < 20; i++) await once();
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < requests; i++) {
        const r = await once();
        times.push(r.ms);
        bytes = r.bytes;
      }
      times.sort((a, b) => a - b);
      const round = (x: number) => Math.round(x * 10) / 10;
      results[name] = {
        p50: round(percentile(times, 50)),
        p95: round(percentile(times, 95)),
        p99: round(percentile(times, 99)),
        max: round(times[times.length - 1]),
        requests,
        bytes,
      };
      log(
        `${name}: p50 ${results[name].p50} ms, p95 ${results[name].p95} ms, p99 ${results[name].p99} ms, max ${results[name].max} ms (${requests} requests, ${bytes} characters)`,
      );
    }
    const out = join(
      __dirname,
      'results',
      `web-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}.json`,
    );
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(
      out,
      JSON.stringify(
        { applications: n, subdistrict: SD, results, node: process.version, at: new Date().toISOString() },
        null,
        2,
      ) + '\n',
    );
    log(`written ${out}`);
  } catch (err) {
    // Say what failed before the teardown below closes connections under pending retries.
    console.error(`[bench:web] failed: ${(err as Error)?.stack ?? err}`);
    throw err;
  } finally {
    await web?.close();
    worker.shutdown();
    await running;
    mailer.close();
    await sink.close();
    await native.close();
    await connection.close();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`[bench:web] ${err?.stack ?? err}`);
    process.exit(1);
  },
);
