/**
 * The payload keys: AES-256 keys by id. New payloads use the newest (the last listed); every listed key still
 * decrypts, so a key is rotated by appending a new one and dropping the old one only after retention has removed
 * every history written with it.
 *
 * Where they come from, first found wins:
 * - PAYLOAD_KEYS: `id=base64key[,id=base64key…]`, newest last;
 * - PAYLOAD_KEY_FILE: a JSON file `{ "keys": [{ "id": "…", "key": "<base64 of 32 bytes>" }] }`, newest last;
 * - development only: `.data/payload-keys.json`, generated once (mode 0600) and never committed.
 * With NODE_ENV=production and neither variable set, nothing starts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export interface Keyring {
  /** The id new payloads are written with. */
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const KeyId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a key id is 1–64 letters, digits, ".", "_" or "-"');
const KeyBytes = z
  .string()
  .transform((s) => Buffer.from(s, 'base64'))
  .refine((b) => b.length === 32, 'a key is 32 bytes, base64-encoded');
const KeyFile = z.object({ keys: z.array(z.object({ id: KeyId, key: KeyBytes })).min(1, 'at least one key') });

export const DEV_KEY_FILE = join(__dirname, '..', '..', '.data', 'payload-keys.json');

function keyringOf(entries: { id: string; key: Buffer }[], source: string): Keyring {
  const keys = new Map<string, Buffer>();
  for (const e of entries) {
    if (keys.has(e.id)) throw new Error(`${source}: key id "${e.id}" is listed twice`);
    keys.set(e.id, e.key);
  }
  return { currentId: entries[entries.length - 1].id, keys };
}

function firstIssue(err: z.ZodError): string {
  const i = err.issues[0];
  return `${i.path.join('.') || 'value'}: ${i.message}`;
}

/** Parses PAYLOAD_KEYS (`id=base64,id=base64`, newest last). */
export function parseKeyList(raw: string): Keyring {
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair, i) => {
      const eq = pair.indexOf('=');
      if (eq < 1) throw new Error(`PAYLOAD_KEYS: entry ${i + 1} is not "id=base64key"`);
      const parsed = z
        .object({ id: KeyId, key: KeyBytes })
        .safeParse({ id: pair.slice(0, eq), key: pair.slice(eq + 1) });
      if (!parsed.success) throw new Error(`PAYLOAD_KEYS: entry ${i + 1}, ${firstIssue(parsed.error)}`);
      return parsed.data;
    });
  if (entries.length === 0) throw new Error('PAYLOAD_KEYS: no key given');
  return keyringOf(entries, 'PAYLOAD_KEYS');
}

export function readKeyFile(path: string): Keyring {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`PAYLOAD_KEY_FILE ${path}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = KeyFile.safeParse(json);
  if (!parsed.success) throw new Error(`PAYLOAD_KEY_FILE ${path}: ${firstIssue(parsed.error)}`);
  return keyringOf(parsed.data.keys, `PAYLOAD_KEY_FILE ${path}`);
}

/**
 * A new key file with one random key (development). Written aside, then linked into place, so a second process
 * never reads a half-written file; if the file already exists this throws EEXIST.
 */
export function writeNewKeyFile(path: string, id = `dev-${new Date().toISOString().slice(0, 10)}`): void {
  mkdirSync(dirname(path), { recursive: true });
  const body = { keys: [{ id, key: randomBytes(32).toString('base64') }] };
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
  try {
    linkSync(aside, path);
  } finally {
    unlinkSync(aside);
  }
}

/** The keyring from the environment; see the file comment for the order. */
export function keyringFromEnv(env: NodeJS.ProcessEnv = process.env): Keyring {
  if (env.PAYLOAD_KEYS) return parseKeyList(env.PAYLOAD_KEYS);
  if (env.PAYLOAD_KEY_FILE) return readKeyFile(env.PAYLOAD_KEY_FILE);
  if (env.NODE_ENV === 'production')
    throw new Error('No payload key: set PAYLOAD_KEYS or PAYLOAD_KEY_FILE (production never generates one)');
  if (!existsSync(DEV_KEY_FILE)) {
    try {
      writeNewKeyFile(DEV_KEY_FILE);
    } catch (err) {
      // Another process of the same stack made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return readKeyFile(DEV_KEY_FILE);
}
