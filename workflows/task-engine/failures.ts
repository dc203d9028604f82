// Typed failures raised from workflow code (validators and flow input), as ApplicationFailures
// whose `type` the API maps to an HTTP status (domain/errors.ts).
import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';
import { ErrorTypes, describeProblems, zodProblems, type FieldProblem } from '../../domain/errors';

export function validationFailure(problems: FieldProblem[]): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorTypes.validation, message: describeProblems(problems), details: [problems], nonRetryable: true });
}

export function conflictFailure(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorTypes.conflict, message, nonRetryable: true });
}

export function notFoundFailure(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorTypes.notFound, message, nonRetryable: true });
}

/** Parses with a zod schema, or fails with every field problem named. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationFailure(zodProblems(parsed.error));
  return parsed.data;
}
