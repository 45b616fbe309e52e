/** Every email of the project is rendered here, from plain data (templates/types.ts). */
import { renderNotice } from './notices';
import { renderReminder } from './reminders';
import type { MailTemplate, Recipient, RenderedMail } from './types';

export * from './types';
export { renderNotice } from './notices';
export { renderReminder, describeItem, REMINDER_TEXT } from './reminders';

/** `consoleUrl`: the web console's public address; every action in an email is a link to its page there. */
export function renderMail(template: MailTemplate, to: Recipient, consoleUrl?: string): RenderedMail {
  return template.type === 'reminder'
    ? renderReminder(template, to, consoleUrl)
    : renderNotice(template, to, consoleUrl);
}
