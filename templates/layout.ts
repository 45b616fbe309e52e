/** Shared pieces of every email: Beijing-time formatting, the CLI command line, the frame, escaping. */
import { formatBeijing, formatDeadline } from '../domain/calendar';
import type { CommitteeRef, Recipient, RecipientRole, RenderedMail } from './types';

export const SIGNATURE = '长宁区房管局红色业委会评选工作组';
export const SUBJECT_PREFIX = '【红色示范业委会】';

/** A deadline (24:00 prints as the end of its day) in Beijing time. */
export const deadlineText = (iso: string): string => `${formatDeadline(Date.parse(iso))}（北京时间）`;
/** An instant in Beijing time. */
export const instantText = (iso: string): string => `${formatBeijing(Date.parse(iso))}（北京时间）`;

export const ROLE_LABELS: Record<RecipientRole, string> = {
  bureau: '区房管局',
  subdistrict: '街镇',
  inspector: '第三方测评企业',
  panel: '评选团',
  committee: '业委会',
};

/** A CLI command line, for developer-facing text only: emails link to the console instead. */
export const cli = (...args: string[]): string => `npm run cli -- ${args.join(' ')}`;

/** Where emails send people: the web console (PUBLIC_BASE_URL of the web process), where they sign in and act. */
export const DEFAULT_CONSOLE_URL = 'http://127.0.0.1:3000';

/** A page of the console where the reader acts, e.g. consoleLink(base, '/subdistrict/confirm-list'). */
export interface ConsoleLink {
  text: string;
  href: string;
}
export const consoleLink = (base: string, path: string, text: string): ConsoleLink => ({
  text,
  href: `${base.replace(/\/+$/, '')}${path}`,
});

export function committeeLabel(c: CommitteeRef): string {
  const where = [c.committeeId, c.subdistrict].filter(Boolean).join('，');
  return `${c.committeeName ?? c.committeeId}（${where}）`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** One block of the body: a paragraph, a numbered list of entries (title + command lines), or plain lines. */
export type Block =
  | { p: string }
  | { list: { title: string; lines?: string[]; commands?: string[]; links?: ConsoleLink[] }[] }
  | { commands: string[]; label?: string }
  | { links: ConsoleLink[]; label?: string };

export function greeting(to: Recipient): string {
  return `${to.name}（${ROLE_LABELS[to.role]}）您好：`;
}

export function render(subject: string, to: Recipient, blocks: Block[]): RenderedMail {
  const text: string[] = [greeting(to), ''];
  const html: string[] = [
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head>',
    "<body style=\"font-family: 'PingFang SC', 'Microsoft YaHei', sans-serif; font-size: 14px; line-height: 1.6; color: #222;\">",
    `<p>${escapeHtml(greeting(to))}</p>`,
  ];
  const code = (c: string) => {
    // "推荐：npm run cli -- …": the label stays outside the code, so the command copies cleanly.
    const m = /^([^：\s]{1,12})：(npm run .*)$/.exec(c);
    const box = (x: string) =>
      `<code style="background:#f4f4f4; padding:2px 4px; font-family: monospace;">${escapeHtml(x)}</code>`;
    return m ? `${escapeHtml(m[1])}：${box(m[2])}` : box(c);
  };
  const anchor = (l: ConsoleLink) => `<a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a>`;
  for (const b of blocks) {
    if ('p' in b) {
      text.push(b.p, '');
      html.push(`<p>${escapeHtml(b.p)}</p>`);
    } else if ('list' in b) {
      b.list.forEach((e, i) => {
        text.push(`${i + 1}. ${e.title}`);
        for (const l of e.lines ?? []) text.push(`   ${l}`);
        for (const c of e.commands ?? []) text.push(`   ${c}`);
        for (const l of e.links ?? []) text.push(`   ${l.text}：${l.href}`);
      });
      text.push('');
      html.push('<ol>');
      for (const e of b.list) {
        const lines = (e.lines ?? []).map((l) => `<br>${escapeHtml(l)}`).join('');
        const cmds = (e.commands ?? []).map((c) => `<br>${code(c)}`).join('');
        const links = (e.links ?? []).map((l) => `<br>${anchor(l)}`).join('');
        html.push(`<li><strong>${escapeHtml(e.title)}</strong>${lines}${cmds}${links}</li>`);
      }
      html.push('</ol>');
    } else if ('links' in b) {
      if (b.label) text.push(b.label);
      for (const l of b.links) text.push(`   ${l.text}：${l.href}`);
      text.push('');
      html.push(`<p>${b.label ? `${escapeHtml(b.label)}<br>` : ''}${b.links.map(anchor).join('<br>')}</p>`);
    } else {
      if (b.label) text.push(b.label);
      for (const c of b.commands) text.push(`   ${c}`);
      text.push('');
      html.push(`<p>${b.label ? `${escapeHtml(b.label)}<br>` : ''}${b.commands.map(code).join('<br>')}</p>`);
    }
  }
  const footer = '本邮件由系统自动发送，请勿直接回复。所有时间均为北京时间。';
  text.push('——', SIGNATURE, footer);
  html.push(`<hr><p style="color:#666;">${escapeHtml(SIGNATURE)}<br>${escapeHtml(footer)}</p></body></html>`);
  return { subject: `${SUBJECT_PREFIX}${subject}`, text: text.join('\n') + '\n', html: html.join('\n') + '\n' };
}
