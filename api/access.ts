// Who may do what: the ONE place the API enforces roles, the actor of a change, and staff's view.
//
// Roles (RouteAccess in ./routes.ts): admin and manager do everything but user and token
// management, which is admin's; an auditor reads everything (and calls the POSTs that change
// nothing: plans, verify-export, replay) and changes nothing; staff see and complete only what is
// assigned to them: a flow's detail shows only their tasks (403 when none is theirs), they complete
// only their own tasks and record only OSHA occurrences assigned to them; every other route is 403.
//
// The actor (45 CFR 164.312(b) audit controls): every change is recorded under the signed-in
// user. A request that names someone else, in `by` or in the X-PracticeFlow-Actor header, is
// refused with 403 rather than silently rewritten, so a client never believes it recorded
// something it did not; when the header is absent the signed-in user is the actor.
import { ActorSchema } from '../domain/tasks/model';
import { forbidden, unauthorized } from '../services/errors';
import type { TaskView } from '../domain/tasks/model';
import type { FlowDetail } from '../services/schemas';
import type { AuthUser } from '../services/users';
import { ACTOR_HEADER, type ApiServices, type RouteAccess, type RouteSpec } from './routes';

const ROLES_FOR: Record<Exclude<RouteAccess, 'public' | 'self'>, readonly AuthUser['role'][]> = {
  read: ['admin', 'manager', 'auditor'],
  write: ['admin', 'manager'],
  admin: ['admin'],
};

export const accessOf = (route: RouteSpec): RouteAccess => route.access ?? (route.method === 'get' ? 'read' : 'write');

/** 401 without a user (naming why: no credentials, an idle session...), 403 when the role may not. */
export function authorize(route: RouteSpec, user: AuthUser | undefined, anonymousReason: string | undefined): void {
  const access = accessOf(route);
  if (access === 'public') return;
  if (!user) throw unauthorized(anonymousReason ?? 'sign in first (POST /api/session) or send Authorization: Bearer <API token>');
  if (access === 'self') return;
  if (user.role === 'staff' && route.staff && access !== 'admin') return; // narrowed to their own below
  if (!ROLES_FOR[access].includes(user.role)) {
    const what = access === 'admin' ? 'only an admin may' : user.role === 'auditor' ? 'an auditor reads and changes nothing; they may not' : `a ${user.role} may not`;
    throw forbidden(`${what} ${route.method.toUpperCase()} ${route.path} (signed in as ${user.email}, role ${user.role})`);
  }
}

/**
 * The actor named by the request must be the signed-in user. A malformed one is left for the
 * service to refuse (400 naming the field). Returns the actor to hand the route: the user's email
 * when the header names them or is absent.
 */
export function actorFor(user: AuthUser, headerActor: string | undefined, body: unknown): string {
  const named: [string, unknown][] = [[ACTOR_HEADER, headerActor]];
  if (body && typeof body === 'object' && !Array.isArray(body)) named.push(['by', (body as Record<string, unknown>).by]);
  for (const [field, value] of named) {
    if (typeof value !== 'string' || !ActorSchema.safeParse(value).success) continue;
    if (value.trim().toLowerCase() !== user.email) {
      throw forbidden(`${field}: must be you (${user.email}) when signed in: every change is recorded under the signed-in user, not "${value.trim()}"`, [
        { path: field, message: `must be you (${user.email}) when signed in` },
      ]);
    }
  }
  // The body's `by` in the user's own spelling of their email is recorded as their canonical email.
  if (typeof (body as { by?: unknown } | undefined)?.by === 'string' && ActorSchema.safeParse((body as { by: string }).by).success) (body as { by: string }).by = user.email;
  return headerActor === undefined || ActorSchema.safeParse(headerActor).success ? user.email : headerActor;
}

const mine = (task: TaskView, user: AuthUser): boolean => task.assignee.email.toLowerCase() === user.email;

/** Before a staff member's call: the task (or occurrence) must be assigned to them. */
export async function checkStaffTarget(route: RouteSpec, services: ApiServices, user: AuthUser, params: Record<string, string>): Promise<void> {
  if (user.role !== 'staff' || !route.staff || route.staff === 'own-flow') return;
  const flow = await services.flows.getFlow(params.flowId!);
  if (route.staff === 'own-task') {
    const task = flow.tasks.find((t) => t.key === params.taskKey);
    // An unknown task is left to the service (404 naming it).
    if (task && !mine(task, user)) throw forbidden(`taskKey: ${task.key} is assigned to ${task.assignee.email}; staff complete only their own tasks`, [{ path: 'taskKey', message: 'is assigned to someone else' }]);
    return;
  }
  if (!flow.tasks.some((t) => mine(t, user))) throw forbidden(`flowId: ${params.flowId} is not assigned to you; staff record only their own occurrences`, [{ path: 'flowId', message: 'is not assigned to you' }]);
}

/** After a staff member's read: only their tasks, and the history of those tasks. */
export function staffView(route: RouteSpec, user: AuthUser, result: unknown): unknown {
  if (user.role !== 'staff' || route.staff !== 'own-flow') return result;
  const flow = result as FlowDetail;
  const tasks = flow.tasks.filter((t) => mine(t, user));
  if (tasks.length === 0) throw forbidden(`flowId: no task of ${flow.flowId} is assigned to you; staff see only their own tasks`, [{ path: 'flowId', message: 'has no task assigned to you' }]);
  const keys = new Set(tasks.map((t) => t.key));
  return { ...flow, tasks, history: flow.history.filter((h) => (h.task !== null && keys.has(h.task)) || h.actor === user.email) };
}
