// Opens the FlowService's connections from configuration (for `npm start` and `npm run api`).
// The Temporal connection is lazy: the API starts even while Temporal is down and answers 503
// until it is back.
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config/env';
import { practiceProfileFromConfig } from '../config/practice';
import { temporalConnectionOptions } from '../config/temporal';
import { createPrismaClient } from '../db/client';
import { FlowService } from './flows';

export interface OpenedFlowService {
  service: FlowService;
  close(): Promise<void>;
}

export function openFlowService(config: Config, opts: { databaseUrl: string; temporalAddress?: string }): OpenedFlowService {
  const connectionOptions = temporalConnectionOptions(config, opts.temporalAddress);
  const connection = Connection.lazy(connectionOptions);
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const prisma = createPrismaClient(opts.databaseUrl);
  const service = new FlowService({
    client,
    prisma,
    practice: practiceProfileFromConfig(config),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    temporalAddress: connectionOptions.address,
  });
  return {
    service,
    async close() {
      await connection.close();
      await prisma.$disconnect();
    },
  };
}
