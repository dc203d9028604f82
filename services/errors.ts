// The service's failures as typed values, and the ONE place where every lower-level error
// (zod, Temporal client, workflow Update rejections, Prisma) becomes one. The API maps
// ServiceError.type to an HTTP status; the CLI prints message and problems.
import { isGrpcServiceError, QueryNotRegisteredError, ServiceError as TemporalServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import { describeProblems, ErrorTypes, zodProblems, type FieldProblem } from '../domain/errors';
import { NotAnIdentifierError } from '../domain/identifiers';
import { textProblems } from '../domain/text';

/**
 * Unauthorized: nobody is signed in (or the session, token or password is not valid);
 * Forbidden: the signed-in user's role may not do this, or the request names someone else as actor;
 * TooManyRequests: sign-in is locked for a while after repeated failures (TooManyRequestsError).
 */
export type ServiceErrorType = 'ValidationError' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'Conflict' | 'TooManyRequests' | 'Unavailable';

export class ServiceError extends Error {
  readonly problems: FieldProblem[];

  constructor(
    readonly type: ServiceErrorType,
    message: string,
    problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ServiceError';
    this.problems = problems;
  }

  toJSON(): { type: ServiceErrorType; message: string; problems: FieldProblem[] } {
    return { type: this.type, message: this.message, problems: this.problems };
  }
}

/** One problem: "field: reason"; several: the count and the fields (the reasons are in `problems`). */
export const invalid = (problems: FieldProblem[]): ServiceError =>
  new ServiceError(
    'ValidationError',
    problems.length === 1 ? describeProblems(problems) : `${problems.length} problems: ${[...new Set(problems.map((p) => p.path))].join(', ')}`,
    problems,
  );
export const notFound = (message: string): ServiceError => new ServiceError('NotFound', message, problemsFromMessage(message));
export const conflict = (message: string): ServiceError => new ServiceError('Conflict', message, problemsFromMessage(message));
export const unavailable = (message: string): ServiceError => new ServiceError('Unavailable', message);
export const unauthorized = (message: string): ServiceError => new ServiceError('Unauthorized', message);
export const forbidden = (message: string, problems: FieldProblem[] = []): ServiceError => new ServiceError('Forbidden', message, problems);

/** Sign-in is locked after repeated failures: the API answers 429 with Retry-After (seconds). */
export class TooManyRequestsError extends ServiceError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('TooManyRequests', message);
  }
}

/** Workflow messages follow "field: reason"; that prefix becomes a problem a form can point at. */
function problemsFromMessage(message: string): FieldProblem[] {
  const match = /^([A-Za-z_][\w-]*(?:\.[\w-]+)*): (.+)$/s.exec(message);
  return match ? [{ path: match[1]!, message: match[2]! }] : [];
}

/**
 * Default messages in the domain's voice ("is required", "must be at least 1") for checks whose
 * schema does not carry its own message; a schema's own message always wins.
 */
const friendlyMessages: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'object' && Array.isArray(issue.input)) return 'must be an object, not an array';
      return `must be ${article(issue.expected)} ${issue.expected}`;
    case 'too_small':
      if (issue.origin === 'number' || issue.origin === 'int') return issue.inclusive ? `must be at least ${issue.minimum}` : `must be greater than ${issue.minimum}`;
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `must have at least ${issue.minimum} item(s)`;
      return undefined;
    case 'too_big':
      if (issue.origin === 'number' || issue.origin === 'int') return issue.inclusive ? `must be at most ${issue.maximum}` : `must be less than ${issue.maximum}`;
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${issue.maximum} item(s)`;
      return undefined;
    default:
      return undefined;
  }
};

const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/** Field problems of a zod error; an unknown key becomes a problem at that key's own path. */
export function fieldProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [prefix, ...issue.path.map(String), key].filter(Boolean).join('.'),
        message: 'is not a known field',
      }));
    }
    return zodProblems(new z.ZodError([issue]), prefix);
  });
}

/**
 * Parses input with a domain schema; a failure is a ValidationError naming every bad field. Every
 * string is first held to the text boundary (domain/text.ts: no control characters, line breaks
 * only in notes and reasons, bounded length), whatever the schema says.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.infer<S> {
  const text = textProblems(input, { prefix });
  if (text.length > 0) throw invalid(text);
  const parsed = schema.safeParse(input, { error: friendlyMessages });
  if (!parsed.success) throw invalid(fieldProblems(parsed.error, prefix));
  return parsed.data;
}

export interface ErrorContext {
  /** What the caller was doing, for messages: "start the flow", "complete the task". */
  operation: string;
  flowId?: string;
  /** Where Temporal is, for "cannot reach" messages. */
  temporalAddress?: string;
  /** The deadline of Temporal calls, for "no answer within" messages. */
  timeoutMs?: number;
}

/**
 * THE mapping from anything thrown below the service to a ServiceError. Returns undefined for
 * errors it does not recognise (bugs), which the caller rethrows unchanged.
 */
export function toServiceError(err: unknown, ctx: ErrorContext): ServiceError | undefined {
  if (err instanceof ServiceError) return err;
  if (err instanceof z.ZodError) return invalid(fieldProblems(err));
  if (err instanceof NotAnIdentifierError) return invalid([{ path: err.field, message: err.reason }]);

  if (err instanceof WorkflowUpdateFailedError) return fromWorkflowFailure(err.cause, ctx);
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return conflict(`flowId: a flow with id "${err.workflowId}" already exists; it is started only once`);
  }
  if (err instanceof WorkflowNotFoundError) return notFound(`flowId: no flow "${ctx.flowId ?? err.workflowId}"`);
  // A flow without a checklist (a credential, a site): it has its own route.
  if (err instanceof QueryNotRegisteredError) {
    return notFound(`flowId: ${ctx.flowId ?? 'this flow'} has no checklist; read it through its own route (e.g. /api/credentials/:credentialId, /api/osha/sites/:siteId)`);
  }
  const where = ctx.temporalAddress ? ` at ${ctx.temporalAddress}` : '';
  const within = ctx.timeoutMs ? ` within ${Math.round(ctx.timeoutMs / 100) / 10} s` : ' in time';
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return unavailable(
      `no answer from Temporal${where}${within} to ${ctx.operation}${ctx.flowId ? ` on flow ${ctx.flowId}` : ''}: Temporal or the PracticeFlow worker may be down. The change may still be applied once they are back; check the flow before retrying.`,
    );
  }
  const grpcCode = temporalGrpcCode(err);
  if (grpcCode !== undefined) {
    if (grpcCode === GRPC_UNAVAILABLE) return unavailable(`cannot reach Temporal${where} to ${ctx.operation}; try again when it is running`);
    if (grpcCode === GRPC_DEADLINE_EXCEEDED || grpcCode === GRPC_CANCELLED) {
      return unavailable(`no answer from Temporal${where}${within} to ${ctx.operation}: Temporal or the PracticeFlow worker may be down`);
    }
    // A query to a flow whose workflow task keeps failing (a bug, or a worker that cannot run it):
    // the flow answers nothing until that is fixed, as when the worker is down. Reads fall back to
    // the ledger (TemporalService.recordedInstead) instead of a 500.
    if (grpcCode === GRPC_FAILED_PRECONDITION && /workflow task in failed state/i.test(grpcDetails(err))) {
      return unavailable(`flow ${ctx.flowId ?? ''} cannot answer to ${ctx.operation}: its workflow task is failing (the worker's log says why)`.replace('flow  ', 'the flow '));
    }
    return undefined;
  }
  if (isDatabaseUnavailable(err)) return unavailable(`cannot reach the PracticeFlow database to ${ctx.operation}; try again when it is running`);
  if (err instanceof Error && /Failed to connect before the deadline/.test(err.message)) {
    return unavailable(`cannot reach Temporal${where} to ${ctx.operation}`);
  }
  return undefined;
}

const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_UNAVAILABLE = 14;

function grpcDetails(err: unknown): string {
  const grpc = isGrpcServiceError(err) ? err : err instanceof TemporalServiceError && isGrpcServiceError(err.cause) ? err.cause : undefined;
  return grpc?.details ?? '';
}

function temporalGrpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  if (err instanceof TemporalServiceError && isGrpcServiceError(err.cause)) return err.cause.code;
  return undefined;
}

/** A workflow validator's or handler's rejection: ApplicationFailure{type, message, details}. */
function fromWorkflowFailure(cause: Error | undefined, ctx: ErrorContext): ServiceError {
  if (!(cause instanceof ApplicationFailure)) return conflict(cause?.message ?? `the flow refused to ${ctx.operation}`);
  switch (cause.type) {
    case ErrorTypes.validation: {
      const problems = Array.isArray(cause.details?.[0]) ? (cause.details[0] as FieldProblem[]) : [];
      return new ServiceError('ValidationError', cause.message, problems.length > 0 ? problems : problemsFromMessage(cause.message));
    }
    case ErrorTypes.notFound:
      return notFound(cause.message);
    case ErrorTypes.conflict:
      return conflict(cause.message);
    default:
      // An Update name this flow does not handle (e.g. a start-date change on a checklist flow).
      if (/No registered handler for update/.test(cause.message)) {
        return notFound(`flowId: flow ${ctx.flowId ?? ''} cannot ${ctx.operation} (it is not that kind of flow)`.replace('flow  ', 'flow '));
      }
      return conflict(cause.message);
  }
}

/** Prisma's connection-level failures: P1xxx (cannot reach, timed out, closed), P2024 (pool timeout). */
function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (/^P1\d{3}$/.test(code) || code === 'P2024')) return true;
  return err.name === 'PrismaClientInitializationError';
}
