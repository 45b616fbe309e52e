/**
 * The benchmark's SMTP server (smtp-server, in the bench process, 127.0.0.1, free port): accepts every
 * message, keeps only its arrival time and size, and discards the body. The worker always needs one:
 * the campaign sends notices and reminders whatever the options; with --emails the bench also makes
 * every application send its paper-form reminders and reports the rate.
 */
import { SMTPServer } from 'smtp-server';
import { freePort } from '../scripts/dev-server';

export interface SmtpSink {
  url: string;
  /** Wall-clock receipt time of each message, in order. */
  received: number[];
  bytes: number;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const port = await freePort();
  const received: number[] = [];
  const sink = { bytes: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 100,
    // A pooled client keeps its connections; do not cut them off while the benchmark runs.
    socketTimeout: 10 * 60_000,
    onData(stream, _session, callback) {
      stream.on('data', (chunk: Buffer) => (sink.bytes += chunk.length));
      stream.on('end', () => {
        received.push(Date.now());
        callback();
      });
    },
  });
  server.on('error', () => undefined); // a worker's connection cut off mid-message is not fatal here
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    get bytes() {
      return sink.bytes;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Emails per second while mail is flowing: receipts are grouped into bursts (gaps under `gapMs`), and
 * the rate is the messages of bursts of at least `minBurst` over their summed duration.
 */
export function mailRate(
  received: number[],
  gapMs = 1_000,
  minBurst = 20,
): { bursts: { at: number; count: number; seconds: number }[]; perSecond: number | null } {
  const bursts: { at: number; count: number; seconds: number }[] = [];
  let start = 0;
  for (let i = 1; i <= received.length; i++) {
    if (i === received.length || received[i] - received[i - 1] > gapMs) {
      if (i > start)
        bursts.push({ at: received[start], count: i - start, seconds: (received[i - 1] - received[start]) / 1000 });
      start = i;
    }
  }
  const big = bursts.filter((b) => b.count >= minBurst && b.seconds > 0);
  const n = big.reduce((a, b) => a + b.count, 0);
  const s = big.reduce((a, b) => a + b.seconds, 0);
  return { bursts, perSecond: s > 0 ? n / s : null };
}
