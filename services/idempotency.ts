// Idempotency-Key: a client that did not hear the answer to a change (a timeout, a dropped
// connection) sends it again with the same key, and the change is applied once (issue 18). The
// key becomes the id of the Temporal Update the change is sent as, scoped by the operation
// (`changeDue:<key>`), so Temporal itself answers a repeat with the first request's outcome. The id
// is visible in plaintext in Temporal (domain/identifiers.ts): the key is a random value chosen by
// the client, such as a UUID, never patient information, hence the narrow alphabet.
import type { WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_KEY_MAX = 128;

export const IdempotencyKeySchema = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9._:-]{1,${IDEMPOTENCY_KEY_MAX}}$`),
    `must be 1-${IDEMPOTENCY_KEY_MAX} letters, digits, ., _, : or - (a random value such as a UUID, never patient information)`,
  );

/** The change a key names: the request's operation and the client's key. */
export interface IdempotentRequest {
  operation: string;
  key: string;
}

/** The Update id of a keyed request: the same key for another operation is another Update. */
export const updateIdOf = (request: IdempotentRequest): string => `${request.operation}:${request.key}`;

/** The handle with every Update it sends carrying `updateId` (what a service sends through it is unchanged). */
export function withUpdateId(handle: WorkflowHandle, updateId: string): WorkflowHandle {
  return new Proxy(handle, {
    get(target, prop, receiver) {
      if (prop === 'executeUpdate' || prop === 'startUpdate') {
        const send = Reflect.get(target, prop, receiver) as (def: unknown, options: Record<string, unknown>) => Promise<unknown>;
        return (def: unknown, options: Record<string, unknown> = {}) => send.call(target, def, { ...options, updateId });
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}
