// Typed failures raised from workflow code (validators and flow input), as ApplicationFailures
// whose `type` the API maps to an HTTP status (domain/errors.ts).
import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';
import { ErrorTypes, describeProblems, zodProblems, type FieldProblem } from '../../domain/errors';
import { textProblems } from '../../domain/text';

export function validationFailure(problems: FieldProblem[]): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorTypes.validation, message: describeProblems(problems), details: [problems], nonRetryable: true });
}

export function conflictFailure(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorTypes.conflict, message, nonRetryable: true });
}

export function notFoundFailure(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorTypes.notFound, message, nonRetryable: true });
}

/**
 * Parses with a zod schema, or fails with every field problem named. Control characters are
 * refused first (domain/text.ts, the lenient rule: tab and newline pass, so carried state an
 * older run wrote still parses), also for a caller that went around the API.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const text = textProblems(input, { strict: false });
  if (text.length > 0) throw validationFailure(text);
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationFailure(zodProblems(parsed.error));
  return parsed.data;
}
