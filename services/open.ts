// Opens the services' connections from configuration (for `npm start` and `npm run api`).
// The Temporal connection is lazy: the API starts even while Temporal is down and answers 503
// until it is back.
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config/env';
import { practiceProfileFromConfig } from '../config/practice';
import { temporalConnectionOptions } from '../config/temporal';
import { createPrismaClient } from '../db/client';
import type { PracticeProfile } from '../domain/practice/profile';
import type { PracticeFlowDataConverter } from '../encryption/data-converter';
import { AppealService } from './appeals';
import { AuditService, type AuditServiceOptions } from './audit';
import { CredentialService } from './credentials';
import { FlowService, type FlowServiceOptions } from './flows';
import { PriorAuthService } from './prior-auth';
import { OshaService } from './osha';
import { WorklistService } from './worklists';
import { CalendarFeedService } from './calendar-feed';
import { MyWorkService } from './my-work';
import { UserService } from './users';
import { CodecService } from './codec';
import { IncidentService } from './incidents';

/** The services the API serves, over one Temporal client, database and practice profile. */
export interface Services {
  flows: FlowService;
  credentials: CredentialService;
  priorAuth: PriorAuthService;
  appeals: AppealService;
  worklists: WorklistService;
  audit: AuditService;
  osha: OshaService;
  /** People, sessions, API tokens and calendar feed tokens (sign-in). */
  users: UserService;
  calendar: CalendarFeedService;
  /** A signed-in person's own open tasks, credential due dates and OSHA occurrences. */
  myWork: MyWorkService;
  /** Flows stuck on a record the database refused for good, and their resolution. */
  incidents: IncidentService;
  /** The codec endpoint: Temporal payloads decrypted for the Web UI, every call logged. */
  codec: CodecService;
  /** The practice the services work for: its time zone is the one due dates are days in. */
  practice: PracticeProfile;
}

/** `workflowCode`: what the auditor's replay runs histories against (default: the workflows' source). */
export function createServices(options: FlowServiceOptions & Pick<AuditServiceOptions, 'workflowCode'>): Services {
  return {
    flows: new FlowService(options),
    credentials: new CredentialService(options),
    priorAuth: new PriorAuthService(options),
    appeals: new AppealService(options),
    worklists: new WorklistService(options),
    audit: new AuditService(options),
    osha: new OshaService(options),
    users: new UserService(options),
    calendar: new CalendarFeedService(options),
    myWork: new MyWorkService(options),
    codec: new CodecService(options),
    incidents: new IncidentService(options),
    practice: options.practice,
  };
}

export interface OpenedServices {
  services: Services;
  close(): Promise<void>;
}

export function openServices(config: Config, opts: { databaseUrl: string; temporalAddress?: string; dataConverter: PracticeFlowDataConverter }): OpenedServices {
  const connectionOptions = temporalConnectionOptions(config, opts.temporalAddress);
  const connection = Connection.lazy(connectionOptions);
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: opts.dataConverter });
  const prisma = createPrismaClient(opts.databaseUrl);
  const services = createServices({
    client,
    dataConverter: opts.dataConverter,
    prisma,
    practice: practiceProfileFromConfig(config),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    temporalAddress: connectionOptions.address,
    workflowCode: config.WORKFLOW_BUNDLE_PATH ? { workflowBundlePath: config.WORKFLOW_BUNDLE_PATH } : undefined,
  });
  return {
    services,
    async close() {
      await connection.close();
      await prisma.$disconnect();
    },
  };
}
