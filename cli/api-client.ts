// The CLI's way to the PracticeFlow API: plain fetch, JSON in and out, signed in with an API
// token (Authorization: Bearer; PRACTICEFLOW_TOKEN, else the first admin's token `npm start`
// left in the data folder). The API's error body ({ error: { type, message, problems } }) becomes
// an ApiError (401 and 403 say what to do about them); a connection failure says which address
// was tried and how to point the CLI elsewhere (PRACTICEFLOW_API_URL).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ADMIN_TOKEN_FILE, type Config } from '../config/env';
import type { FieldProblem } from '../domain/errors';

/** An error the CLI prints as `error: <message>` plus one line per problem; never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly problems: FieldProblem[] = [],
    /** 1: the command failed; 2: it was used wrongly. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line itself is wrong (exit code 2, like commander's own usage errors). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, [], 2);
    this.name = 'UsageError';
  }
}

export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    problems: FieldProblem[],
  ) {
    super(message, problems);
    this.name = 'ApiError';
  }
}

/** PRACTICEFLOW_API_URL, else the address `npm start` serves on (API_HOST:API_PORT). */
export function apiBaseUrl(config: Config): string {
  if (config.PRACTICEFLOW_API_URL) return config.PRACTICEFLOW_API_URL.replace(/\/+$/, '').replace(/\/api$/, '');
  const host = config.API_HOST === '0.0.0.0' || config.API_HOST === '::' ? '127.0.0.1' : config.API_HOST.includes(':') ? `[${config.API_HOST}]` : config.API_HOST;
  return `http://${host}:${config.API_PORT}`;
}

/** PRACTICEFLOW_TOKEN, else the token the first `npm start` wrote into the data folder, else none. */
export function apiToken(config: Config): string | undefined {
  if (config.PRACTICEFLOW_TOKEN) return config.PRACTICEFLOW_TOKEN;
  try {
    return readFileSync(resolve(config.PRACTICEFLOW_DATA_DIR, ADMIN_TOKEN_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The Authorization header for a token. */
export const bearer = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** The API's error as the CLI says it: 401 and 403 with what to do about them. */
export function apiError(status: number, type: string, message: string, problems: FieldProblem[], token: string | undefined): ApiError {
  if (status === 401) {
    const fix = token
      ? 'PRACTICEFLOW_TOKEN is not accepted (unknown, revoked, or its user is disabled): ask an admin for a new one (`practiceflow token create`)'
      : 'set PRACTICEFLOW_TOKEN to an API token: an admin creates one with `practiceflow token create --name <what for>`, and `practiceflow user create ... --token-name cli` makes the first admin with one';
    return new ApiError(status, type, `not signed in: ${message}. ${fix}.`, problems);
  }
  if (status === 403) return new ApiError(status, type, `not allowed: ${message}`, problems);
  return new ApiError(status, type, message, problems);
}

export interface ApiClient {
  readonly baseUrl: string;
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T>;
}

export function createApiClient(baseUrl: string, opts: { timeoutMs?: number; token?: string } = {}): ApiClient {
  const timeoutMs = opts.timeoutMs ?? 60_000;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const url = `${baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...bearer(opts.token), ...headers },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw unreachable(baseUrl, err, timeoutMs);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.ok && json !== undefined) return json as T;
    const error = (json as { error?: { type?: unknown; message?: unknown; problems?: unknown } } | undefined)?.error;
    if (error && typeof error.message === 'string') {
      const problems = Array.isArray(error.problems) ? (error.problems as FieldProblem[]) : [];
      throw apiError(response.status, typeof error.type === 'string' ? error.type : 'Error', error.message, problems, opts.token);
    }
    throw new CliError(
      `${method} ${url} answered ${response.status} ${response.statusText} without PracticeFlow's JSON: is PRACTICEFLOW_API_URL (now ${baseUrl}) the PracticeFlow API?`,
    );
  }

  return {
    baseUrl,
    get: (path, query) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
      const qs = params.toString();
      return call('GET', qs ? `${path}?${qs}` : path);
    },
    post: (path, body, headers) => call('POST', path, body, headers),
  };
}

function unreachable(baseUrl: string, err: unknown, timeoutMs: number): CliError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const name = (err as { name?: string }).name;
  const why =
    name === 'TimeoutError' || name === 'AbortError'
      ? `no answer within ${Math.round(timeoutMs / 1000)} s`
      : (cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err)));
  return new CliError(
    `cannot reach the PracticeFlow API at ${baseUrl} (${why}). Start it with \`npm start\`, or set PRACTICEFLOW_API_URL to the address of a running API.`,
  );
}

/** `/api/flows/<id>` with each segment encoded. */
export const apiPath = (...segments: string[]): string => `/api/${segments.map(encodeURIComponent).join('/')}`;
