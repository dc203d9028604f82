// The API's routes as data: method, path, input schemas, result schema and handler. The Hono app
// (./app.ts) serves exactly these, and the OpenAPI document (./openapi.ts) is generated from the
// same table, so the two cannot disagree.
import type { z } from 'zod';
import type { FlowService } from '../services/flows';
import {
  AddTaskBodySchema,
  CancelFlowBodySchema,
  ChangeDueBodySchema,
  ChangeStartDateBodySchema,
  CompleteTaskBodySchema,
  FlowDetailSchema,
  FlowListSchema,
  FlowViewSchema,
  HealthSchema,
  HepBReversalBodySchema,
  ListFlowsQuerySchema,
  PlanViewSchema,
  StartOnboardingBodySchema,
  StartResultSchema,
  TaskViewSchema,
  type Health,
} from '../services/schemas';

/** Who is asking, until sign-in exists: recorded as the flow's `startedBy` on start. */
export const ACTOR_HEADER = 'X-PracticeFlow-Actor';

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
  tag: 'onboarding' | 'flows' | 'tasks' | 'system';
  body?: z.ZodType;
  query?: z.ZodType;
  /** Uses the X-PracticeFlow-Actor header. */
  actorHeader?: boolean;
  result: { status: 200 | 201; schema: z.ZodType; description: string };
  /** A status other than result.status that depends on the result (health: 503 when not ok). */
  statusOf?: (result: unknown) => 200 | 201 | 503;
  /** Error statuses this route can answer besides 400 (bad input) and 503. */
  errors: (404 | 409)[];
  handle(service: FlowService, input: RouteInput): Promise<unknown>;
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
    handle: (s) => s.health(),
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
    handle: (s, { body }) => s.planOnboarding(body),
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
    handle: (s, { body, actor }) => s.startOnboarding(body, actor),
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
    handle: (s, { query }) => s.listFlows(query),
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
    handle: (s, { params }) => s.getFlow(params.flowId!),
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
    handle: (s, { params, body }) => s.completeTask(params.flowId!, params.taskKey!, body),
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
    handle: (s, { params, body }) => s.changeDue(params.flowId!, params.taskKey!, body),
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
    handle: (s, { params, body }) => s.addTask(params.flowId!, body),
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
    handle: (s, { params, body }) => s.cancelFlow(params.flowId!, body),
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
    handle: (s, { params, body }) => s.changeStartDate(params.flowId!, body),
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
    handle: (s, { params, body }) => s.reverseHepBDeclination(params.flowId!, body),
  },
];
