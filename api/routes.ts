// The API's routes as data: method, path, input schemas, result schema and handler. The Hono app
// (./app.ts) serves exactly these, and the OpenAPI document (./openapi.ts) is generated from the
// same table, so the two cannot disagree.
import type { z } from 'zod';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from '../services/credential-import';
import type { Services } from '../services/open';
import {
  AddCredentialBodySchema,
  AddCredentialResultSchema,
  AddTaskBodySchema,
  CancelFlowBodySchema,
  ChangeDueBodySchema,
  ChangeStartDateBodySchema,
  ChangeCredentialBodySchema,
  CompleteTaskBodySchema,
  CredentialDetailSchema,
  CredentialFlagListSchema,
  CredentialFlagsQuerySchema,
  CredentialListSchema,
  CredentialPlanSchema,
  CredentialViewSchema,
  FlowDetailSchema,
  FlowListSchema,
  FlowViewSchema,
  HealthSchema,
  HepBReversalBodySchema,
  ImportCredentialsBodySchema,
  ImportResultSchema,
  ListCredentialsQuerySchema,
  ListFlowsQuerySchema,
  PlanViewSchema,
  RenewCredentialBodySchema,
  RetireCredentialBodySchema,
  StartOnboardingBodySchema,
  StartResultSchema,
  TaskViewSchema,
  type Health,
} from '../services/schemas';

/** Who is asking, until sign-in exists: recorded as the flow's `startedBy` on start. */
export const ACTOR_HEADER = 'X-PracticeFlow-Actor';

/** The services the routes call (services/open.ts builds them). */
export type ApiServices = Services;

export interface RouteInput {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  actor?: string;
}

export interface RouteSpec {
  method: 'get' | 'post';
  /** Hono syntax (`/api/flows/:flowId`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'onboarding' | 'flows' | 'tasks' | 'credentials' | 'system';
  body?: z.ZodType;
  /** The body may also be a CSV file (Content-Type: text/csv), handed to the handler as `{ csv }`. */
  csvBody?: boolean;
  query?: z.ZodType;
  /** Uses the X-PracticeFlow-Actor header. */
  actorHeader?: boolean;
  result: { status: 200 | 201; schema: z.ZodType; description: string };
  /** A status other than result.status that depends on the result (health: 503 when not ok). */
  statusOf?: (result: unknown) => 200 | 201 | 503;
  /** Error statuses this route can answer besides 400 (bad input) and 503. */
  errors: (404 | 409)[];
  /** What this route's error statuses mean, where the general wording (flows and tasks) does not fit. */
  errorDescriptions?: Partial<Record<400 | 404 | 409, string>>;
  handle(services: ApiServices, input: RouteInput): Promise<unknown>;
}

export const routes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/health',
    operationId: 'health',
    summary: 'Whether Temporal and the database answer (503 when either does not)',
    tag: 'system',
    result: { status: 200, schema: HealthSchema, description: 'Both answer (503 with the same body when one does not)' },
    statusOf: (result) => ((result as Health).ok ? 200 : 503),
    errors: [],
    handle: ({ flows }) => flows.health(),
  },
  {
    method: 'post',
    path: '/api/onboarding/plan',
    operationId: 'planOnboarding',
    summary: 'Preview the tasks and due dates onboarding would create for a hire (no side effects)',
    tag: 'onboarding',
    body: StartOnboardingBodySchema,
    result: { status: 200, schema: PlanViewSchema, description: 'The plan' },
    errors: [],
    handle: ({ flows }, { body }) => flows.planOnboarding(body),
  },
  {
    method: 'post',
    path: '/api/onboarding',
    operationId: 'startOnboarding',
    summary: 'Start onboarding for a hire (once per hire id)',
    description:
      'The flow id is `onboarding-<hireId>`. Starting the same hire again answers 409, also after Temporal has forgotten the flow. ' +
      `The ${ACTOR_HEADER} header names who starts it (default: managerEmail).`,
    tag: 'onboarding',
    body: StartOnboardingBodySchema,
    actorHeader: true,
    result: { status: 201, schema: StartResultSchema, description: 'Started; the plan it runs' },
    errors: [409],
    handle: ({ flows }, { body, actor }) => flows.startOnboarding(body, actor),
  },
  {
    method: 'get',
    path: '/api/flows',
    operationId: 'listFlows',
    summary: 'List flows, newest first, from the flow table (which outlives Temporal retention)',
    tag: 'flows',
    query: ListFlowsQuerySchema,
    result: { status: 200, schema: FlowListSchema, description: 'Matching flows' },
    errors: [],
    handle: ({ flows }, { query }) => flows.listFlows(query),
  },
  {
    method: 'get',
    path: '/api/flows/:flowId',
    operationId: 'getFlow',
    summary: "A flow's checklist (due dates, status, who did what) and recent audit history",
    description: 'When Temporal no longer has the flow, `source` is `ledger` and the checklist is rebuilt from the audit ledger.',
    tag: 'flows',
    result: { status: 200, schema: FlowDetailSchema, description: 'The flow' },
    errors: [404],
    handle: ({ flows }, { params }) => flows.getFlow(params.flowId!),
  },
  {
    method: 'post',
    path: '/api/flows/:flowId/tasks/:taskKey/complete',
    operationId: 'completeTask',
    summary: 'Complete a task (a late completion needs lateReason)',
    tag: 'tasks',
    body: CompleteTaskBodySchema,
    result: { status: 200, schema: TaskViewSchema, description: 'The completed task' },
    errors: [404, 409],
    handle: ({ flows }, { params, body }) => flows.completeTask(params.flowId!, params.taskKey!, body),
  },
  {
    method: 'post',
    path: '/api/flows/:flowId/tasks/:taskKey/due',
    operationId: 'changeDue',
    summary: "Move an open task's due date (its reminders restart)",
    tag: 'tasks',
    body: ChangeDueBodySchema,
    result: { status: 200, schema: TaskViewSchema, description: 'The task with its new due date' },
    errors: [404, 409],
    handle: ({ flows }, { params, body }) => flows.changeDue(params.flowId!, params.taskKey!, body),
  },
  {
    method: 'post',
    path: '/api/flows/:flowId/tasks',
    operationId: 'addTask',
    summary: 'Add a task to a running flow',
    tag: 'tasks',
    body: AddTaskBodySchema,
    result: { status: 201, schema: TaskViewSchema, description: 'The new task' },
    errors: [404, 409],
    handle: ({ flows }, { params, body }) => flows.addTask(params.flowId!, body),
  },
  {
    method: 'post',
    path: '/api/flows/:flowId/cancel',
    operationId: 'cancelFlow',
    summary: 'Cancel a running flow: its open tasks are cancelled and reminders stop',
    tag: 'flows',
    body: CancelFlowBodySchema,
    result: { status: 200, schema: FlowViewSchema, description: 'The cancelled flow' },
    errors: [404, 409],
    handle: ({ flows }, { params, body }) => flows.cancelFlow(params.flowId!, body),
  },
  {
    method: 'post',
    path: '/api/flows/:flowId/start-date',
    operationId: 'changeStartDate',
    summary: "Change an onboarding hire's start date: open tasks move to the recomputed dates",
    tag: 'onboarding',
    body: ChangeStartDateBodySchema,
    result: { status: 200, schema: FlowViewSchema, description: 'The flow with its moved tasks' },
    errors: [404, 409],
    handle: ({ flows }, { params, body }) => flows.changeStartDate(params.flowId!, body),
  },
  {
    method: 'post',
    path: '/api/flows/:flowId/hepb-declination-reversal',
    operationId: 'reverseHepBDeclination',
    summary: 'A hire who declined the hepatitis B vaccine now accepts it (29 CFR 1910.1030(f)(2)(iv)): adds the vaccination task',
    tag: 'onboarding',
    body: HepBReversalBodySchema,
    result: { status: 201, schema: TaskViewSchema, description: 'The new vaccination task' },
    errors: [404, 409],
    handle: ({ flows }, { params, body }) => flows.reverseHepBDeclination(params.flowId!, body),
  },
  // ---- Credentials (static paths before /api/credentials/:credentialId) ----------------------
  {
    method: 'post',
    path: '/api/credentials/plan',
    operationId: 'planCredential',
    summary: "Preview a credential's due date, reminder dates, lapse day and renewal window (no side effects)",
    tag: 'credentials',
    body: AddCredentialBodySchema,
    result: { status: 200, schema: CredentialPlanSchema, description: 'The plan' },
    errors: [],
    handle: ({ credentials }, { body }) => credentials.planCredential(body),
  },
  {
    method: 'post',
    path: '/api/credentials/import',
    operationId: 'importCredentials',
    summary: 'Import credentials from a CSV file (all rows or none; importing the same file again changes nothing)',
    description:
      'Send the file as `text/csv`, or as JSON `{ "csv": "..." }`. The header row names the columns, which are the fields of a credential ' +
      '(credentialId, providerId, type, issuer, jurisdiction, number, issueDate, dueDate, evidence, providerEmail, ownerEmail, managerEmail); ' +
      'unknown columns are refused, blank cells are absent. Every row is validated, and rows that repeat a credentialId or a provider\'s ' +
      'type+jurisdiction+issuer are rejected naming the earlier row. If any row is rejected nothing is imported: `applied` is false and `rejected` ' +
      'lists each row (numbered as a spreadsheet shows it, header = row 1), field and reason. Otherwise new credentials start their flows, ' +
      'changed ones are changed through their flow (audited, reason "CSV import"), identical ones are unchanged. ' +
      `At most ${MAX_IMPORT_ROWS} rows and ${MAX_IMPORT_BYTES / 1024} KiB per file. The ${ACTOR_HEADER} header names who imports (default: each row's ownerEmail). ` +
      'A malformed file (e.g. unbalanced quotes) is a 400 naming the line.',
    tag: 'credentials',
    body: ImportCredentialsBodySchema,
    csvBody: true,
    actorHeader: true,
    result: { status: 200, schema: ImportResultSchema, description: 'The import report (also when rows were rejected: then `applied` is false and nothing changed)' },
    errors: [],
    errorDescriptions: { 400: 'The file as a whole is refused: too big, malformed CSV (naming the line), no header, unknown, duplicate or missing columns' },
    handle: ({ credentials }, { body, actor }) => credentials.importCredentials(body, actor),
  },
  {
    method: 'get',
    path: '/api/credentials/flags',
    operationId: 'credentialFlags',
    summary: 'The lapse flags in force (e.g. no_controlled_substances:NY, claims_hold:aetna), from the credential table',
    tag: 'credentials',
    query: CredentialFlagsQuerySchema,
    result: { status: 200, schema: CredentialFlagListSchema, description: 'Flags in force, by provider' },
    errors: [],
    handle: ({ credentials }, { query }) => credentials.credentialFlags(query),
  },
  {
    method: 'post',
    path: '/api/credentials',
    operationId: 'addCredential',
    summary: "Add a provider credential: starts its flow (reminders, lapse, renewal); completes the provider's onboarding credentialing task",
    description:
      'The flow id is `credential-<credentialId>`; the same credentialId again is 409, also after Temporal has forgotten the flow. ' +
      `The ${ACTOR_HEADER} header names who adds it (default: ownerEmail). When the provider's onboarding flow (onboarding-<providerId>) is running with ` +
      'its credentialing task open, that task is completed (evidence: the credentialId); a failure there does not fail the add and is reported in `warnings`.',
    tag: 'credentials',
    body: AddCredentialBodySchema,
    actorHeader: true,
    result: { status: 201, schema: AddCredentialResultSchema, description: 'Added; its plan' },
    errors: [409],
    errorDescriptions: { 409: 'A credential with this credentialId already exists' },
    handle: ({ credentials }, { body, actor }) => credentials.addCredential(body, actor),
  },
  {
    method: 'get',
    path: '/api/credentials',
    operationId: 'listCredentials',
    summary: 'List credentials, soonest due first, from the credential table (the expiry dashboard)',
    description:
      '`expiringWithinDays=N`: due between today and today + N days in the practice time zone; lapsed ones (past due) are included when `status` names them ' +
      '(e.g. `status=active,lapsed`). Without `status`, every credential but retired ones.',
    tag: 'credentials',
    query: ListCredentialsQuerySchema,
    result: { status: 200, schema: CredentialListSchema, description: 'Matching credentials' },
    errors: [],
    handle: ({ credentials }, { query }) => credentials.listCredentials(query),
  },
  {
    method: 'get',
    path: '/api/credentials/:credentialId',
    operationId: 'getCredential',
    summary: 'A credential: status, lapse flags, schedule, next notice and recent audit history',
    description: 'When Temporal no longer has the credential flow, `source` is `table` and the credential table record is shown.',
    tag: 'credentials',
    result: { status: 200, schema: CredentialDetailSchema, description: 'The credential' },
    errors: [404],
    errorDescriptions: { 404: 'Unknown credential' },
    handle: ({ credentials }, { params }) => credentials.getCredential(params.credentialId!),
  },
  {
    method: 'post',
    path: '/api/credentials/:credentialId/renew',
    operationId: 'renewCredential',
    summary: "Record a renewal: { evidence, by, renewedOn?, newDueDate?, number?, note? }; the rule's window is checked (DEA: at most 60 days early)",
    description: 'Without `newDueDate` the next due date follows from the rule\'s cycle. A lapsed credential renewed within its grace period is reinstated.',
    tag: 'credentials',
    body: RenewCredentialBodySchema,
    result: { status: 200, schema: CredentialViewSchema, description: 'The credential in its new cycle' },
    errors: [404, 409],
    errorDescriptions: { 404: 'Unknown credential', 409: 'The credential is retired' },
    handle: ({ credentials }, { params, body }) => credentials.renewCredential(params.credentialId!, body),
  },
  {
    method: 'post',
    path: '/api/credentials/:credentialId/change',
    operationId: 'changeCredential',
    summary: 'Correct a credential: { changes: { dueDate?, issuer?, number?, evidence?, providerEmail?, ownerEmail?, managerEmail? }, by, reason }',
    description: 'Audited with the reason. A new due date restarts the reminders; one that undoes a lapse lifts it.',
    tag: 'credentials',
    body: ChangeCredentialBodySchema,
    result: { status: 200, schema: CredentialViewSchema, description: 'The changed credential' },
    errors: [404, 409],
    errorDescriptions: { 404: 'Unknown credential', 409: 'The credential is retired' },
    handle: ({ credentials }, { params, body }) => credentials.changeCredential(params.credentialId!, body),
  },
  {
    method: 'post',
    path: '/api/credentials/:credentialId/retire',
    operationId: 'retireCredential',
    summary: 'Retire a credential: { by, reason }; its reminders stop and its flags are lifted',
    tag: 'credentials',
    body: RetireCredentialBodySchema,
    result: { status: 200, schema: CredentialViewSchema, description: 'The retired credential' },
    errors: [404, 409],
    errorDescriptions: { 404: 'Unknown credential', 409: 'The credential is already retired' },
    handle: ({ credentials }, { params, body }) => credentials.retireCredential(params.credentialId!, body),
  },
];
