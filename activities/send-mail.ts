/**
 * The one send activity: renders a template (templates/) and sends it through the pooled mailer.
 * - The Message-ID is derived from workflow, deadline, offset and recipient, so every retry sends the same message.
 * - SMTP down or a temporary failure: throws, and the workflow's retry policy retries with backoff, without end.
 * - A missing or invalid address, or a permanent rejection of the recipient: returns `undeliverable`, never throws.
 */
import { EMAIL_PATTERN } from '../domain/contact';
import { createHash } from 'node:crypto';
import { renderMail } from '../templates';
import type { MailTemplate, Recipient } from '../templates/types';
import { permanentRejection, type Mailer } from './mailer';

export interface SendMailInput {
  /** The sending workflow. */
  workflowId: string;
  /** Reminder kind or notice name. */
  kind: string;
  /** The deadline (ISO) the reminder is for; for notices, the instant of the event. */
  deadline: string;
  /** Working days before the deadline ('7'), 'weekly:<iso>' or '-' for notices; distinguishes reports too. */
  offset: string;
  to: Recipient;
  template: MailTemplate;
  /** Calendar instant the mail is for (ISO): the reminder instant, or the event. */
  scheduledAt: string;
}

export type SendMailResult =
  { status: 'sent'; messageId: string } | { status: 'undeliverable'; messageId: string; reason: string };

export const MESSAGE_ID_DOMAIN = 'red-model.changning';

export function messageIdFor(input: Pick<SendMailInput, 'workflowId' | 'kind' | 'deadline' | 'offset' | 'to'>): string {
  const key = [input.workflowId, input.kind, input.deadline, input.offset, input.to.id, input.to.email ?? ''].join(
    '\n',
  );
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}@${MESSAGE_ID_DOMAIN}>`;
}

export function addressProblem(email: string | undefined): 'missing' | 'invalid' | undefined {
  if (!email || !email.trim()) return 'missing';
  return EMAIL_PATTERN.test(email.trim()) && email.length <= 254 ? undefined : 'invalid';
}

export function sendMailActivity(mailer: Mailer) {
  return async function sendMail(input: SendMailInput): Promise<SendMailResult> {
    const messageId = messageIdFor(input);
    const problem = addressProblem(input.to.email);
    if (problem) return { status: 'undeliverable', messageId, reason: problem };
    // Links point at the console's public address (the same PUBLIC_BASE_URL the web process uses).
    const rendered = renderMail(input.template, input.to, process.env.PUBLIC_BASE_URL?.trim() || undefined);
    try {
      await mailer.send({
        to: { name: input.to.name, address: input.to.email!.trim() },
        ...rendered,
        messageId,
        headers: {
          'X-Red-Model-Workflow': input.workflowId,
          'X-Red-Model-Kind': input.kind,
          'X-Red-Model-Deadline': input.deadline,
          'X-Red-Model-Scheduled': input.scheduledAt,
        },
      });
    } catch (err) {
      const rejected = permanentRejection(err);
      if (rejected) return { status: 'undeliverable', messageId, reason: rejected };
      throw err;
    }
    return { status: 'sent', messageId };
  };
}
