/** Deadline reminders: one email per recipient per reminder, naming every pending item and the console page where it is done. */
import {
  committeeLabel,
  consoleLink,
  deadlineText,
  DEFAULT_CONSOLE_URL,
  instantText,
  render,
  type Block,
  type ConsoleLink,
} from './layout';
import type { PendingItem, Recipient, ReminderKind, ReminderMail, RenderedMail } from './types';
import { fiveGoodsText } from '../domain/grades';

/** What is due, per kind: the subject's noun, the intro, and what happens when it is missed. */
export const REMINDER_TEXT: Record<ReminderKind, { due: string; intro: string; missed: string }> = {
  'paper-form': {
    due: '纸质推荐表报送截止',
    intro: '贵业委会已提交红色示范业委会申报，区房管局尚未收到纸质推荐表（一式两份）',
    missed: '请在截止前将纸质推荐表（一式两份）送交长宁区房管局，收到后由区房管局登记。',
  },
  review: {
    due: '街镇推荐遴选截止',
    intro: '街镇初步审查与推荐名单确认的截止时间临近，以下事项尚未办理',
    missed: '截止时仍未作出决定的申报，将按“未推荐（街镇逾期未决定）”处理；推荐名单确认后决定即锁定。',
  },
  inspection: {
    due: '专项检查截止',
    intro: '以下已由街镇推荐的申报尚未录入专项检查结果',
    missed: '截止时未完成专项检查的申报不具备评选资格。',
  },
  panel: {
    due: '专家评审截止',
    intro: '评选团尚未确定拟表彰名单',
    missed: '截止时仍未定稿的，评选工作暂停并报告区房管局，系统不会自行选定名单。',
  },
  objections: {
    due: '公示期结束',
    intro: '拟表彰名单公示期即将结束，以下异议尚未处理',
    missed: '异议全部处理完毕后，方可确认最终名单。',
  },
  final: {
    due: '表彰名单确认截止',
    intro: '表彰名单的最终确认尚未完成，以下事项待办',
    missed: '请在截止前完成最终确认，并组织颁发铭牌与奖状。',
  },
  'reevaluation-materials': {
    due: '复评材料提交截止',
    intro: '贵业委会持有红色示范业委会称号，须参加本年度复评，书面复评材料尚未提交',
    missed: '未按时提交复评材料的，复评不予通过，称号将被撤销。',
  },
  'reevaluation-review': {
    due: '街镇复评初审截止',
    intro: '以下复评申请尚待街镇初审',
    missed: '请在截止前完成初审并确认复评名单报区房管局。',
  },
  recovery: {
    due: '铭牌与奖状收回',
    intro: '以下业委会的红色示范业委会称号已撤销，铭牌与奖状尚未确认收回',
    missed: '本提醒每周发送一次，直至确认收回。',
  },
};

/** The item's title, detail lines and the console page where this recipient clears it. */
export function describeItem(
  item: PendingItem,
  to: Recipient,
  year: number,
  base = DEFAULT_CONSOLE_URL,
): { title: string; lines?: string[]; links?: ConsoleLink[] } {
  const page = (path: string, text: string) => [consoleLink(base, path, text)];
  const application = (id: string) => `/applications/${encodeURIComponent(id)}`;
  const title = (id: string) => `/titles/${encodeURIComponent(id)}`;
  const dashboard = page('/dashboard', '在评选看板中办理');
  const panel = page('/panel', '在评选团评审页中办理');
  const objections = page('/objections', '在公示异议与最终名单页中办理');
  switch (item.action) {
    case 'paper-form':
      return {
        title: `【纸质推荐表未收到】${committeeLabel(item)}`,
        lines: ['请将纸质推荐表一式两份送交长宁区房管局，收到后由区房管局登记。'],
        links: page(application(item.committeeId), '查看申报状态'),
      };
    case 'decide':
      return {
        title: `【待作出推荐决定】${committeeLabel(item)}`,
        links: page(application(item.committeeId), '推荐或不予推荐'),
      };
    case 'confirm-list':
      return {
        title: `【待确认推荐名单】${item.subdistrict}（已推荐 ${item.recommended} 家${item.undecided ? `，尚有 ${item.undecided} 家未决定，须先作出决定` : ''}）`,
        links: page('/subdistrict/confirm-list', '确认推荐名单'),
      };
    case 'inspect':
      return {
        title: `【待专项检查】${committeeLabel(item)}`,
        lines: [`请录入五项得分（${fiveGoodsText('、')}）、检查人员和检查日期。`],
        links: page(`/inspection/${encodeURIComponent(item.committeeId)}`, '录入专项检查得分'),
      };
    case 'finalize':
      return {
        title: `【待确定拟表彰名单】已完成专项检查 ${item.inspected} 家，表彰名额 ${item.quota} 家`,
        links: panel,
      };
    case 'panel-overdue':
      return {
        title: `【评选团逾期未定稿】专家评审期已于 ${deadlineText(item.inspectionCloses)} 结束`,
        lines: ['请督促评选团定稿，或延长专家评审期。'],
        links: to.role === 'bureau' ? dashboard : panel,
      };
    case 'resolve-objection':
      return {
        title: `【待处理异议 ${item.objectionId}】针对 ${committeeLabel(item)}`,
        lines: [
          `受理时间：${instantText(item.filedAt)}`,
          // The grounds and the objector stay out of email: read in the console, where each read is audited.
          '异议人信息与异议理由请登录控制台查看（查阅记录将记入审计）。',
        ],
        links: page(`/objections/${encodeURIComponent(item.objectionId)}`, '查看并处理异议'),
      };
    case 'decide-reelection':
      return {
        title: `【换届改选待决定】${committeeLabel(item)}已于 ${item.filedOn} 备案（备案编号 ${item.filingRef}）`,
        lines: ['决定前不能确认最终名单：'],
        links: objections,
      };
    case 'confirm-final':
      return {
        title: `【待确认最终名单】公示名单 ${item.listed} 家，公示期至 ${deadlineText(item.publicityEnds)}`,
        lines: ['公示期满且异议全部处理后确认。'],
        links: objections,
      };
    case 'submit-materials':
      return {
        title: `【复评材料未提交】${committeeLabel(item)}`,
        links: page(title(item.committeeId), '提交书面复评材料'),
      };
    case 'review-reevaluation':
      return {
        title: `【待复评初审】${committeeLabel(item)}`,
        lines: ['根据专项检查结果确认列入复评名单并报区房管局；或依年度规范化评价成绩取消其复评资格。'],
        links: page(title(item.committeeId), '办理复评预审'),
      };
    case 'recover-nameplate':
      return {
        title: `【待收回铭牌与奖状】${committeeLabel(item)}（称号于 ${instantText(item.revokedAt)} 撤销）`,
        links: page(title(item.committeeId), '确认已收回铭牌与奖状'),
      };
  }
}

function when(mail: ReminderMail): string {
  if (mail.offset === null) return '每周提醒';
  if (mail.offset === 0) return '今天截止';
  return `距截止还有 ${mail.offset} 个工作日`;
}

export function renderReminder(mail: ReminderMail, to: Recipient, base = DEFAULT_CONSOLE_URL): RenderedMail {
  const t = REMINDER_TEXT[mail.kind];
  const n = mail.items.length;
  const deadline = mail.offset === null ? '' : `，截止 ${deadlineText(mail.deadline)}`;
  const subject = `${mail.year}年${t.due}提醒：您有 ${n} 项待办${deadline}`;
  const head =
    mail.offset === null
      ? `${t.intro}（${when(mail)}），共 ${n} 项：`
      : `${t.intro}。截止时间：${deadlineText(mail.deadline)}，${when(mail)}。共 ${n} 项：`;
  const blocks: Block[] = [
    { p: head },
    { list: mail.items.map((item) => describeItem(item, to, mail.year, base)) },
    { p: t.missed },
    { p: '已办理的事项不会再出现在提醒中；如本邮件发出后您已办理，请忽略。' },
  ];
  // Titles and re-evaluations are not the selection: no campaign progress link there.
  const selection = mail.kind !== 'reevaluation-review' && mail.kind !== 'recovery';
  if (to.role !== 'committee' && selection) blocks.push({ label: '查看评选进度：', links: [progressLink(to, base)] });
  blocks.push({
    p: `登录方式：打开工作台 ${base.replace(/\/+$/, '')}/ ，输入您在名录中登记的工作邮箱，点击邮件中的登录链接即可。`,
  });
  return render(subject, to, blocks);
}

/** The bureau follows the campaign on its dashboard; everyone else on 我的待办. */
export function progressLink(to: Recipient, base: string): ConsoleLink {
  return to.role === 'bureau' ? consoleLink(base, '/dashboard', '评选看板') : consoleLink(base, '/inbox', '我的待办');
}
