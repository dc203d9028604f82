// The codec server (Temporal's remote codec protocol): the Temporal Web UI, and the Temporal CLI
// with --codec-endpoint, send the payloads they hold and get them back decrypted (decode) or
// encrypted (encode) with PracticeFlow's key ring. Temporal never holds the keys, so this is the
// only door through which a browser sees plaintext: it needs sign-in (api/access.ts: admin,
// manager and auditor decode; admin and manager encode) and every call is an `audit.accessed`
// entry naming who read how many payloads (45 CFR 164.312(b)).
import { z } from 'zod';
import type { Payload } from '@temporalio/common';
import type { PracticeFlowDataConverter } from '../encryption/data-converter';
import { PayloadDecryptionError } from '../encryption/codec';
import type { PrismaClient } from '../generated/prisma/client';
import { recordAccess } from './access-log';
import { conflict, parseInput, toServiceError } from './errors';

const Base64Schema = z.string().max(4_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
/** A payload in proto3 JSON, as the Web UI sends it: metadata values and data in base64. */
const PayloadJsonSchema = z.looseObject({
  metadata: z.record(z.string().min(1).max(200), Base64Schema).optional(),
  data: Base64Schema.optional(),
});
export const CodecBodySchema = z.object({ payloads: z.array(PayloadJsonSchema).max(1_000, 'must be at most 1000 payloads per call') });
export const CodecResultSchema = z.object({ payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()), data: z.string() })) });
export type CodecResult = z.infer<typeof CodecResultSchema>;

type PayloadJson = z.infer<typeof PayloadJsonSchema>;
const fromJson = (p: PayloadJson): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): CodecResult['payloads'][number] => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export interface CodecServiceOptions {
  prisma: PrismaClient;
  dataConverter: PracticeFlowDataConverter;
}

export class CodecService {
  private readonly prisma: PrismaClient;
  private readonly codec: PracticeFlowDataConverter['payloadCodecs'][0];

  constructor(options: CodecServiceOptions) {
    this.prisma = options.prisma;
    this.codec = options.dataConverter.payloadCodecs[0];
  }

  /** Decrypts; the read is logged first (a decode that cannot be logged answers nothing). */
  async decode(body: unknown, by: string, namespace: string | undefined): Promise<CodecResult> {
    const { payloads } = parseInput(CodecBodySchema, body);
    const decoded = await this.run(() => this.codec.decode(payloads.map(fromJson)));
    await this.log(by, 'decode Temporal payloads', payloads.length, namespace);
    return { payloads: decoded.map(toJson) };
  }

  /** Encrypts what a person types into the Web UI (a signal's or a start's input). */
  async encode(body: unknown, by: string, namespace: string | undefined): Promise<CodecResult> {
    const { payloads } = parseInput(CodecBodySchema, body);
    const encoded = await this.run(() => this.codec.encode(payloads.map(fromJson)));
    await this.log(by, 'encode Temporal payloads', payloads.length, namespace);
    return { payloads: encoded.map(toJson) };
  }

  private async run(code: () => Promise<Payload[]>): Promise<Payload[]> {
    try {
      return await code();
    } catch (err) {
      if (err instanceof PayloadDecryptionError) throw conflict(`payloads: ${err.message}`);
      throw err;
    }
  }

  private async log(by: string, operation: string, count: number, namespace: string | undefined): Promise<void> {
    try {
      await recordAccess(this.prisma, { by, operation, subject: { kind: 'payloads', id: null }, query: { payloads: count, ...(namespace ? { namespace } : {}) }, via: 'codec' });
    } catch (err) {
      throw toServiceError(err, { operation: 'record the codec access' }) ?? err;
    }
  }
}
