/**
 * Titles and their 复评 in the console (Chromium): the holder submits its written materials, its 街镇
 * official pre-reviews one title and cancels another's eligibility, the bureau confirms, and the
 * official confirms the recovery of the revoked title's nameplate; another 街镇 is refused. Pages are
 * checked with axe-core and saved under test-results/web/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { startCampaign } from '../../client/campaigns';
import { loadDirectory } from '../../client/directory';
import { importTitles, reevaluationAction, reevaluationStatus, sendReevaluationStarts } from '../../client/titles';
import { compressCalendar, defaultCalendar } from '../../domain/calendar';
import { DEFAULT_GRADE_BANDS } from '../../domain/grades';
import { loadWorkdays } from '../../domain/holidays';
import { titleWorkflowId } from '../../temporal/ids';
import { materialsDueFor } from '../../domain/titles';
import { eventually } from '../harness';
import { type TestSmtp } from '../smtp';
import { mainText, shot, signIn } from './browser';
import { startWebStack, type WebStack } from './stack';
import { TEST_YEARS, yearOf } from '../years';

/** Labels of their own on the shared dev server: titles awarded "2081", re-evaluated in "2082". */
const AWARD_YEAR = TEST_YEARS['web/reevaluation.test.ts'][1];
const YEAR = yearOf('web/reevaluation.test.ts');
const KEY = Buffer.alloc(32, 9);
const directory = loadDirectory();
const A = 'huayang-003';
const B = 'huayang-004';
const nameOf = (id: string) => directory.committees.find((c) => c.id === id)!.name;
const email = (id: string) => [...directory.people, ...directory.committees].find((p) => p.id === id)!.email;
const OFFICIAL = 'official-huayang';
const OTHER_OFFICIAL = 'official-jiangsu';
const BUREAU = directory.people.find((p) => p.role === 'bureau')!.id;

let stack: WebStack;
let client: Client;
let smtp: TestSmtp;
let base: string;
let logs: string[];
const context = () => stack.context();

beforeAll(async () => {
  stack = await startWebStack({ year: YEAR, key: KEY, queuePrefix: 'web-reev' });
  ({ client, smtp, base, logs } = stack);
  const { taskQueue } = stack;

  // The year's campaign (for 我的待办), slow enough to stay in its first weeks during the test.
  const base2023 = { ...defaultCalendar(2023, loadWorkdays(2023)), year: YEAR };
  await startCampaign(client, {
    ...compressCalendar(base2023, Date.now() + 2_000, 1_000),
    directory,
    taskQueue,
  });
  // The re-evaluations' own clock: one day after the inspection window opened, materials due weeks later (1 day ≈ 43 s).
  const speed = 2_000;
  const sinceOpens = Date.parse(base2023.inspectionOpens) + 86_400_000 - Date.parse(base2023.opens);
  const { calendar: reevCal, timeScale } = compressCalendar(base2023, Date.now() - sinceOpens / speed, speed);
  const data = {
    awardYear: AWARD_YEAR,
    titles: [A, B].map((id) => ({
      committeeId: id,
      subdistrict: '华阳路街道',
      awardedOn: `${AWARD_YEAR + 1}-02-15`,
      nameplateIssued: true,
      certificateIssued: true,
    })),
  };
  await importTitles(client, { data, directory, taskQueue });
  await sendReevaluationStarts(
    client,
    [A, B].map((id) => titleWorkflowId(id, AWARD_YEAR)),
    {
      year: YEAR,
      calendar: reevCal,
      timeScale,
      materialsDue: materialsDueFor(reevCal),
      staff: directory.people,
      gradeBands: DEFAULT_GRADE_BANDS,
    },
  );
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

describe('titles and 复评 in the console (Chromium)', () => {
  it(
    'holder submits materials; its 街镇 pre-reviews, cancels, confirms recovery; another 街镇 is refused',
    { timeout: 120_000 },
    async () => {
      // The holder: its task in 我的待办 with the deadline, then the form.
      const { page: holder } = await signIn(await context(), base, smtp, email(A));
      await eventually(async () => {
        await holder.reload();
        expect(await mainText(holder)).toContain(`提交 ${YEAR} 年度书面复评材料`);
      }, 20_000);
      expect(await mainText(holder)).toMatch(/剩 \d+ 个工作日/);
      await holder.getByRole('link', { name: `提交 ${YEAR} 年度书面复评材料` }).click();
      expect(new URL(holder.url()).pathname).toBe(`/titles/${A}`);
      await holder.getByLabel('书面复评材料（必填）').fill('太短');
      await holder.getByRole('button', { name: '提交材料' }).click();
      expect(await holder.locator('#summary-error').innerText()).toContain('至少 10 个字');
      await shot(holder, 'reev-holder-error');
      await holder.getByLabel('书面复评材料（必填）').fill('本年度坚持党建引领，按季公开财务，每月召开联席会议。');
      await holder.getByRole('button', { name: '提交材料' }).click();
      expect(await mainText(holder)).toContain('已办理：已向华阳路街道提交书面复评材料');
      // Reloading the result re-sends the form with its nonce: the same Update, its result again, one effect.
      await holder.reload();
      expect(await mainText(holder)).toContain('已办理：已向华阳路街道提交书面复评材料');
      expect(await mainText(holder)).not.toContain('不能重复办理');
      expect(
        (await reevaluationStatus(client, YEAR, A)).audit.filter((e) => e.action === 'submitMaterials'),
      ).toHaveLength(1);
      const posts = logs.filter(
        (l) => l.includes('"event":"action"') && l.includes('"action":"materials"') && l.includes(`"person":"${A}"`),
      );
      expect(posts.length).toBe(2);
      expect(await mainText(holder)).toContain('待专项检查');
      await shot(holder, 'reev-holder-submitted');

      // The special inspection is the bureau's (not a page of this console yet): recorded through the client.
      const scores = {
        partyLeadership: 18,
        rulesFollowed: 18,
        selfBuilding: 17,
        rolePlayed: 17,
        residentsEvaluation: 18,
      };
      await reevaluationAction(client, YEAR, A, 'recordInspection', {
        actor: BUREAU,
        scores,
        total: 88,
        inspector: '第三方测评',
        date: '2023-08-02',
        notes: '',
      });

      // The official: A's pre-review from 我的待办; B's eligibility cancelled, a blank reason first.
      const { page: official } = await signIn(await context(), base, smtp, email(OFFICIAL));
      await eventually(async () => {
        await official.reload();
        expect(await mainText(official)).toContain(`复评预审：${nameOf(A)}`);
      }, 20_000);
      await shot(official, 'reev-official-inbox');
      await official.getByRole('link', { name: `复评预审：${nameOf(A)}` }).click();
      expect(await mainText(official)).toContain('本年度坚持党建引领');
      await official.getByLabel('规范化评价成绩（选填）').fill('92');
      await official.getByRole('button', { name: '列入复评名单，报区房管局' }).click();
      expect(await mainText(official)).toContain('已办理：华阳路街道已确认列入复评名单，报区房管局再评审');
      await shot(official, 'reev-official-pre-reviewed');

      await official.goto(`${base}/titles`);
      expect(await mainText(official)).toContain(nameOf(B));
      await official
        .getByRole('link', { name: nameOf(B) })
        .first()
        .click();
      expect(new URL(official.url()).pathname).toBe(`/titles/${B}`);
      await official.getByLabel('本年度规范化评价成绩（必填）').fill('58');
      await official.getByRole('button', { name: '取消复评资格' }).click();
      expect(await official.locator('#reason-error').innerText()).toContain('请填写取消复评资格的理由');
      await official.getByLabel('取消复评资格的理由（必填）').fill('年度规范化评价成绩低于 60 分');
      await official.getByRole('button', { name: '取消复评资格' }).click();
      expect(await mainText(official)).toContain('已办理：华阳路街道已取消其复评资格（规范化评价成绩 58 分）');

      // The bureau re-reviews B: a certain failure, so the title is revoked.
      const { page: bureau } = await signIn(await context(), base, smtp, email(BUREAU));
      await bureau.goto(`${base}/titles/${B}`);
      await bureau.getByRole('button', { name: '确认复评结果' }).click();
      expect(await mainText(bureau)).toContain('已办理：');
      await shot(bureau, 'reev-bureau-confirmed');

      // The official confirms the recovery; the revocation notice links to this page.
      await eventually(async () => {
        const m = smtp.messages.find(
          (x) => x.to === email(OFFICIAL) && x.subject.includes('称号撤销通知') && x.subject.includes(nameOf(B)),
        );
        expect(m?.text).toContain(`/titles/${B}`);
      }, 30_000);
      await eventually(async () => {
        await official.goto(`${base}/inbox`);
        expect(await mainText(official)).toContain(`收回铭牌与奖状并确认：${nameOf(B)}`);
      }, 20_000);
      await official.getByRole('link', { name: `收回铭牌与奖状并确认：${nameOf(B)}` }).click();
      expect(new URL(official.url()).pathname).toBe(`/titles/${B}`);
      expect(await mainText(official)).toContain('未提交（复评已结束）');
      await official.getByLabel('收回日期（选填）').fill('2023/08/03');
      await official.getByRole('button', { name: '确认已收回' }).click();
      expect(await official.locator('#recoveredOn-error').innerText()).toContain('请按“年-月-日”填写收回日期');
      // A rule of the workflow (not before the revocation, not after today on its clock) is shown at its field too.
      await official.getByLabel('收回日期（选填）').fill('2099-01-01');
      await official.getByRole('button', { name: '确认已收回' }).click();
      expect(await official.locator('#recoveredOn-error').innerText()).toContain('晚于今天');
      expect(await official.getByLabel('收回日期（选填）').inputValue()).toBe('2099-01-01');
      await official.getByLabel('收回日期（选填）').fill('');
      await shot(official, 'reev-official-recovery');
      await official.getByRole('button', { name: '确认已收回' }).click();
      expect(await mainText(official)).toContain('已确认回收铭牌与奖状');
      expect(await mainText(official)).toContain('已由华阳路街道确认收回');
      expect(await official.getByRole('button', { name: '确认已收回' }).count()).toBe(0);

      // A committee without a 复评 this year: its 我的待办 has no such task.
      const { page: plain } = await signIn(await context(), base, smtp, email('huayang-001'));
      expect(await mainText(plain)).toContain('我的待办');
      expect(await mainText(plain)).not.toContain('复评材料');

      // Another 街镇's official: refused and logged.
      const { page: other } = await signIn(await context(), base, smtp, email(OTHER_OFFICIAL));
      const res = await other.goto(`${base}/titles/${A}`);
      expect(res?.status()).toBe(403);
      expect(await mainText(other)).toContain('您只能查看和办理江苏路街道的称号');
      await shot(other, 'reev-other-403');
      expect(logs.some((l) => l.includes('"event":"forbidden"') && l.includes(OTHER_OFFICIAL) && l.includes(A))).toBe(
        true,
      );
    },
  );
});
