/**
 * The payload codec on its own: what an encrypted payload looks like, compression, key rotation, and the errors a
 * person meets when a key is missing or malformed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, MissingKeyError, keyringFromEnv, parseKeyList, readKeyFile } from '../client/codec';

const key = () => randomBytes(32).toString('base64');
const objection = { name: '张三', contact: '13800000000', grounds: '该小区业委会换届选举程序存在问题。'.repeat(20) };
const payload = defaultPayloadConverter.toPayload(objection);

describe('the payload codec', () => {
  const A = key();
  const B = key();

  it('encrypts: nothing of the value, its size class aside, is readable', async () => {
    const codec = new EncryptionCodec(parseKeyList(`a=${A}`));
    const [sealed] = await codec.encode([payload]);
    const bytes = Buffer.from(sealed.data!);
    for (const needle of ['13800000000', '张三', 'json/plain', '换届'])
      expect(bytes.includes(Buffer.from(needle)) || bytes.toString('base64').includes(needle)).toBe(false);
    expect(Buffer.from(sealed.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(sealed.metadata!['encryption-key-id']!).toString()).toBe('a');
    const [opened] = await codec.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual(objection);
  });

  it('compresses before encrypting when that is smaller, and uses a fresh nonce each time', async () => {
    const codec = new EncryptionCodec(parseKeyList(`a=${A}`));
    const [one, two] = await codec.encode([payload, payload]);
    expect(one.data!.length).toBeLessThan(payload.data!.length);
    expect(Buffer.from(one.data!).equals(Buffer.from(two.data!))).toBe(false);
  });

  it('rotates: payloads written with the old key still open once a newer key is current', async () => {
    const [old] = await new EncryptionCodec(parseKeyList(`a=${A}`)).encode([payload]);
    const rotated = new EncryptionCodec(parseKeyList(`a=${A},b=${B}`));
    const [fresh] = await rotated.encode([payload]);
    expect(Buffer.from(fresh.metadata!['encryption-key-id']!).toString()).toBe('b');
    expect((await rotated.decode([old, fresh])).map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      objection,
      objection,
    ]);
  });

  it('names the key id when the key is missing, and refuses altered data', async () => {
    const [sealed] = await new EncryptionCodec(parseKeyList(`a=${A}`)).encode([payload]);
    const other = new EncryptionCodec(parseKeyList(`b=${B}`));
    await expect(other.decode([sealed])).rejects.toThrow(MissingKeyError);
    await expect(other.decode([sealed])).rejects.toThrow(/key "a", which is not configured/);
    const tampered = { ...sealed, data: Buffer.from(sealed.data!).fill(0, 20, 24) };
    await expect(new EncryptionCodec(parseKeyList(`a=${A}`)).decode([tampered])).rejects.toThrow(
      /failed authentication/,
    );
  });

  it('passes payloads written before encryption through unchanged', async () => {
    const codec = new EncryptionCodec(parseKeyList(`a=${A}`));
    expect(await codec.decode([payload])).toEqual([payload]);
  });
});

describe('the keys', () => {
  it('are read from PAYLOAD_KEYS or a key file, newest last, with errors that name the entry', () => {
    expect(parseKeyList(`old=${key()}, new=${key()}`).currentId).toBe('new');
    expect(() => parseKeyList(`a=${key().slice(0, 20)}`)).toThrow(/PAYLOAD_KEYS: entry 1, key: a key is 32 bytes/);
    expect(() => parseKeyList('justakey')).toThrow(/entry 1 is not "id=base64key"/);
    expect(() => parseKeyList(`a=${key()},a=${key()}`)).toThrow(/"a" is listed twice/);
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    const file = join(dir, 'keys.json');
    writeFileSync(
      file,
      JSON.stringify({
        keys: [
          { id: 'k1', key: key() },
          { id: 'k2', key: key() },
        ],
      }),
    );
    expect(readKeyFile(file).currentId).toBe('k2');
    writeFileSync(file, JSON.stringify({ keys: [] }));
    expect(() => readKeyFile(file)).toThrow(/keys: at least one key/);
  });

  it('are required in production', () => {
    expect(() => keyringFromEnv({ NODE_ENV: 'production' })).toThrow(/set PAYLOAD_KEYS or PAYLOAD_KEY_FILE/);
  });
});

describe('the history search the privacy tests rely on', () => {
  it('finds text as is and inside base64, and nothing else', async () => {
    const { plaintextHits } = await import('./plaintext');
    const history = {
      events: [
        { input: { payloads: [{ data: Buffer.from('{"name":"张三"}').toString('base64') }] } },
        { note: '13800000000' },
      ],
    };
    expect(plaintextHits(history, ['张三', '13800000000', '李四'])).toEqual([
      '$.events[0].input.payloads[0].data: 张三',
      '$.events[1].note: 13800000000',
    ]);
  });
});

describe('log redaction', () => {
  it('hides email addresses and mobile numbers in text from outside', async () => {
    const { redactContacts } = await import('../domain/redact');
    expect(redactContacts('550 5.1.1 <zhang.san@example.cn>: Recipient address rejected')).toBe(
      '550 5.1.1 <***@***>: Recipient address rejected',
    );
    expect(redactContacts('call +86 13800000000 or 13912345678; ref 2023000000001')).toBe(
      'call *********** or ***********; ref 2023000000001',
    );
  });
});
