// A Temporal history as JSON (historyToJSON, what `temporal workflow show --output json` writes)
// with its encrypted payloads decrypted, for the auditor's export: the result is still Temporal's
// JSON, so it replays without the keys. Payloads are found by shape ({ metadata, data } with an
// `encoding` in the metadata) wherever the history holds them: inputs, results, Update and signal
// arguments, failures' encoded attributes, headers.
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { isEncrypted } from './codec';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPayloadJson(value: { [key: string]: Json }): value is { metadata: Record<string, string>; data?: string } {
  const metadata = value.metadata;
  return (
    metadata !== null &&
    typeof metadata === 'object' &&
    !Array.isArray(metadata) &&
    typeof metadata[METADATA_ENCODING_KEY] === 'string' &&
    Object.values(metadata).every((v) => typeof v === 'string') &&
    (value.data === undefined || typeof value.data === 'string')
  );
}

const fromJson = (p: { metadata: Record<string, string>; data?: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): { metadata: Record<string, string>; data: string } => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** The history with every encrypted payload decrypted, and how many there were. */
export async function decodeHistoryJson(history: unknown, codec: PayloadCodec): Promise<{ history: unknown; decoded: number }> {
  let decoded = 0;
  const walk = async (value: Json): Promise<Json> => {
    if (Array.isArray(value)) return Promise.all(value.map(walk));
    if (value === null || typeof value !== 'object') return value;
    if (isPayloadJson(value)) {
      const payload = fromJson(value);
      if (!isEncrypted(payload)) return value;
      const [plain] = await codec.decode([payload]);
      decoded += 1;
      return { ...value, ...toJson(plain!) };
    }
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) out[k] = await walk(v);
    return out;
  };
  const result = await walk(history as Json);
  return { history: result, decoded };
}
