/** The email templates: Simplified Chinese, plain text and HTML, Beijing-time deadlines, every item and the console page where it is done. */
import { describe, expect, it } from 'vitest';
import { renderMail, type MailTemplate, type PendingItem, type Recipient } from '../templates';

const official: Recipient = {
  id: 'official-huayang',
  name: '李建华',
  role: 'subdistrict',
  email: 'official-huayang@example.org',
};
const bureau: Recipient = { id: 'bureau-lu', name: '陆贝芙', role: 'bureau', email: 'bureau-lu@example.org' };
const inspector: Recipient = { id: 'inspector-1', name: '郑立', role: 'inspector', email: 'inspector-1@example.org' };
const chair: Recipient = { id: 'panel-chair', name: '高明远', role: 'panel', email: 'panel-chair@example.org' };
const committee: Recipient = {
  id: 'huayang-001',
  name: '和福锦苑业主委员会',
  role: 'committee',
  email: 'huayang-001@example.org',
};

const JUL31 = '2023-07-31T16:00:00.000Z';
const reminder = (
  kind: Extract<MailTemplate, { type: 'reminder' }>['kind'],
  items: PendingItem[],
  offset: number | null = 7,
  deadline = JUL31,
): MailTemplate => ({
  type: 'reminder',
  kind,
  year: 2023,
  deadline,
  offset,
  items,
});

describe('reminder templates', () => {
  it('names every pending item of a 街镇 official with the console page for it, in text and HTML', () => {
    const items: PendingItem[] = Array.from({ length: 12 }, (_, i) => ({
      action: 'decide' as const,
      committeeId: `huayang-${String(i + 1).padStart(3, '0')}`,
      committeeName: `测试${i + 1}苑业主委员会`,
      subdistrict: '华阳路街道',
    }));
    items.push({ action: 'confirm-list', subdistrict: '华阳路街道', recommended: 0, undecided: 12 });
    const mail = renderMail(reminder('review', items), official);

    expect(mail.subject).toBe(
      '【红色示范业委会】2023年街镇推荐遴选截止提醒：您有 13 项待办，截止 2023-07-31 24:00（北京时间）',
    );
    expect(mail.text).toContain('李建华（街镇）您好：');
    expect(mail.text).toContain('截止时间：2023-07-31 24:00（北京时间），距截止还有 7 个工作日。共 13 项：');
    expect(mail.html).toContain('<a href="http://127.0.0.1:3000/applications/huayang-001">推荐或不予推荐</a>');
    for (let i = 1; i <= 12; i++) {
      const id = `huayang-${String(i).padStart(3, '0')}`;
      expect(mail.text).toContain(`${i}. 【待作出推荐决定】测试${i}苑业主委员会（${id}，华阳路街道）`);
      expect(mail.text).toContain(`推荐或不予推荐：http://127.0.0.1:3000/applications/${id}`);
      expect(mail.html).toContain(`测试${i}苑业主委员会（${id}，华阳路街道）`);
    }
    expect(mail.text).toContain('13. 【待确认推荐名单】华阳路街道（已推荐 0 家，尚有 12 家未决定，须先作出决定）');
    expect(mail.text).toContain('确认推荐名单：http://127.0.0.1:3000/subdistrict/confirm-list');
    expect(mail.text).toContain('我的待办：http://127.0.0.1:3000/inbox');
    expect(mail.text).not.toContain('npm run');
    expect(mail.html).toMatch(/^<!doctype html><html lang="zh-CN">/);
    // The links are built from the console's configured address.
    expect(renderMail(reminder('review', items), official, 'https://rm.example.gov.cn/').text).toContain(
      'https://rm.example.gov.cn/subdistrict/confirm-list',
    );
    expect((mail.html.match(/<li>/g) ?? []).length).toBe(13);
  });

  it('renders the inspection, panel, objection and final reminders with console links and no command', () => {
    const OCT31 = '2023-10-31T16:00:00.000Z';
    const insp = renderMail(
      reminder(
        'inspection',
        [
          {
            action: 'inspect',
            committeeId: 'xinhua-003',
            committeeName: '安宁花园业主委员会',
            subdistrict: '新华路街道',
          },
        ],
        3,
        OCT31,
      ),
      inspector,
    );
    expect(insp.subject).toContain('专项检查截止提醒：您有 1 项待办，截止 2023-10-31 24:00（北京时间）');
    expect(insp.text).toContain('录入专项检查得分：http://127.0.0.1:3000/inspection/xinhua-003');
    expect(insp.text).toContain('党建引领好、制度执行好、自身建设好、作用发挥好、群众评价好');
    expect(insp.text).not.toContain('npm run');
    expect(insp.text).toContain('距截止还有 3 个工作日');

    const panel = renderMail(reminder('panel', [{ action: 'finalize', inspected: 18, quota: 5 }], 1, OCT31), chair);
    expect(panel.text).toContain('【待确定拟表彰名单】已完成专项检查 18 家，表彰名额 5 家');
    expect(panel.text).toContain('在评选团评审页中办理：http://127.0.0.1:3000/panel');
    expect(panel.text).not.toContain('npm run');

    const obj = renderMail(
      reminder(
        'objections',
        [
          {
            action: 'resolve-objection',
            objectionId: 'obj-1',
            committeeId: 'huayang-002',
            committeeName: '康宁华庭业主委员会',
            filedAt: '2023-09-26T02:00:00.000Z',
            grounds: '换届选举程序存在问题。',
          },
        ],
        1,
        '2023-10-07T16:00:00.000Z',
      ),
      bureau,
    );
    expect(obj.subject).toContain('公示期结束提醒：您有 1 项待办，截止 2023-10-07 24:00（北京时间）');
    expect(obj.text).toContain('受理时间：2023-09-26 10:00（北京时间）');
    expect(obj.text).toContain('查看并处理异议：http://127.0.0.1:3000/objections/obj-1');

    const fin = renderMail(
      reminder(
        'final',
        [
          { action: 'panel-overdue', inspectionCloses: OCT31 },
          { action: 'confirm-final', publicityEnds: '2023-10-07T16:00:00.000Z', listed: 4 },
        ],
        0,
        '2023-11-30T16:00:00.000Z',
      ),
      bureau,
    );
    expect(fin.text).toContain('今天截止');
    expect(fin.text).toContain('在评选看板中办理：http://127.0.0.1:3000/dashboard');
    expect(fin.text).toContain('评选看板：http://127.0.0.1:3000/dashboard');
    expect(fin.text).toContain('在公示异议与最终名单页中办理：http://127.0.0.1:3000/objections');
    expect(fin.text).not.toContain('npm run');
  });

  it('tells a committee how to get its paper form recorded, with a link to its application', () => {
    const mail = renderMail(
      reminder(
        'paper-form',
        [
          {
            action: 'paper-form',
            committeeId: 'huayang-001',
            committeeName: '和福锦苑业主委员会',
            subdistrict: '华阳路街道',
          },
        ],
        1,
        '2023-05-31T16:00:00.000Z',
      ),
      committee,
    );
    expect(mail.subject).toBe(
      '【红色示范业委会】2023年纸质推荐表报送截止提醒：您有 1 项待办，截止 2023-05-31 24:00（北京时间）',
    );
    expect(mail.text).toContain('和福锦苑业主委员会（业委会）您好：');
    expect(mail.text).toContain('纸质推荐表一式两份送交长宁区房管局');
    expect(mail.text).toContain('查看申报状态：http://127.0.0.1:3000/applications/huayang-001');
    expect(mail.text).not.toContain('npm run');
    expect(mail.text).not.toContain('/dashboard');
  });

  it('renders weekly recovery reminders and re-evaluation items with a link, never the command they carry', () => {
    const weekly = renderMail(
      reminder(
        'recovery',
        [
          {
            action: 'recover-nameplate',
            committeeId: 'huayang-001',
            committeeName: '和福锦苑业主委员会',
            revokedAt: '2024-10-20T02:00:00.000Z',
            command: 'npm run cli -- title recover --committee huayang-001 --as official-huayang',
          },
        ],
        null,
        '2024-10-28T01:00:00.000Z',
      ),
      official,
    );
    expect(weekly.subject).toBe('【红色示范业委会】2023年铭牌与奖状收回提醒：您有 1 项待办');
    expect(weekly.text).toContain('（每周提醒）');
    expect(weekly.text).toContain('确认已收回铭牌与奖状：http://127.0.0.1:3000/titles/huayang-001');
    expect(weekly.text).not.toContain('npm run');
    const materials = renderMail(
      reminder(
        'reevaluation-materials',
        [
          {
            action: 'submit-materials',
            committeeId: 'huayang-001',
            command: 'npm run cli -- reevaluation submit --year 2023 --as huayang-001',
          },
        ],
        3,
        '2023-09-30T16:00:00.000Z',
      ),
      committee,
    );
    expect(materials.subject).toContain('复评材料提交截止提醒');
    expect(materials.text).toContain('提交书面复评材料：http://127.0.0.1:3000/titles/huayang-001');
    expect(materials.text).not.toContain('npm run');
  });
});

describe('notice templates', () => {
  it('announces the campaign with every window in Beijing time', () => {
    const mail = renderMail(
      {
        type: 'notice',
        notice: 'campaign-opened',
        year: 2023,
        windows: {
          opens: '2023-03-31T16:00:00.000Z',
          applicationsClose: '2023-05-31T16:00:00.000Z',
          reviewOpens: '2023-05-31T16:00:00.000Z',
          reviewCloses: JUL31,
          inspectionOpens: '2023-07-31T16:00:00.000Z',
          inspectionCloses: '2023-10-31T16:00:00.000Z',
          commendationBy: '2023-11-30T16:00:00.000Z',
          publicityWorkingDays: 5,
        },
      },
      official,
    );
    expect(mail.subject).toBe('【红色示范业委会】2023年红色示范业委会创建评选工作启动');
    expect(mail.text).toContain('宣传发动与申报：2023-04-01 00:00（北京时间） 起，至 2023-05-31 24:00（北京时间） 止');
    expect(mail.text).toContain('街镇推荐遴选：2023-06-01 00:00（北京时间） 起，至 2023-07-31 24:00（北京时间） 止');
    expect(mail.text).toContain('公示 5 个工作日');
    expect(mail.text).toContain('红色示范业委会评选工作台：http://127.0.0.1:3000/');
    expect(mail.text).not.toContain('npm run');
  });

  it('publishes the draft list with how to object, and the final list', () => {
    const draft = renderMail(
      {
        type: 'notice',
        notice: 'draft-published',
        year: 2023,
        ranking: [{ committeeId: 'huayang-001', committeeName: '和福锦苑业主委员会', subdistrict: '华阳路街道' }],
        publicityEnds: '2023-10-07T16:00:00.000Z',
        tieBreakRule: '总分相同时，以群众评价好得分高者居前',
      },
      bureau,
    );
    expect(draft.subject).toBe(
      '【红色示范业委会】2023年红色示范业委会拟表彰名单公示（至 2023-10-07 24:00（北京时间））',
    );
    expect(draft.text).toContain('1. 和福锦苑业主委员会（huayang-001，华阳路街道）');
    expect(draft.text).toContain('实名向长宁区房管局提出异议');
    expect(draft.text).toContain('http://127.0.0.1:3000/public/2023');
    expect(draft.html).toContain('href="http://127.0.0.1:3000/public/2023"');
    expect(draft.text).not.toContain('npm run');
    const fin = renderMail(
      {
        type: 'notice',
        notice: 'final-list',
        year: 2023,
        list: [{ committeeId: 'huayang-001' }],
        removed: [{ committeeId: 'xinhua-001', committeeName: '安福新村业主委员会' }],
        confirmedAt: '2023-10-09T02:00:00.000Z',
      },
      official,
    );
    expect(fin.text).toContain('已于 2023-10-09 10:00（北京时间） 确认，共 1 家');
    expect(fin.text).toContain('安福新村业主委员会（xinhua-001）');
  });

  it('tells a 街镇 to recover the nameplate when a title is revoked', () => {
    const t: MailTemplate = {
      type: 'notice',
      notice: 'revocation',
      year: 2024,
      awardYear: 2023,
      committee: { committeeId: 'huayang-001', committeeName: '和福锦苑业主委员会', subdistrict: '华阳路街道' },
      reason: '复评专项检查等级为合格，低于良好',
      revokedAt: '2024-10-20T02:00:00.000Z',
      recoverCommand: 'npm run cli -- title recover --committee huayang-001 --as official-huayang',
    };
    const toOfficial = renderMail(t, official);
    expect(toOfficial.subject).toBe('【红色示范业委会】2024年红色示范业委会称号撤销通知：和福锦苑业主委员会');
    expect(toOfficial.text).toContain('于 2023 年获评的红色示范业委会称号，已于 2024-10-20 10:00（北京时间） 撤销');
    expect(toOfficial.text).toContain('请街镇收回铭牌和奖状');
    expect(toOfficial.text).toContain('http://127.0.0.1:3000/titles/huayang-001');
    expect(toOfficial.text).not.toContain('npm run');
    expect(renderMail(t, committee).text).toContain('请将铭牌和奖状交还所在街镇');
    expect(renderMail(t, committee).text).toContain('称号与复评：http://127.0.0.1:3000/titles/huayang-001');
  });

  it('reports undeliverable mail to the bureau', () => {
    const mail = renderMail(
      {
        type: 'notice',
        notice: 'undeliverable',
        year: 2023,
        total: 2,
        entries: [
          {
            recipientId: 'jiangsu-001',
            recipientName: '某某业主委员会',
            reason: 'missing',
            kind: 'paper-form',
            at: '2023-05-22T01:00:00.000Z',
            workflowId: 'application-2023-jiangsu-001',
          },
          {
            recipientId: 'jiangsu-002',
            recipientName: '另一业主委员会',
            email: 'not-an-address',
            reason: 'invalid',
            kind: 'paper-form',
            at: '2023-05-22T01:00:00.000Z',
            workflowId: 'application-2023-jiangsu-002',
          },
        ],
      },
      bureau,
    );
    expect(mail.subject).toBe('【红色示范业委会】2023年评选邮件投递失败报告（2 封）');
    expect(mail.text).toContain('某某业主委员会（jiangsu-001）');
    expect(mail.text).toContain('原因：未登记邮箱');
    expect(mail.text).toContain('原因：邮箱格式无效');
    expect(mail.text).toContain('时间 2023-05-22 09:00（北京时间）');
  });
});
