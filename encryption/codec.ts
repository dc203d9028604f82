// Every payload PracticeFlow hands to Temporal is encrypted here first: workflow and activity
// inputs and results, Update and signal arguments, query answers, schedule arguments, and (with
// the failure converter in ./data-converter.ts) error messages and stack traces. Temporal, the
// Temporal Web UI and anyone who can read its database see ciphertext only; patient data stays
// inside PracticeFlow (45 CFR 164.312(a)(2)(iv) encryption, 164.312(e)(2)(ii) in transit).
//
// AES-256-GCM with a fresh 96-bit nonce per payload; the key id travels in the payload's
// metadata so any key of the ring can decrypt, and is bound as additional authenticated data so
// a payload cannot be relabelled. Payloads that are not encrypted (histories written before
// encryption, the server's own) pass through unchanged, so running flows go on and committed
// histories still replay.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { KeyRing } from './key-ring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
// CommonJS package: its namespace is the default export under Node's ESM loader.
const { Payload: PayloadProto } = proto.temporal.api.common.v1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined): string | undefined => (b ? new TextDecoder().decode(b) : undefined);

/** A payload that cannot be decrypted: its key is not in the ring, or it was altered. */
export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

export const isEncrypted = (payload: Payload): boolean => text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: KeyRing) {}

  /** The id of the key that encrypts new payloads. */
  get keyId(): string {
    return this.ring.primary.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.ring.primary;
    return payloads.map((payload) => {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(id, 'utf8'));
      const plain = PayloadProto.encode(payload).finish();
      const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.open(payload) : payload));
  }

  private open(payload: Payload): Payload {
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!id) throw new PayloadDecryptionError(`an encrypted payload has no ${KEY_ID_METADATA}`);
    const entry = this.ring.byId.get(id);
    if (!entry) throw new PayloadDecryptionError(`a payload is encrypted with key "${id}", which is not in PAYLOAD_ENCRYPTION_KEYS (keep retired keys in the ring while their data is kept)`);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < NONCE_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`a payload encrypted with key "${id}" is truncated`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, data.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(id, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return PayloadProto.decode(plain);
    } catch (err) {
      throw new PayloadDecryptionError(`a payload encrypted with key "${id}" does not decrypt (altered, or a different key with the same id): ${(err as Error).message}`);
    }
  }
}
