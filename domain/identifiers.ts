// What Temporal keeps in plaintext, written down once.
//
// Every payload PracticeFlow hands Temporal is encrypted (encryption/codec.ts), but some parts of
// a workflow are not payloads and Temporal stores and shows them as they are: workflow and
// schedule ids, search attributes and memo keys, activity and timer summaries, task queue names,
// signal/Update/query names, and (outside Temporal) the audit ledger's indexed columns
// (businessKey, workflowId, taskKey, action, rule, actor). The rule: those carry IDENTIFIERS ONLY,
// built from the practice's own ids (hire id, authorization id, credential id, appeal id, site id,
// employee id) and fixed words, never a name, a patient reference (MRN), a diagnosis or free
// text. PracticeFlow sets no search attributes, memos or summaries of its own (Temporal's Core
// writes patch markers and the TemporalChangeVersion attribute: patch ids, fixed words); names,
// patient references and notes travel only inside encrypted payloads and the ledger's `detail`.
//
// An identifier is what this schema accepts: 1-64 letters, digits, '.', '-' or '_', starting with a
// letter or digit. "Jane Doe" cannot pass (a space), nor can a note. The workflow id builders
// (temporalId below) refuse anything else, so a future caller cannot slip a name into an id.
// test/domain/identifiers.test.ts and test/security/phi-in-temporal.test.ts prove it.
import { z } from 'zod';

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const rule = (what: string, example: string): string => `must be 1-64 letters, digits, ., - or _: ${what} such as ${example}, never a name`;

/** An identifier field: `example` goes in the error message (e.g. "h-1042"). */
export const identifierSchema = (what: string, example: string) => z.string().regex(IDENTIFIER, rule(what, example));

export const isIdentifier = (value: string): boolean => IDENTIFIER.test(value);

/** An id was to be built from something that is not an identifier: a 400 naming the field (services/errors.ts). */
export class NotAnIdentifierError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'NotAnIdentifierError';
  }
}

/**
 * A plaintext-visible id (workflow id, schedule id) from a fixed prefix and identifiers, each
 * named by its field: `temporalId('credential', { credentialId })` is `credential-<credentialId>`.
 */
export function temporalId(prefix: string, parts: Record<string, string>): string {
  for (const [field, value] of Object.entries(parts)) {
    if (!isIdentifier(value)) throw new NotAnIdentifierError(field, `${rule('an identifier', 'h-1042')} (Temporal ids carry identifiers only)`);
  }
  return [prefix, ...Object.values(parts)].join('-');
}
