/**
 * AES-256-GCM for every payload Temporal stores (inputs, Updates, Signals, results, memos, failure details).
 *
 * An encrypted payload: metadata `encoding: binary/encrypted` and `encryption-key-id: <id>`; data = 12-byte random
 * nonce ‖ ciphertext ‖ 16-byte tag. The plaintext is the whole original Payload (its metadata too, so even the
 * encoding of the value is hidden), prefixed by one byte: 0 as is, 1 deflated. Deflate is used only when it makes
 * the payload smaller; it runs before encryption because ciphertext does not compress. The key id is
 * authenticated as additional data, so a payload cannot be moved under another key's id.
 *
 * Payloads without the encrypted encoding (histories written before encryption) decode as they are.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Keyring } from './keyring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const RAW = 0;
const DEFLATED = 1;
// Below this size deflate's header costs more than it saves.
const MIN_COMPRESS_BYTES = 64;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

export class MissingKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`payload is encrypted with key "${keyId}", which is not configured (PAYLOAD_KEYS or PAYLOAD_KEY_FILE)`);
    this.name = 'MissingKeyError';
  }
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encryptOne(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decryptOne(p));
  }

  encryptOne(payload: Payload): Payload {
    const id = this.keyring.currentId;
    const key = this.keyring.keys.get(id)!;
    const serialized = temporal.api.common.v1.Payload.encode(payload).finish();
    let body: Uint8Array = serialized;
    let format = RAW;
    if (serialized.length >= MIN_COMPRESS_BYTES) {
      const deflated = deflateRawSync(serialized);
      if (deflated.length < serialized.length) [body, format] = [deflated, DEFLATED];
    }
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(id));
    const sealed = Buffer.concat([
      nonce,
      cipher.update(Buffer.from([format])),
      cipher.update(body),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id) },
      data: sealed,
    };
  }

  decryptOne(payload: Payload): Payload {
    if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!id) throw new Error(`encrypted payload without "${KEY_ID_METADATA}" metadata`);
    const key = this.keyring.keys.get(id);
    if (!key) throw new MissingKeyError(id);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < NONCE_BYTES + 1 + TAG_BYTES) throw new Error(`encrypted payload (key "${id}") is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error(`encrypted payload (key "${id}") failed authentication: wrong key or altered data`);
    }
    const body = plain[0] === DEFLATED ? inflateRawSync(plain.subarray(1)) : plain.subarray(1);
    return temporal.api.common.v1.Payload.decode(body) as Payload;
  }
}
