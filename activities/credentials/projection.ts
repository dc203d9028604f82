// Credential state for lists, dashboards and lapse flags. Idempotent: an upsert of the whole
// record keyed by credential id; the workflow is the only writer and awaits each write in order.
import type { PrismaClient } from '../../generated/prisma/client';
import type { CredentialActivities, CredentialRecord } from '../contracts';

const asDate = (d: string | undefined): Date | null => (d ? new Date(`${d}T00:00:00Z`) : null);

export async function recordCredential(prisma: PrismaClient, record: CredentialRecord): Promise<void> {
  const data = {
    providerId: record.providerId,
    type: record.type,
    issuer: record.issuer ?? null,
    jurisdiction: record.jurisdiction ?? null,
    number: record.number ?? null,
    issueDate: asDate(record.issueDate),
    dueDate: asDate(record.dueDate)!,
    status: record.status,
    flags: record.flags,
    evidence: record.evidence ?? null,
    providerEmail: record.providerEmail,
    ownerEmail: record.ownerEmail,
    managerEmail: record.managerEmail,
    workflowId: record.workflowId,
    cycle: record.cycle,
  };
  await prisma.credential.upsert({ where: { credentialId: record.credentialId }, create: { credentialId: record.credentialId, ...data }, update: data });
}

export function createCredentialActivities(prisma: PrismaClient): CredentialActivities {
  return {
    async recordCredential(record) {
      await recordCredential(prisma, record);
    },
  };
}
