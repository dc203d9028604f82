// The payload codec and its keys (encryption/): AES-256-GCM per payload with the key id in the
// metadata; rotation (the first key encrypts, every key decrypts); plaintext from before
// encryption passes through; tampering, a relabelled key id and a missing key are refused by
// name; failures' messages and stacks are encoded, then encrypted; the key ring is validated by
// the env schema and required in production.
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ConfigError, keyRingOf, loadConfig } from '../../config/env';
import { EncryptionCodec, KEY_ID_METADATA, PayloadDecryptionError } from '../../encryption/codec';
import { generateKeyEntry, keyRingFrom, parseKeyRing } from '../../encryption/key-ring';
import { createRequire } from 'node:module';
import { FAILURE_CONVERTER_PATH } from '../../encryption/data-converter';
import { ApplicationFailure, type FailureConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const text = (b: Uint8Array | null | undefined) => new TextDecoder().decode(b ?? new Uint8Array());
const OLD = generateKeyEntry(new Date('2025-01-01T00:00:00Z'));
const NEW = generateKeyEntry(new Date('2026-12-01T00:00:00Z'));
const payload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value)!;

describe('the payload codec', () => {
  it('encrypts with the first key, names it in the metadata, and decrypts back exactly', async () => {
    const codec = new EncryptionCodec(keyRingFrom(`${NEW},${OLD}`));
    const original = payload({ patientRef: 'mrn-001234', note: 'Jane Doe, dx E11.9' });
    const [sealed] = await codec.encode([original]);
    expect(text(sealed!.metadata![METADATA_ENCODING_KEY])).toBe('binary/encrypted');
    expect(text(sealed!.metadata![KEY_ID_METADATA])).toBe(NEW.split(':')[0]);
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toMatch(/mrn-001234|Jane|E11\.9|json\/plain/);
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual({ patientRef: 'mrn-001234', note: 'Jane Doe, dx E11.9' });
    // A fresh nonce per payload: the same value twice is two different ciphertexts.
    const [again] = await codec.encode([original]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(sealed!.data!))).toBe(false);
  });

  it('rotates: payloads sealed with an older key still open once a new key comes first', async () => {
    const [old] = await new EncryptionCodec(keyRingFrom(OLD)).encode([payload('before rotation')]);
    const rotated = new EncryptionCodec(keyRingFrom(`${NEW},${OLD}`));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toBe('before rotation');
    await expect(new EncryptionCodec(keyRingFrom(NEW)).decode([old!])).rejects.toThrow(/encrypted with key "k20250101-000000", which is not in PAYLOAD_ENCRYPTION_KEYS/);
  });

  it('passes plaintext payloads from before encryption through unchanged', async () => {
    const codec = new EncryptionCodec(keyRingFrom(NEW));
    const plain = payload({ written: 'before encryption' });
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('refuses a tampered payload and one relabelled with another key id', async () => {
    const ring = keyRingFrom(`${NEW},${OLD}`);
    const codec = new EncryptionCodec(ring);
    const [sealed] = await codec.encode([payload('amount 450')]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...sealed!, data: flipped }])).rejects.toBeInstanceOf(PayloadDecryptionError);
    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: new TextEncoder().encode(OLD.split(':')[0]) } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/does not decrypt/);
    await expect(codec.decode([{ ...sealed!, data: flipped.subarray(0, 10) }])).rejects.toThrow(/truncated/);
  });

  it('keeps a failure message and stack out of plaintext: encoded by the failure converter, then encrypted', async () => {
    const { failureConverter } = createRequire(import.meta.url)(FAILURE_CONVERTER_PATH) as { failureConverter: FailureConverter };
    const failure = failureConverter.errorToFailure(ApplicationFailure.nonRetryable('lateReason: Jane Doe was out sick'), defaultPayloadConverter);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    const codec = new EncryptionCodec(keyRingFrom(NEW));
    const [sealed] = await codec.encode([failure.encodedAttributes!]);
    const bytes = Buffer.from(temporal.api.common.v1.Payload.encode(sealed!).finish()).toString('latin1');
    expect(bytes).not.toContain('Jane Doe');
    const restored = failureConverter.failureToError({ ...failure, encodedAttributes: (await codec.decode([sealed!]))[0] }, defaultPayloadConverter);
    expect(restored.message).toBe('lateReason: Jane Doe was out sick');
  });
});

describe('the key ring in configuration', () => {
  it('parses id:base64 entries, first encrypts', () => {
    const parsed = parseKeyRing(` ${NEW} , ${OLD} `);
    expect('ring' in parsed && parsed.ring.primary.id).toBe(NEW.split(':')[0]);
    expect('ring' in parsed && [...parsed.ring.byId.keys()]).toEqual([NEW.split(':')[0], OLD.split(':')[0]]);
  });

  it.each([
    ['', /at least one key/],
    ['nocolon', /entry 1: must be id:base64key/],
    ['bad id!:AAAA', /entry 1: the key id must be/],
    [`k1:${Buffer.alloc(16).toString('base64')}`, /entry 1 \(k1\): the key must be 32 bytes \(256 bits\), not 16/],
    [`k1:${Buffer.alloc(32).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`, /entry 2: the key id k1 is used twice/],
    ['k1:not base64 at all', /entry 1 \(k1\): the key must be base64/],
  ])('refuses %j, naming the variable and the entry, never the key', (value, message) => {
    const attempt = () => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: value || ',' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      const problems = (err as ConfigError).problems;
      expect(problems.every((p) => p.variable === 'PAYLOAD_ENCRYPTION_KEYS')).toBe(true);
      expect(problems.map((p) => p.message).join('\n')).toMatch(message);
      expect((err as Error).message).not.toContain(Buffer.alloc(32, 1).toString('base64'));
    }
  });

  it('is required in production, and read from the development key file elsewhere', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', WORKFLOW_BUNDLE_PATH: '/b.js' })).toThrow(/PAYLOAD_ENCRYPTION_KEYS: is required when NODE_ENV=production/);
    expect(keyRingOf(loadConfig({ NODE_ENV: 'production', WORKFLOW_BUNDLE_PATH: '/b.js', PAYLOAD_ENCRYPTION_KEYS: NEW })).primary.id).toBe(NEW.split(':')[0]);
    // No variable and no development key file: the process stops naming the variable.
    expect(() => keyRingOf(loadConfig({ PRACTICEFLOW_DATA_DIR: '/nonexistent-practiceflow-data' }))).toThrow(/PAYLOAD_ENCRYPTION_KEYS: is required/);
  });
});
