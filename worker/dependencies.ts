// The worker's effectful dependencies, opened once per process and closed on shutdown.
import { Client, Connection } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import { createActivities } from '../activities';
import { createSmtpTransport } from '../activities/email/transport';
import type { AllActivities } from '../activities';
import type { TemporalConnectionOptions } from '../config/temporal';
import { createPrismaClient } from '../db/client';
import type { PrismaClient } from '../generated/prisma/client';

export interface WorkerDependencies {
  prisma: PrismaClient;
  transport: Transporter;
  activities: AllActivities;
  close(): Promise<void>;
}

export function openWorkerDependencies(opts: {
  databaseUrl: string;
  smtpUrl: string;
  mailFrom: string;
  /** For the activities that act on Temporal itself (OSHA schedules, BBP cycle starts). */
  temporal: { connection: TemporalConnectionOptions; namespace: string; taskQueue: string };
}): WorkerDependencies {
  const prisma = createPrismaClient(opts.databaseUrl);
  const transport = createSmtpTransport(opts.smtpUrl);
  const connection = Connection.lazy(opts.temporal.connection);
  const client = new Client({ connection, namespace: opts.temporal.namespace });
  return {
    prisma,
    transport,
    activities: createActivities({ prisma, transport, from: opts.mailFrom, temporal: { client, taskQueue: opts.temporal.taskQueue } }),
    async close() {
      transport.close();
      await connection.close();
      await prisma.$disconnect();
    },
  };
}
