/**
 * What a member of the public does in the browser, as steps a test can chain: open the year's 公示, file an objection
 * through the form, confirm it by the link in the emailed message. Each step saves a screenshot and checks the page
 * with axe-core when given a name.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestSmtp } from '../smtp';
import { mainText, shot } from './browser';

export interface ObjectionInput {
  /** The option's visible text starts with "<rank>. <committee name>". */
  committeeName: string;
  name: string;
  contact: string;
  grounds: string;
  organisation?: string;
  /** A file to upload as the stamped scan. */
  scanPath?: string;
}

/** Opens /public/<year> without signing in; returns the page's main text. */
export async function openPublicPage(page: Page, base: string, year: number, shotName?: string): Promise<string> {
  const res = await page.goto(`${base}/public/${year}`);
  expect(res?.status(), `GET /public/${year}`).toBeLessThan(500);
  if (shotName) await shot(page, shotName);
  return mainText(page);
}

/** Fills and submits the objection form on the 公示 page (already open); returns the answer's status and text. */
export async function fileObjection(
  page: Page,
  o: ObjectionInput,
  shotName?: string,
): Promise<{ status: number; text: string; ref?: string; objectionId?: string }> {
  const option = page.locator('#committeeId option', { hasText: o.committeeName });
  await page.getByLabel('异议针对的业委会（必填）').selectOption((await option.getAttribute('value'))!);
  await page.getByLabel('真实姓名（必填）').fill(o.name);
  await page.getByLabel('联系方式（必填）').fill(o.contact);
  await page.getByLabel('异议理由（必填）').fill(o.grounds);
  if (o.organisation) await page.getByLabel('单位名称（以单位名义提出时填写）').fill(o.organisation);
  if (o.scanPath) await page.getByLabel('加盖公章的扫描件（以单位名义提出时必填）').setInputFiles(o.scanPath);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && /\/objection$/.test(r.url())),
    page.getByRole('button', { name: '提交异议' }).click(),
  ]);
  await page.waitForLoadState();
  if (shotName) await shot(page, shotName);
  const text = await mainText(page);
  return {
    status: response.status(),
    text,
    ref: /参考编号 ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(text)?.[1],
    objectionId: /异议编号 (obj-\d+)/.exec(text)?.[1],
  };
}

/** The confirmation link in the newest objection mail to `email` received after `since` messages. */
export async function objectionLinkFromMail(
  smtp: TestSmtp,
  email: string,
  since: number,
  timeoutMs = 30_000,
): Promise<{ link: string; ref: string; text: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = smtp.messages
      .slice(since)
      .find((x) => x.to === email && x.subject.includes('请确认您对拟表彰名单的异议'));
    if (m) {
      const link = /https?:\/\/[^\s"<>]+\/public\/\d{4}\/objections\/[A-Z0-9-]{9}\/confirm\/[A-Za-z0-9_-]{43}/.exec(
        m.text,
      )?.[0];
      if (!link) throw new Error(`no confirmation link in: ${m.text}`);
      return { link, ref: /参考编号 ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(m.subject)![1], text: m.text };
    }
    if (Date.now() > deadline) throw new Error(`no objection mail to ${email}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Opens the emailed link and presses 确认提交异议; returns the answer's status and text (with the objection id when filed). */
export async function confirmObjection(
  page: Page,
  link: string,
  shotName?: string,
): Promise<{ status: number; text: string; objectionId?: string }> {
  await page.goto(link);
  expect(await mainText(page)).toContain('确认提交异议');
  if (shotName) await shot(page, `${shotName}-confirm`);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === link),
    page.getByRole('button', { name: '确认提交异议' }).click(),
  ]);
  await page.waitForLoadState();
  if (shotName) await shot(page, shotName);
  const text = await mainText(page);
  return { status: response.status(), text, objectionId: /异议编号 (obj-\d+)/.exec(text)?.[1] };
}
