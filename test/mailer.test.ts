/** The send activity and the pooled mailer against a real SMTP server in this process. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, mailerConfigFromEnv, type Mailer } from '../activities/mailer';
import { messageIdFor, sendMailActivity, type SendMailInput } from '../activities/send-mail';
import { startTestSmtp, type TestSmtp } from './smtp';

let smtp: TestSmtp;
let mailer: Mailer;
let sendMail: ReturnType<typeof sendMailActivity>;

const job = (to: Partial<SendMailInput['to']>, offset = '7'): SendMailInput => ({
  workflowId: 'campaign-2023',
  kind: 'review',
  deadline: '2023-07-31T16:00:00.000Z',
  offset,
  to: { id: 'official-huayang', name: '李建华', role: 'subdistrict', email: 'official-huayang@example.org', ...to },
  template: {
    type: 'reminder',
    kind: 'review',
    year: 2023,
    deadline: '2023-07-31T16:00:00.000Z',
    offset: Number(offset),
    items: [{ action: 'confirm-list', subdistrict: '华阳路街道', recommended: 0, undecided: 0 }],
  },
  scheduledAt: '2023-07-20T01:00:00.000Z',
});

beforeAll(async () => {
  smtp = await startTestSmtp({ reject: (a) => a.startsWith('gone@') });
  mailer = createMailer({ url: smtp.url, from: 'red-model@example.org', fromName: '长宁区房管局红色业委会评选工作组' });
  sendMail = sendMailActivity(mailer);
});
afterAll(async () => {
  mailer?.close();
  await smtp?.close();
});

describe('sendMail', () => {
  it('sends text and HTML with a Message-ID fixed by workflow, deadline, offset and recipient, over pooled connections', async () => {
    const first = await sendMail(job({}));
    const again = await sendMail(job({})); // a retry of the same activity
    const other = await sendMail(job({}, '3'));
    expect(first).toEqual({ status: 'sent', messageId: messageIdFor(job({})) });
    expect(again.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);
    await smtp.waitFor(3);
    const [m] = smtp.messages;
    expect(m.messageId).toBe(first.messageId);
    expect(m.to).toBe('official-huayang@example.org');
    expect(m.from).toBe('"长宁区房管局红色业委会评选工作组" <red-model@example.org>');
    expect(m.subject).toContain('街镇推荐遴选截止提醒');
    expect(m.text).toContain('确认推荐名单：http://127.0.0.1:3000/subdistrict/confirm-list');
    expect(m.html).toContain('<ol>');
    expect(m.headers['x-red-model-scheduled']).toBe('2023-07-20T01:00:00.000Z');
    expect(smtp.connections()).toBe(1); // the pool kept one connection for all three
  });

  it('returns undeliverable for a missing, an invalid or a rejected address, without throwing', async () => {
    expect(await sendMail(job({ email: undefined }))).toMatchObject({ status: 'undeliverable', reason: 'missing' });
    expect(await sendMail(job({ email: '  ' }))).toMatchObject({ status: 'undeliverable', reason: 'missing' });
    expect(await sendMail(job({ email: 'not-an-address' }))).toMatchObject({
      status: 'undeliverable',
      reason: 'invalid',
    });
    expect(await sendMail(job({ email: 'a@b@example.org' }))).toMatchObject({
      status: 'undeliverable',
      reason: 'invalid',
    });
    expect(await sendMail(job({ email: 'gone@example.org' }))).toMatchObject({
      status: 'undeliverable',
      reason: expect.stringMatching(/550/),
    });
  });

  it('throws while the server is down, so the activity is retried, and sends once it is back', async () => {
    await smtp.stop();
    await expect(sendMail(job({}, '1'))).rejects.toThrow(/ECONNREFUSED/);
    await smtp.start();
    expect(await sendMail(job({}, '1'))).toMatchObject({ status: 'sent' });
  });

  it('reads its settings from the environment', () => {
    expect(mailerConfigFromEnv({})).toMatchObject({
      url: 'smtp://127.0.0.1:1025',
      fromName: '长宁区房管局红色业委会评选工作组',
    });
    expect(
      mailerConfigFromEnv({
        SMTP_URL: 'smtps://u:p@mail.example.org:465',
        MAIL_FROM: 'x@example.org',
        MAIL_FROM_NAME: '工作组',
      }),
    ).toMatchObject({
      url: 'smtps://u:p@mail.example.org:465',
      from: 'x@example.org',
      fromName: '工作组',
    });
  });
});
