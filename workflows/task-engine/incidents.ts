// A flow's incident desk: a record the database refuses permanently (a DataError) does not spin
// in retries for ever nor fail the flow. The flow records an incident in the ledger, tells the
// manager once, and waits, holding the write, until someone resolves it with the resolveIncident
// Update: `retry` after the cause is fixed, or `skip` to give the write up (both recorded, by
// whom). Open incidents are listed by GET /api/incidents. A transient failure never reaches this:
// its activity keeps retrying with backoff (./activities.ts).
import { ActivityFailure, ApplicationFailure, condition, log, setHandler } from '@temporalio/workflow';
import type { AuditEvent } from '../../activities/contracts';
import { ErrorTypes } from '../../domain/errors';
import { INCIDENT_ACTIONS, ResolveIncidentSchema, type IncidentView, type ResolveIncidentInput } from '../../domain/tasks/incidents';
import { SYSTEM_ACTOR } from './actor';
import { recordAudit, sendEmail } from './activities';
import { incidentQuery, resolveIncidentUpdate } from './definitions';
import { conflictFailure, parseOrThrow } from './failures';

export interface IncidentFlow {
  workflowId: string;
  flowType: string;
  title: string;
  managerEmail: string;
}

const isDataError = (err: unknown): err is ActivityFailure =>
  err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === ErrorTypes.dataError;

export class IncidentDesk {
  private current: (IncidentView & { resolution?: ResolveIncidentInput }) | undefined;
  private count = 0;

  constructor(private readonly flow: IncidentFlow) {
    setHandler(incidentQuery, () => (this.current ? { number: this.current.number, activity: this.current.activity, reason: this.current.reason, openedAt: this.current.openedAt, status: this.current.status } : null));
    setHandler(
      resolveIncidentUpdate,
      async (raw) => {
        const input = parseOrThrow(ResolveIncidentSchema, raw);
        const incident = this.current!;
        incident.resolution = input;
        incident.status = input.action === 'retry' ? 'retried' : 'skipped';
        return { number: incident.number, activity: incident.activity, reason: incident.reason, openedAt: incident.openedAt, status: incident.status };
      },
      {
        validator: (raw) => {
          parseOrThrow(ResolveIncidentSchema, raw);
          if (!this.current || this.current.status !== 'open') throw conflictFailure(`${flow.workflowId} has no open incident`);
        },
      },
    );
  }

  /**
   * Runs a record write; a permanent refusal opens an incident and waits for its resolution:
   * `retry` runs the write again (and may open the next incident), `skip` returns without it.
   */
  async guard(activity: string, write: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        await write();
        return;
      } catch (err) {
        if (!isDataError(err)) throw err;
        const resolution = await this.open(activity, (err.cause as ApplicationFailure).message);
        if (resolution.action === 'skip') return;
      }
    }
  }

  private async open(activity: string, reason: string): Promise<ResolveIncidentInput> {
    this.count += 1;
    const number = this.count;
    const openedAt = new Date().toISOString();
    this.current = { number, activity, reason, openedAt, status: 'open' };
    const key = `${this.flow.workflowId}:incident:${openedAt}:${number}`;
    await this.record(INCIDENT_ACTIONS.opened, SYSTEM_ACTOR, key, { number, activity, reason });
    await this.tellManager(number, activity, reason, key);
    await condition(() => this.current?.resolution !== undefined);
    const resolution = this.current.resolution!;
    await this.record(resolution.action === 'retry' ? INCIDENT_ACTIONS.retried : INCIDENT_ACTIONS.skipped, resolution.by, key, { number, activity, note: resolution.note });
    return resolution;
  }

  /** The incident's own entries are small and fixed: if even they are refused, the flow still waits. */
  private async record(action: string, actor: string, key: string, detail: Record<string, unknown>): Promise<void> {
    const event: AuditEvent = { businessKey: `${key}:${action}`, occurredAt: new Date().toISOString(), actor, action, flowType: this.flow.flowType, workflowId: this.flow.workflowId, detail };
    try {
      await recordAudit([event]);
    } catch (err) {
      if (!isDataError(err)) throw err;
      log.error('incident entry refused by the database', { workflowId: this.flow.workflowId, action });
    }
  }

  /** Once per incident (its business key): identifiers and codes only. */
  private async tellManager(number: number, activity: string, reason: string, key: string): Promise<void> {
    try {
      await sendEmail({
        businessKey: `${key}:manager`,
        workflowId: this.flow.workflowId,
        to: [this.flow.managerEmail],
        subject: `Stuck: ${this.flow.workflowId} needs attention (incident ${number})`,
        text: [
          `The flow ${this.flow.workflowId} (${this.flow.flowType}) stopped: PracticeFlow could not record a step (${activity}: ${reason}).`,
          'Nothing is retried until someone resolves it. Have the cause looked at (your IT person: the database refused the value), then:',
          `  retry the write:  npx practiceflow flows incident ${this.flow.workflowId} --retry --note "what was fixed"`,
          `  or give it up:    npx practiceflow flows incident ${this.flow.workflowId} --skip --note "why"`,
          'Open incidents: GET /api/incidents.',
        ].join('\n'),
        headers: { 'X-PracticeFlow-Flow': this.flow.workflowId },
      });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      log.error('incident notice undeliverable', { workflowId: this.flow.workflowId, number });
    }
  }
}
