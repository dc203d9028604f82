// The worker's effectful dependencies, opened once per process and closed on shutdown.
import { Client, Connection } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import { createActivities } from '../activities';
import { ensureArchiveSchedule } from '../activities/audit/archive';
import { ensureLedgerNotary } from '../activities/audit/notary';
import { createSmtpTransport } from '../activities/email/transport';
import type { AllActivities } from '../activities';
import type { TemporalConnectionOptions } from '../config/temporal';
import type { PracticeFlowDataConverter } from '../encryption/data-converter';
import { createPrismaClient } from '../db/client';
import type { PrismaClient } from '../generated/prisma/client';

export interface WorkerDependencies {
  prisma: PrismaClient;
  transport: Transporter;
  activities: AllActivities;
  /** A Temporal client (lazy connection) for what the worker sets up at start, e.g. schedules. */
  client: Client;
  close(): Promise<void>;
}

export function openWorkerDependencies(opts: {
  databaseUrl: string;
  smtpUrl: string;
  mailFrom: string;
  /** For the activities that act on Temporal itself (OSHA schedules, BBP cycle starts). */
  temporal: { connection: TemporalConnectionOptions; namespace: string; taskQueue: string; dataConverter: PracticeFlowDataConverter };
}): WorkerDependencies {
  const prisma = createPrismaClient(opts.databaseUrl);
  const transport = createSmtpTransport(opts.smtpUrl);
  const connection = Connection.lazy(opts.temporal.connection);
  const client = new Client({ connection, namespace: opts.temporal.namespace, dataConverter: opts.temporal.dataConverter });
  return {
    prisma,
    transport,
    client,
    activities: createActivities({ prisma, transport, from: opts.mailFrom, temporal: { client, taskQueue: opts.temporal.taskQueue } }),
    async close() {
      transport.close();
      await connection.close();
      await prisma.$disconnect();
    },
  };
}

/**
 * The daily history-archive schedule, created or brought up to date at start. A failure is logged,
 * not fatal: the worker still runs flows, and the next start tries again.
 */
export async function ensureWorkerSchedules(deps: WorkerDependencies, taskQueue: string, timeZone: string, ledgerWitnessSeconds: number): Promise<void> {
  try {
    await ensureArchiveSchedule(deps.client, taskQueue, timeZone);
  } catch (err) {
    console.error(`PracticeFlow worker: could not set up the history-archive schedule (${err instanceof Error ? err.message : String(err)}); it is retried at the next start`);
  }
  try {
    await ensureLedgerNotary(deps.client, taskQueue, ledgerWitnessSeconds);
  } catch (err) {
    console.error(`PracticeFlow worker: could not start the ledger notary (${err instanceof Error ? err.message : String(err)}); it is retried at the next start`);
  }
}
