// Errors as typed values. Workflows raise them as ApplicationFailures of these types; the API
// maps them to HTTP statuses in one place; the CLI prints their message and field problems.
import type { z } from 'zod';

export const ErrorTypes = {
  /** Bad input: 400 with the field path and reason. */
  validation: 'ValidationError',
  /** Unknown flow or task: 404. */
  notFound: 'NotFound',
  /** Valid input that conflicts with the current state (already completed, duplicate start): 409. */
  conflict: 'Conflict',
  /** The mail server refused a message permanently (5xx): not retried; the flow escalates instead. */
  emailRejected: 'EmailRejected',
  /** The database refused a write permanently (a value or constraint): not retried; the flow opens an incident. */
  dataError: 'DataError',
} as const;
export type ErrorType = (typeof ErrorTypes)[keyof typeof ErrorTypes];

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `tasks.0.due.date`. */
  path: string;
  message: string;
}

export function zodProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(input)',
    message: issue.message,
  }));
}

export function describeProblems(problems: FieldProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('; ');
}
