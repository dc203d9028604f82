// The codec endpoint for the Temporal Web UI and CLI (services/codec.ts), joined to the route
// table in ./routes.ts. The UI calls `<endpoint>/decode` and `<endpoint>/encode` from its own
// origin with the signed-in person's cookie (CODEC_CORS_ORIGINS, api/app.ts); the CLI sends an
// API token (`temporal workflow show --codec-endpoint .../api/codec --codec-auth "Bearer pf_..."`).
import { CodecBodySchema, CodecResultSchema } from '../services/codec';
import type { RouteSpec } from './routes';

export const CODEC_PATH = '/api/codec';
/** The header the Web UI names its namespace in. */
const NAMESPACE_HEADER = 'X-Namespace';

const PROTOCOL = "Temporal's remote codec protocol: `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }` in and out.";

export const codecRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: `${CODEC_PATH}/decode`,
    operationId: 'codecDecode',
    summary: 'Decrypt Temporal payloads for the Temporal Web UI or CLI (admin, manager, auditor); every call is recorded in the audit ledger',
    description: `${PROTOCOL} Payloads PracticeFlow did not encrypt come back unchanged. A payload whose key is not in the ring is 409 naming the key.`,
    tag: 'system',
    access: 'read',
    body: CodecBodySchema,
    actorHeader: true,
    result: { status: 200, schema: CodecResultSchema, description: 'The payloads, decrypted' },
    errors: [401, 403, 409],
    handle: ({ codec }, input) => codec.decode(input.body, input.actor!, input.header?.(NAMESPACE_HEADER)),
  },
  {
    method: 'post',
    path: `${CODEC_PATH}/encode`,
    operationId: 'codecEncode',
    summary: 'Encrypt payloads a person enters in the Temporal Web UI (admin, manager); recorded in the audit ledger',
    description: PROTOCOL,
    tag: 'system',
    access: 'write',
    body: CodecBodySchema,
    actorHeader: true,
    result: { status: 200, schema: CodecResultSchema, description: 'The payloads, encrypted with the current key' },
    errors: [401, 403],
    handle: ({ codec }, input) => codec.encode(input.body, input.actor!, input.header?.(NAMESPACE_HEADER)),
  },
];
