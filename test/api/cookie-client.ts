// Requests as a browser sends them with the console's session cookie: raw fetch, so a test sets
// exactly the headers it means (Origin, Sec-Fetch-Site, Content-Type) and sees every response header.
import { TEST_PASSWORD } from './stack';

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface RawResponse {
  status: number;
  headers: Headers;
  json: any;
}

/** One request; `body` as given when a string, else JSON. No header is added that the test did not give. */
export async function raw(url: string, method: string, headers: Record<string, string> = {}, body?: unknown): Promise<RawResponse> {
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

/** The console's own request: JSON from `origin` (default: the server's own). */
export const consoleHeaders = (base: string, cookie?: string, origin = new URL(base).origin): Record<string, string> => ({
  'content-type': 'application/json',
  origin,
  ...(cookie ? { cookie } : {}),
});

/** Signs in as the console does; the cookie (name=value) when it worked. */
export async function signInCookie(base: string, email: string, password = TEST_PASSWORD, headers: Record<string, string> = {}): Promise<RawResponse & { cookie: string | undefined }> {
  const res = await raw(`${base}/api/session`, 'POST', { ...consoleHeaders(base), ...headers }, { email, password });
  return { ...res, cookie: res.headers.get('set-cookie')?.split(';')[0] };
}
