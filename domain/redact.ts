/**
 * Log lines carry no contact details. SMTP replies quote the refused address ("550 5.1.1 <x@y>: …"), so free text
 * from outside is redacted before it is logged: email addresses and mainland mobile numbers (11 digits from 1).
 * Pure, so workflows may use it.
 */
export function redactContacts(text: string): string {
  return text
    .replace(/[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+/g, '***@***')
    .replace(/(?<!\d)(?:\+?86[- ]?)?1\d{10}(?!\d)/g, '***********');
}
