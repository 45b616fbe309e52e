/**
 * Browser-test helpers: Debian's Chromium driven by playwright-core (no browser download), sign-in
 * through the link in the test SMTP server's mail, axe-core (WCAG 2.1 AA) and screenshots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';
import type { TestSmtp } from '../smtp';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = join(__dirname, '..', '..', 'test-results', 'web');

export async function launch(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM });
}

export const newContext = (browser: Browser): Promise<BrowserContext> =>
  browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1200, height: 900 } });

/** Every page checked: no WCAG 2.0/2.1 A or AA violation. */
export async function checkA11y(page: Page, name: string): Promise<void> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
  expect(summary, `axe on ${name}`).toEqual([]);
}

/** Saves a full-page screenshot under test-results/web/ and checks the page with axe. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  await checkA11y(page, name);
}

export const mainText = async (page: Page): Promise<string> =>
  (await page.locator('main').innerText()).replace(/\s+/g, ' ');

/** The sign-in link in the newest mail to `email` received after `since` messages. */
export async function linkFromMail(smtp: TestSmtp, email: string, since: number, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = smtp.messages.slice(since).find((x) => x.to === email && x.subject.includes('登录链接'));
    if (m) {
      const link = /https?:\/\/[^\s"<>]+\/auth\/link\/[A-Za-z0-9_-]{43}/.exec(m.text)?.[0];
      if (!link) throw new Error(`no sign-in link in: ${m.text}`);
      return link;
    }
    if (Date.now() > deadline) throw new Error(`no sign-in mail to ${email}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Asks for a link on the sign-in page and returns it from the mail (the page always answers the same). */
export async function requestLink(
  page: Page,
  base: string,
  smtp: TestSmtp,
  email: string,
  name?: string,
): Promise<string> {
  await page.goto(`${base}/`);
  expect(new URL(page.url()).pathname).toBe('/auth/sign-in');
  if (name) await shot(page, `${name}-sign-in`);
  const since = smtp.messages.length;
  await page.getByLabel('工作邮箱').fill(email);
  await page.getByRole('button', { name: '发送登录链接' }).click();
  expect(await mainText(page)).toContain('如果该邮箱在名录中，我们已发送登录链接');
  if (name) await shot(page, `${name}-link-sent`);
  return linkFromMail(smtp, email, since);
}

/** Signs in through the emailed link's "确认登录" page; returns the page on 我的待办. */
export async function signIn(
  context: BrowserContext,
  base: string,
  smtp: TestSmtp,
  email: string,
  name?: string,
): Promise<{ page: Page; link: string }> {
  const page = await context.newPage();
  const link = await requestLink(page, base, smtp, email, name);
  expect(link.startsWith(base)).toBe(true);
  await page.goto(link);
  expect(await mainText(page)).toContain('确认登录');
  if (name) await shot(page, `${name}-confirm`);
  await page.getByRole('button', { name: '确认登录' }).click();
  await page.waitForURL(`${base}/inbox`);
  return { page, link };
}
