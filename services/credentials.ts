// The credentialing operations: add a provider credential (one credential flow per credential,
// id credential-<credentialId>), list the credential table (the manager's expiry dashboard), show
// one credential, renew, change and retire it through the flow's Updates, read the lapse flags in
// force, preview a credential's plan, and import a CSV. Every input is validated here with the
// domain's schemas BEFORE Temporal is called; every failure leaves as a ServiceError (./errors).
//
// Onboarding link: a credential added for a provider whose onboarding flow (onboarding-<providerId>)
// is running with its `credentialing` task open completes that task (completeTask Update, by the
// actor, evidence { credentialId }). A failure there never fails the add; it is a warning.
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { z } from 'zod';
import { credentialSchedule, credentialWorkflowId, lapseFlags, ruleFor, type Credential, type CredentialChange, type CredentialType } from '../domain/credentialing';
import { onboardingWorkflowId } from '../domain/onboarding';
import { ActorSchema, type FlowView } from '../domain/tasks/model';
import type { Credential as CredentialModel, Prisma } from '../generated/prisma/client';
import {
  changeCredentialUpdate,
  credentialQuery,
  renewCredentialUpdate,
  retireCredentialUpdate,
  type CredentialView,
} from '../workflows/credential/definitions';
import type { credentialFlow, CredentialFlowInput } from '../workflows/credential/workflow';
import { checklistQuery, completeTaskUpdate } from '../workflows/task-engine/definitions';
import { importCredentialCsv, type ExistingCredential } from './credential-import';
import { credentialPractice, planCredentialRequest } from './credential-plan';
import { conflict, notFound, parseInput, toServiceError, type ServiceError } from './errors';
import {
  ChangeCredentialBodySchema,
  CredentialFlagsQuerySchema,
  CredentialIdSchema,
  ImportCredentialsBodySchema,
  ListCredentialsQuerySchema,
  RenewCredentialBodySchema,
  RetireCredentialBodySchema,
  type AddCredentialResult,
  type CredentialDetail,
  type CredentialFlagList,
  type CredentialList,
  type CredentialPlan,
  type CredentialStatus,
  type CredentialSummary,
  type ImportResult,
} from './schemas';
import { TemporalService, type FlowServiceOptions, type RecordedNotice } from './temporal-service';
import { isoDateOfColumn as isoDate } from '../domain/calendar/iso-date';

/** The same dependencies as the FlowService. */
export type CredentialServiceOptions = FlowServiceOptions;

const ACTOR_HEADER = 'X-PracticeFlow-Actor';
/** The onboarding task a new provider's first credential completes. */
const CREDENTIALING_TASK = 'credentialing';
const LAPSED: CredentialStatus[] = ['lapsed', 'new_application_required'];
/** The notice of a credential shown from the credential table rather than its flow. */
const SHOWN_FROM_TABLE: RecordedNotice = {
  forgotten: 'Temporal no longer has this credential flow (its history retention has passed); shown from the credential table.',
  unavailable: 'shown from the credential table, which may lag behind.',
};

/** A row of the credential table, which each credential flow keeps current. */
type CredentialRow = CredentialModel;

const dbDate = (iso: string): Date => new Date(`${iso}T00:00:00Z`);
const daysBetween = (from: string, to: string): number => Math.round((dbDate(to).getTime() - dbDate(from).getTime()) / 86_400_000);

/** The credential a table row records (absent fields left out). */
function credentialOf(row: CredentialRow): Credential {
  const c: Credential = {
    credentialId: row.credentialId,
    providerId: row.providerId,
    type: row.type as CredentialType,
    dueDate: isoDate(row.dueDate),
    providerEmail: row.providerEmail,
    ownerEmail: row.ownerEmail,
    managerEmail: row.managerEmail,
  };
  if (row.issuer !== null) c.issuer = row.issuer;
  if (row.jurisdiction !== null) c.jurisdiction = row.jurisdiction;
  if (row.number !== null) c.number = row.number;
  if (row.issueDate !== null) c.issueDate = isoDate(row.issueDate);
  if (row.evidence !== null) c.evidence = row.evidence;
  return c;
}

/** Flag strings with the rule's description (the table stores the strings only). */
function describedFlags(credential: Credential, flags: string[]): { flag: string; description: string }[] {
  const known = new Map(lapseFlags(credential).map((f) => [f.flag, f.description]));
  return flags.map((flag) => ({ flag, description: known.get(flag) ?? '' }));
}

export class CredentialService extends TemporalService {
  /** Due date, reminder dates, lapse and renewal window of a credential; no side effects. */
  async planCredential(body: unknown): Promise<CredentialPlan> {
    return this.guard({ operation: 'plan the credential' }, async () => planCredentialRequest(body, this.practice).plan);
  }

  /**
   * Adds a credential: starts its flow, once per credentialId (the credential table catches a
   * credential whose flow Temporal has already forgotten). `actor` is who adds it (the
   * X-PracticeFlow-Actor header); without it, the credential's ownerEmail.
   */
  async addCredential(body: unknown, actor?: string): Promise<AddCredentialResult> {
    return this.guard({ operation: 'add the credential' }, async () => {
      const { credential, plan } = planCredentialRequest(body, this.practice);
      const startedBy = parseInput(ActorSchema, actor ?? credential.ownerEmail, actor === undefined ? 'ownerEmail' : ACTOR_HEADER);
      const existing = await this.prisma.credential.findUnique({ where: { credentialId: credential.credentialId } });
      if (existing) {
        throw conflict(
          `credentialId: credential ${credential.credentialId} already exists (${existing.type} of provider ${existing.providerId}, ${existing.status}, due ${isoDate(existing.dueDate)}); a credential is added once: renew or change it`,
        );
      }
      await this.startFlow(credential, startedBy);
      const link = await this.linkOnboarding(credential, startedBy);
      return { credentialId: credential.credentialId, flowId: credentialWorkflowId(credential.credentialId), plan, ...link };
    });
  }

  /**
   * Credentials from the credential table (which each flow keeps current), soonest due first.
   * `expiringWithinDays`: due between today and today + N in the practice's time zone; lapsed
   * ones (due before today) are included when `status` names them. Retired ones only when asked.
   */
  async listCredentials(query: unknown): Promise<CredentialList> {
    return this.guard({ operation: 'list credentials' }, async () => {
      const q = parseInput(ListCredentialsQuerySchema, query);
      const today = this.calendar.dateOf(Date.now());
      const statuses = q.status ?? (['active', ...LAPSED] as CredentialStatus[]);
      const where: Prisma.CredentialWhereInput = { status: { in: statuses } };
      if (q.providerId) where.providerId = q.providerId;
      if (q.type) where.type = q.type;
      if (q.expiringWithinDays !== undefined) {
        const horizon = dbDate(this.calendar.addCalendarDays(today, q.expiringWithinDays));
        const pastDue = q.status ? statuses.filter((s) => LAPSED.includes(s)) : [];
        where.OR = [{ dueDate: { gte: dbDate(today), lte: horizon } }, ...(pastDue.length > 0 ? [{ status: { in: pastDue }, dueDate: { lte: horizon } }] : [])];
      }
      const rows = await this.prisma.credential.findMany({ where, orderBy: [{ dueDate: 'asc' }, { credentialId: 'asc' }], take: q.limit });
      return { today, timeZone: this.practice.timeZone, credentials: rows.map((row) => this.summaryOf(row, today)) };
    });
  }

  /**
   * One credential: its flow's live view and schedule, and its recent audit history. When
   * Temporal no longer has the flow (retention) or cannot answer, the credential table's record.
   */
  async getCredential(credentialId: string): Promise<CredentialDetail> {
    const flowId = credentialWorkflowId(credentialId);
    return this.guard({ operation: 'show the credential', flowId }, async () => {
      parseInput(CredentialIdSchema, credentialId, 'credentialId');
      const [row, history] = await Promise.all([this.prisma.credential.findUnique({ where: { credentialId } }), this.recentHistory(flowId)]);
      try {
        const view = await this.temporal(() => this.client.workflow.getHandle(flowId).query(credentialQuery));
        return { ...view, ...this.scheduleOf(view.credential), flowId, source: 'temporal', history };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError && !row) throw notFound(`credentialId: no credential "${credentialId}"`);
        const recorded = this.recordedInstead(err, row, { operation: 'show the credential', flowId }, SHOWN_FROM_TABLE);
        const credential = credentialOf(recorded.row);
        return {
          credential,
          status: recorded.row.status,
          cycle: recorded.row.cycle,
          flags: describedFlags(credential, recorded.row.flags),
          rule: ruleFor(credential).citation,
          ...this.scheduleOf(credential),
          flowId,
          source: 'table',
          notice: recorded.notice,
          history,
        };
      }
    });
  }

  /** Records a renewal (RenewalSchema); the flow checks the rule's window (DEA: not more than 60 days early). */
  async renewCredential(credentialId: string, body: unknown): Promise<CredentialView> {
    return this.update(credentialId, 'renew the credential', RenewCredentialBodySchema, body, (handle, input) => handle.executeUpdate(renewCredentialUpdate, { args: [input] }));
  }

  /** Corrects fields (CredentialChangeSchema): due date, issuer, number, evidence, emails. Audited with the reason. */
  async changeCredential(credentialId: string, body: unknown): Promise<CredentialView> {
    return this.update(credentialId, 'change the credential', ChangeCredentialBodySchema, body, (handle, input) => handle.executeUpdate(changeCredentialUpdate, { args: [input] }));
  }

  /** Retires a credential (the provider left, the credential is no longer needed): its flow ends. */
  async retireCredential(credentialId: string, body: unknown): Promise<CredentialView> {
    return this.update(credentialId, 'retire the credential', RetireCredentialBodySchema, body, (handle, input) => handle.executeUpdate(retireCredentialUpdate, { args: [input] }));
  }

  /** The lapse flags in force (what billing and scheduling read), by provider. */
  async credentialFlags(query: unknown): Promise<CredentialFlagList> {
    return this.guard({ operation: 'read the lapse flags' }, async () => {
      const q = parseInput(CredentialFlagsQuerySchema, query);
      const rows = await this.prisma.credential.findMany({
        where: { status: { in: LAPSED }, flags: { isEmpty: false }, ...(q.providerId ? { providerId: q.providerId } : {}) },
        orderBy: [{ providerId: 'asc' }, { dueDate: 'asc' }, { credentialId: 'asc' }],
      });
      return {
        flags: rows.flatMap((row) => {
          const credential = credentialOf(row);
          const since = this.calendar.addCalendarDays(credential.dueDate, 1);
          return describedFlags(credential, row.flags).map((f) => ({ ...f, providerId: row.providerId, credentialId: row.credentialId, type: row.type, status: row.status, dueDate: credential.dueDate, since }));
        }),
      };
    });
  }

  /** A CSV file of credentials (see ./credential-import.ts); `actor` as for addCredential. */
  async importCredentials(body: unknown, actor?: string): Promise<ImportResult> {
    return this.guard({ operation: 'import credentials' }, async () => {
      const { csv } = parseInput(ImportCredentialsBodySchema, body);
      const by = actor === undefined ? undefined : parseInput(ActorSchema, actor, ACTOR_HEADER);
      return importCredentialCsv(
        csv,
        by,
        {
          existing: (ids) => this.existing(ids),
          start: async (credential, startedBy) => {
            await this.startFlow(credential, startedBy);
            return (await this.linkOnboarding(credential, startedBy)).warnings;
          },
          change: async (credentialId, change) => {
            await this.update(credentialId, 'change the credential', ChangeCredentialBodySchema, change, (handle, input: CredentialChange) =>
              handle.executeUpdate(changeCredentialUpdate, { args: [input] }),
            );
          },
        },
        (err) => toServiceError(err, { operation: 'import the row', ...this.errorContext })?.message ?? (err instanceof Error ? err.message : String(err)),
      );
    });
  }

  // ---- Plumbing ----------------------------------------------------------------------------

  private summaryOf(row: CredentialRow, today: string): CredentialSummary {
    const dueDate = isoDate(row.dueDate);
    return {
      credentialId: row.credentialId,
      providerId: row.providerId,
      type: row.type,
      issuer: row.issuer,
      jurisdiction: row.jurisdiction,
      number: row.number,
      issueDate: row.issueDate ? isoDate(row.issueDate) : null,
      dueDate,
      daysUntilDue: daysBetween(today, dueDate),
      status: row.status,
      flags: row.flags,
      evidence: row.evidence,
      providerEmail: row.providerEmail,
      ownerEmail: row.ownerEmail,
      managerEmail: row.managerEmail,
      flowId: row.workflowId,
      cycle: row.cycle,
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  private scheduleOf(credential: Credential): { lapsesOn: string; graceEndsOn?: string; renewalOpensOn?: string } {
    const { lapsesOn, graceEndsOn, renewalOpensOn } = credentialSchedule(credential, this.calendar);
    return { lapsesOn, ...(graceEndsOn ? { graceEndsOn } : {}), ...(renewalOpensOn ? { renewalOpensOn } : {}) };
  }

  /** Starts the credential's flow; a credential whose flow exists is a Conflict. */
  private async startFlow(credential: Credential, startedBy: string): Promise<void> {
    const flowId = credentialWorkflowId(credential.credentialId);
    const input: CredentialFlowInput = { credential, practice: credentialPractice(this.practice), sendAt: this.practice.reminders.sendAt, startedBy };
    try {
      await this.temporal(() =>
        this.client.workflow.start<typeof credentialFlow>('credentialFlow', {
          taskQueue: this.taskQueue,
          workflowId: flowId,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [input],
        }),
      );
    } catch (err) {
      // A start racing this one got there first, or the flow outlived its table row.
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw conflict(`credentialId: credential ${credential.credentialId} already exists (flow ${flowId}); a credential is added once: renew or change it`);
      throw err;
    }
  }

  /** Completes the provider's onboarding `credentialing` task, when it is open; never throws. */
  private async linkOnboarding(credential: Credential, actor: string): Promise<Pick<AddCredentialResult, 'onboarding' | 'warnings'>> {
    const flowId = onboardingWorkflowId(credential.providerId);
    const handle = this.client.workflow.getHandle(flowId);
    const failed = (err: unknown, doing: string) => {
      const why = toServiceError(err, { operation: doing, flowId, ...this.errorContext })?.message ?? (err instanceof Error ? err.message : String(err));
      return `the credential was added, but the onboarding flow ${flowId} could not be updated (${why}); complete its ${CREDENTIALING_TASK} task by hand: practiceflow task complete ${flowId} ${CREDENTIALING_TASK} --by <you> --evidence credentialId=${credential.credentialId}`;
    };
    let flow: FlowView;
    try {
      flow = await this.temporal(() => handle.query(checklistQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { warnings: [] };
      return { warnings: [failed(err, 'read the onboarding checklist')] };
    }
    const task = flow.tasks.find((t) => t.key === CREDENTIALING_TASK);
    if (flow.flowType !== 'onboarding' || flow.status !== 'running' || !task || task.status !== 'open') return { warnings: [] };
    const link = { flowId, taskKey: CREDENTIALING_TASK } as const;
    if (task.overdue) {
      return {
        onboarding: { ...link, completed: false },
        warnings: [
          `the onboarding flow ${flowId} has its ${CREDENTIALING_TASK} task overdue (due ${task.dueDate}); completing it needs a late reason only a person can give: practiceflow task complete ${flowId} ${CREDENTIALING_TASK} --by <you> --late-reason "..." --evidence credentialId=${credential.credentialId}`,
        ],
      };
    }
    const what = [credential.type, credential.jurisdiction, credential.issuer].filter(Boolean).join(' ');
    try {
      await this.temporal(() =>
        handle.executeUpdate(completeTaskUpdate, {
          args: [
            {
              taskKey: CREDENTIALING_TASK,
              by: actor,
              evidence: { credentialId: credential.credentialId },
              note: `Credential flow ${credentialWorkflowId(credential.credentialId)} started (${what}, due ${credential.dueDate}).`,
            },
          ],
        }),
      );
      return { onboarding: { ...link, completed: true }, warnings: [] };
    } catch (err) {
      return { onboarding: { ...link, completed: false }, warnings: [failed(err, 'complete the onboarding credentialing task')] };
    }
  }

  /** Credentials that exist, from the table, or (just started, not yet recorded) their flow. */
  private async existing(credentialIds: string[]): Promise<Map<string, ExistingCredential>> {
    const found = new Map<string, ExistingCredential>();
    const rows = await this.prisma.credential.findMany({ where: { credentialId: { in: credentialIds } } });
    for (const row of rows) found.set(row.credentialId, { credential: credentialOf(row), status: row.status, cycle: row.cycle });
    const unknown = credentialIds.filter((id) => !found.has(id));
    for (let i = 0; i < unknown.length; i += 8) {
      await Promise.all(
        unknown.slice(i, i + 8).map(async (id) => {
          try {
            const view = await this.temporal(() => this.client.workflow.getHandle(credentialWorkflowId(id)).query(credentialQuery));
            found.set(id, { credential: view.credential, status: view.status, cycle: view.cycle });
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }
        }),
      );
    }
    return found;
  }

  /** An Update to a credential's flow; a retired or forgotten credential is a Conflict (from the credential table). */
  private update<S extends z.ZodType, R>(credentialId: string, operation: string, schema: S, body: unknown, send: (handle: WorkflowHandle, input: z.infer<S>) => Promise<R>): Promise<R> {
    return this.sendUpdate(
      { flowId: credentialWorkflowId(credentialId), field: 'credentialId', subject: { id: credentialId, schema: CredentialIdSchema }, gone: () => this.endedOrMissing(credentialId) },
      operation,
      schema,
      body,
      send,
    );
  }

  private async endedOrMissing(credentialId: string): Promise<ServiceError> {
    const row = await this.prisma.credential.findUnique({ where: { credentialId }, select: { status: true } });
    if (!row) return notFound(`credentialId: no credential "${credentialId}"`);
    if (row.status === 'retired') return conflict(`credentialId: credential ${credentialId} is retired; it can no longer change`);
    return conflict(`credentialId: the flow of credential ${credentialId} is no longer held by Temporal; it can no longer change`);
  }
}
