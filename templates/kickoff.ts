/** The bureau's email when the yearly kickoff could not start the campaign: what to supply, how to start by hand. */
import { cli, instantText, render, type Block } from './layout';
import type { NoticeMail, Recipient, RenderedMail } from './types';

type KickoffFailedMail = Extract<NoticeMail, { notice: 'kickoff-failed' }>;

export function renderKickoffFailed(mail: KickoffFailedMail, to: Recipient): RenderedMail {
  const y = `--year ${mail.year}`;
  const blocks: Block[] = [
    { p: `${mail.year}年长宁区红色示范业委会创建评选工作原定于 ${instantText(mail.scheduledAt)} 自动启动，但未能启动，评选尚未开始。` },
  ];
  if (mail.kind === 'holiday-data') {
    blocks.push(
      { p: `原因：系统中尚无 ${mail.year} 年的法定节假日与调休安排（国务院办公厅每年发布的放假通知），无法按工作日计算公示期和提醒时间。` },
      {
        list: [
          {
            title: '提供节假日文件',
            lines: [
              `按国务院办公厅发布的 ${mail.year} 年放假安排，参照 domain/holidays-example-2027.json 的格式（holidays 为放假日期，workdays 为调休上班的周末），`,
              `保存为 ${mail.holidayFile}；或由技术人员将 chinese-days 升级到已收录 ${mail.year} 年的版本。`,
            ],
          },
          {
            title: '手动启动本年度评选（二选一）',
            commands: [
              `使用节假日文件：${cli('campaign start', y, `--holiday-file ${mail.holidayFile}`)}`,
              `由年度计划重新启动：${cli('campaign schedule trigger')}`,
            ],
          },
        ],
      },
    );
  } else {
    const what = mail.kind === 'calendar' ? '各阶段时间无法按默认安排确定' : '启动过程出错';
    blocks.push(
      { p: `原因：${what}。技术信息：${mail.reason}` },
      { label: '排除问题后，可手动启动（可用 --applications-close 等参数调整各阶段时间）：', commands: [cli('campaign start', y), cli('campaign schedule trigger')] },
    );
  }
  if (mail.scheduleId) {
    blocks.push({
      label: `年度计划（${mail.scheduleId}）已暂停。本年度评选启动后，请恢复年度计划，以便明年按时自动启动：`,
      commands: [cli('campaign schedule resume'), cli('campaign schedule show')],
    });
  }
  if (mail.kind === 'holiday-data') blocks.push({ p: `技术信息：${mail.reason}` });
  return render(`${mail.year}年红色示范业委会评选未能自动启动，请处理`, to, blocks);
}
