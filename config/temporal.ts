// How to reach Temporal: a local dev server, a self-hosted cluster with mTLS, or Temporal Cloud
// (mTLS or API key). Shared by the worker (NativeConnection) and clients (Connection).
import { readFileSync } from 'node:fs';
import type { Config } from './env';

export interface TemporalConnectionOptions {
  address: string;
  tls?: {
    clientCertPair?: { crt: Buffer; key: Buffer };
    serverRootCACertificate?: Buffer;
    serverNameOverride?: string;
  };
  apiKey?: string;
}

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`${variable}: cannot read ${path} (${(err as Error).message})`);
  }
}

export function temporalConnectionOptions(config: Config, address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`): TemporalConnectionOptions {
  const mtls = config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH;
  const wantsTls = Boolean(mtls || config.TEMPORAL_API_KEY || config.TEMPORAL_TLS_CA_PATH);
  return {
    address,
    apiKey: config.TEMPORAL_API_KEY,
    tls: wantsTls
      ? {
          clientCertPair: mtls
            ? { crt: readPem('TEMPORAL_TLS_CERT_PATH', config.TEMPORAL_TLS_CERT_PATH!), key: readPem('TEMPORAL_TLS_KEY_PATH', config.TEMPORAL_TLS_KEY_PATH!) }
            : undefined,
          serverRootCACertificate: config.TEMPORAL_TLS_CA_PATH ? readPem('TEMPORAL_TLS_CA_PATH', config.TEMPORAL_TLS_CA_PATH) : undefined,
          serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME,
        }
      : undefined,
  };
}
