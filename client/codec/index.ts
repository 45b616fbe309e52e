/** The data converter every worker, client, replay and test uses: encrypted payloads and failure details. */
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';
import { keyringFromEnv, type Keyring } from './keyring';

// The project runs from its TypeScript sources (tsx, vitest, the worker's bundler), never from compiled files.
export const FAILURE_CONVERTER_PATH = join(__dirname, 'failure-converter.ts');

export function dataConverter(keyring: Keyring = keyringFromEnv()): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

export { EncryptionCodec, MissingKeyError, ENCRYPTED_ENCODING, KEY_ID_METADATA } from './encryption-codec';
export { keyringFromEnv, parseKeyList, readKeyFile, type Keyring } from './keyring';
