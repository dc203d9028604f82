// The application's Prisma client: generated client over node-postgres (no native engine).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type { PrismaClient } from '../generated/prisma/client';

export interface PrismaClientOptions {
  /** Pool size; default 10 (node-postgres' default). Tests that open many clients use less. */
  max?: number;
  /** How long to wait for a connection; default 10 s (node-postgres waits forever). */
  connectionTimeoutMillis?: number;
}

/** `$disconnect()` ends the pool. */
export function createPrismaClient(databaseUrl: string, opts: PrismaClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 10_000,
    // Idle connections are closed, so a quiet worker does not pin server slots.
    idleTimeoutMillis: 30_000,
  });
  return new PrismaClient({ adapter });
}
