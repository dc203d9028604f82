// The OSHA record: sites and safety occurrences (with their completion records and retention).
// Idempotent upserts keyed by site id and occurrence key; a late "open" write never overwrites a
// completion (an occurrence's writes may run concurrently with its completion Update).
import type { PrismaClient } from '../../generated/prisma/client';
import type { OccurrenceRow, SiteRow } from '../contracts';

const asDate = (d: string): Date => new Date(`${d}T00:00:00Z`);

export async function recordOccurrence(prisma: PrismaClient, row: OccurrenceRow): Promise<void> {
  const c = row.completion;
  const data = {
    siteId: row.siteId,
    obligation: row.obligation,
    period: row.period,
    shift: row.shift ?? null,
    employeeId: row.employeeId ?? null,
    dueDate: asDate(row.dueDate),
    plannedAt: row.plannedAt ?? null,
    rule: row.rule,
    status: row.status,
    workflowId: row.workflowId,
    ...(c
      ? {
          completedAt: new Date(c.completedAt),
          recordedBy: c.recordedBy,
          late: c.late,
          lateReason: c.lateReason ?? null,
          participants: c.participants,
          durationMinutes: c.durationMinutes ?? null,
          findings: c.findings,
          correctiveActions: c.correctiveActions,
          retainUntil: asDate(c.retainUntil),
        }
      : { participants: [] as string[] }),
  };
  await prisma.$transaction(async (tx) => {
    const existing = await tx.safetyOccurrence.findUnique({ where: { occurrenceKey: row.occurrenceKey }, select: { status: true } });
    if (!existing) {
      await tx.safetyOccurrence.create({ data: { occurrenceKey: row.occurrenceKey, ...data } });
      return;
    }
    if (existing.status !== 'open' && row.status === 'open') return;
    const { participants, ...rest } = data;
    await tx.safetyOccurrence.update({ where: { occurrenceKey: row.occurrenceKey }, data: c ? { ...rest, participants } : { status: row.status, workflowId: row.workflowId } });
  });
}

export async function recordSite(prisma: PrismaClient, row: SiteRow): Promise<void> {
  const data = {
    profile: row.profile as object,
    version: row.version,
    status: row.status,
    responsibleEmail: row.responsibleEmail,
    managerEmail: row.managerEmail,
    workflowId: row.workflowId,
    registeredOn: asDate(row.registeredOn),
    schedules: row.schedules,
  };
  await prisma.site.upsert({ where: { siteId: row.siteId }, create: { siteId: row.siteId, ...data }, update: data });
}
