/** Phase notices: campaign opened, draft list published, final list, revocation; plus the bureau's reports. */
import {
  committeeLabel,
  consoleLink,
  deadlineText,
  DEFAULT_CONSOLE_URL,
  instantText,
  render,
  type Block,
} from './layout';
import { progressLink } from './reminders';
import type { NoticeMail, Recipient, RenderedMail } from './types';
import { renderKickoffFailed } from './kickoff';

export function renderNotice(mail: NoticeMail, to: Recipient, base = DEFAULT_CONSOLE_URL): RenderedMail {
  const inbox = [consoleLink(base, '/inbox', '在工作台“我的待办”中办理')];
  switch (mail.notice) {
    case 'campaign-opened': {
      const w = mail.windows;
      const blocks: Block[] = [
        { p: `${mail.year}年长宁区红色示范业委会创建评选工作已启动。各阶段时间安排如下：` },
        {
          list: [
            {
              title: `宣传发动与申报：${instantText(w.opens)} 起，至 ${deadlineText(w.applicationsClose)} 止（纸质推荐表一式两份同时报送区房管局）`,
            },
            { title: `街镇推荐遴选：${instantText(w.reviewOpens)} 起，至 ${deadlineText(w.reviewCloses)} 止` },
            {
              title: `专项检查与专家评审：${instantText(w.inspectionOpens)} 起，至 ${deadlineText(w.inspectionCloses)} 止`,
            },
            { title: `拟表彰名单公示：评选团定稿后公示 ${w.publicityWorkingDays} 个工作日` },
            { title: `确认表彰名单：${deadlineText(w.commendationBy)} 前` },
          ],
        },
      ];
      if (to.role === 'subdistrict')
        blocks.push(
          { p: '请各街镇做好宣传发动，组织辖区业委会申报。业委会用名录中登记的邮箱登录工作台，在线填写推荐表：' },
          { links: [consoleLink(base, '/', '红色示范业委会评选工作台')] },
        );
      if (to.role === 'committee')
        blocks.push(
          { p: '贵业委会可用名录中登记的邮箱登录工作台，在线填写推荐表：' },
          { links: [consoleLink(base, '/application/new', '填写推荐表')] },
        );
      blocks.push({ label: '查看评选进度：', links: [progressLink(to, base)] });
      return render(`${mail.year}年红色示范业委会创建评选工作启动`, to, blocks);
    }
    case 'draft-published': {
      const blocks: Block[] = [
        {
          p: `${mail.year}年红色示范业委会拟表彰名单已由评选团确定，现予公示，公示期至 ${deadlineText(mail.publicityEnds)}。拟表彰名单（按排序）：`,
        },
        { list: mail.ranking.map((c) => ({ title: committeeLabel(c) })) },
        { p: `排序规则：${mail.tieBreakRule}` },
        { p: '公示期间，任何单位和个人可实名向长宁区房管局提出异议（单位提出的须加盖公章），并提供联系方式和理由。' },
        {
          label: '公示页面（无需登录，可在线提出异议）：',
          links: [consoleLink(base, `/public/${mail.year}`, `${mail.year}年拟表彰名单公示`)],
        },
      ];
      return render(`${mail.year}年红色示范业委会拟表彰名单公示（至 ${deadlineText(mail.publicityEnds)}）`, to, blocks);
    }
    case 'final-list': {
      const blocks: Block[] = [
        {
          p: `经公示，${mail.year}年红色示范业委会表彰名单已于 ${instantText(mail.confirmedAt)} 确认，共 ${mail.list.length} 家：`,
        },
        mail.list.length ? { list: mail.list.map((c) => ({ title: committeeLabel(c) })) } : { p: '（无）' },
      ];
      if (mail.removed.length)
        blocks.push(
          { p: '移出拟表彰名单的（公示异议成立或区房管局决定）：' },
          { list: mail.removed.map((c) => ({ title: committeeLabel(c) })) },
        );
      blocks.push({ p: '区委组织部、区房管局将为上述业委会颁发铭牌和奖状。' });
      return render(`${mail.year}年红色示范业委会表彰名单`, to, blocks);
    }
    case 'panel-overdue': {
      const blocks: Block[] = [
        {
          p: `专家评审期已于 ${deadlineText(mail.inspectionCloses)} 结束，评选团尚未确定拟表彰名单（已完成专项检查 ${mail.inspected} 家）。评选工作暂停，系统不会自行选定名单。`,
        },
        {
          label: to.role === 'panel' ? '请评选团尽快定稿：' : '请督促评选团定稿，或延长专家评审期：',
          links:
            to.role === 'bureau'
              ? [consoleLink(base, '/dashboard', '在评选看板中延长专家评审期')]
              : to.role === 'panel'
                ? [consoleLink(base, '/panel', '评选团评审')]
                : inbox,
        },
      ];
      return render(`${mail.year}年专家评审期已结束，拟表彰名单尚未确定`, to, blocks);
    }
    case 'list-removal': {
      const blocks: Block[] = [
        {
          p: `${committeeLabel(mail.committee)}已于 ${instantText(mail.at)}由区房管局（${mail.by}）移出${mail.year}年红色示范业委会拟表彰名单。`,
        },
        { p: `原因：${mail.reason}` },
        { label: '查看评选状态：', links: [progressLink(to, base)] },
      ];
      return render(
        `${mail.year}年拟表彰名单调整：${mail.committee.committeeName ?? mail.committee.committeeId} 移出名单`,
        to,
        blocks,
      );
    }
    case 'reelection-flag': {
      const blocks: Block[] = [
        {
          p: `拟表彰名单中的${committeeLabel(mail.committee)}已于 ${mail.filedOn} 完成换届改选备案（新一届业委会备案编号 ${mail.filingRef}，${instantText(mail.at)}由 ${mail.by} 登记）。`,
        },
        { p: '在区房管局作出决定前，最终表彰名单不能确认。保留的，称号授予新一届业委会；移出的，须说明理由。' },
      ];
      if (to.role === 'bureau') {
        blocks.push({
          label: '请决定保留或移出，并说明理由：',
          links: [consoleLink(base, '/objections', '在公示异议与最终名单页中决定')],
        });
      }
      return render(
        `${mail.year}年拟表彰名单：${mail.committee.committeeName ?? mail.committee.committeeId} 已换届改选备案，待区房管局决定`,
        to,
        blocks,
      );
    }
    case 'reelection-decision': {
      const kept = mail.outcome === 'keep';
      const blocks: Block[] = [
        {
          p: `区房管局（${mail.by}）已于 ${instantText(mail.at)}决定：${committeeLabel(mail.committee)}${kept ? '保留在拟表彰名单中，称号授予新一届业委会' : '移出拟表彰名单'}（新一届业委会备案编号 ${mail.filingRef}）。`,
        },
        { p: `理由：${mail.reason}` },
        { label: '查看评选状态：', links: [progressLink(to, base)] },
      ];
      return render(
        `${mail.year}年拟表彰名单：${mail.committee.committeeName ?? mail.committee.committeeId} 换届改选后${kept ? '保留' : '移出'}`,
        to,
        blocks,
      );
    }
    case 'revocation': {
      const c = committeeLabel(mail.committee);
      const blocks: Block[] = [
        { p: `${c}于 ${mail.awardYear} 年获评的红色示范业委会称号，已于 ${instantText(mail.revokedAt)} 撤销。` },
        { p: `撤销原因：${mail.reason}` },
      ];
      const page = `/titles/${encodeURIComponent(mail.committee.committeeId)}`;
      if (to.role === 'subdistrict') {
        blocks.push(
          { p: '请街镇收回铭牌和奖状，收回后确认：' },
          { links: [consoleLink(base, page, '确认已收回铭牌与奖状')] },
        );
      } else if (to.role === 'committee') {
        blocks.push(
          { p: '请将铭牌和奖状交还所在街镇。撤销后，贵业委会可在以后年度重新参加评选。' },
          { label: '查看称号与复评：', links: [consoleLink(base, page, '称号与复评')] },
        );
      } else if (to.role === 'bureau') {
        blocks.push({ label: '查看称号与复评：', links: [consoleLink(base, page, '称号与复评')] });
      }
      return render(
        `${mail.year}年红色示范业委会称号撤销通知：${mail.committee.committeeName ?? mail.committee.committeeId}`,
        to,
        blocks,
      );
    }
    case 'kickoff-failed':
      return renderKickoffFailed(mail, to, base);
    case 'undeliverable': {
      const reason = (r: string) =>
        r === 'missing' ? '未登记邮箱' : r === 'invalid' ? '邮箱格式无效' : `邮件服务器拒收：${r}`;
      const blocks: Block[] = [
        {
          p: `以下 ${mail.total} 封提醒或通知无法投递，请核实收件人邮箱并更新名录（data/directory.json），必要时电话通知：`,
        },
        {
          list: mail.entries.map((e) => ({
            title: `${e.recipientName}（${e.recipientId}）${e.email ? `<${e.email}>` : ''}`,
            lines: [`原因：${reason(e.reason)}`, `内容：${e.kind}，时间 ${instantText(e.at)}`, `流程：${e.workflowId}`],
          })),
        },
      ];
      if (mail.total > mail.entries.length)
        blocks.push({ p: `另有 ${mail.total - mail.entries.length} 封未列出，详见评选状态。` });
      blocks.push({ label: '查看评选状态：', links: [consoleLink(base, '/dashboard', '评选看板')] });
      return render(`${mail.year}年评选邮件投递失败报告（${mail.total} 封）`, to, blocks);
    }
  }
}
