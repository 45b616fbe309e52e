/**
 * Stamped scans attached to public objections: at most 5 MB, so not in a Temporal payload (2 MB limit). Each is a file
 * of its own under OBJECTION_SCAN_DIR (default .data/objection-scans/, git-ignored), encrypted with the newest payload
 * key (AES-256-GCM, as client/codec/), named by a random id that the objection's workflow holds. The file's type is
 * decided by its first bytes, never by its name or the browser's word.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { keyringFromEnv, type Keyring } from '../client/codec';
import { ROOT } from './config';

export const MAX_SCAN_BYTES = 5 * 1024 * 1024;
export type ScanType = 'pdf' | 'jpeg' | 'png';
export const SCAN_MIME: Record<ScanType, string> = { pdf: 'application/pdf', jpeg: 'image/jpeg', png: 'image/png' };
const TYPES: ScanType[] = ['pdf', 'jpeg', 'png'];
const MAGIC = Buffer.from('RMSCAN1\n');
const ID = /^[0-9a-f]{32}$/;

/** PDF "%PDF-", PNG's 8-byte signature, JPEG's SOI + marker (FF D8 FF). */
export function scanTypeOf(data: Buffer): ScanType | undefined {
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  return undefined;
}

export interface ScanStore {
  save(data: Buffer, type: ScanType): string;
  read(id: string): { type: ScanType; data: Buffer } | undefined;
  remove(id: string): void;
}

/** File layout: MAGIC ‖ key-id length (1 byte) ‖ key id ‖ nonce (12) ‖ ciphertext of (type byte ‖ data) ‖ tag (16); AAD = key id ‖ scan id. */
export function createScanStore(
  dir = process.env.OBJECTION_SCAN_DIR || join(ROOT, '.data', 'objection-scans'),
  keyring: Keyring = keyringFromEnv(),
): ScanStore {
  const path = (id: string) => join(dir, `${id}.scan`);
  return {
    save(data, type) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const id = randomBytes(16).toString('hex');
      const keyId = Buffer.from(keyring.currentId);
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyring.keys.get(keyring.currentId)!, nonce);
      cipher.setAAD(Buffer.concat([keyId, Buffer.from(id)]));
      const body = Buffer.concat([
        cipher.update(Buffer.from([TYPES.indexOf(type)])),
        cipher.update(data),
        cipher.final(),
      ]);
      const aside = `${path(id)}.${process.pid}.tmp`;
      writeFileSync(
        aside,
        Buffer.concat([MAGIC, Buffer.from([keyId.length]), keyId, nonce, body, cipher.getAuthTag()]),
        { mode: 0o600 },
      );
      renameSync(aside, path(id));
      return id;
    },
    read(id) {
      if (!ID.test(id)) return undefined;
      let file: Buffer;
      try {
        file = readFileSync(path(id));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      if (!file.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`scan ${id}: not a scan file`);
      const idLen = file[MAGIC.length];
      const keyId = file.subarray(MAGIC.length + 1, MAGIC.length + 1 + idLen);
      const key = keyring.keys.get(keyId.toString());
      if (!key) throw new Error(`scan ${id}: encrypted with key "${keyId}", which is not configured`);
      const start = MAGIC.length + 1 + idLen;
      const decipher = createDecipheriv('aes-256-gcm', key, file.subarray(start, start + 12));
      decipher.setAAD(Buffer.concat([keyId, Buffer.from(id)]));
      decipher.setAuthTag(file.subarray(file.length - 16));
      const plain = Buffer.concat([decipher.update(file.subarray(start + 12, file.length - 16)), decipher.final()]);
      return { type: TYPES[plain[0]], data: plain.subarray(1) };
    },
    remove(id) {
      if (ID.test(id)) rmSync(path(id), { force: true });
    },
  };
}
