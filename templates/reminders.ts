/** Deadline reminders: one email per recipient per reminder, naming every pending item and the command for it. */
import { cli, committeeLabel, deadlineText, instantText, render, type Block } from './layout';
import type { PendingItem, Recipient, ReminderKind, ReminderMail, RenderedMail } from './types';

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

/** The item's title, detail lines and the exact commands that clear it, for this recipient. */
export function describeItem(item: PendingItem, to: Recipient, year: number): { title: string; lines?: string[]; commands?: string[] } {
  const y = `--year ${year}`;
  const as = `--as ${to.id}`;
  switch (item.action) {
    case 'paper-form':
      return {
        title: `【纸质推荐表未收到】${committeeLabel(item)}`,
        lines: ['请将纸质推荐表一式两份送交长宁区房管局。查询申报状态：'],
        commands: [cli('application show', y, `--committee ${item.committeeId}`)],
      };
    case 'decide':
      return {
        title: `【待作出推荐决定】${committeeLabel(item)}`,
        commands: [
          `推荐：${cli('subdistrict recommend', y, `--committee ${item.committeeId}`, as)}`,
          `不予推荐：${cli('subdistrict reject', y, `--committee ${item.committeeId}`, as, '--reason "<不予推荐的理由>"')}`,
        ],
      };
    case 'confirm-list':
      return {
        title: `【待确认推荐名单】${item.subdistrict}（已推荐 ${item.recommended} 家${item.undecided ? `，尚有 ${item.undecided} 家未决定，须先作出决定` : ''}）`,
        commands: [cli('subdistrict confirm-list', y, as)],
      };
    case 'inspect':
      return {
        title: `【待专项检查】${committeeLabel(item)}`,
        commands: [
          cli(
            'inspection record',
            y,
            `--committee ${item.committeeId}`,
            as,
            '--scores <党建引领好,制度执行好,自身建设好,作用发挥好,群众评价好>',
            '--inspector "<检查人员姓名>"',
            '--date <YYYY-MM-DD>',
          ),
        ],
      };
    case 'finalize':
      return {
        title: `【待确定拟表彰名单】已完成专项检查 ${item.inspected} 家，表彰名额 ${item.quota} 家`,
        commands: [cli('panel finalize', y, as, '--ranking <业委会编号1,编号2,…>', '--tie-break-rule "<总分相同时的排序规则>"')],
      };
    case 'panel-overdue':
      return {
        title: `【评选团逾期未定稿】专家评审期已于 ${deadlineText(item.inspectionCloses)} 结束`,
        lines: ['请督促评选团定稿，或延长专家评审期：'],
        commands: [cli('campaign status', y), cli('campaign extend', y, as, '--window inspection', '--until <YYYY-MM-DD>')],
      };
    case 'resolve-objection':
      return {
        title: `【待处理异议 ${item.objectionId}】针对 ${committeeLabel(item)}`,
        lines: [`受理时间：${instantText(item.filedAt)}`, `异议理由：${item.grounds.length > 200 ? `${item.grounds.slice(0, 200)}…` : item.grounds}`],
        commands: [cli('objection resolve', y, `--objection ${item.objectionId}`, as, '--outcome upheld|dismissed', '--reason "<核查结论>"')],
      };
    case 'decide-reelection':
      return {
        title: `【换届改选待决定】${committeeLabel(item)}已于 ${item.filedOn} 备案（备案编号 ${item.filingRef}）`,
        lines: ['决定前不能确认最终名单：'],
        commands: [cli('campaign decide-reelection', y, as, `--committee ${item.committeeId}`, '--outcome keep|remove', '--reason "<理由>"')],
      };
    case 'confirm-final':
      return {
        title: `【待确认最终名单】公示名单 ${item.listed} 家，公示期至 ${deadlineText(item.publicityEnds)}`,
        lines: ['公示期满且异议全部处理后确认：'],
        commands: [cli('campaign confirm', y, as)],
      };
    case 'submit-materials':
      return { title: `【复评材料未提交】${committeeLabel(item)}`, commands: [item.command] };
    case 'review-reevaluation':
      return {
        title: `【待复评初审】${committeeLabel(item)}`,
        lines: ['根据专项检查结果确认列入复评名单并报区房管局；或依年度规范化评价成绩取消其复评资格：'],
        commands: [
          item.command,
          cli('reevaluation cancel-eligibility', `--year ${year}`, `--committee ${item.committeeId}`, `--as ${to.id}`, '--standardisation-score <成绩>', '--reason "<取消理由>"'),
        ],
      };
    case 'recover-nameplate':
      return { title: `【待收回铭牌与奖状】${committeeLabel(item)}（称号于 ${instantText(item.revokedAt)} 撤销）`, commands: [item.command] };
  }
}

function when(mail: ReminderMail): string {
  if (mail.offset === null) return '每周提醒';
  if (mail.offset === 0) return '今天截止';
  return `距截止还有 ${mail.offset} 个工作日`;
}

export function renderReminder(mail: ReminderMail, to: Recipient): RenderedMail {
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
    { list: mail.items.map((item) => describeItem(item, to, mail.year)) },
    { p: t.missed },
    { p: '已办理的事项不会再出现在提醒中；如本邮件发出后您已办理，请忽略。' },
  ];
  // Titles and re-evaluations are not the selection: their items carry their own commands.
  const selection = mail.kind !== 'reevaluation-review' && mail.kind !== 'recovery';
  if (to.role !== 'committee' && selection) blocks.push({ label: '查看评选进度：', commands: [cli('campaign status', `--year ${mail.year}`)] });
  return render(subject, to, blocks);
}
