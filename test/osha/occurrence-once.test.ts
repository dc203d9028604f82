// An occurrence opens once, also after Temporal's retention has deleted its closed run (issue 18,
// risk "An occurrence can open twice"): a schedule's catch-up firing or a manual trigger that
// comes later finds the occurrence's own record in the safety_occurrence table and starts
// nothing. Real Temporal (time skipping), real Postgres; the record is written as a finished
// occurrence flow leaves it, and no Temporal run exists for it, as after retention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError } from '@temporalio/common';
import { startOccurrenceFlow } from '../../activities/osha/schedules';
import { occurrenceWorkflowIdOf } from '../../domain/osha';
import type { OccurrenceFlowInput } from '../../workflows/osha/occurrence';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';

const TZ = 'America/New_York';
let h: EngineHarness;
beforeAll(async () => {
  h = await startEngineHarness();
});
afterAll(async () => h?.stop());

const input = (key: string): OccurrenceFlowInput => ({
  siteId: 'east',
  timeZone: TZ,
  occurrence: { key, obligation: 'extinguisher_inspection', period: '2026-10', dueDate: '2026-10-30', rule: '29 CFR 1910.157(e)(2)' },
  contacts: { responsibleEmail: 'safety@clinic.example', managerEmail: 'manager@clinic.example', participantEmails: {} },
  practice: { timeZone: TZ, closureDays: [], observeInaugurationDay: false },
  startedBy: 'system:schedule:osha-east-extinguisher_inspection',
});

describe('a firing for an occurrence whose run Temporal no longer holds', () => {
  it('starts nothing when the occurrence is on record as done', async () => {
    const key = 'east:extinguisher_inspection:2026-10';
    const workflowId = occurrenceWorkflowIdOf(key);
    await h.prisma.safetyOccurrence.create({
      data: {
        occurrenceKey: key,
        siteId: 'east',
        obligation: 'extinguisher_inspection',
        period: '2026-10',
        dueDate: new Date('2026-10-30T00:00:00Z'),
        rule: '29 CFR 1910.157(e)(2)',
        status: 'completed',
        workflowId,
        completedAt: new Date('2026-10-29T15:00:00Z'),
        recordedBy: 'safety@clinic.example',
        late: false,
        participants: [],
        findings: 'all tags current',
        retainUntil: new Date('2029-10-29T00:00:00Z'),
      },
    });
    const outcome = await startOccurrenceFlow({ client: h.client, taskQueue: TASK_QUEUE }, h.prisma, { workflowId, input: input(key) });
    expect(outcome).toBe('already_recorded');
    await expect(h.client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(await h.prisma.safetyOccurrence.findUniqueOrThrow({ where: { occurrenceKey: key } })).toMatchObject({ status: 'completed', findings: 'all tags current' });
  });

  it('still opens an occurrence that has no record yet', async () => {
    const key = 'east:extinguisher_inspection:2026-11';
    const outcome = await startOccurrenceFlow({ client: h.client, taskQueue: TASK_QUEUE }, h.prisma, { workflowId: occurrenceWorkflowIdOf(key), input: input(key) });
    expect(outcome).toBe('started');
  });
});
