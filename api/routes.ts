// The API's routes as data: method, path, input schemas, result schema and handler. The Hono app
// (./app.ts) serves exactly these, and the OpenAPI document (./openapi.ts) is generated from the
// same table, so the two cannot disagree.
import { z } from 'zod';
import { auditRoutes } from './audit-routes';
import { IncidentViewSchema } from '../domain/tasks/incidents';
import { IncidentListSchema, ResolveIncidentBodySchema } from '../services/incidents';
import { authRoutes } from './auth-routes';
import { codecRoutes } from './codec-routes';
import { oshaRoutes } from './osha-routes';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from '../services/credential-import';
import type { Services } from '../services/open';
import type { AuthUser } from '../services/users';
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
  AppealDecisionBodySchema,
  AppealDetailSchema,
  AppealPlanBodySchema,
  TimelyFilingBodySchema,
  TimelyFilingPlanResultSchema,
  AppealPlanResultSchema,
  AppealViewSchema,
  AppealWorklistSchema,
  ChooseDenialPathBodySchema,
  CloseAppealBodySchema,
  ListByStatusQuerySchema,
  PriorAuthDetailSchema,
  PriorAuthMetricsQuerySchema,
  PriorAuthMetricsReportSchema,
  PriorAuthPlanBodySchema,
  PriorAuthPlanSchema,
  PriorAuthViewSchema,
  PriorAuthWorklistSchema,
  RecordDecisionBodySchema,
  RecordSubmissionBodySchema,
  ServiceRenderedBodySchema,
  StartAppealBodySchema,
  StartAppealResultSchema,
  StartPriorAuthBodySchema,
  StartPriorAuthResultSchema,
  SubmitAppealBodySchema,
  WorklistQuerySchema,
} from '../services/schemas';

/**
 * Who is acting: recorded as the flow's `startedBy` on start and as the reader of the audit record.
 * When someone is signed in it may only name them (absent, it is them): see api/access.ts.
 */
export const ACTOR_HEADER = 'X-PracticeFlow-Actor';

const LiveSchema = z.object({ ok: z.literal(true) });

/** The services the routes call (services/open.ts builds them). */
export type ApiServices = Services;

/** The request's sign-in, when the app authenticates (api/auth.ts); absent in-process (the CLI's database mode). */
export interface RequestAuth {
  /** Who is signed in; undefined on public routes for anonymous callers. */
  user: AuthUser | undefined;
  /** Minutes of inactivity that end a session (45 CFR 164.312(a)(2)(iii)). */
  idleMinutes: number;
  /** Where this API is reached from outside, e.g. https://practiceflow.clinic.example (for feed URLs). */
  publicUrl: string;
  /** The client's IP address (the trusted proxy's X-Forwarded-For under TRUST_PROXY): sign-in throttling. */
  clientAddress: string;
  /** Sets the signed session cookie (sign-in). */
  startSession(sessionToken: string): Promise<void>;
  /** Ends the request's session, if it has one, and clears the cookie. */
  endSession(): Promise<boolean>;
}

export interface RouteInput {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  actor?: string;
  auth?: RequestAuth;
  /** A request header (the codec endpoint's X-Namespace); absent in-process. */
  header?: (name: string) => string | undefined;
}

/**
 * Who may call a route (enforced in one place, api/access.ts):
 *   public  anyone, also anonymous (health, sign-in)
 *   self    anyone signed in, about themselves (me, sign-out, calendar feed)
 *   read    admin, manager, auditor (default for GET, and for POSTs without side effects)
 *   write   admin, manager (default for POST)
 *   admin   admin only (users and API tokens)
 * Staff reach only routes marked `staff`, and there only what is assigned to them.
 */
export type RouteAccess = 'public' | 'self' | 'read' | 'write' | 'admin';

export interface RouteSpec {
  method: 'get' | 'post';
  /** Hono syntax (`/api/flows/:flowId`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'onboarding' | 'flows' | 'tasks' | 'credentials' | 'prior-auth' | 'appeals' | 'worklists' | 'audit' | 'osha' | 'auth' | 'system';
  /** Default: read for GET, write for POST. */
  access?: RouteAccess;
  /** Staff may call it for what is assigned to them: a flow with a task of theirs, their own task. */
  staff?: 'own-flow' | 'own-task' | 'own-occurrence';
  body?: z.ZodType;
  /** The body may also be a CSV file (Content-Type: text/csv), handed to the handler as `{ csv }`. */
  csvBody?: boolean;
  /**
   * The body is a whole document (an audit export handed back to be verified), of any size up
   * to `maxBodyBytes`: the JSON or CSV file itself (or `{ content }`), handed to the handler as
   * `{ content }` with its text. Other routes take at most 1 MiB.
   */
  document?: { maxBodyBytes: number };
  query?: z.ZodType;
  /** Uses the X-PracticeFlow-Actor header. */
  actorHeader?: boolean;
  /**
   * Takes an Idempotency-Key header: the change is sent as a Temporal Update whose id comes from
   * the key (api/idempotency.ts), so a client's retry with the same key is applied once and answers
   * the same result. Every route that sends an Update to a flow.
   */
  idempotent?: true;
  result: { status: 200 | 201; schema: z.ZodType; description: string };
  /** A status other than result.status that depends on the result (health: 503 when not ok). */
  statusOf?: (result: unknown) => 200 | 201 | 503;
  /** Error statuses this route can answer besides 400 (bad input) and 503. */
  errors: (401 | 403 | 404 | 409 | 429)[];
  /** What this route's error statuses mean, where the general wording (flows and tasks) does not fit. */
  errorDescriptions?: Partial<Record<400 | 401 | 403 | 404 | 409 | 429, string>>;
  /**
   * With `?download=1` the result is sent as the file it describes (an export's `content`, or the
   * JSON result itself) with Content-Disposition, so an auditor's browser saves it as is.
   */
  downloadable?: true;
  handle(services: ApiServices, input: RouteInput): Promise<unknown>;
}

export const routes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/health',
    operationId: 'health',
    summary: 'Readiness: whether Temporal and the database answer (503 when either does not)',
    tag: 'system',
    result: { status: 200, schema: HealthSchema, description: 'Both answer (503 with the same body when one does not)' },
    statusOf: (result) => ((result as Health).ok ? 200 : 503),
    access: 'public',
    errors: [],
    handle: ({ flows }) => flows.health(),
  },
  {
    method: 'get',
    path: '/api/live',
    operationId: 'live',
    summary: 'Liveness: the API process answers (nothing else is checked; see /api/health for readiness)',
    tag: 'system',
    result: { status: 200, schema: LiveSchema, description: 'The process answers' },
    access: 'public',
    errors: [],
    handle: async () => ({ ok: true as const }),
  },
  {
    method: 'post',
    path: '/api/onboarding/plan',
    operationId: 'planOnboarding',
    access: 'read',
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
    staff: 'own-flow',
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
    idempotent: true,
    staff: 'own-task',
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
    idempotent: true,
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
    idempotent: true,
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
    idempotent: true,
    summary: 'Cancel a running flow: its open tasks are cancelled and reminders stop',
    tag: 'flows',
    body: CancelFlowBodySchema,
    result: { status: 200, schema: FlowViewSchema, description: 'The cancelled flow' },
    errors: [404, 409],
    handle: ({ flows }, { params, body }) => flows.cancelFlow(params.flowId!, body),
  },
  {
    method: 'get',
    path: '/api/incidents',
    operationId: 'listIncidents',
    summary: 'Flows stuck on an incident: a record the database refused for good, waiting for someone to retry it (after a fix) or give it up',
    description: 'From the audit ledger: incidents opened and not yet retried or skipped, oldest first.',
    tag: 'flows',
    result: { status: 200, schema: IncidentListSchema, description: 'Open incidents' },
    errors: [401, 403],
    handle: ({ incidents }) => incidents.list(),
  },
  {
    method: 'post',
    path: '/api/flows/:flowId/incident',
    operationId: 'resolveIncident',
    summary: "Resolve a flow's open incident: { action: retry | skip, by, note }",
    description: 'retry writes the refused record again (after its cause was fixed); skip gives that one write up and lets the flow go on. Both are recorded in the ledger under `by`.',
    tag: 'flows',
    body: ResolveIncidentBodySchema.partial({ by: true }),
    actorHeader: true,
    result: { status: 200, schema: IncidentViewSchema, description: 'The incident, resolved' },
    errors: [401, 403, 404, 409],
    errorDescriptions: { 409: 'The flow has no open incident, or it has ended' },
    handle: ({ incidents }, { params, body, actor }) => incidents.resolve(params.flowId!, body, actor),
  },
  {
    method: 'post',
    path: '/api/flows/:flowId/start-date',
    operationId: 'changeStartDate',
    idempotent: true,
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
    idempotent: true,
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
    access: 'read',
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
    idempotent: true,
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
    idempotent: true,
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
    idempotent: true,
    summary: 'Retire a credential: { by, reason }; its reminders stop and its flags are lifted',
    tag: 'credentials',
    body: RetireCredentialBodySchema,
    result: { status: 200, schema: CredentialViewSchema, description: 'The retired credential' },
    errors: [404, 409],
    errorDescriptions: { 404: 'Unknown credential', 409: 'The credential is already retired' },
    handle: ({ credentials }, { params, body }) => credentials.retireCredential(params.credentialId!, body),
  },

  // ---- Prior authorizations (static paths before /api/prior-auth/:authorizationId) -----------
  {
    method: 'post',
    path: '/api/prior-auth/plan',
    operationId: 'planPriorAuth',
    access: 'read',
    summary: "The payer's decision deadline for a submission: { payer, urgency, submittedAt } (no side effects)",
    description: 'From the effective-dated decision clocks (CMS-0057-F, 42 CFR 422.568/422.572, 438.210, 419.82, ERISA), in the practice time zone.',
    tag: 'prior-auth',
    body: PriorAuthPlanBodySchema,
    result: { status: 200, schema: PriorAuthPlanSchema, description: 'The decision deadline and its rule' },
    errors: [],
    handle: ({ priorAuth }, { body }) => priorAuth.planPriorAuth(body),
  },
  {
    method: 'post',
    path: '/api/prior-auth',
    operationId: 'startPriorAuth',
    summary: 'Start a prior authorization (once per authorizationId): eligibility and documentation tasks, then the payer clock once submitted',
    description: `The flow id is \`prior-auth-<authorizationId>\`; the same authorizationId again is 409. The ${ACTOR_HEADER} header names who starts it (default: staffEmail). The practice calendar is the configured one.`,
    tag: 'prior-auth',
    body: StartPriorAuthBodySchema,
    actorHeader: true,
    result: { status: 201, schema: StartPriorAuthResultSchema, description: 'Started; when to submit' },
    errors: [409],
    errorDescriptions: { 409: 'A prior authorization with this authorizationId was already started' },
    handle: ({ priorAuth }, { body, actor }) => priorAuth.startPriorAuth(body, actor),
  },
  {
    method: 'get',
    path: '/api/prior-auth',
    operationId: 'listPriorAuths',
    summary: 'Prior authorizations, newest first, from the flow table',
    tag: 'prior-auth',
    query: ListByStatusQuerySchema,
    result: { status: 200, schema: FlowListSchema, description: 'Matching flows' },
    errors: [],
    handle: ({ priorAuth }, { query }) => priorAuth.listPriorAuths(query),
  },
  {
    method: 'get',
    path: '/api/prior-auth/:authorizationId',
    operationId: 'getPriorAuth',
    summary: 'A prior authorization: status, payer clock, decisions, units, tasks and recent audit history',
    description: 'When Temporal no longer has the flow, `source` is `ledger` and the state is rebuilt from the audit ledger.',
    tag: 'prior-auth',
    result: { status: 200, schema: PriorAuthDetailSchema, description: 'The prior authorization' },
    errors: [404],
    errorDescriptions: { 404: 'Unknown prior authorization' },
    handle: ({ priorAuth }, { params }) => priorAuth.getPriorAuth(params.authorizationId!),
  },
  {
    method: 'post',
    path: '/api/prior-auth/:authorizationId/submission',
    operationId: 'recordPriorAuthSubmission',
    idempotent: true,
    summary: "Record the submission to the payer: { channel: 'portal', confirmationNumber, submittedAt, by }; the payer's clock starts",
    tag: 'prior-auth',
    body: RecordSubmissionBodySchema,
    result: { status: 200, schema: PriorAuthViewSchema, description: 'The prior authorization with its clock' },
    errors: [404, 409],
    errorDescriptions: { 404: 'Unknown prior authorization', 409: 'Not awaiting a submission, or the flow has ended' },
    handle: ({ priorAuth }, { params, body }) => priorAuth.recordSubmission(params.authorizationId!, body),
  },
  {
    method: 'post',
    path: '/api/prior-auth/:authorizationId/decision',
    operationId: 'recordPriorAuthDecision',
    idempotent: true,
    summary: "Record the payer's decision: approved (authorizationNumber, validFrom, validTo, units), denied (reason) or pended (infoRequested, respondBy)",
    tag: 'prior-auth',
    body: RecordDecisionBodySchema,
    result: { status: 200, schema: PriorAuthViewSchema, description: 'The prior authorization with the decision' },
    errors: [404, 409],
    errorDescriptions: { 404: 'Unknown prior authorization', 409: 'Not submitted, or the flow has ended' },
    handle: ({ priorAuth }, { params, body }) => priorAuth.recordDecision(params.authorizationId!, body),
  },
  {
    method: 'post',
    path: '/api/prior-auth/:authorizationId/service-rendered',
    operationId: 'recordPriorAuthServiceRendered',
    idempotent: true,
    summary: 'Record a service rendered under the approved authorization: { on, unitsUsed, by }',
    tag: 'prior-auth',
    body: ServiceRenderedBodySchema,
    result: { status: 200, schema: PriorAuthViewSchema, description: 'The prior authorization with its units' },
    errors: [404, 409],
    errorDescriptions: { 404: 'Unknown prior authorization', 409: 'Not approved, or the flow has ended' },
    handle: ({ priorAuth }, { params, body }) => priorAuth.recordServiceRendered(params.authorizationId!, body),
  },
  {
    method: 'post',
    path: '/api/prior-auth/:authorizationId/denial-path',
    operationId: 'choosePriorAuthDenialPath',
    idempotent: true,
    summary: 'After a denial: { path: peer_to_peer | appeal | accept, by, note? }',
    tag: 'prior-auth',
    body: ChooseDenialPathBodySchema,
    result: { status: 200, schema: PriorAuthViewSchema, description: 'The prior authorization' },
    errors: [404, 409],
    errorDescriptions: { 404: 'Unknown prior authorization', 409: 'Not denied, or the flow has ended' },
    handle: ({ priorAuth }, { params, body }) => priorAuth.chooseDenialPath(params.authorizationId!, body),
  },
  {
    method: 'post',
    path: '/api/prior-auth/:authorizationId/cancel',
    operationId: 'cancelPriorAuth',
    idempotent: true,
    summary: 'Cancel a prior authorization: { by, reason }; its tasks and escalations stop',
    tag: 'prior-auth',
    body: CancelFlowBodySchema,
    result: { status: 200, schema: FlowViewSchema, description: 'The cancelled flow' },
    errors: [404, 409],
    errorDescriptions: { 404: 'Unknown prior authorization', 409: 'The flow has already ended' },
    handle: ({ priorAuth }, { params, body }) => priorAuth.cancelPriorAuth(params.authorizationId!, body),
  },
  // ---- Appeals (static paths before /api/appeals/:appealId) --------------------------------------
  {
    method: 'post',
    path: '/api/claims/timely-filing/plan',
    operationId: 'planTimelyFiling',
    access: 'read',
    summary: 'Medicare FFS timely filing of a claim: the last day it may be received, and whether a submission time makes it',
    description: '12 months from the date of service (29 February to 28 February); a last day on a weekend or holiday moves to the next business day; an electronic claim received after 6 p.m. Eastern, on a weekend or holiday counts as received the next business day (42 CFR 424.44; Pub. 100-04 ch.1 §70).',
    tag: 'appeals',
    body: TimelyFilingBodySchema,
    result: { status: 200, schema: TimelyFilingPlanResultSchema, description: 'The filing deadline' },
    errors: [],
    errorDescriptions: { 400: 'A field fails validation' },
    handle: ({ appeals }, { body }) => appeals.planTimelyFiling(body),
  },
  {
    method: 'post',
    path: '/api/appeals/plan',
    operationId: 'planAppeal',
    access: 'read',
    summary: 'The filing deadline and rule of one appeal level, or why the denial cannot be appealed (no side effects)',
    description: 'A CO-29 (timely filing) denial answers `appealable: false` with the reason and rule. For a Medicare ALJ request, `amountInControversy` shows the year\'s threshold and whether it is met.',
    tag: 'appeals',
    body: AppealPlanBodySchema,
    result: { status: 200, schema: AppealPlanResultSchema, description: 'The plan' },
    errors: [],
    errorDescriptions: { 400: 'A field fails validation, or the payer type has no such level' },
    handle: ({ appeals }, { body }) => appeals.planAppeal(body),
  },
  {
    method: 'post',
    path: '/api/appeals',
    operationId: 'startAppeal',
    summary: 'Start a claim appeal (once per appealId): filing checklist and reminders to the filing deadline, then the payer decision clock',
    description:
      'The flow id is `appeal-<appealId>`; the same appealId again is 409. A denial that cannot be appealed at the level is 400 naming the field, and no flow is started: ' +
      '`denialCodes` for CO-29, `level` for a level the payer type does not have, `deniedAmount` for an ALJ request below the year\'s amount in controversy. ' +
      `The ${ACTOR_HEADER} header names who starts it (default: staffEmail).`,
    tag: 'appeals',
    body: StartAppealBodySchema,
    actorHeader: true,
    result: { status: 201, schema: StartAppealResultSchema, description: 'Started; the filing plan' },
    errors: [409],
    errorDescriptions: { 409: 'An appeal with this appealId was already started' },
    handle: ({ appeals }, { body, actor }) => appeals.startAppeal(body, actor),
  },
  {
    method: 'get',
    path: '/api/appeals',
    operationId: 'listAppeals',
    summary: 'Claim appeals, newest first, from the flow table',
    tag: 'appeals',
    query: ListByStatusQuerySchema,
    result: { status: 200, schema: FlowListSchema, description: 'Matching flows' },
    errors: [],
    handle: ({ appeals }, { query }) => appeals.listAppeals(query),
  },
  {
    method: 'get',
    path: '/api/appeals/:appealId',
    operationId: 'getAppeal',
    summary: 'A claim appeal: level, filing deadline, tasks, letter, submission, decisions and recent audit history',
    description: 'When Temporal no longer has the flow, `source` is `ledger` and the state is rebuilt from the audit ledger.',
    tag: 'appeals',
    result: { status: 200, schema: AppealDetailSchema, description: 'The appeal' },
    errors: [404],
    errorDescriptions: { 404: 'Unknown appeal' },
    handle: ({ appeals }, { params }) => appeals.getAppeal(params.appealId!),
  },
  {
    method: 'post',
    path: '/api/appeals/:appealId/submission',
    operationId: 'submitAppeal',
    idempotent: true,
    summary: 'Record the filing with its proof: { confirmationNumber, channel, submittedAt?, by, note?, lateReason? } (completes submit_appeal)',
    tag: 'appeals',
    body: SubmitAppealBodySchema,
    result: { status: 200, schema: AppealViewSchema, description: 'The appeal with its submission and decision due date' },
    errors: [404, 409],
    errorDescriptions: { 404: 'Unknown appeal', 409: 'Already submitted, or the appeal has ended' },
    handle: ({ appeals }, { params, body }) => appeals.submitAppeal(params.appealId!, body),
  },
  {
    method: 'post',
    path: '/api/appeals/:appealId/decision',
    operationId: 'recordAppealDecision',
    idempotent: true,
    summary: "Record the payer's decision on the level: won, partially_won or lost (a loss with its noticeDate opens the next level)",
    tag: 'appeals',
    body: AppealDecisionBodySchema,
    result: { status: 200, schema: AppealViewSchema, description: 'The appeal' },
    errors: [404, 409],
    errorDescriptions: { 404: 'Unknown appeal', 409: 'Not yet submitted, or the appeal has ended' },
    handle: ({ appeals }, { params, body }) => appeals.recordDecision(params.appealId!, body),
  },
  {
    method: 'post',
    path: '/api/appeals/:appealId/close',
    operationId: 'closeAppeal',
    idempotent: true,
    summary: 'Close an appeal (the practice stops pursuing it): { by, reason }',
    tag: 'appeals',
    body: CloseAppealBodySchema,
    result: { status: 200, schema: AppealViewSchema, description: 'The closed appeal' },
    errors: [404, 409],
    errorDescriptions: { 404: 'Unknown appeal', 409: 'The appeal has already ended' },
    handle: ({ appeals }, { params, body }) => appeals.closeAppeal(params.appealId!, body),
  },
  {
    method: 'post',
    path: '/api/appeals/:appealId/cancel',
    operationId: 'cancelAppeal',
    idempotent: true,
    summary: 'Cancel an appeal started in error: { by, reason }',
    tag: 'appeals',
    body: CancelFlowBodySchema,
    result: { status: 200, schema: FlowViewSchema, description: 'The cancelled flow' },
    errors: [404, 409],
    errorDescriptions: { 404: 'Unknown appeal', 409: 'The appeal has already ended' },
    handle: ({ appeals }, { params, body }) => appeals.cancelAppeal(params.appealId!, body),
  },
  // ---- Worklists and reports ---------------------------------------------------------------
  {
    method: 'get',
    path: '/api/worklist/appeals',
    operationId: 'appealWorklist',
    summary: 'Open appeals, soonest due first: by filing deadline (with days left), by the payer decision due date once submitted',
    description: 'From the flow table and the audit ledger. `daysLeft` and `daysUntilDue` count from today in the practice time zone and are negative once past (`overdue`).',
    tag: 'worklists',
    query: WorklistQuerySchema,
    result: { status: 200, schema: AppealWorklistSchema, description: 'The worklist' },
    errors: [],
    handle: ({ worklists }, { query }) => worklists.appealWorklist(query),
  },
  {
    method: 'get',
    path: '/api/worklist/prior-auth',
    operationId: 'priorAuthWorklist',
    summary: "Prior authorizations waiting on the payer, soonest decision due first; pastClock when the payer's clock has run out",
    description: 'From the flow table and the audit ledger: submitted requests (with decisionDueAt and hoursLeft) and requests awaiting a decision after a peer-to-peer review.',
    tag: 'worklists',
    query: WorklistQuerySchema,
    result: { status: 200, schema: PriorAuthWorklistSchema, description: 'The worklist' },
    errors: [],
    handle: ({ worklists }, { query }) => worklists.priorAuthWorklist(query),
  },
  {
    method: 'get',
    path: '/api/reports/prior-auth-metrics',
    operationId: 'priorAuthMetrics',
    summary: 'Prior-authorization metrics (CMS-0057-F style) for the practice\'s own requests, per payer and overall, from the audit ledger',
    description:
      '`from` and `to` are dates in the practice time zone (inclusive); events count by when they were recorded. requests: first submissions; decisions: approved + denied + pended, ' +
      'with approvalRate and denialRate over decisions; average and median hours from the submission to the approval or denial; decidedAfterClock: approvals and denials received after the payer\'s clock ran out.',
    tag: 'worklists',
    query: PriorAuthMetricsQuerySchema,
    result: { status: 200, schema: PriorAuthMetricsReportSchema, description: 'The report' },
    errors: [],
    handle: ({ worklists }, { query }) => worklists.priorAuthMetrics(query),
  },
  // ---- The auditor's record (./audit-routes.ts) ------------------------------------------------
  ...auditRoutes,
  ...oshaRoutes,
  // ---- Sign-in, users, API tokens, calendar feed (./auth-routes.ts) -----------------------------
  ...authRoutes,
  // ---- The codec endpoint for the Temporal Web UI and CLI (./codec-routes.ts) -------------------
  ...codecRoutes,
];
