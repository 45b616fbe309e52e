/** The console's settings, from the environment, validated once at start. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const ROOT = join(__dirname, '..');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_BASE_URL: z.url().optional(),
  /** 32 bytes as 64 hex characters; without it a development key is made once under .data/. */
  SESSION_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (32 bytes)')
    .optional(),
  SESSION_KEY_FILE: z.string().optional(),
  /** Sign-in links live at most 10 minutes (OWASP ASVS 2.7.2). */
  SIGN_IN_TTL_SECONDS: z.coerce.number().int().min(1).max(600).default(600),
  /** How long a page waits for Temporal before answering "系统繁忙". */
  ACTION_DEADLINE_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
  CAMPAIGN_YEAR: z.coerce.number().int().min(2000).max(2100).optional(),
  /** Origins whose pages may call /codec with the session cookie: the Temporal Web UI's (comma-separated). */
  CODEC_ALLOWED_ORIGINS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url()))
    .optional(),
});

export interface WebConfig {
  port: number;
  host: string;
  publicBaseUrl: string;
  sessionKey: Buffer;
  signInTtlMs: number;
  actionDeadlineMs: number;
  /** The campaign shown; default: the running campaign with the highest year. */
  campaignYear?: number;
  /** Secure cookies when the public address is https. */
  secureCookies: boolean;
  /** The Temporal Web UI's origins, allowed to call /codec with credentials; default the dev server's UI. */
  codecAllowedOrigins: string[];
}

/** The development key: generated once, kept in .data/ (git-ignored), never committed. */
function devSessionKey(file: string): Buffer {
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}

export function loadWebConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<WebConfig> = {}): WebConfig {
  // An empty variable (e.g. docker-compose's `${SESSION_KEY:-}`) means unset.
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success)
    throw new Error(`web config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  const port = overrides.port ?? e.PORT;
  const host = overrides.host ?? e.HOST;
  const publicBaseUrl = (overrides.publicBaseUrl ?? e.PUBLIC_BASE_URL ?? `http://${host}:${port}`).replace(/\/+$/, '');
  const sessionKey =
    overrides.sessionKey ??
    (e.SESSION_KEY
      ? Buffer.from(e.SESSION_KEY, 'hex')
      : devSessionKey(e.SESSION_KEY_FILE ?? join(ROOT, '.data', 'web-session.key')));
  if (sessionKey.length !== 32) throw new Error('web config: the session key must be 32 bytes');
  return {
    port,
    host,
    publicBaseUrl,
    sessionKey,
    signInTtlMs: overrides.signInTtlMs ?? e.SIGN_IN_TTL_SECONDS * 1000,
    actionDeadlineMs: overrides.actionDeadlineMs ?? e.ACTION_DEADLINE_MS,
    campaignYear: overrides.campaignYear ?? e.CAMPAIGN_YEAR,
    secureCookies: publicBaseUrl.startsWith('https:'),
    codecAllowedOrigins: overrides.codecAllowedOrigins ??
      e.CODEC_ALLOWED_ORIGINS ?? ['http://127.0.0.1:8233', 'http://localhost:8233'],
  };
}
