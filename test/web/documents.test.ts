/**
 * Official documents on real servers: a compressed round (the scripted round of scripts/scenario.ts, through the
 * CLI) to a confirmed list, the console serving its documents, Debian's Chromium printing them, and poppler reading
 * them back: text, pages, fonts, first pages as PNG under test-results/documents/. The public final list is refused
 * before confirmation, bureau documents to anyone but bureau staff, and no document names an objector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { campaignStatus, startCampaign } from '../../client/campaigns';
import { loadDirectory } from '../../client/directory';
import type { TimeScale } from '../../domain/time-scale';
import { compressCalendar, type CampaignCalendar, defaultCalendar, formatBeijing } from '../../domain/calendar';
import { loadWorkdays } from '../../domain/holidays';
import { FIVE_GOODS, FIVE_GOODS_LABELS } from '../../domain/grades';
import { BOM } from '../../web/documents/csv';
import { Printer, Semaphore } from '../../web/documents/printer';
import { finalListHtml } from '../../web/documents/render';
import { DocumentService } from '../../web/documents/service';
import { roundStory } from '../../scenario/round';
import { storyClock } from '../../scenario/clock';
import { playScene, playScenes, untilPhase } from '../../scenario/play';
import { cliDriver } from '../../scenario/drivers/cli';
import { cli } from '../harness';
import { freePort } from '../smtp';
import { loadWebConfig } from '../../web/config';
import { buildServer } from '../../web/server';
import { yearOf } from '../years';
import { startWebStack, type WebStack } from './stack';
import { shot, signIn } from './browser';

const YEAR = yearOf('web/documents.test.ts'); // a label of its own on the shared dev server; the calendar keeps 2023's dates
/** Apr 1 → Nov 30 in about 90 s of real time, as test/cli-round.test.ts. */
const SPEED = 240_000;
const KEY = Buffer.alloc(32, 9);
const OUT = join(__dirname, '..', '..', 'test-results', 'documents');
const directory = loadDirectory();
const story = roundStory(directory, { year: YEAR });
const { plan } = story;
/** What the story's objectors typed (scenario/cast.ts): in no document. */
const PERSONAL = story.cast.personalData;
const nameOf = (id: string) => directory.committees.find((c) => c.id === id)!.name;
const email = (id: string) => [...directory.people, ...directory.committees].find((p) => p.id === id)!.email;

let stack: WebStack;
let client: WebStack['client'];
let base: string;
let bureau: BrowserContext;
let committee: BrowserContext;
let calendar: CampaignCalendar;
let timeScale: TimeScale;
/** The 公示 notice as the bureau downloaded it before the final list was confirmed. */
let noticeDuringPublicity: Buffer;

/** Saves the PDF and its first page as PNG; returns its text (pdftotext, layout kept). */
function keep(name: string, pdf: Buffer): string {
  const file = join(OUT, `${name}.pdf`);
  writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-png', '-r', '72', '-f', '1', '-l', '1', '-singlefile', file, join(OUT, name)]);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}
const pdfInfo = (name: string) => execFileSync('pdfinfo', [join(OUT, `${name}.pdf`)], { encoding: 'utf8' });
const pdfFonts = (name: string) => execFileSync('pdffonts', [join(OUT, `${name}.pdf`)], { encoding: 'utf8' });
const pageText = (file: string, page: number) =>
  execFileSync('pdftotext', ['-f', String(page), '-l', String(page), '-layout', file, '-'], { encoding: 'utf8' });

/** A bureau document through a browser context's cookies (the session), without following redirects. */
async function get(ctx: BrowserContext | undefined, path: string) {
  if (ctx) return ctx.request.get(`${base}${path}`, { maxRedirects: 0 });
  const res = await fetch(`${base}${path}`, { redirect: 'manual' });
  return {
    status: () => res.status,
    headers: () => Object.fromEntries(res.headers),
    body: async () => Buffer.from(await res.arrayBuffer()),
    text: () => res.text(),
  };
}

/** "2023年10月9日": an instant's day in Beijing. */
function dayOf(iso: string): string {
  const [y, m, d] = formatBeijing(Date.parse(iso)).slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

function parseCsv(body: Buffer): string[][] {
  const text = body.toString('utf8');
  expect(text.startsWith(BOM)).toBe(true);
  // The scripted round's names hold no comma, quote or line break: plain splitting reads them.
  return text
    .slice(1)
    .trimEnd()
    .split('\r\n')
    .map((l) => l.split(','));
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  // A closed campaign answers a Query by replaying its history: over 10 s on this machine when loaded.
  stack = await startWebStack({ year: YEAR, key: KEY, queuePrefix: 'documents', config: { actionDeadlineMs: 30_000 } });
  ({ client, base } = stack);
  // The in-process CLI of the story's driver reads these.
  process.env.TEMPORAL_ADDRESS = stack.address;
  process.env.TASK_QUEUE = stack.taskQueue;
  // The calendar opens 25 s from now: sign-ins fit before it, and the round's compressed calendar waits for nobody.
  ({ calendar, timeScale } = compressCalendar(
    { ...defaultCalendar(2023, loadWorkdays(2023)), year: YEAR },
    Date.now() + 25_000,
    SPEED,
  ));
  await startCampaign(client, { calendar, timeScale, directory, taskQueue: stack.taskQueue });
  bureau = await stack.context();
  await signIn(bureau, base, stack.smtp, email('bureau-lu'));
  committee = await stack.context();
  await signIn(committee, base, stack.smtp, email(directory.committees[0].id));
});

afterAll(async () => {
  await stack?.close();
  delete process.env.TASK_QUEUE;
});

describe('official documents (Chromium, poppler)', () => {
  it('refuses the public final list before confirmation, and serves the 公示 notice before it', async () => {
    expect((await campaignStatus(client, YEAR)).phase).toBe('preparing');
    const early = await get(undefined, `/public/${YEAR}/final-list.pdf`);
    expect(early.status()).toBe(404);
    expect(await early.text()).toContain(`${YEAR} 年度红色示范业委会表彰名单尚未确认`);
    const noDraft = await get(bureau, `/documents/${YEAR}/publicity-notice.pdf`);
    expect(noDraft.status()).toBe(404);
    expect(await noDraft.text()).toContain('拟表彰名单尚未公示');
    expect((await get(undefined, '/public/1999/final-list.pdf')).status()).toBe(404);
    expect((await get(undefined, '/public/2050/final-list.pdf')).status()).toBe(404); // no campaign that year

    // Between the end of 公示 and the bureau's confirmation: the draft list is out, the final list is not.
    const driver = cliDriver(cli, YEAR);
    const clock = storyClock(timeScale, { calendarYear: 2023 });
    const objections = {};
    await playScenes(story.selection.slice(0, -1), { driver, clock, width: 4, objections });
    await untilPhase(driver, 'awaiting-confirmation');
    const s = await campaignStatus(client, YEAR);
    expect(s.draft).toBeDefined();
    expect(s.final).toBeUndefined();
    const res = await get(undefined, `/public/${YEAR}/final-list.pdf`);
    expect(res.status()).toBe(404);
    expect(await res.text()).toContain('尚未确认');
    const notice = await get(bureau, `/documents/${YEAR}/publicity-notice.pdf`);
    expect(notice.status()).toBe(200);
    noticeDuringPublicity = await notice.body();
    await playScene(story.selection.at(-1)!, { driver, clock, objections });
    expect((await campaignStatus(client, YEAR)).final?.list).toEqual(plan.finalList);
  }, 300_000);

  it('publishes the final list as a searchable A4 PDF without sign-in, equal to a fresh reprint', async () => {
    const res = await get(undefined, `/public/${YEAR}/final-list.pdf`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    expect(res.headers()['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent(`${YEAR}年度红色示范业委会表彰名单.pdf`)}`,
    );
    const pdf = await res.body();
    const text = keep('final-list', pdf);
    for (const id of plan.finalList) expect(text).toContain(nameOf(id));
    expect(text).not.toContain(nameOf(plan.removed));
    expect(text).toContain(`长宁区${YEAR}年度红色示范业委会表彰名单`);
    // The date the bureau confirmed the list (the compressed calendar keeps 2023's dates under this year's label).
    expect(text).toContain(`确认日期：${dayOf((await campaignStatus(client, YEAR)).final!.at)}`);
    expect(text).toContain('第 1 页 共 1 页');
    for (const p of PERSONAL) expect(text).not.toContain(p);
    expect(pdfInfo('final-list')).toMatch(/Page size:\s+595\.9\d x 842\.8\d pts \(A4\)/);
    // Every glyph in an embedded TrueType subset: selectable, searchable text (no Type 3 bitmaps).
    expect(pdfFonts('final-list')).toMatch(/UMingCN\s+CID TrueType\s+Identity-H\s+yes yes yes/);
    expect(pdfFonts('final-list')).not.toContain('Type 3');

    // Regenerated from the workflow's state by another printer: byte for byte the published file.
    const printer = new Printer();
    try {
      const fresh = new DocumentService(directory, printer, (y) => `${base}/public/${y}`);
      const state = await DocumentService.load(client, YEAR);
      expect((await fresh.finalListPdf(fresh.final(state)!)).equals(pdf)).toBe(true);
      // The 公示 notice printed now is the one downloaded before confirmation.
      expect((await fresh.publicityNoticePdf(fresh.draft(state)!)).equals(noticeDuringPublicity)).toBe(true);
    } finally {
      await printer.close();
    }
  }, 120_000);

  it('gives the bureau the 公示 notice with every listed committee, and no objector', async () => {
    const res = await get(bureau, `/documents/${YEAR}/publicity-notice.pdf`);
    expect(res.status()).toBe(200);
    const text = keep('publicity-notice', await res.body());
    for (const id of plan.ranking) expect(text).toContain(nameOf(id)); // as published, before the upheld objection
    expect(text).toContain(`长宁区${YEAR}年度红色示范业委会拟表彰名单公示`);
    expect(text).toContain(`公示日期：${dayOf((await campaignStatus(client, YEAR)).draft!.at)}`);
    expect(text).toContain(`${base}/public/${YEAR}`);
    expect(text).toContain('第 1 页 共 1 页');
    for (const p of PERSONAL) expect(text).not.toContain(p);
    expect(pdfFonts('publicity-notice')).not.toContain('Type 3');
  });

  it('prints a landscape certificate per commended committee with LXGW WenKai embedded', async () => {
    for (const [i, id] of plan.finalList.entries()) {
      const res = await get(bureau, `/documents/${YEAR}/certificates/${id}.pdf`);
      expect(res.status()).toBe(200);
      const name = `certificate-${i + 1}`;
      const text = keep(name, await res.body());
      expect(text.replace(/\s+/g, '')).toContain(`${nameOf(id)}：`);
      expect(text).toContain(`${YEAR}年度长宁区“红色示范业委会”`);
      expect(text).toMatch(/二〇二三年[一二三四五六七八九十]+月[一二三四五六七八九十]+日/);
      expect(pdfInfo(name)).toMatch(/Page size:\s+842\.8\d x 595\.9\d pts \(A4\)/);
      const fonts = pdfFonts(name);
      expect(fonts).toMatch(/LXGWWenKai-Regular\s+CID TrueType\s+Identity-H\s+yes yes yes/);
      expect(fonts).toMatch(/LXGWWenKai-Bold\s+CID TrueType\s+Identity-H\s+yes yes yes/);
      expect(fonts).not.toContain('Type 3');
    }
    // The removed committee has no certificate.
    expect((await get(bureau, `/documents/${YEAR}/certificates/${plan.removed}.pdf`)).status()).toBe(404);
  }, 120_000);

  it('exports both lists and every score as CSV in UTF-8 with a BOM', async () => {
    const draft = await get(bureau, `/documents/${YEAR}/draft-list.csv`);
    expect(draft.headers()['content-type']).toBe('text/csv; charset=utf-8');
    const draftBody = await draft.body();
    expect([...draftBody.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const draftRows = parseCsv(draftBody);
    expect(draftRows[0]).toEqual(['年度', '公示日期', '序号', '业委会编号', '业委会名称', '所属街镇']);
    expect(draftRows.slice(1).map((r) => r[3])).toEqual(plan.ranking);
    expect(draftRows.slice(1).map((r) => r[4])).toEqual(plan.ranking.map(nameOf));

    const finalRows = parseCsv(await (await get(bureau, `/documents/${YEAR}/final-list.csv`)).body());
    expect(finalRows[0][1]).toBe('确认日期');
    expect(finalRows.slice(1).map((r) => [r[0], r[3]])).toEqual(plan.finalList.map((id) => [String(YEAR), id]));

    const scores = await get(bureau, `/documents/${YEAR}/scores.csv`);
    const scoresBody = await scores.body();
    const scoreRows = parseCsv(scoresBody);
    expect(scoreRows[0]).toEqual([
      ...['年度', '业委会编号', '业委会名称', '所属街镇', '当前阶段'],
      ...FIVE_GOODS.map((k) => FIVE_GOODS_LABELS[k]),
      ...['专项检查总分', '等级'],
    ]);
    expect(scoreRows).toHaveLength(directory.committees.length + 1);
    // The story's inspection totals (scenario/round.ts), spread over the five goods.
    for (const id of plan.recommended) {
      const row = scoreRows.find((r) => r[1] === id)!;
      const five = row.slice(5, 10).map(Number);
      expect(five.every((n) => Number.isInteger(n) && n >= 0 && n <= 20)).toBe(true);
      expect(five.reduce((a, b) => a + b, 0)).toBe(plan.totals[id]);
      expect(row[10]).toBe(String(plan.totals[id]));
      expect(row[11]).not.toBe('');
    }
    expect(scoreRows.find((r) => r[1] === plan.finalList[0])![4]).toBe('已表彰');
    for (const body of [draftBody, scoresBody])
      for (const p of PERSONAL) expect(body.toString('utf8')).not.toContain(p);
    writeFileSync(join(OUT, 'scores.csv'), scoresBody);
  });

  it('refuses bureau documents without a session and to a committee', async () => {
    const paths = [
      'publicity-notice.pdf',
      'draft-list.csv',
      'final-list.csv',
      'scores.csv',
      `certificates/${plan.finalList[0]}.pdf`,
    ].map((p) => `/documents/${YEAR}/${p}`);
    for (const path of [...paths, `/documents/${YEAR}`, '/documents']) {
      const anonymous = await get(undefined, path);
      expect({ path, status: anonymous.status() }).toEqual({ path, status: 302 });
      expect(anonymous.headers()['location']).toBe('/auth/sign-in');
      const refused = await get(committee, path);
      expect({ path, status: refused.status() }).toEqual({ path, status: 403 });
      expect(await refused.text()).toContain('正式文件与导出只对区房管局开放');
    }
  });

  it('lists the documents for the bureau, linked from the dashboard (axe-checked)', async () => {
    const page = await bureau.newPage();
    await page.goto(`${base}/dashboard`);
    await page.getByRole('link', { name: /正式文件与导出/ }).click();
    await page.waitForURL(`${base}/documents/${YEAR}`);
    await shot(page, 'bureau-documents');
    for (const id of plan.finalList)
      expect(await page.getByRole('link', { name: `${nameOf(id)}奖状（PDF）` }).getAttribute('href')).toBe(
        `/documents/${YEAR}/certificates/${id}.pdf`,
      );
    expect(await page.getByRole('link', { name: '表彰名单（PDF，已向社会公开）' }).getAttribute('href')).toBe(
      `/public/${YEAR}/final-list.pdf`,
    );
    await page.close();
  });

  it('answers 503 in Chinese when Chromium cannot print, and the console keeps serving', async () => {
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    const port = await freePort();
    const config = loadWebConfig(
      {},
      { port, host: '127.0.0.1', publicBaseUrl: `http://127.0.0.1:${port}`, sessionKey: KEY, campaignYear: YEAR },
    );
    const broken = await buildServer({
      client,
      directory,
      config,
      mailer: stack.mailer,
      taskQueue: stack.taskQueue,
      logger: false,
      activeTitles: async () => [],
    });
    if (saved === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = saved;
    try {
      await broken.listen({ port, host: '127.0.0.1' });
      const res = await fetch(`${config.publicBaseUrl}/public/${YEAR}/final-list.pdf`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('文件生成服务暂时不可用');
      expect((await fetch(`${config.publicBaseUrl}/healthz`)).status).toBe(200);
    } finally {
      await broken.close();
    }
  });

  it('repeats the table header and numbers the pages of a long list', async () => {
    const entries = Array.from({ length: 120 }, (_, i) => ({
      rank: i + 1,
      committeeId: `c-${i}`,
      name: `测试小区${i + 1}号业主委员会`,
      subdistrict: '华阳路街道',
    }));
    const printer = new Printer();
    try {
      const list = {
        year: YEAR,
        kind: 'final' as const,
        at: '2086-11-20T02:00:00.000Z',
        dateText: '2086年11月20日',
        entries,
      };
      const file = join(OUT, 'long-list.pdf');
      writeFileSync(file, await printer.pdf(finalListHtml(list), { pageNumbers: true, documentDate: list.at }));
      const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
      expect(pages).toBeGreaterThan(2);
      for (let p = 1; p <= pages; p++) {
        const text = pageText(file, p);
        expect(text).toMatch(/序号\s+业委会名称\s+所属街镇/);
        expect(text).toContain(`第 ${p} 页 共 ${pages} 页`);
      }
      expect(pageText(file, pages)).toContain('测试小区120号业主委员会');
    } finally {
      await printer.close();
    }
  });

  it('prints at most two documents at a time', async () => {
    const slots = new Semaphore(2);
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        slots.run(async () => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 20));
          inside--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(slots.available).toBe(2);
  });
});
