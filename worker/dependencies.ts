// The worker's effectful dependencies, opened once per process and closed on shutdown.
import type { Transporter } from 'nodemailer';
import { createActivities } from '../activities';
import { createSmtpTransport } from '../activities/email/transport';
import type { AllActivities } from '../activities';
import { createPrismaClient } from '../db/client';
import type { PrismaClient } from '../generated/prisma/client';

export interface WorkerDependencies {
  prisma: PrismaClient;
  transport: Transporter;
  activities: AllActivities;
  close(): Promise<void>;
}

export function openWorkerDependencies(opts: { databaseUrl: string; smtpUrl: string; mailFrom: string }): WorkerDependencies {
  const prisma = createPrismaClient(opts.databaseUrl);
  const transport = createSmtpTransport(opts.smtpUrl);
  return {
    prisma,
    transport,
    activities: createActivities({ prisma, transport, from: opts.mailFrom }),
    async close() {
      transport.close();
      await prisma.$disconnect();
    },
  };
}
