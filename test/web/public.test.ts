/**
 * The public's 公示 page and objections in a real browser (Debian's Chromium), on a compressed campaign whose 公示
 * lasts about a minute: the draft list and window without sign-in; uploads refused by size and by content; an
 * objection by email counted only once its emailed link is opened; one by phone, as a unit with a stamped scan, filed
 * at once and readable by the bureau; a confirmation after 公示 ended and a submission after it, both refused with the
 * exact end time; the final list after confirmation. No public page and no log line carries a name or a contact.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { campaignAction, campaignStatus, startCampaign } from '../../client/campaigns';
import { applicationAction, submitApplication } from '../../client/applications';
import { publicObjectionState, publicObjectionWorkflowId } from '../../client/public-objections';
import {
  compressCalendar,
  defaultCalendar,
  formatDeadline,
  type CampaignCalendar,
  type CompressedCalendar,
} from '../../domain/calendar';
import { toReal, type TimeScale } from '../../domain/time-scale';
import { loadWorkdays } from '../../domain/holidays';
import { applicationWorkflowId, campaignWorkflowId } from '../../temporal/ids';
import { createScanStore } from '../../web/scan-store';
import { eventually } from '../harness';
import { formFor, scores } from '../fixtures';
import { mainText, shot, signIn } from './browser';
import { startWebStack, type WebStack } from './stack';
import { confirmObjection, fileObjection, objectionLinkFromMail, openPublicPage } from './public-steps';
import { TEST_YEARS, yearOf } from '../years';

const YEAR = yearOf('web/public.test.ts'); // the calendar keeps 2023's dates
const NO_CAMPAIGN_YEAR = TEST_YEARS['web/public.test.ts'][1];
/** One calendar hour ≈ 1.2 s: applications and review last ~19 s each, 公示 (Sat ~09:00 → Wed 24:00) ~135 s,
 * long enough for the steps below on a loaded 2-core machine (they took 45–71 s in 公示 here). */
const SPEED = 3_000;
const HOUR = 3_600_000;
const COMMITTEES = ['huayang-001', 'huayang-002', 'huayang-003'];
const OFFICIAL = 'official-huayang';
const BUREAU = 'bureau-lu';

const SCAN_DIR = mkdtempSync(join(tmpdir(), 'objection-scans-'));
const FILES = mkdtempSync(join(tmpdir(), 'objection-files-'));
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% 盖章扫描件 stamped-scan-marker\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);
const files = {
  stamped: join(FILES, 'stamp.pdf'),
  /** Named .pdf, but a GIF inside: the server reads the bytes, not the name. */
  wrongType: join(FILES, 'disguised.pdf'),
  /** One byte over 5 MB. */
  tooLarge: join(FILES, 'large.pdf'),
};
writeFileSync(files.stamped, PDF);
writeFileSync(files.wrongType, Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(2_000, 1)]));
writeFileSync(files.tooLarge, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5 * 1024 * 1024 + 1 - 9, 0x20)]));

/** The people who object (fictional) and what must never show on a public page. */
const EMAIL_OBJECTOR = {
  name: '钱晓梅',
  contact: 'qian.xiaomei@example.net',
  grounds: '该小区业委会2023年未按规定公开维修资金使用情况，业主多次反映未获答复。',
};
const PHONE_OBJECTOR = {
  name: '孙建国',
  contact: '13912345678',
  grounds: '该业委会换届筹备期间未依法公示候选人名单，程序存在瑕疵。',
  organisation: '某某小区业主代表小组',
};
const LATE_OBJECTOR = {
  name: '周丽华',
  contact: 'zhou.lihua@example.net',
  grounds: '公示期内提交但未及时确认邮箱的异议，用于检验确认时限。',
};
const AFTER_OBJECTOR = {
  name: '吴志强',
  contact: '13700001111',
  grounds: '公示结束后提交的异议，应当被拒绝并告知结束时间。',
};
const SECRETS = [EMAIL_OBJECTOR, PHONE_OBJECTOR, LATE_OBJECTOR, AFTER_OBJECTOR].flatMap((o) => [o.name, o.contact]);

let stack: WebStack;
let calendar: CampaignCalendar;
let timeScale: TimeScale;
let endsText: string;
/** Every public page's HTML as served, checked for names and contacts at the end. */
const publicHtml: { name: string; html: string }[] = [];
const nameOf = (id: string) => stack.directory.committees.find((c) => c.id === id)!.name;

async function keep(page: Page, name: string) {
  publicHtml.push({ name, html: await page.content() });
}

async function waitForPhase(phase: string, timeoutMs: number) {
  await eventually(async () => expect((await campaignStatus(stack.client, YEAR)).phase).toBe(phase), timeoutMs);
}

/** 2023's dates with the early windows cut to hours (opens Fri Sep 15 00:00, applications until 16:00, review until Sat 08:00) and 公示 of 3 working days. */
function shapedCalendar(): CompressedCalendar {
  const base = defaultCalendar(2023, loadWorkdays(2023));
  const t0 = Date.parse('2023-09-14T16:00:00.000Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  const shaped = {
    ...base,
    year: YEAR,
    opens: iso(t0),
    applicationsClose: iso(t0 + 16 * HOUR),
    reviewOpens: iso(t0 + 16 * HOUR),
    reviewCloses: iso(t0 + 32 * HOUR),
    inspectionOpens: iso(t0 + 32 * HOUR),
    publicityWorkingDays: 3,
  };
  return compressCalendar(shaped, Date.now() + 2_000, SPEED);
}

beforeAll(async () => {
  process.env.OBJECTION_SCAN_DIR = SCAN_DIR;
  stack = await startWebStack({ year: YEAR, key: Buffer.alloc(32, 11), queuePrefix: 'web-public' });
  const { client, directory, taskQueue } = stack;
  ({ calendar, timeScale } = shapedCalendar());
  await startCampaign(client, { calendar, timeScale, directory, taskQueue });
  await waitForPhase('applications', 20_000);
  for (const id of COMMITTEES)
    await submitApplication(client, { year: YEAR, directory, committeeId: id, form: formFor(id), taskQueue });
  await eventually(async () => expect((await campaignStatus(client, YEAR)).counts.total).toBe(3), 15_000);
  await waitForPhase('review', 30_000);
  for (const id of COMMITTEES) await applicationAction(client, YEAR, id, 'recommend', { actor: OFFICIAL });
  await eventually(async () => expect((await campaignStatus(client, YEAR)).counts.byStage.recommended).toBe(3), 15_000);
  await campaignAction(client, YEAR, 'confirmList', { actor: OFFICIAL });
  await waitForPhase('inspection', 30_000);
  for (const [i, id] of COMMITTEES.entries()) {
    const total = 95 - i * 3;
    await eventually(
      () =>
        applicationAction(client, YEAR, id, 'recordInspection', {
          actor: 'inspector-1',
          scores: scores(total),
          total,
          inspector: '郑立',
          date: '2023-09-16',
          notes: '台账齐全',
        }),
      15_000,
    );
  }
  await eventually(async () => expect((await campaignStatus(client, YEAR)).counts.byStage.inspected).toBe(3), 15_000);
  const r = await campaignAction(client, YEAR, 'panelFinalize', {
    actor: 'panel-chair',
    ranking: COMMITTEES,
    tieBreakRule: '总分相同时，以群众评价好得分高者居前',
  });
  expect(r.phase).toBe('publicity');
  endsText = formatDeadline(Date.parse((await campaignStatus(client, YEAR)).draft!.publicityEnds));
}, 180_000);

afterAll(async () => {
  const ids = [campaignWorkflowId(YEAR), ...COMMITTEES.map((id) => applicationWorkflowId(YEAR, id))];
  await stack?.close(ids);
});

describe('the public 公示 page and objections (Chromium)', () => {
  let lateLink: string;
  let lateRef: string;
  let afterPage: Page;
  let phoneRef: string;

  it('a year with no 公示 has a clear Chinese page', async () => {
    const page = await (await stack.context()).newPage();
    const text = await openPublicPage(page, stack.base, NO_CAMPAIGN_YEAR, 'public-none');
    expect(text).toContain(`${NO_CAMPAIGN_YEAR} 年的红色示范业委会拟表彰名单尚未公示`);
    expect(await page.locator('form[action$="/objection"]').count()).toBe(0);
  });

  it('shows the draft list with names and 街镇 and the window in Beijing time, without sign-in', async () => {
    expect(endsText).toBe('2023-09-20 24:00'); // published on Saturday: the three working days are Mon Sep 18 to Wed Sep 20
    const page = await (await stack.context()).newPage();
    const text = await openPublicPage(page, stack.base, YEAR, 'public-draft');
    expect(new URL(page.url()).pathname).toBe(`/public/${YEAR}`);
    for (const id of COMMITTEES) expect(text).toContain(`${nameOf(id)} 华阳路街道`);
    expect(text).toMatch(new RegExp(`公示期 2023-09-16 \\d\\d:\\d\\d 起至 ${endsText}（北京时间）止`));
    expect(text).toContain('公示中');
    expect(text).toContain('如何提出异议');
    await keep(page, 'draft');
  });

  it('refuses a scan that is not PDF, JPG or PNG by its content, and one over 5 MB, keeping what was typed', async () => {
    const page = await (await stack.context()).newPage();
    await openPublicPage(page, stack.base, YEAR);
    const wrong = await fileObjection(
      page,
      { committeeName: nameOf(COMMITTEES[0]), ...PHONE_OBJECTOR, scanPath: files.wrongType },
      'public-objection-wrong-type',
    );
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('扫描件须为 PDF、JPG 或 PNG 文件');
    expect(await page.getByLabel('异议理由（必填）').inputValue()).toBe(PHONE_OBJECTOR.grounds);
    expect(await page.getByLabel('单位名称（以单位名义提出时填写）').inputValue()).toBe(PHONE_OBJECTOR.organisation);

    const large = await fileObjection(
      page,
      { committeeName: nameOf(COMMITTEES[0]), ...PHONE_OBJECTOR, scanPath: files.tooLarge },
      'public-objection-too-large',
    );
    expect(large.status).toBe(400);
    expect(large.text).toContain('扫描件不能超过 5 MB');
    expect(await page.getByLabel('真实姓名（必填）').inputValue()).toBe(PHONE_OBJECTOR.name);
    expect(readdirSync(SCAN_DIR)).toEqual([]);
    expect((await campaignStatus(stack.client, YEAR)).objections).toEqual([]);
  });

  it('an email objection counts only once its emailed link is opened; the reference is shown and emailed', async () => {
    const page = await (await stack.context()).newPage();
    await openPublicPage(page, stack.base, YEAR);
    const since = stack.smtp.messages.length;
    const sent = await fileObjection(
      page,
      { committeeName: nameOf(COMMITTEES[1]), ...EMAIL_OBJECTOR },
      'public-objection-email-sent',
    );
    expect(sent.status).toBe(202);
    expect(sent.text).toContain('我们已向您填写的邮箱发送确认邮件');
    expect(sent.text).toContain(`公示于 ${endsText}（北京时间）结束`);
    const mail = await objectionLinkFromMail(stack.smtp, EMAIL_OBJECTOR.contact, since);
    expect(mail.ref).toBe(sent.ref);
    expect(mail.text).toContain(`参考编号 ${sent.ref}`);
    expect(mail.link.startsWith(`${stack.base}/public/${YEAR}/objections/${sent.ref}/confirm/`)).toBe(true);
    expect((await campaignStatus(stack.client, YEAR)).objections).toEqual([]);

    const confirmed = await confirmObjection(page, mail.link, 'public-objection-email-filed');
    expect(confirmed.status).toBe(200);
    expect(confirmed.objectionId).toBe('obj-1');
    const objections = (await campaignStatus(stack.client, YEAR)).objections;
    expect(objections.map((o) => [o.id, o.committeeId, o.name, o.contact, o.grounds])).toEqual([
      ['obj-1', COMMITTEES[1], EMAIL_OBJECTOR.name, EMAIL_OBJECTOR.contact, EMAIL_OBJECTOR.grounds],
    ]);

    await page.goto(mail.link);
    const [again] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: '确认提交异议' }).click(),
    ]);
    expect(again.status()).toBe(410);
    expect(await mainText(page)).toContain(
      `这个确认链接已经使用过。您的异议已受理，异议编号 obj-1。参考编号 ${sent.ref}。`,
    );
    await shot(page, 'public-objection-link-used');
  });

  it('a phone objection by a unit with a stamped scan is filed at once; the scan is stored encrypted and only the bureau reads it', async () => {
    const page = await (await stack.context()).newPage();
    await openPublicPage(page, stack.base, YEAR);
    const filed = await fileObjection(
      page,
      { committeeName: nameOf(COMMITTEES[2]), ...PHONE_OBJECTOR, scanPath: files.stamped },
      'public-objection-phone-filed',
    );
    expect(filed.status).toBe(200);
    expect(filed.objectionId).toBe('obj-2');
    phoneRef = filed.ref!;
    const o = (await campaignStatus(stack.client, YEAR)).objections.find((x) => x.id === 'obj-2')!;
    expect([o.name, o.contact, o.organisation]).toEqual([
      PHONE_OBJECTOR.name,
      PHONE_OBJECTOR.contact,
      PHONE_OBJECTOR.organisation,
    ]);

    const state = (await publicObjectionState(stack.client, YEAR, phoneRef))!;
    expect(state.status).toBe('filed');
    const stored = readFileSync(join(SCAN_DIR, `${state.scanId}.scan`));
    expect(stored.includes(Buffer.from('stamped-scan-marker'))).toBe(false);
    expect(stored.includes(Buffer.from('%PDF'))).toBe(false);
    expect(createScanStore(SCAN_DIR).read(state.scanId!)!.data.equals(PDF)).toBe(true);

    const scanUrl = `${stack.base}/public/${YEAR}/objections/${phoneRef}/scan`;
    const anonymous = await fetch(scanUrl, { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    const { page: bureau } = await signIn(await stack.context(), stack.base, stack.smtp, 'bureau-lu@example.org');
    const res = await bureau.request.get(scanUrl);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    expect((await res.body()).equals(PDF)).toBe(true);
    expect(
      stack.logs.some((l) => l.includes('"event":"objection-scan-read"') && l.includes(`"person":"${BUREAU}"`)),
    ).toBe(true);
  });

  it('prepares the late cases while 公示 is open: an email objection left unconfirmed, and a form left open', async () => {
    const page = await (await stack.context()).newPage();
    await openPublicPage(page, stack.base, YEAR);
    const since = stack.smtp.messages.length;
    const sent = await fileObjection(page, { committeeName: nameOf(COMMITTEES[0]), ...LATE_OBJECTOR });
    expect(sent.status).toBe(202);
    ({ link: lateLink, ref: lateRef } = await objectionLinkFromMail(stack.smtp, LATE_OBJECTOR.contact, since));
    afterPage = await (await stack.context()).newPage();
    await openPublicPage(afterPage, stack.base, YEAR);
    expect((await campaignStatus(stack.client, YEAR)).phase).toBe('publicity');
  });

  it('after 公示 ends, a late confirmation and a late submission are refused with the exact end time', async () => {
    const ends = Date.parse((await campaignStatus(stack.client, YEAR)).draft!.publicityEnds);
    const wait = toReal(timeScale, ends) - Date.now() + 500;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));

    const page = await (await stack.context()).newPage();
    const late = await confirmObjection(page, lateLink, 'public-objection-confirmed-late');
    expect(late.status).toBe(409);
    expect(late.text).toContain(`未被受理：公示已于 ${endsText}（北京时间）结束`);
    expect((await publicObjectionState(stack.client, YEAR, lateRef))!.status).toBe('refused');

    const after = await fileObjection(
      afterPage,
      { committeeName: nameOf(COMMITTEES[0]), ...AFTER_OBJECTOR },
      'public-objection-too-late',
    );
    expect(after.status).toBe(409);
    expect(after.text).toContain(`公示已于 ${endsText}（北京时间）结束，不再受理异议。`);
    expect(await afterPage.locator('form[action$="/objection"]').count()).toBe(0);
    await keep(afterPage, 'too-late');
    expect((await campaignStatus(stack.client, YEAR)).objections.map((o) => o.id)).toEqual(['obj-1', 'obj-2']);

    const closed = await openPublicPage(page, stack.base, YEAR, 'public-closed');
    expect(closed).toContain('公示期已结束，不再受理异议');
    await keep(page, 'closed');
  }, 240_000);

  it('after the bureau confirms, the page shows the final list and links its PDF', async () => {
    for (const id of ['obj-1', 'obj-2'])
      await campaignAction(stack.client, YEAR, 'resolveObjection', {
        actor: BUREAU,
        objectionId: id,
        outcome: 'dismissed',
        reason: '经核查，反映情况不属实',
      });
    await campaignAction(stack.client, YEAR, 'confirmFinal', { actor: BUREAU });
    const page = await (await stack.context()).newPage();
    const text = await openPublicPage(page, stack.base, YEAR, 'public-final');
    expect(text).toContain(`${YEAR} 年长宁区红色示范业委会表彰名单已于`);
    for (const id of COMMITTEES) expect(text).toContain(`${nameOf(id)} 华阳路街道`);
    expect(await page.getByRole('link', { name: '下载表彰名单（PDF）' }).getAttribute('href')).toBe(
      `/public/${YEAR}/final-list.pdf`,
    );
    await keep(page, 'final');
  });

  it("no public page and no log line carries an objector's name or contact", async () => {
    // The pages as anyone fetches them too, not only as the browser rendered them.
    for (const year of [YEAR, NO_CAMPAIGN_YEAR])
      publicHtml.push({ name: `fetch ${year}`, html: await (await fetch(`${stack.base}/public/${year}`)).text() });
    expect(publicHtml.length).toBeGreaterThanOrEqual(5);
    for (const { name, html } of publicHtml)
      for (const s of SECRETS) expect(html.includes(s), `${s} on ${name}`).toBe(false);
    const logs = stack.logs.join('\n');
    expect(logs).toContain('"event":"objection-submitted"');
    for (const s of SECRETS) expect(logs.includes(s), `${s} in the console's log`).toBe(false);
    // Nor in the pending objection's workflow id.
    expect(publicObjectionWorkflowId(YEAR, phoneRef)).toMatch(
      new RegExp(`^public-objection-${YEAR}-[A-Z0-9]{4}-[A-Z0-9]{4}$`),
    );
  });
});
