// The OpenAPI 3.1 document, generated from the route table and the zod schemas the service
// validates with (z.toJSONSchema): nothing here is written by hand but the prose.
import { z } from 'zod';
import { ErrorBodySchema } from '../services/schemas';
import { accessOf } from './access';
import { IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_MAX } from '../services/idempotency';
import { ACTOR_HEADER, routes, type RouteSpec } from './routes';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');
const pathParams = (path: string): string[] => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);

const PARAM_DESCRIPTIONS: Record<string, string> = {
  flowId: 'Flow id, e.g. onboarding-h-1042',
  taskKey: 'Task key, e.g. i9_section2',
  credentialId: 'Credential id, e.g. dea-p77',
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  401: 'Nobody is signed in, the API token is not valid, or the session ended (inactivity, sign-out)',
  403: "The signed-in user's role may not do this, `by` or the actor header names someone else, or a request with the session cookie comes from another origin or is not JSON",
  400: 'Bad input: malformed JSON, a body that is not an object, or fields that fail validation (each named in `problems`)',
  413: 'The body is larger than this route takes',
  404: 'Unknown flow or task',
  409: 'Conflicts with the current state: task already completed, hire already started, flow closed',
  429: 'Sign-in is locked for a while after repeated failures: try again after Retry-After seconds',
  503: 'Temporal or the database cannot be reached',
};

/**
 * Every status a route can answer besides its result, derived from what the app does to every
 * request (api/app.ts, api/access.ts, api/browser-guard.ts) rather than listed by hand per route:
 *   400, 503  any route (bad input; Temporal or the database down)
 *   401       every route that needs sign-in
 *   403       every route a role may be refused (not public or self), every POST (the browser guard
 *             refuses a cookie request from another origin or without JSON), every route that
 *             takes an actor (`by` or the actor header naming someone else)
 *   413       every route that takes a body (over its size limit)
 * plus what the route itself declares (404, 409, 429, and 401/403 where a public route answers them).
 */
export function documentedStatuses(route: RouteSpec): number[] {
  const access = accessOf(route);
  const statuses = new Set<number>([400, ...route.errors, 503]);
  if (access !== 'public') statuses.add(401);
  if ((access !== 'public' && access !== 'self') || route.method === 'post' || route.actorHeader) statuses.add(403);
  if (route.body || route.document) statuses.add(413);
  return [...statuses].sort((a, b) => a - b);
}

/** The result's media types: JSON, and with download=1 the export file itself. */
function resultContent(route: RouteSpec): JsonSchema {
  const content: JsonSchema = { 'application/json': { schema: jsonSchema(route.result.schema, 'output') } };
  if (route.downloadable) {
    content['text/csv'] = { schema: { type: 'string', description: 'download=1 of a CSV export: the file itself' } };
    content['text/html'] = { schema: { type: 'string', description: 'download=1 of an HTML report: the file itself' } };
  }
  return content;
}

function operation(route: RouteSpec): JsonSchema {
  const parameters: JsonSchema[] = pathParams(route.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    description: PARAM_DESCRIPTIONS[name],
    schema: { type: 'string' },
  }));
  if (route.query) {
    const query = jsonSchema(route.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
    }
  }
  if (route.downloadable) {
    parameters.push({ name: 'download', in: 'query', required: false, description: '1: send the file itself (Content-Disposition: attachment) instead of JSON', schema: { type: 'string', enum: ['1'] } });
  }
  if (route.actorHeader) {
    parameters.push({
      name: ACTOR_HEADER,
      in: 'header',
      required: false,
      description: 'Who is acting, recorded in the flow and the audit ledger: when sent, it must name the signed-in user (403 otherwise); absent, the signed-in user is the actor.',
      schema: { type: 'string', minLength: 3, maxLength: 200 },
    });
  }
  if (route.idempotent) {
    parameters.push({
      name: IDEMPOTENCY_HEADER,
      in: 'header',
      required: false,
      description:
        'A random value (such as a UUID) naming this change: a retry with the same key is applied once and answers what the first request answered, ' +
        'within the flow\'s current run. Never patient information (Temporal shows it as the Update id).',
      schema: { type: 'string', pattern: `^[A-Za-z0-9._:-]{1,${IDEMPOTENCY_KEY_MAX}}$`, maxLength: IDEMPOTENCY_KEY_MAX },
    });
  }
  const errorResponses = Object.fromEntries(
    documentedStatuses(route).map((status) => [
      String(status),
      {
        description: route.errorDescriptions?.[status as 400 | 401 | 403 | 404 | 409 | 429] ?? ERROR_DESCRIPTIONS[status],
        ...(status === 429 ? { headers: { 'Retry-After': { description: 'Seconds until sign-in may be tried again', schema: { type: 'integer', minimum: 1 } } } } : {}),
        // Health answers 503 with its own body (which part is down), not an error.
        content: status === 503 && route.statusOf ? resultContent(route) : { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
  const content: JsonSchema = {};
  if (route.body) content['application/json'] = { schema: jsonSchema(route.body, 'input') };
  if (route.csvBody) content['text/csv'] = { schema: { type: 'string', description: 'The CSV file itself (UTF-8, header row first)' } };
  if (route.document) {
    content['application/json'] = { schema: { description: `The JSON export document itself, or { content } with its text (at most ${route.document.maxBodyBytes} bytes)` } };
    content['text/csv'] = { schema: { type: 'string', description: 'The CSV export itself' } };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    // Health and sign-in need no credentials.
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content } } : {}),
    responses: {
      [String(route.result.status)]: { description: route.result.description, content: resultContent(route) },
      ...errorResponses,
    },
  };
}

export function openApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {
    '/api/openapi.json': {
      get: { operationId: 'openApi', summary: 'This document', tags: ['system'], responses: { '200': { description: 'OpenAPI 3.1 document' } } },
    },
  };
  for (const route of routes) (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'PracticeFlow API',
      version: '0.1.0',
      description:
        'Start and steer compliance flows (new-hire onboarding, provider credentials). JSON, and CSV for credential import. Every error is `{ "error": { "type", "message", "problems": [{ "path", "message" }] } }`. ' +
        'Every route but health, this document and sign-in needs a signed-in user: `Authorization: Bearer <API token>` or the session cookie from POST /api/session ' +
        '(401 without; 403 when the role may not: auditors read only, staff reach only their own tasks, users and tokens are for admins). Every change is recorded under the signed-in user.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [
      { name: 'onboarding', description: 'New-hire onboarding' },
      { name: 'flows', description: 'Any flow' },
      { name: 'tasks', description: "A flow's tasks" },
      { name: 'credentials', description: 'Provider credentials: licenses, DEA, board certification, CAQH, payers, privileges' },
      { name: 'prior-auth', description: 'Prior authorizations: payer decision clocks, denials, peer-to-peer' },
      { name: 'appeals', description: 'Claim appeals: filing windows per level, letters, decisions' },
      { name: 'worklists', description: 'Billing worklists and payer metrics' },
      { name: 'audit', description: "The auditor's record: timelines, queries, exports, verification, replay, retention" },
      { name: 'osha', description: 'OSHA and fire safety: sites, schedules, drills, inspections, trainings, the sharps injury log' },
      { name: 'auth', description: 'Sign-in, users, API tokens, your calendar feed' },
      { name: 'system', description: 'Health and this document' },
    ],
    paths,
    components: {
      schemas: { Error: jsonSchema(ErrorBodySchema, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (POST /api/tokens, `practiceflow token create`)' },
        session: { type: 'apiKey', in: 'cookie', name: 'practiceflow_session', description: 'The signed session cookie from POST /api/session' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
  };
}
