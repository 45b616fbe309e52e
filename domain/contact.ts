/** What counts as an email address or a phone number, for mail delivery and for the public's objection form. */

/** Deliberately plain: one address, no display name, a dot in the domain. */
export const EMAIL_PATTERN = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;

/** A mainland mobile number, or a landline with optional area code and extension; spaces and dashes allowed. */
export const PHONE_PATTERN = /^(?:\+?86[- ]?)?(?:1[3-9]\d{9}|(?:0\d{2,3}[- ]?)?\d{7,8}(?:[- ]\d{1,6})?)$/;
