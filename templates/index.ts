/** Every email of the project is rendered here, from plain data (templates/types.ts). */
import { renderNotice } from './notices';
import { renderReminder } from './reminders';
import type { MailTemplate, Recipient, RenderedMail } from './types';

export * from './types';
export { renderNotice } from './notices';
export { renderReminder, describeItem, REMINDER_TEXT } from './reminders';

export function renderMail(template: MailTemplate, to: Recipient): RenderedMail {
  return template.type === 'reminder' ? renderReminder(template, to) : renderNotice(template, to);
}
