// The CLI's way to the PracticeFlow API: plain fetch, JSON in and out. The API's error body
// ({ error: { type, message, problems } }) becomes an ApiError; a connection failure says which
// address was tried and how to point the CLI elsewhere (PRACTICEFLOW_API_URL).
import type { Config } from '../config/env';
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

export interface ApiClient {
  readonly baseUrl: string;
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T>;
}

export function createApiClient(baseUrl: string, opts: { timeoutMs?: number } = {}): ApiClient {
  const timeoutMs = opts.timeoutMs ?? 60_000;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const url = `${baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
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
      throw new ApiError(response.status, typeof error.type === 'string' ? error.type : 'Error', error.message, problems);
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
