/** The bureau's email when the yearly kickoff could not start the campaign: what to supply, how to start by hand. */
import { consoleLink, DEFAULT_CONSOLE_URL, instantText, render, type Block } from './layout';
import type { NoticeMail, Recipient, RenderedMail } from './types';

type KickoffFailedMail = Extract<NoticeMail, { notice: 'kickoff-failed' }>;

export function renderKickoffFailed(mail: KickoffFailedMail, to: Recipient, base = DEFAULT_CONSOLE_URL): RenderedMail {
  const startPage = [consoleLink(base, '/campaign/start', `在工作台启动${mail.year}年评选`)];
  const blocks: Block[] = [
    {
      p: `${mail.year}年长宁区红色示范业委会创建评选工作原定于 ${instantText(mail.scheduledAt)} 自动启动，但未能启动，评选尚未开始。`,
    },
  ];
  if (mail.kind === 'holiday-data') {
    blocks.push(
      {
        p: `原因：系统中尚无 ${mail.year} 年的法定节假日与调休安排（国务院办公厅每年发布的放假通知），无法按工作日计算公示期和提醒时间。`,
      },
      {
        list: [
          {
            title: '准备节假日文件',
            lines: [
              `按国务院办公厅发布的 ${mail.year} 年放假安排，参照 domain/holidays-example-2027.json 的格式（holidays 为放假日期，workdays 为调休上班的周末）制作；`,
              `或由技术人员将文件保存为 ${mail.holidayFile}，或将 chinese-days 升级到已收录 ${mail.year} 年的版本。`,
            ],
          },
          { title: '在工作台启动本年度评选，并上传该节假日文件', links: startPage },
        ],
      },
    );
  } else {
    const what = mail.kind === 'calendar' ? '各阶段时间无法按默认安排确定' : '启动过程出错';
    blocks.push(
      { p: `原因：${what}。技术信息：${mail.reason}` },
      { label: '排除问题后，在工作台启动本年度评选：', links: startPage },
    );
  }
  if (mail.scheduleId) {
    blocks.push({ p: `年度计划（${mail.scheduleId}）已暂停；本年度评选启动后即自动恢复，明年照常按时启动。` });
  }
  if (mail.kind === 'holiday-data') blocks.push({ p: `技术信息：${mail.reason}` });
  return render(`${mail.year}年红色示范业委会评选未能自动启动，请处理`, to, blocks);
}
