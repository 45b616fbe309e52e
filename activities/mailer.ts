/**
 * Outgoing mail: nodemailer over SMTP with a connection pool, configured from the environment.
 *   SMTP_URL        smtp://127.0.0.1:1025 (npm start's mail catcher); smtps://user:pass@host:465 for a real relay
 *   MAIL_FROM       sender address
 *   MAIL_FROM_NAME  sender display name
 * One Mailer per worker process; the pool reconnects by itself after the server comes back.
 */
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailerConfig {
  url: string;
  from: string;
  fromName: string;
  /** Pooled SMTP connections. */
  maxConnections: number;
}

export const DEFAULT_MAILER_CONFIG: MailerConfig = {
  url: 'smtp://127.0.0.1:1025',
  from: 'red-model-noreply@example.org',
  fromName: '长宁区房管局红色业委会评选工作组',
  maxConnections: 5,
};

export function mailerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MailerConfig {
  const pick = (v: string | undefined, d: string) => (v && v.trim() ? v.trim() : d);
  return {
    url: pick(env.SMTP_URL, DEFAULT_MAILER_CONFIG.url),
    from: pick(env.MAIL_FROM, DEFAULT_MAILER_CONFIG.from),
    fromName: pick(env.MAIL_FROM_NAME, DEFAULT_MAILER_CONFIG.fromName),
    maxConnections: DEFAULT_MAILER_CONFIG.maxConnections,
  };
}

export interface OutgoingMail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** `<...@...>`; the same for every attempt of one message. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  readonly config: MailerConfig;
  /** Resolves once the SMTP server accepted the message; rejects on any failure (see smtpFailure). */
  send(mail: OutgoingMail): Promise<{ response: string }>;
  close(): void;
}

/** A pooled SMTP mailer; the connection is opened lazily on the first send. */
export function createMailer(overrides: Partial<MailerConfig> = {}): Mailer {
  const config: MailerConfig = { ...mailerConfigFromEnv(), ...overrides };
  let transport: Transporter | undefined;
  const get = () =>
    (transport ??= nodemailer.createTransport({
      // The URL's settings win; these apply where it says nothing.
      url: config.url,
      pool: true,
      maxConnections: config.maxConnections,
      // Fail fast while the server is down: the activity's retry policy does the waiting.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 60_000,
    } as Parameters<typeof nodemailer.createTransport>[0]));
  return {
    config,
    async send(mail) {
      const info = await get().sendMail({
        from: { name: config.fromName, address: config.from },
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: mail.headers,
      });
      return { response: String(info.response ?? '') };
    },
    close() {
      transport?.close();
      transport = undefined;
    },
  };
}

/** A permanent per-recipient rejection (5xx to RCPT TO) is undeliverable; anything else is worth retrying. */
export function permanentRejection(err: unknown): string | undefined {
  const e = err as { code?: string; responseCode?: number; command?: string; response?: string; message?: string };
  if (
    e &&
    typeof e.responseCode === 'number' &&
    e.responseCode >= 500 &&
    e.responseCode < 600 &&
    (e.code === 'EENVELOPE' || e.command === 'RCPT TO')
  ) {
    return String(e.response ?? e.message ?? e.responseCode).slice(0, 300);
  }
  return undefined;
}
