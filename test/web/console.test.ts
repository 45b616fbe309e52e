/**
 * The web console in a real browser (Debian's Chromium): sign-in by emailed link, then a compressed
 * round's human steps — committees apply, a 街镇 official decides and confirms, the bureau extends a
 * window and watches the dashboard — and each failure path. Every page is checked with axe-core
 * (WCAG 2.1 AA) and saved under test-results/web/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { BrowserContext, Page } from 'playwright-core';
import { startCampaign, campaignStatus } from '../../client/campaigns';
import { applicationStatus } from '../../client/applications';
import { loadDirectory } from '../../client/directory';
import { compressCalendar, defaultCalendar } from '../../domain/calendar';
import { loadWorkdays } from '../../domain/holidays';
import { eventually } from '../harness';
import type { TestSmtp } from '../smtp';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { linkFromMail, mainText, requestLink, shot, signIn } from './browser';
import { startWebStack, type WebStack } from './stack';
import { TEST_YEARS, yearOf } from '../years';

const YEAR = yearOf('web/console.test.ts'); // the calendar keeps the 2023 dates
/** One calendar day ≈ 1.7 s: applications (Apr 1 – May 31) and review (Jun – Jul) last about 105 s each. */
const SPEED = 50_000;
const KEY = Buffer.alloc(32, 7);
/**
 * A year the bureau starts through the console with an uploaded holiday file: 2038 has 2027's calendar (both begin on
 * a Friday, neither is a leap year), so the example file's days moved to 2038 keep their weekdays. Not 2027 itself,
 * which other test files start on the same dev server.
 */
const STARTED_YEAR = TEST_YEARS['web/console.test.ts'][1];
const HOLIDAY_FILE_2038 = join(mkdtempSync(join(tmpdir(), 'holidays-')), 'holidays.json');
writeFileSync(
  HOLIDAY_FILE_2038,
  readFileSync(join(__dirname, '..', '..', 'domain', 'holidays-example-2027.json'), 'utf8').replaceAll(
    '2027-',
    '2038-',
  ),
);
const A = 'huayang-001';
const B = 'huayang-002';

let stack: WebStack;
let client: Client;
let smtp: TestSmtp;
let base: string;
/** The main console's structured request logs (JSON lines). */
let logs: string[];
const links: string[] = [];
const context = (): Promise<BrowserContext> => stack.context();
const directory = loadDirectory();
const OTHER = directory.committees.find((c) => c.subdistrict === '江苏路街道')!.id;
const email = (id: string) => [...directory.people, ...directory.committees].find((p) => p.id === id)!.email;

/** Fills the recommendation form; `members` blank leaves a field error to show. */
async function fillForm(page: Page, members: string, paper: boolean) {
  await page.getByLabel('业委会委员人数（必填）').fill(members);
  await page.getByLabel('其中党员人数（必填）').fill('4');
  await page.getByLabel('其中交叉任职人数（必填）').fill('2');
  for (const label of ['党建引领好', '制度执行好', '自身建设好', '作用发挥好', '群众评价好'])
    await page.getByLabel(`自评：${label}（必填）`).fill(`${label}：每月召开联席会议，按季公开财务。`);
  await page.getByLabel('申报简述（必填）').fill('小区业委会申报红色示范业委会。');
  if (paper) await page.getByLabel('纸质推荐表（一式两份）已报送区房管局').check();
}

async function waitForPhase(phase: string, timeoutMs: number) {
  await eventually(async () => expect((await campaignStatus(client, YEAR)).phase).toBe(phase), timeoutMs);
}

beforeAll(async () => {
  stack = await startWebStack({ year: YEAR, key: KEY, queuePrefix: 'web', config: { actionDeadlineMs: 6_000 } });
  ({ client, smtp, base, logs } = stack);
  const { calendar, timeScale } = compressCalendar(
    { ...defaultCalendar(2023, loadWorkdays(2023)), year: YEAR },
    Date.now() + 2_000,
    SPEED,
  );
  await startCampaign(client, { calendar, timeScale, directory, taskQueue: stack.taskQueue });
  await waitForPhase('applications', 30_000);
});

afterAll(async () => stack?.close());

describe('web console (Chromium)', () => {
  it('without a session, / and /inbox lead to the sign-in form; health answers', async () => {
    const res = await fetch(`${base}/inbox`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/auth/sign-in');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const page = await (await context()).newPage();
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/auth/sign-in');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    const head = await fetch(`${base}/auth/sign-in`);
    expect(head.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(head.headers.get('referrer-policy')).toBe('no-referrer');
    expect(head.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('an unknown address gets the same answer and no mail', async () => {
    const page = await (await context()).newPage();
    await page.goto(`${base}/auth/sign-in`);
    const since = smtp.messages.length;
    await page.getByLabel('工作邮箱').fill('nobody@example.org');
    await page.getByRole('button', { name: '发送登录链接' }).click();
    expect(await mainText(page)).toContain('如果该邮箱在名录中，我们已发送登录链接');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(smtp.messages.slice(since).filter((m) => m.to === 'nobody@example.org')).toHaveLength(0);
  });

  it('a committee signs in by emailed link and submits the 推荐表, with field errors first', async () => {
    const ctx = await context();
    const { page } = await signIn(ctx, base, smtp, email(A), 'committee');
    const cookie = (await ctx.cookies()).find((c) => c.name === 'rmc_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.expires - Date.now() / 1000).toBeGreaterThan(7.9 * 3600);
    expect(await mainText(page)).toContain('填写并提交推荐表');
    expect(await mainText(page)).toMatch(/5月31日 24:00（剩 \d+ 个工作日）/);
    await shot(page, 'committee-inbox');

    await page.getByRole('link', { name: '填写并提交推荐表' }).click();
    await shot(page, 'committee-apply-form');
    await fillForm(page, '', false);
    await page.getByLabel('其中党员人数（必填）').fill('');
    await page.getByRole('button', { name: '提交推荐表' }).click();
    const text = await mainText(page);
    expect(text).toContain('提交未成功，请修改以下问题');
    expect(text).toContain('请填写业委会委员人数');
    expect(await page.locator('#members-error').innerText()).toContain('请填写业委会委员人数');
    expect(await page.getByLabel('申报简述（必填）').inputValue()).toBe('小区业委会申报红色示范业委会。');
    await shot(page, 'committee-apply-errors');

    await page.getByLabel('业委会委员人数（必填）').fill('7');
    await page.getByLabel('其中党员人数（必填）').fill('9');
    await page.getByRole('button', { name: '提交推荐表' }).click();
    expect(await page.locator('#partyMembers-error').innerText()).toContain('党员人数不能超过委员人数');

    await page.getByLabel('其中党员人数（必填）').fill('4');
    await page.getByRole('button', { name: '提交推荐表' }).click();
    await page.waitForURL(/\/applications\/huayang-001/);
    expect(await mainText(page)).toContain('已办理：推荐表已提交');
    expect(await mainText(page)).toContain('已申报');
    await shot(page, 'committee-application');
    expect((await applicationStatus(client, YEAR, A)).form.members).toBe(7);
  });

  it('no worker: the form is still taken ("推荐表已提交"); its details show once the worker is back', async () => {
    const { page } = await signIn(await context(), base, smtp, email(B));
    await page.goto(`${base}/application/new`);
    await fillForm(page, '8', true);
    await stack.stopWorker();
    try {
      // Submitting starts the application's workflow and reads the campaign's memo: no worker is needed.
      await page.getByRole('button', { name: '提交推荐表' }).click();
      await page.waitForURL(/\/applications\/huayang-002\?submitted=1/, { timeout: 30_000 });
      const text = await mainText(page);
      expect(text).toContain('推荐表已提交。系统繁忙，申报详情暂时无法显示，请稍后刷新本页。');
      await shot(page, 'committee-busy');
    } finally {
      await stack.startWorker();
    }
    await page.reload();
    expect(await mainText(page)).toContain('推荐表已提交');
    expect((await applicationStatus(client, YEAR, B)).form.members).toBe(8);
  });

  it('links: used once, forged, expired; each a clear page with its status', async () => {
    // Used: sign in, then the same link again in another browser.
    const { link } = await signIn(await context(), base, smtp, email('bureau-org'));
    links.push(link);
    const page = await (await context()).newPage();
    await page.goto(link);
    const used = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: '确认登录' }).click();
    expect((await used).status()).toBe(410);
    expect(await mainText(page)).toContain('这个登录链接已经使用过');
    await shot(page, 'link-used');

    // Forged: a well-formed token that no sign-in made.
    await page.goto(`${base}/auth/link/${'A'.repeat(43)}`);
    const forged = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: '确认登录' }).click();
    expect((await forged).status()).toBe(400);
    expect(await mainText(page)).toContain('这个登录链接无效');
    await shot(page, 'link-forged');

    // Expired: a console whose links live 1.5 s.
    const short = await stack.startConsole({ config: { signInTtlMs: 1_500 } });
    try {
      const p = await (await context()).newPage();
      const expiredLink = await requestLink(p, short.base, smtp, email('bureau-org'));
      await new Promise((r) => setTimeout(r, 3_000));
      await p.goto(expiredLink);
      const expired = p.waitForResponse((r) => r.request().method() === 'POST');
      await p.getByRole('button', { name: '确认登录' }).click();
      expect((await expired).status()).toBe(410);
      expect(await mainText(p)).toContain('这个登录链接已过期');
      await shot(p, 'link-expired');
    } finally {
      await short.server.close();
    }
  });

  it('rate limit on sign-in: a Chinese page with 429', async () => {
    const limited = await stack.startConsole({ signInLimit: 2 });
    try {
      const page = await (await context()).newPage();
      let status = 0;
      for (let i = 0; i < 3; i++) {
        await page.goto(`${limited.base}/auth/sign-in`);
        await page.getByLabel('工作邮箱').fill('nobody@example.org');
        const res = page.waitForResponse((r) => r.request().method() === 'POST');
        await page.getByRole('button', { name: '发送登录链接' }).click();
        status = (await res).status();
      }
      expect(status).toBe(429);
      expect(await mainText(page)).toContain('请求过于频繁');
      await shot(page, 'rate-limited');
    } finally {
      await limited.server.close();
    }
  });

  it('the 街镇 official decides, is refused another 街镇, and confirms the list; double submit and missing CSRF', async () => {
    await waitForPhase('review', 150_000);
    const ctx = await context();
    const { page } = await signIn(ctx, base, smtp, email('official-huayang'), 'official');
    await eventually(async () => {
      await page.reload();
      const t = await mainText(page);
      expect(t).toContain('初步审查：和泰华庭业主委员会');
      expect(t).toMatch(/7月31日 24:00（剩 \d+ 个工作日）/);
    });
    await shot(page, 'official-inbox');

    // Another 街镇's application: 403, and the attempt is logged.
    const res = await page.goto(`${base}/applications/${OTHER}`);
    expect(res!.status()).toBe(403);
    expect(await mainText(page)).toContain('您只能查看和办理华阳路街道的申报');
    await shot(page, 'official-forbidden');

    await page.goto(`${base}/applications`);
    await shot(page, 'official-applications');

    // Missing CSRF token: the form without its hidden field is refused.
    await page.goto(`${base}/applications/${A}`);
    await shot(page, 'official-application');
    await page.locator('input[name=_csrf]').evaluateAll((els: any[]) => els.forEach((e) => e.remove()));
    const refused = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: '推荐', exact: true }).click();
    expect((await refused).status()).toBe(403);
    expect(await mainText(page)).toContain('缺少安全校验');
    await shot(page, 'csrf-missing');
    expect((await applicationStatus(client, YEAR, A)).stage).toBe('submitted');

    // Double submit: the same form posted twice at once is one Update, one effect, the same result.
    await page.goto(`${base}/applications/${A}`);
    const form = page.locator('form[action$="/recommend"]');
    const fields = {
      _csrf: await form.locator('input[name=_csrf]').inputValue(),
      nonce: await form.locator('input[name=nonce]').inputValue(),
      note: '组织健全，台账规范',
    };
    const post = () => page.request.post(`${base}/applications/${A}/recommend`, { form: fields, maxRedirects: 0 });
    const [r1, r2] = await Promise.all([post(), post()]);
    expect([r1.status(), r2.status()]).toEqual([200, 200]);
    expect(await r1.text()).toContain('已办理：华阳路街道已推荐');
    expect(await r2.text()).toContain('已办理：华阳路街道已推荐');
    const a = await applicationStatus(client, YEAR, A);
    expect(a.stage).toBe('recommended');
    expect(a.audit.filter((e) => e.action === 'recommend' && e.outcome === 'accepted')).toHaveLength(1);

    // Not recommended: a reason is required, shown next to its field; then the result of the Update.
    await page.goto(`${base}/applications/${B}`);
    await page.getByRole('button', { name: '不推荐' }).click();
    expect(await page.locator('#reason-error').innerText()).toContain('请填写不推荐理由');
    await shot(page, 'official-reason-missing');
    await page.getByLabel('不推荐理由（必填）').fill('财务公开不及时');
    await page.getByRole('button', { name: '不推荐' }).click();
    expect(await mainText(page)).toContain('已办理：华阳路街道不予推荐：财务公开不及时');
    await shot(page, 'official-not-recommended');

    // Confirm: a summary first (the listing lags the Updates by a moment), then the Update's result.
    await eventually(async () => {
      await page.goto(`${base}/subdistrict/confirm-list`);
      const t = await mainText(page);
      expect(t).toMatch(/推荐 1 和泰华庭业主委员会/);
      expect(t).toMatch(/尚未决定 0/);
    });
    await shot(page, 'official-confirm-summary');
    await page.getByRole('button', { name: '确认推荐名单并报区房管局' }).click();
    expect(await mainText(page)).toContain('已办理：华阳路街道 推荐名单已确认（1 家），决定已锁定');
    await shot(page, 'official-confirmed');
    expect((await campaignStatus(client, YEAR)).confirmed['华阳路街道'].recommended).toEqual([A]);
    await page.goto(`${base}/inbox?tab=done`);
    expect(await mainText(page)).toContain('已确认，推荐 1 个');
    await shot(page, 'official-inbox-done');
  }, 300_000); // waits for the review window (about 105 s after the start) before its own steps

  it('the bureau follows an emailed link to the dashboard, records a paper form, extends a window, starts a campaign', async () => {
    // An emailed link leads to its page: after sign-in the bureau lands there, not on 我的待办.
    const page = await (await context()).newPage();
    await page.goto(`${base}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/auth/sign-in');
    const since = smtp.messages.length;
    await page.getByLabel('工作邮箱').fill(email('bureau-lu'));
    await page.getByRole('button', { name: '发送登录链接' }).click();
    await page.goto(await linkFromMail(smtp, email('bureau-lu'), since));
    await page.getByRole('button', { name: '确认登录' }).click();
    await page.waitForURL(`${base}/dashboard`);

    // The paper form of the recommended application, while the review window is still open.
    await page.goto(`${base}/applications/${A}`);
    await page.getByLabel('收到日期（必填）').fill('2023-06-30');
    await page.getByRole('button', { name: '登记已收到' }).click();
    expect(await mainText(page)).toContain('已办理：已登记纸质推荐表（一式两份）');
    expect(await mainText(page)).toContain('办理记录');
    await shot(page, 'bureau-paper-form');
    expect((await applicationStatus(client, YEAR, A)).paperFormReceivedOn).toBe('2023-06-30');

    await page.goto(`${base}/dashboard`);
    const t = await mainText(page);
    expect(t).toContain('街镇推荐遴选');
    expect(t).toContain('已确认（推荐 1 个）');
    expect(t).toMatch(/申报总数 2/);
    await shot(page, 'bureau-dashboard');

    await page.getByLabel('时间窗口').selectOption('review');
    await page.getByLabel('街镇（仅街镇审查窗口可按街镇延长）').selectOption('江苏路街道');
    await page.getByLabel('延长至（该日 24:00）').fill('2023-08-15');
    await page.getByRole('button', { name: '延长' }).click();
    expect(await mainText(page)).toContain(
      '已办理：街镇审查推荐窗口截止时间延长至 2023-08-15 24:00 (北京时间)（江苏路街道）',
    );
    await shot(page, 'bureau-extended');
    expect((await campaignStatus(client, YEAR)).reviewDeadlines['江苏路街道']).toBe('2023-08-15T16:00:00.000Z');

    // A rejection by the workflow's validator is shown next to its field.
    await page.getByLabel('时间窗口').selectOption('review');
    await page.getByLabel('街镇（仅街镇审查窗口可按街镇延长）').selectOption('华阳路街道');
    await page.getByLabel('延长至（该日 24:00）').fill('2023-08-20');
    await page.getByRole('button', { name: '延长' }).click();
    expect(await page.locator('#until-error').innerText()).toContain('当前阶段不能办理此事项');
    await shot(page, 'bureau-extend-rejected');

    // The campaign's audit trail: the 街镇's confirmation and the accepted extension.
    await page.getByRole('link', { name: '查看评选办理记录（审计）' }).click();
    const audit = await mainText(page);
    expect(audit).toContain('街镇确认推荐名单');
    expect(audit).toMatch(/陆贝芙 延长时间窗口 已接受/);
    await shot(page, 'bureau-campaign-audit');

    // Start a campaign: the built-in data has no 2038 arrangement, so the page asks for a file or weekends only.
    await page.goto(`${base}/campaign/start`);
    await shot(page, 'bureau-start-form');
    await page.getByLabel('评选年度（必填）').fill(String(STARTED_YEAR));
    await page.getByLabel('使用系统内置的国务院办公厅节假日安排').check();
    await page.getByRole('button', { name: '启动评选' }).click();
    expect(await page.locator('#holidays-error').innerText()).toContain(
      `系统内置数据中没有 ${STARTED_YEAR} 年的节假日安排`,
    );
    await shot(page, 'bureau-start-no-holidays');
    await page.getByLabel('上传节假日文件（JSON，格式见 domain/holidays-example-2027.json）').check();
    await page.getByLabel('节假日文件（选择“上传节假日文件”时必填）').setInputFiles(HOLIDAY_FILE_2038);
    await page.getByRole('button', { name: '启动评选' }).click();
    expect(await mainText(page)).toContain(
      `已启动 ${STARTED_YEAR} 年红色示范业委会创建评选（campaign-${STARTED_YEAR}），工作日依据：file:holidays.json`,
    );
    await shot(page, 'bureau-started');
    expect((await campaignStatus(client, STARTED_YEAR)).calendar.workdays.holidays).toContain('2038-02-08');
  });

  it("a committee cannot open the dashboard or another committee's application", async () => {
    const { page } = await signIn(await context(), base, smtp, email(A));
    expect((await page.goto(`${base}/dashboard`))!.status()).toBe(403);
    expect((await page.goto(`${base}/applications/${B}`))!.status()).toBe(403);
    await page.goto(`${base}/application`);
    expect(await mainText(page)).toContain('街镇推荐');
    await shot(page, 'committee-after-review');
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(`${base}/auth/sign-in`);
    expect((await page.goto(`${base}/inbox`))!.url()).toBe(`${base}/auth/sign-in`);
  });

  it('request logs carry the person id and the route, never a token or an email address; a refused attempt is logged', () => {
    const entries = logs.map((l) => JSON.parse(l));
    const requests = entries.filter((e) => e.msg === 'request');
    expect(requests.length).toBeGreaterThan(20);
    expect(requests.some((e) => e.person === 'official-huayang' && e.route === '/applications/:committeeId')).toBe(
      true,
    );
    expect(requests.some((e) => e.route === '/auth/link/:token' && e.status === 410)).toBe(true);
    expect(
      entries.some((e) => e.event === 'forbidden' && e.person === 'official-huayang' && e.committee === OTHER),
    ).toBe(true);
    const all = logs.join('\n');
    for (const link of links) expect(all).not.toContain(link.slice(link.lastIndexOf('/') + 1));
    expect(all).not.toMatch(/[A-Za-z0-9_-]{43}/);
    expect(all).not.toContain('@example.org');
  });
});
