/**
 * A real SMTP server in the test process (smtp-server + mailparser) on a free port of 127.0.0.1.
 * Tests pass `url` to createMailer and assert on the messages it actually received. stop()/start()
 * take it down and bring it back on the same port, to test sends while SMTP is down.
 */
import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';

export interface ReceivedMail {
  messageId: string;
  to: string;
  toName: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** Wall-clock time of receipt. */
  receivedAt: number;
  /** The `clock` option's time at receipt (e.g. the time-skipping server's time). */
  clockAt?: number;
}

export interface TestSmtpOptions {
  /** Called on receipt, before the server answers 250; e.g. () => env.currentTimeMs(). */
  clock?: () => Promise<number>;
  /** Addresses the server rejects with 550 at RCPT TO. */
  reject?: (address: string) => boolean;
}

export interface TestSmtp {
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** SMTP connections accepted so far (a pooled client reuses them). */
  connections(): number;
  /** Messages accepted while up; attempts while down fail to connect. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  /** Resolves once `n` messages have arrived (wall-clock timeout). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const first = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)?.value[0];

export async function startTestSmtp(opts: TestSmtpOptions = {}): Promise<TestSmtp> {
  const port = await freePort();
  const messages: ReceivedMail[] = [];
  let server: SMTPServer | undefined;
  let connections = 0;

  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 100,
      onConnect(_session, cb) {
        connections++;
        cb();
      },
      onRcptTo(address, _session, cb) {
        if (opts.reject?.(address.address))
          return cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        cb();
      },
      onData(stream, _session, cb) {
        simpleParser(stream)
          .then(async (m) => {
            const to = first(m.to);
            const headers: Record<string, string> = {};
            for (const [k, v] of m.headers) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
            messages.push({
              messageId: m.messageId ?? '',
              to: to?.address ?? '',
              toName: to?.name ?? '',
              from: m.from?.text ?? '',
              subject: m.subject ?? '',
              text: m.text ?? '',
              html: typeof m.html === 'string' ? m.html : '',
              headers,
              receivedAt: Date.now(),
              clockAt: opts.clock ? await opts.clock() : undefined,
            });
            cb();
          })
          .catch((err) => cb(err));
      },
    });

  const start = async () => {
    if (server) return;
    const s = make();
    // A client that vanishes mid-message (a killed worker) is an 'error' on the server: expected, not fatal.
    s.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    server = s;
  };
  const stop = async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await start();

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    connections: () => connections,
    start,
    stop,
    close: stop,
    async waitFor(n, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > deadline)
          throw new Error(
            `expected ${n} messages, got ${messages.length}: ${messages.map((m) => `${m.to} ${m.subject}`).join('; ')}`,
          );
        await new Promise((r) => setTimeout(r, 25));
      }
      return messages;
    },
  };
}
