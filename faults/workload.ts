// The load the faults land on: flows driven as a careful client drives them, through Temporal
// with the encrypting data converter. A client that does not know whether its request arrived
// sends it again: a start with the same workflow id (already started = started), an Update with
// the same update id (Temporal answers a repeated id with the first outcome). A flow counts as
// started once Temporal acknowledged it; from then on it must reach its end state.
//   checklist  two tasks overdue since 2020: two notices at once (emails), then both completed
//              by Updates, then the flow completes.
//   credential a board certification due in 100 days, renewed by an Update: the renewal is
//              recorded, confirmed by email, and the workflow continues as new (cycle 2).
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { credentialWorkflowId } from '../domain/credentialing/credential';
import type { ChecklistFlowInput } from '../workflows/checklist/workflow';
import type { CredentialFlowInput } from '../workflows/credential/workflow';
import { renewCredentialUpdate } from '../workflows/credential/definitions';
import { completeTaskUpdate } from '../workflows/task-engine/definitions';
import { delay } from '../devstack/process';
import { FAULT_TASK_QUEUE, type FaultStack } from './stack';

export type FlowKind = 'checklist' | 'credential';

export const CHECKLIST_TASKS = ['badge', 'keys'] as const;
export const MANAGER = 'manager@faults.example';
const STAFF = 'lee@faults.example';
const OWNER = 'credentialing@faults.example';
const TIME_ZONE = 'America/New_York';
const PROGRESS_WINDOW_MS = 15_000;

export interface DrivenFlow {
  scenario: string;
  kind: FlowKind;
  workflowId: string;
  /** The credential id (credential flows). */
  subjectId: string;
  /** Temporal acknowledged the start: from now on it must not be lost. */
  started: boolean;
  /** The driver saw it through to its end state. */
  done: boolean;
  /** Due dates of a credential before and after its renewal. */
  renewal?: { from: string; to: string };
  /** What the driver could not do (diagnostics for the report). */
  problems: string[];
  /** When the driver last got a step further (a flow stuck behind a killed activity waits for its timeout). */
  progressAt: number;
}

export interface LoadEvents {
  /** An Update was just sent (the runner may kill the worker now). */
  onUpdateSent?: (flow: DrivenFlow) => void;
}

/**
 * Keeps `concurrency` flows of one kind making progress, starting new ones until stopStarting().
 * A flow whose activity died with the worker waits for the activity's timeout (a minute and more
 * for an email): it does not count as making progress, so the next worker still gets fresh work,
 * up to four times `concurrency` flows in flight.
 */
export class Load {
  readonly flows: DrivenFlow[] = [];
  /** Update retries refused because an earlier attempt had already made the change. */
  refusedAsDone = 0;
  private readonly drivers: Promise<void>[] = [];
  private starting = true;
  private pumping: Promise<void> = Promise.resolve();
  private active = 0;

  constructor(
    private readonly stack: FaultStack,
    private readonly scenario: string,
    private readonly kind: FlowKind,
    private readonly concurrency: number,
    private readonly signal: AbortSignal,
    private readonly events: LoadEvents = {},
  ) {}

  start(): void {
    this.pumping = this.pump();
  }

  async stopStarting(): Promise<void> {
    this.starting = false;
    await this.pumping;
  }

  /** Resolves when every driver has finished (or given up when the signal aborted). */
  async finished(): Promise<void> {
    await this.stopStarting();
    await Promise.allSettled(this.drivers);
  }

  private async pump(): Promise<void> {
    while (this.starting && !this.signal.aborted) {
      const progressing = this.flows.filter((f) => !f.done && f.problems.length === 0 && Date.now() - f.progressAt < PROGRESS_WINDOW_MS).length;
      if (progressing >= this.concurrency || this.active >= this.concurrency * 4) {
        await delay(100);
        continue;
      }
      const n = this.flows.length + 1;
      const subjectId = `${this.scenario}-${n}`;
      const flow: DrivenFlow = { scenario: this.scenario, kind: this.kind, subjectId, workflowId: this.kind === 'credential' ? credentialWorkflowId(subjectId) : subjectId, started: false, done: false, problems: [], progressAt: Date.now() };
      this.flows.push(flow);
      this.active += 1;
      const drive = this.kind === 'credential' ? this.driveCredential(flow) : this.driveChecklist(flow);
      this.drivers.push(
        drive
          .then(() => void (flow.done = true))
          .catch((err: unknown) => void (this.signal.aborted || flow.problems.push((err as Error).message)))
          .finally(() => (this.active -= 1)),
      );
    }
  }

  private async driveChecklist(flow: DrivenFlow): Promise<void> {
    const input: ChecklistFlowInput = {
      title: `Fault suite ${flow.workflowId}`,
      managerEmail: MANAGER,
      startedBy: MANAGER,
      practice: { timeZone: TIME_ZONE },
      // Overdue since 2020: each task's escalation goes out at once.
      tasks: CHECKLIST_TASKS.map((key) => ({ key, title: `Fault suite task ${key}`, assignee: { email: STAFF }, due: { date: '2020-01-06' } })),
    };
    await this.startFlow(flow, 'checklistFlow', [input]);
    // The notices first: the emails are what the window is about.
    await this.until(flow, 'both notices sent', async () => (await this.stack.prisma.outboxEmail.count({ where: { workflowId: flow.workflowId, status: 'sent' } })) >= CHECKLIST_TASKS.length);
    const handle = this.stack.client.workflow.getHandle(flow.workflowId);
    for (const taskKey of CHECKLIST_TASKS) {
      await this.update(flow, `complete ${taskKey}`, `${flow.workflowId}:task.completed:${taskKey}`, () =>
        handle.executeUpdate(completeTaskUpdate, { args: [{ taskKey, by: STAFF, lateReason: 'fault suite: done after the due date' }], updateId: `${flow.workflowId}.complete.${taskKey}` }),
      );
    }
    await this.until(flow, 'the flow completed', async () => (await handle.describe()).status.name === 'COMPLETED');
  }

  private async driveCredential(flow: DrivenFlow): Promise<void> {
    const from = isoDayFromNow(100);
    const to = isoDayFromNow(800);
    flow.renewal = { from, to };
    const input: CredentialFlowInput = {
      credential: { credentialId: flow.subjectId, providerId: 'p-faults', type: 'board_certification', dueDate: from, providerEmail: 'dr.faults@faults.example', ownerEmail: OWNER, managerEmail: MANAGER },
      practice: { timeZone: TIME_ZONE },
      startedBy: MANAGER,
    };
    await this.startFlow(flow, 'credentialFlow', [input]);
    await this.until(flow, 'the credential recorded', async () => (await this.stack.prisma.credential.count({ where: { credentialId: flow.subjectId } })) === 1);
    const handle = this.stack.client.workflow.getHandle(flow.workflowId);
    // An explicit new due date: a repeated renewal after the continue-as-new is then refused
    // (must be after the current due date) rather than recorded twice.
    await this.update(flow, 'renew', `${flow.workflowId}:credential.renewed:renewed:${from}`, () =>
      handle.executeUpdate(renewCredentialUpdate, { args: [{ evidence: `board-letter-${flow.subjectId}`, by: OWNER, newDueDate: to }], updateId: `${flow.workflowId}.renew.${from}` }),
    );
    await this.until(flow, 'the renewal confirmed by email', async () => (await this.stack.prisma.outboxEmail.count({ where: { workflowId: flow.workflowId, status: 'sent' } })) >= 1);
  }

  private async startFlow(flow: DrivenFlow, workflowType: string, args: unknown[]): Promise<void> {
    for (;;) {
      this.throwIfAborted('start');
      try {
        await this.stack.client.workflow.start(workflowType, { taskQueue: FAULT_TASK_QUEUE, workflowId: flow.workflowId, args });
        break;
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) break; // an earlier attempt got through
        await delay(500);
      }
    }
    flow.started = true;
    flow.progressAt = Date.now();
  }

  /**
   * Sends an Update until it has an outcome. A rejection is fine only when the change is already
   * in the ledger (`ledgerKey`): an earlier attempt made it (e.g. before a continue-as-new).
   */
  private async update(flow: DrivenFlow, what: string, ledgerKey: string, send: () => Promise<unknown>): Promise<void> {
    for (;;) {
      this.throwIfAborted(what);
      this.events.onUpdateSent?.(flow);
      try {
        await send();
        flow.progressAt = Date.now();
        return;
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          if (await this.inLedger(ledgerKey)) {
            this.refusedAsDone += 1;
            return;
          }
          throw new Error(`${what}: refused (${err.cause?.message ?? err.message}) and not in the ledger`);
        }
        await delay(500);
      }
    }
  }

  /** Whether the change is in the ledger, waiting a while: an earlier attempt may still be recording it. */
  private async inLedger(businessKey: string): Promise<boolean> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      this.throwIfAborted('read the ledger');
      const count = await this.stack.prisma.auditEntry.count({ where: { businessKey } }).catch(() => 0);
      if (count === 1) return true;
      await delay(500);
    }
    return false;
  }

  /** Polls until `check` holds; errors (a restarting database or server) count as not yet. */
  private async until(flow: DrivenFlow, what: string, check: () => Promise<boolean>): Promise<void> {
    for (;;) {
      this.throwIfAborted(`${flow.workflowId}: waiting for ${what}`);
      if (await check().catch(() => false)) {
        flow.progressAt = Date.now();
        return;
      }
      await delay(400);
    }
  }

  private throwIfAborted(what: string): void {
    if (this.signal.aborted) throw new Error(`gave up (${what})`);
  }
}

/** A calendar date `days` from today in the practice's zone. */
export function isoDayFromNow(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));
}
