/**
 * The selection in the console (Chromium), as a story on one compressed campaign (a day is 3 s):
 * five committees apply and are recommended (through the client, as other tests drive those pages);
 * the inspection company scores one by form (a bad score first, then the grade preview, then saving)
 * and the others by CSV (a file with wrong columns refused whole; bad rows reported by line and
 * column, good rows saved); the panel members vote and one changes a vote; the chair ranks, mistakes
 * a tie first, and finalises through the emailed confirmation link; two objections are filed through
 * the client API; the bureau reads one (the read is in the audit, without the objector's details),
 * dismisses one, upholds the other, takes a committee off the list, keeps one whose re-election was
 * filed, and confirms the final list with
 * the same fresh confirmation. Every page is checked with axe-core and saved under test-results/web/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Page } from 'playwright-core';
import { applicationAction, applicationStatus, submitApplication } from '../../client/applications';
import { campaignAction, campaignAudit, campaignStatus, panelVotes, startCampaign } from '../../client/campaigns';
import { loadDirectory } from '../../client/directory';
import { compressCalendar, defaultCalendar, endOfBeijingDay, startOfBeijingDay, toIso } from '../../domain/calendar';
import { loadWorkdays } from '../../domain/holidays';
import { campaignWorkflowId } from '../../temporal/ids';
import { objectorViewedSignal } from '../../workflows/campaign/objector-view';
import { eventually } from '../harness';
import { formFor } from '../fixtures';
import { replayEveryRun } from '../golden-record';
import { type TestSmtp } from '../smtp';
import { mainText, shot, signIn } from './browser';
import { startWebStack, type WebStack } from './stack';
import { yearOf } from '../years';

/** A label of its own on the shared dev server; the calendar keeps 2023's dates and holidays. */
const YEAR = yearOf('web/selection.test.ts');
const KEY = Buffer.alloc(32, 11);
/** Calendar ms per real ms: one day in 3 s. */
const SPEED = 28_800;
const directory = loadDirectory();
const [A, B, C, D] = ['huayang-001', 'huayang-002', 'jiangsu-001', 'jiangsu-002'];
const E = 'xinhua-001'; // recommended late: never inspected
const ALL = [A, B, C, D, E];
const nameOf = (id: string) => directory.committees.find((c) => c.id === id)!.name;
const person = (id: string) => directory.people.find((p) => p.id === id)!;
const BUREAU = 'bureau-lu';
const OBJECTOR = {
  name: '欧阳明轩',
  contact: '13912345678',
  grounds: '该业委会换届选举程序存在问题，部分业主未收到通知。',
};
const OBJECTOR_2 = {
  name: '司马静怡',
  contact: 'sima@example.net',
  grounds: '该业委会财务公开不及时，近两个季度未公开收支。',
};

let stack: WebStack;
let client: Client;
let smtp: TestSmtp;
let base: string;
let logs: string[];
const context = () => stack.context();

/** The confirmation link in the newest "请确认" mail to `email` after `since` messages. */
async function confirmLink(email: string, since: number): Promise<string> {
  return eventually(async () => {
    const m = smtp.messages.slice(since).find((x) => x.to === email && x.subject.includes('请确认'));
    expect(m, `a confirmation mail to ${email}`).toBeDefined();
    const link = /https?:\/\/[^\s"<>]+\/confirm\/[A-Za-z0-9_-]{43}/.exec(m!.text)?.[0];
    expect(link).toBeDefined();
    return link!;
  }, 30_000);
}

const rowsOf = (page: Page, table: string) => page.locator(`${table} tbody tr`).allInnerTexts();

beforeAll(async () => {
  stack = await startWebStack({ year: YEAR, key: KEY, queuePrefix: 'web-selection' });
  ({ client, smtp, base, logs } = stack);
  const { taskQueue } = stack;

  // 2023's calendar with short early windows: applications Apr 1–4, review Apr 5–7, inspection and
  // panel from Apr 8 to Jun 15 (about 3.5 minutes), 公示 of 5 working days, commendation by Jul 31.
  const start = (d: string) => toIso(startOfBeijingDay(d));
  const end = (d: string) => toIso(endOfBeijingDay(d));
  const shaped = {
    ...defaultCalendar(2023, loadWorkdays(2023)),
    year: YEAR,
    applicationsClose: end('2023-04-04'),
    reviewOpens: start('2023-04-05'),
    reviewCloses: end('2023-04-07'),
    inspectionOpens: start('2023-04-08'),
    inspectionCloses: end('2023-06-15'),
    commendationBy: end('2023-07-31'),
  };
  await startCampaign(client, { ...compressCalendar(shaped, Date.now() + 1_000, SPEED), directory, taskQueue });
  await eventually(async () => expect((await campaignStatus(client, YEAR)).phase).toBe('applications'), 15_000);
  await Promise.all(
    ALL.map((id) =>
      submitApplication(client, { year: YEAR, directory, committeeId: id, form: formFor(id), taskQueue }),
    ),
  );
  // The 街镇 recommend and confirm their lists once the review window opens.
  const officialOf = (id: string) =>
    directory.people.find(
      (p) => p.role === 'subdistrict' && p.subdistrict === directory.committees.find((c) => c.id === id)!.subdistrict,
    )!.id;
  await eventually(async () => expect((await campaignStatus(client, YEAR)).phase).toBe('review'), 30_000);
  for (const id of ALL) await applicationAction(client, YEAR, id, 'recommend', { actor: officialOf(id) });
  for (const official of [...new Set(ALL.map(officialOf))]) {
    await eventually(() => campaignAction(client, YEAR, 'confirmList', { actor: official }), 10_000);
  }
  await eventually(async () => expect((await campaignStatus(client, YEAR)).phase).toBe('inspection'), 30_000);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('the selection in the console (Chromium)', () => {
  it(
    'inspection by form and CSV, the panel votes and finalises, the bureau reviews objections and confirms',
    { timeout: 300_000 },
    async () => {
      // ---- The inspection company: its tasks in 我的待办, with the inspection deadline.
      const inspector = person('inspector-1');
      const { page: insp } = await signIn(await context(), base, smtp, inspector.email);
      expect(await mainText(insp)).toContain(`专项检查评分：${nameOf(A)}`);
      expect(await mainText(insp)).toMatch(/6月15日 24:00（剩 \d+ 个工作日）/);
      await shot(insp, 'selection-inspector-inbox');
      await insp.getByRole('link', { name: `专项检查评分：${nameOf(A)}` }).click();
      expect(new URL(insp.url()).pathname).toBe(`/inspection/${A}`);
      // The five goods label the fields; a score of 21 is refused next to its field.
      for (const [label, v] of [
        ['党建引领好', '19'],
        ['制度执行好', '21'],
        ['自身建设好', '18'],
        ['作用发挥好', '18'],
        ['群众评价好', '19'],
      ])
        await insp.getByLabel(label).fill(v);
      await insp.getByRole('button', { name: '预览等级' }).click();
      expect(await insp.locator('.error-summary').innerText()).toContain('“制度执行好”得分须为 0–20 的整数');
      expect(await insp.locator('#rulesFollowed').getAttribute('aria-invalid')).toBe('true');
      await shot(insp, 'selection-inspection-form-error');
      // The grade band is shown before anything is saved.
      await insp.getByLabel('制度执行好').fill('19');
      await insp.getByRole('button', { name: '预览等级' }).click();
      expect(await insp.locator('#grade-preview').innerText()).toContain('五项合计 93 分，等级：优秀');
      expect((await applicationStatus(client, YEAR, A)).inspection).toBeUndefined();
      await shot(insp, 'selection-inspection-preview');
      await insp.getByRole('button', { name: '确认保存' }).click();
      expect(await mainText(insp)).toContain(`已办理：${nameOf(A)}：专项检查得分 93，等级 优秀`);
      expect((await applicationStatus(client, YEAR, A)).inspection).toMatchObject({
        total: 93,
        grade: '优秀',
        inspector: inspector.name,
        recordedBy: inspector.id,
      });

      // The template: UTF-8 with a BOM, the five goods as columns, one row per application awaiting inspection.
      const template = await insp.request.get(`${base}/inspection/template.csv`);
      expect(template.headers()['content-type']).toContain('text/csv');
      const bytes = await template.body();
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
      expect(lines[0]).toBe(
        '业委会编号,业委会名称,党建引领好,制度执行好,自身建设好,作用发挥好,群众评价好,检查人员,检查日期,检查说明',
      );
      expect(
        lines
          .slice(1)
          .map((l) => l.split(',')[0])
          .sort(),
      ).toEqual([B, C, D, E].sort());

      // A file with the wrong columns is refused whole.
      await insp.goto(`${base}/inspection`);
      await insp.setInputFiles('#csv', {
        name: 'wrong.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`\uFEFF业委会编号,总分\r\n${B},90\r\n`),
      });
      await insp.getByRole('button', { name: '上传并导入' }).click();
      expect(await insp.locator('.error-summary').innerText()).toContain('文件的列不正确，整个文件未导入');
      expect((await applicationStatus(client, YEAR, B)).inspection).toBeUndefined();
      await shot(insp, 'selection-inspection-csv-refused');

      // Rows checked one by one: B and C saved; D's score of 25 (line 4) and an unknown committee (line 5) reported.
      const csv = [
        lines[0],
        `${B},${nameOf(B)},17,16,17,16,16,${inspector.name},2023-04-10,`,
        `${C},${nameOf(C)},16,16,16,17,"15","${inspector.name}",2023-04-10,"备注，含逗号"`,
        `${D},${nameOf(D)},18,25,18,18,18,${inspector.name},2023-04-10,`,
        `nobody-999,不存在,18,18,18,18,18,${inspector.name},2023-04-31,`,
      ].join('\r\n');
      await insp.setInputFiles('#csv', {
        name: 'scores.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`\uFEFF${csv}\r\n`),
      });
      await insp.getByRole('button', { name: '上传并导入' }).click();
      expect(await insp.locator('#upload-result').innerText()).toContain('已保存 2 行，有问题 2 行');
      const bad = await rowsOf(insp, '#bad-rows');
      expect(bad).toEqual([
        expect.stringMatching(/第 4 行\s+制度执行好\s+“制度执行好”得分须为 0–20 的整数，填写的是“25”/),
        expect.stringMatching(/第 5 行\s+业委会编号\s+“nobody-999”不是待专项检查的申报/),
        expect.stringMatching(/第 5 行\s+检查日期\s+检查日期须为“年-月-日”/),
      ]);
      await shot(insp, 'selection-inspection-csv-rows');
      expect((await applicationStatus(client, YEAR, B)).inspection).toMatchObject({ total: 82, grade: '良好' });
      expect((await applicationStatus(client, YEAR, C)).inspection).toMatchObject({
        total: 80,
        grade: '良好',
        notes: '备注，含逗号',
      });
      expect((await applicationStatus(client, YEAR, D)).inspection).toBeUndefined();
      // D is fixed in a second upload of its row alone.
      await insp.setInputFiles('#csv', {
        name: 'fix.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`${lines[0]}\n${D},${nameOf(D)},15,15,15,14,14,${inspector.name},2023-04-11,\n`),
      });
      await insp.getByRole('button', { name: '上传并导入' }).click();
      expect(await insp.locator('#upload-result').innerText()).toContain('已保存 1 行，有问题 0 行');
      expect((await applicationStatus(client, YEAR, D)).inspection).toMatchObject({ total: 73, grade: '合格' });
      await eventually(
        async () => expect((await campaignStatus(client, YEAR)).counts.byStage.inspected).toBe(4),
        15_000,
      );
      await insp.goto(`${base}/inspection`);
      await shot(insp, 'selection-inspection-list');
      // The session decides the role, not a form: the inspector cannot open an objection or the panel.
      expect((await insp.goto(`${base}/panel`))!.status()).toBe(403);

      // ---- The panel: a member sees scores and grades, votes, and changes one vote.
      const { page: member } = await signIn(await context(), base, smtp, person('panel-2').email);
      expect(await mainText(member)).toContain('评审投票（已专项检查 4 家）');
      await member.getByRole('link', { name: '评审投票（已专项检查 4 家）' }).click();
      expect(new URL(member.url()).pathname).toBe('/panel');
      const table = await mainText(member);
      expect(table).toContain('表彰名额：5 家');
      expect(table).toMatch(new RegExp(`${nameOf(A)}\\s+华阳路街道\\s+19\\s+19\\s+18\\s+18\\s+19\\s+93\\s+优秀`));
      expect(table).not.toContain('确定拟表彰名单（评选团主任）');
      for (const id of [A, B]) {
        await member.getByRole('button', { name: `赞成 ${nameOf(id)}`, exact: true }).click();
        expect(await mainText(member)).toContain(`已办理：已记录对 ${nameOf(id)} 的投票`);
      }
      await member.getByRole('button', { name: `不赞成 ${nameOf(C)}`, exact: true }).click();
      await shot(member, 'selection-panel-member');
      await member.getByRole('button', { name: `赞成 ${nameOf(C)}`, exact: true }).click();
      expect(await mainText(member)).toContain(`已办理：已更改对 ${nameOf(C)} 的投票`);
      expect((await panelVotes(client, YEAR))[C]['panel-2']).toMatchObject({ support: true });

      // ---- The chair: ranks by number fields, a tie first, then the rule; the quota is shown.
      const chair = person('panel-chair');
      const { page: chairPage } = await signIn(await context(), base, smtp, chair.email);
      expect(await mainText(chairPage)).toContain('确定拟表彰名单（名额 5 家）');
      await chairPage.goto(`${base}/panel`);
      await chairPage.getByRole('button', { name: `赞成 ${nameOf(A)}`, exact: true }).click();
      await chairPage.getByLabel(`${nameOf(A)}的排名`).fill('1');
      await chairPage.getByLabel(`${nameOf(B)}的排名`).fill('1');
      await chairPage.getByLabel(`${nameOf(C)}的排名`).fill('3');
      await chairPage.getByLabel('同分排序规则').fill('总分相同时，以群众评价好得分高者居前。');
      await chairPage.getByRole('button', { name: '提交名单并发送确认邮件' }).click();
      expect(await chairPage.locator('.error-summary').innerText()).toContain('排名都是 1');
      await shot(chairPage, 'selection-panel-chair-error');
      await chairPage.getByLabel(`${nameOf(B)}的排名`).fill('2');
      const sinceChair = smtp.messages.length;
      await chairPage.getByRole('button', { name: '提交名单并发送确认邮件' }).click();
      expect(await mainText(chairPage)).toContain('确认邮件已发送');
      await shot(chairPage, 'selection-panel-confirm-sent');
      // Nothing is finalised until the emailed link is confirmed.
      expect((await campaignStatus(client, YEAR)).draft).toBeUndefined();
      const link = await confirmLink(chair.email, sinceChair);
      // Another member's session cannot use the chair's link.
      await member.goto(link);
      expect(await mainText(member)).toContain('这个确认链接是发给另一位工作人员的');
      await chairPage.goto(link);
      expect(await mainText(chairPage)).toContain(`1. ${nameOf(A)}；2. ${nameOf(B)}；3. ${nameOf(C)}`);
      await shot(chairPage, 'selection-panel-confirm');
      await chairPage.getByRole('button', { name: '确认：确定拟表彰名单并开始公示' }).click();
      expect(await mainText(chairPage)).toContain('已办理：拟表彰名单已确定（3 家），公示至');
      const draft = (await campaignStatus(client, YEAR)).draft!;
      expect(draft).toMatchObject({
        ranking: [A, B, C],
        tieBreakRule: '总分相同时，以群众评价好得分高者居前。',
        by: chair.id,
      });
      // A second click of the used link does nothing twice.
      await chairPage.goto(link);
      await chairPage.getByRole('button', { name: '确认：确定拟表彰名单并开始公示' }).click();
      expect(await mainText(chairPage)).toContain('已办理：拟表彰名单已确定（3 家）');
      expect(
        (await campaignAudit(client, YEAR)).filter((e) => e.action === 'panelFinalize' && e.outcome === 'accepted'),
      ).toHaveLength(1);
      // Votes are closed once the list is finalised.
      await member.goto(`${base}/panel`);
      expect(await mainText(member)).toContain('不能再投票或修改');
      expect(await member.getByRole('button', { name: `赞成 ${nameOf(A)}`, exact: true }).count()).toBe(0);
      await shot(member, 'selection-panel-finalised');

      // ---- 公示: two objections, filed through the client API (the public form is another page).
      const o1 = await campaignAction(client, YEAR, 'fileObjection', { ...OBJECTOR, committeeId: A });
      const o2 = await campaignAction(client, YEAR, 'fileObjection', { ...OBJECTOR_2, committeeId: B });
      expect([o1.objectionId, o2.objectionId]).toEqual(['obj-1', 'obj-2']);
      // A's new committee is filed meanwhile (换届改选备案, by the committee through the client): the bureau must decide.
      await campaignAction(client, YEAR, 'flagReelection', {
        actor: A,
        committeeId: A,
        filedOn: '2023-04-28',
        filingRef: 'HY-2023-017',
      });

      // ---- The bureau: objections in 我的待办 with 公示's end; the list shows nobody's details.
      const { page: bureau } = await signIn(await context(), base, smtp, person(BUREAU).email);
      expect(await mainText(bureau)).toContain(`处理异议 obj-1：${nameOf(A)}`);
      await shot(bureau, 'selection-bureau-inbox');
      await bureau.goto(`${base}/objections`);
      const list = await mainText(bureau);
      for (const secret of [OBJECTOR.name, OBJECTOR.contact, OBJECTOR.grounds, OBJECTOR_2.name, OBJECTOR_2.contact])
        expect(list).not.toContain(secret);
      await shot(bureau, 'selection-objections');
      const readsBefore = (await campaignAudit(client, YEAR)).filter((e) => e.action === 'viewedObjector').length;
      expect(readsBefore).toBe(0);
      await bureau.getByRole('link', { name: '查看并处理异议 obj-1' }).click();
      const details = await mainText(bureau);
      expect(details).toContain(OBJECTOR.name);
      expect(details).toContain(OBJECTOR.contact);
      expect(details).toContain(OBJECTOR.grounds);
      await shot(bureau, 'selection-objection');
      // The read is in the campaign's audit: who and when, and the objection's id, never the details.
      const audit = await eventually(async () => {
        const a = await campaignAudit(client, YEAR);
        expect(a.some((e) => e.action === 'viewedObjector')).toBe(true);
        return a;
      });
      const reads = audit.filter((e) => e.action === 'viewedObjector');
      expect(reads).toEqual([
        expect.objectContaining({ actor: BUREAU, outcome: 'accepted', detail: expect.stringContaining('obj-1') }),
      ]);
      expect(Date.parse(reads[0].at)).toBeGreaterThan(Date.parse(draft.at));
      const auditText = JSON.stringify(audit);
      for (const secret of [
        OBJECTOR.name,
        OBJECTOR.contact,
        OBJECTOR.grounds,
        OBJECTOR_2.name,
        OBJECTOR_2.contact,
        OBJECTOR_2.grounds,
      ])
        expect(auditText).not.toContain(secret);
      // The inspector's session is refused the page, and no read is recorded for it.
      expect((await insp.goto(`${base}/objections/obj-1`))!.status()).toBe(403);
      expect(await mainText(insp)).not.toContain(OBJECTOR.name);
      // The campaign itself refuses a read reported for someone who is not bureau staff, an unknown objection, or a malformed report.
      const campaignHandle = client.workflow.getHandle(campaignWorkflowId(YEAR));
      await campaignHandle.signal(objectorViewedSignal, { actor: 'panel-2', objectionId: 'obj-1' });
      await campaignHandle.signal(objectorViewedSignal, { actor: BUREAU, objectionId: 'obj-99' });
      await campaignHandle.signal(objectorViewedSignal, {
        actor: BUREAU,
        objectionId: 'obj-1',
        name: OBJECTOR.name,
      } as any);
      const refusedReads = await eventually(async () => {
        const r = (await campaignAudit(client, YEAR)).filter(
          (e) => e.action === 'viewedObjector' && e.outcome === 'rejected',
        );
        expect(r).toHaveLength(3);
        return r;
      });
      expect(refusedReads.map((e) => e.detail.split(':')[0])).toEqual(['WrongActor', 'NotFound', 'InvalidInput']);
      expect(JSON.stringify(refusedReads)).not.toContain(OBJECTOR.name);

      // Dismiss obj-1: a blank reason first.
      await bureau.getByLabel('异议不成立').check();
      await bureau.getByRole('button', { name: '提交处理结果' }).click();
      expect(await bureau.locator('.error-summary').innerText()).toContain('请填写处理理由');
      await bureau.getByLabel('处理理由').fill('经核查，换届选举已按规定程序公告，异议理由不成立。');
      await bureau.getByRole('button', { name: '提交处理结果' }).click();
      expect(await mainText(bureau)).toContain('已办理：异议 obj-1 不成立');
      // Uphold obj-2: B leaves the list.
      await bureau.getByRole('link', { name: '查看并处理异议 obj-2' }).click();
      expect(await mainText(bureau)).toContain(OBJECTOR_2.contact);
      await bureau.getByLabel('异议成立（将该业委会移出拟表彰名单）').check();
      await bureau.getByLabel('处理理由').fill('经核查，近两个季度确未公开财务收支。');
      await bureau.getByRole('button', { name: '提交处理结果' }).click();
      expect(await mainText(bureau)).toContain('已办理：异议 obj-2 成立');
      // C is taken off the draft list with a reason.
      await bureau.getByLabel('业委会', { exact: true }).selectOption(C);
      await bureau.getByLabel('移出理由').fill('小区本年度发生重大消防安全事故。');
      await bureau.getByRole('button', { name: '移出拟表彰名单' }).click();
      expect(await mainText(bureau)).toContain(
        `已办理：${nameOf(C)} 已移出拟表彰名单：小区本年度发生重大消防安全事故。`,
      );
      // The re-election filing: kept, with a reason.
      expect(await mainText(bureau)).toContain(
        `${nameOf(A)}：新一届业委会于 2023-04-28 备案（备案编号 HY-2023-017）。待区房管局决定保留或移出。`,
      );
      await bureau.getByLabel('保留（称号授予新一届业委会）').check();
      await bureau.getByLabel('理由', { exact: true }).fill('新一届业委会延续原班子主要成员，工作未受影响。');
      await bureau.getByRole('button', { name: '提交决定' }).click();
      expect(await mainText(bureau)).toContain(
        `已办理：${nameOf(A)} 保留在拟表彰名单中，称号授予新一届业委会：新一届业委会延续原班子主要成员，工作未受影响。`,
      );
      await shot(bureau, 'selection-objections-resolved');
      // The audit page shows the reads by name of the reader, and no objector's details.
      await bureau.goto(`${base}/dashboard/audit`);
      const auditPage = await mainText(bureau);
      expect(auditPage).toContain('查阅异议人信息');
      for (const secret of [OBJECTOR.name, OBJECTOR.contact, OBJECTOR_2.name, OBJECTOR_2.contact])
        expect(auditPage).not.toContain(secret);
      // Each rendering of the details is a read: obj-1 opened, then shown again with the blank reason; obj-2 opened once.
      expect(
        (await campaignAudit(client, YEAR))
          .filter((e) => e.action === 'viewedObjector' && e.outcome === 'accepted')
          .map((e) => e.detail.match(/obj-\d/)![0]),
      ).toEqual(['obj-1', 'obj-1', 'obj-2']);

      // ---- After 公示: the final list, confirmed through a fresh emailed link.
      await eventually(
        async () => expect((await campaignStatus(client, YEAR)).phase).toBe('awaiting-confirmation'),
        90_000,
      );
      await bureau.goto(`${base}/inbox`);
      await bureau.getByRole('link', { name: '确认最终表彰名单' }).click();
      expect(new URL(bureau.url()).pathname).toBe('/objections');
      const sinceBureau = smtp.messages.length;
      await bureau.getByRole('button', { name: '确认最终表彰名单（发送确认邮件）' }).click();
      expect(await mainText(bureau)).toContain('确认邮件已发送');
      const finalLink = await confirmLink(person(BUREAU).email, sinceBureau);
      expect((await campaignStatus(client, YEAR)).final).toBeUndefined();
      await bureau.goto(finalLink);
      expect(await mainText(bureau)).toContain(`最终表彰名单（1 家）：1. ${nameOf(A)}`);
      await shot(bureau, 'selection-final-confirm');
      await bureau.getByRole('button', { name: '确认：确认最终表彰名单' }).click();
      expect(await mainText(bureau)).toContain(`已办理：最终名单已确定：${A}`);
      await shot(bureau, 'selection-final-confirmed');
      const result = await client.workflow.getHandle(campaignWorkflowId(YEAR)).result();
      expect(result.finalList).toEqual([A]);
      expect(result.removed.sort()).toEqual([B, C].sort());
      // The campaign's runs, with the reads, the changed vote and both confirmations in them, replay on the current code.
      const runs = await replayEveryRun(client, campaignWorkflowId(YEAR));
      const signals = runs.flatMap((history) =>
        history.events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'viewedObjector'),
      );
      expect(signals).toHaveLength(6);
      // The request logs carry no objector's details.
      for (const secret of [OBJECTOR.name, OBJECTOR.contact, OBJECTOR_2.contact])
        expect(logs.join('\n')).not.toContain(secret);
    },
  );
});
