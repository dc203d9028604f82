// The OpenAPI document lists 401, 403 and 409 wherever they can occur (issue 17, item 6), so that
// a client generated from it handles them. Checked here over the route table, from what the app
// does to every request (api/access.ts, api/browser-guard.ts); what the API actually answered
// under fuzzing is checked against the same document by test/api/fuzz.test.ts.
import { describe, expect, it } from 'vitest';
import { accessOf } from '../../api/access';
import { openApiDocument } from '../../api/openapi';
import { routes, type RouteSpec } from '../../api/routes';

type Operation = { responses: Record<string, { content?: Record<string, unknown> }>; security?: unknown[] };
const document = openApiDocument() as { paths: Record<string, Record<string, Operation>> };
const operationOf = (route: RouteSpec): Operation => document.paths[route.path.replace(/:(\w+)/g, '{$1}')]![route.method]!;
const listed = (route: RouteSpec): number[] => Object.keys(operationOf(route).responses).map(Number);
const name = (route: RouteSpec): string => `${route.method.toUpperCase()} ${route.path}`;
/** Whether the body has a `by` (who acts), as the document shows it. */
const takesBy = (route: RouteSpec): boolean => {
  const schema = (operationOf(route) as { requestBody?: { content: Record<string, { schema?: { properties?: object } }> } }).requestBody?.content['application/json']?.schema;
  return schema?.properties !== undefined && 'by' in schema.properties;
};

/** Routes whose path names a flow or the record a flow keeps (which may have ended, or been retired). */
const FLOW_PARAMS = /:(flowId|credentialId|authorizationId|appealId|siteId)\b/;

describe('the statuses the OpenAPI document lists', () => {
  it('has every route of the table, and no other', () => {
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(['GET /api/openapi.json', ...routes.map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`)].sort());
  });

  it('lists 401 on every route that needs sign-in, and no security on the public ones', () => {
    for (const route of routes) {
      const isPublic = accessOf(route) === 'public';
      expect(operationOf(route).security, name(route)).toEqual(isPublic ? [] : undefined);
      if (!isPublic) expect(listed(route), name(route)).toContain(401);
    }
  });

  it('lists 403 where a role may be refused, on every POST (the browser guard) and wherever an actor is named', () => {
    for (const route of routes) {
      const access = accessOf(route);
      const namesActor = route.actorHeader === true || takesBy(route);
      if ((access !== 'public' && access !== 'self') || route.method === 'post' || namesActor) expect(listed(route), name(route)).toContain(403);
    }
  });

  it('lists 409 on every route that creates something once and every route that changes a flow', () => {
    for (const route of routes) {
      const creates = accessOf(route) !== 'read' && route.result.status === 201;
      const changesFlow = route.method === 'post' && accessOf(route) === 'write' && route.tag !== 'audit' && FLOW_PARAMS.test(route.path);
      if (creates || changesFlow) expect(listed(route), name(route)).toContain(409);
    }
  });

  it('lists 400 and 503 everywhere, 413 wherever a body is taken, and the file types of downloads', () => {
    for (const route of routes) {
      expect(listed(route), name(route)).toEqual(expect.arrayContaining([400, 503]));
      if (route.body || route.document) expect(listed(route), name(route)).toContain(413);
      if (route.downloadable) expect(Object.keys(operationOf(route).responses['200']!.content ?? {}), name(route)).toEqual(['application/json', 'text/csv', 'text/html']);
    }
  });
});
