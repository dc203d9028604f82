// The Idempotency-Key header of the routes that change a flow (RouteSpec.idempotent): checked
// before anything is sent, then the request's services send their Update under an id derived from
// it (services/idempotency.ts), so a client's retry is applied once and answers the same result.
import type { Services } from '../services/open';
import { parseInput } from '../services/errors';
import { IDEMPOTENCY_HEADER, IdempotencyKeySchema, type IdempotentRequest } from '../services/idempotency';
import { TemporalService } from '../services/temporal-service';

/** The keyed request, when the header is sent: a malformed key is a 400 naming the header. */
export function idempotentRequest(operation: string, header: string | undefined): IdempotentRequest | undefined {
  if (header === undefined) return undefined;
  return { operation, key: parseInput(IdempotencyKeySchema, header, IDEMPOTENCY_HEADER) };
}

/** The services one keyed request uses: every flow service sends its Update under the key's id. */
export function servicesFor(services: Services, request: IdempotentRequest | undefined): Services {
  if (!request) return services;
  return Object.fromEntries(Object.entries(services).map(([name, service]) => [name, service instanceof TemporalService ? service.withIdempotencyKey(request) : service])) as Services;
}
