// What a request says about where it came from: over HTTPS or not, the origin it was addressed
// to, and the client's address. Behind a reverse proxy that terminates TLS (the README's advice
// beyond loopback) the socket only shows the proxy, so the proxy's X-Forwarded-Proto, -Host and
// -For are believed, but only under TRUST_PROXY: without a proxy any client could send them and
// make its request look like HTTPS or come from someone else's address (and so, for example,
// spread its failed sign-ins over addresses it does not have).
//
// One proxy is assumed: where a header holds a list, the LAST entry is the one our proxy added;
// earlier ones were sent by the client and are not believed.
import { getConnInfo } from '@hono/node-server/conninfo';
import { isIP } from 'node:net';
import type { Context } from 'hono';

export interface ForwardingOptions {
  /** TRUST_PROXY: believe X-Forwarded-Proto, -Host and -For. */
  trustProxy?: boolean;
  /** PRACTICEFLOW_PUBLIC_URL: when set, the one origin the console is served from. */
  publicUrl?: string;
}

/** The last entry of a comma-separated forwarding header (the one our proxy wrote). */
function lastForwarded(c: Context, name: string): string | undefined {
  const value = c.req.header(name);
  const last = value?.split(',').at(-1)?.trim();
  return last ? last : undefined;
}

/** Whether the request reached us over HTTPS: on the socket, or at the trusted proxy. */
export function isHttps(c: Context, options: ForwardingOptions): boolean {
  if (options.trustProxy) {
    const proto = lastForwarded(c, 'x-forwarded-proto');
    if (proto) return proto.toLowerCase() === 'https';
  }
  return new URL(c.req.url).protocol === 'https:';
}

/**
 * The console's own origin for this request (scheme://host[:port]): PRACTICEFLOW_PUBLIC_URL's
 * origin when set, else the origin the request was addressed to (through the trusted proxy).
 */
export function ownOrigin(c: Context, options: ForwardingOptions): string {
  if (options.publicUrl) return new URL(options.publicUrl).origin;
  const url = new URL(c.req.url);
  if (options.trustProxy) {
    const host = lastForwarded(c, 'x-forwarded-host');
    const scheme = isHttps(c, options) ? 'https:' : 'http:';
    try {
      return new URL(`${scheme}//${host ?? url.host}`).origin;
    } catch {
      // A malformed forwarded host matches no Origin a browser sends.
      return 'null';
    }
  }
  return url.origin;
}

/** ::ffff:10.0.0.7 (an IPv4 client on a dual-stack socket) is 10.0.0.7. */
const plainAddress = (address: string): string => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1').toLowerCase();

/**
 * The client's IP address: the trusted proxy's X-Forwarded-For (its last entry), else the socket's
 * peer. `unknown` when neither is known (in-process requests in tests).
 */
export function clientAddress(c: Context, options: ForwardingOptions): string {
  if (options.trustProxy) {
    const forwarded = lastForwarded(c, 'x-forwarded-for')?.replace(/^\[(.*)\](?::\d+)?$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
    if (forwarded && isIP(forwarded)) return plainAddress(forwarded);
  }
  try {
    const address = getConnInfo(c).remote.address;
    return address ? plainAddress(address) : 'unknown';
  } catch {
    return 'unknown';
  }
}
