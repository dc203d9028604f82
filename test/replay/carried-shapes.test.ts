// Replay covers commands, not inputs: a schema change that refuses what an older run handed to its
// next run (continue-as-new) or what a flow was started with would fail live flows at their next
// hand-over, and no replay would notice (issue 18). Every workflow input in the committed
// histories (each start, each continue-as-new, carried state included) is parsed with today's
// schema of its workflow type, and so are the carried shapes each flow's code emits today.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AppealRequestSchema } from '../../domain/appeals/request';
import { OnboardingFlowInputSchema } from '../../domain/onboarding';
import { BbpCycleInputSchema } from '../../domain/osha';
import { PriorAuthRequestSchema } from '../../domain/prior-auth/request';
import { AppealCarriedSchema } from '../../workflows/appeal/workflow';
import { HistoryArchiveInputSchema } from '../../workflows/audit/archive';
import { ChecklistCarriedSchema, ChecklistFlowInputSchema } from '../../workflows/checklist/workflow';
import { CredentialFlowInputSchema } from '../../workflows/credential/workflow';
import { OnboardingCarriedSchema } from '../../workflows/onboarding/workflow';
import { BbpCarriedSchema } from '../../workflows/osha/bbp';
import { ObligationFlowInputSchema } from '../../workflows/osha/obligation';
import { OccurrenceCarriedSchema, OccurrenceFlowInputSchema } from '../../workflows/osha/occurrence';
import { SiteFlowInputSchema } from '../../workflows/osha/site';
import { HISTORIES_DIR } from '../support/histories';

/** Each workflow type's arguments, in order: its input, then what a continued run carries. */
const ARGUMENTS: Record<string, z.ZodType[]> = {
  onboardingFlow: [OnboardingFlowInputSchema, OnboardingCarriedSchema],
  checklistFlow: [ChecklistFlowInputSchema, ChecklistCarriedSchema],
  credentialFlow: [CredentialFlowInputSchema],
  claimAppealFlow: [AppealRequestSchema, AppealCarriedSchema],
  priorAuthFlow: [PriorAuthRequestSchema],
  oshaSiteFlow: [SiteFlowInputSchema],
  oshaObligationFlow: [ObligationFlowInputSchema],
  oshaOccurrenceFlow: [OccurrenceFlowInputSchema, OccurrenceCarriedSchema],
  bbpTrainingFlow: [BbpCycleInputSchema, BbpCarriedSchema],
  historyArchiveFlow: [HistoryArchiveInputSchema],
};

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}
interface JsonEvent {
  eventType: string;
  workflowExecutionStartedEventAttributes?: { workflowType: { name: string }; input?: { payloads: JsonPayload[] } };
  workflowExecutionContinuedAsNewEventAttributes?: { workflowType: { name: string }; input?: { payloads: JsonPayload[] } };
}

const decode = (p: JsonPayload): unknown => {
  const encoding = Buffer.from(p.metadata?.encoding ?? '', 'base64').toString();
  if (encoding === 'binary/null') return undefined;
  expect(encoding, 'committed histories are plaintext').toBe('json/plain');
  return JSON.parse(Buffer.from(p.data ?? '', 'base64').toString());
};

/** Every set of arguments a committed history started a run with or handed to the next run. */
function inputsOf(file: string): { where: string; type: string; args: unknown[] }[] {
  const events = (JSON.parse(readFileSync(`${HISTORIES_DIR}${file}`, 'utf8')) as { events: JsonEvent[] }).events;
  return events.flatMap((e) => {
    const attrs = e.workflowExecutionStartedEventAttributes ?? e.workflowExecutionContinuedAsNewEventAttributes;
    if (!attrs) return [];
    return [{ where: `${file} ${e.eventType}`, type: attrs.workflowType.name, args: (attrs.input?.payloads ?? []).map(decode) }];
  });
}

const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')).sort();

describe('inputs and carried state older runs emitted', () => {
  it('include continue-as-new hand-overs of the flows that continue', () => {
    const handedOver = new Set(files.flatMap(inputsOf).filter((i) => i.where.includes('CONTINUED_AS_NEW')).map((i) => i.type));
    for (const type of ['bbpTrainingFlow', 'claimAppealFlow', 'onboardingFlow', 'oshaSiteFlow']) expect(handedOver, type).toContain(type);
  });

  it.each(files)('%s: every start and hand-over parses with today\'s schemas', (file) => {
    for (const { where, type, args } of inputsOf(file)) {
      const schemas = ARGUMENTS[type];
      expect(schemas, `${where}: a schema for ${type}`).toBeDefined();
      expect(args.length, where).toBeLessThanOrEqual(schemas!.length);
      args.forEach((arg, i) => {
        if (arg === undefined) return;
        const parsed = schemas![i]!.safeParse(arg);
        expect(parsed.success ? [] : parsed.error.issues, `${where} argument ${i + 1}`).toEqual([]);
      });
    }
  });
});

describe('carried shapes of every version of the code', () => {
  it('parses what a credential run hands over (unchanged since the first release)', () => {
    const credential = { credentialId: 'dea-1', providerId: 'p-1', type: 'dea_registration', jurisdiction: 'NY', dueDate: '2029-06-30', providerEmail: 'p@clinic.example', ownerEmail: 'o@clinic.example', managerEmail: 'm@clinic.example' };
    const carried = { cycle: 2, status: 'active', sent: ['remind_90d'], lapseEscalations: 0, changes: 1 };
    expect(CredentialFlowInputSchema.safeParse({ credential, practice: { timeZone: 'America/New_York' }, sendAt: '09:00', startedBy: 'o@clinic.example', carried }).success).toBe(true);
  });

  it('parses a site run handing over (registeredOn and version carried since the first release)', () => {
    const profile = { siteId: 'main', timeZone: 'America/New_York', occupancy: 'business', shifts: ['day'], headcount: 5, occupationalExposure: false, extinguisherUse: false, accreditor: 'none', lastCompleted: {}, roster: [], drillSeed: 'x' };
    const input = { profile, contacts: { responsibleEmail: 's@clinic.example', managerEmail: 'm@clinic.example' }, practice: { timeZone: 'America/New_York' }, by: 'm@clinic.example', registeredOn: '2026-01-05', version: 3 };
    expect(SiteFlowInputSchema.safeParse(input).error?.issues ?? []).toEqual([]);
  });

  it('parses a BBP cycle handed over with trainings and no checklist, and one with its checklist', () => {
    expect(BbpCarriedSchema.safeParse({ trainings: [{ completedOn: '2027-08-05', by: 'm@clinic.example' }] }).success).toBe(true);
    const engine = {
      startedAt: '2027-01-01T14:00:00.000Z',
      runs: 1,
      tasks: [
        {
          spec: { key: 'bbp_training', title: 'BBP training', assignee: { email: 'e@clinic.example' }, due: { date: '2027-09-01' }, required: true },
          due: { date: '2027-09-01' },
          policy: { sendAt: '09:00', before: [], onDueDate: true, escalateAfter: { amount: 1, unit: 'business_days' }, overdueEvery: { amount: 5, unit: 'business_days' } },
          status: 'open',
          nextStep: 12,
          dueChanges: 0,
        },
      ],
    };
    expect(BbpCarriedSchema.safeParse({ trainings: [], engine }).error?.issues ?? []).toEqual([]);
    expect(OccurrenceCarriedSchema.safeParse({ engine }).success).toBe(true);
    expect(ChecklistCarriedSchema.safeParse({ engine }).success).toBe(true);
    expect(OnboardingCarriedSchema.safeParse({ engine, startDate: '2026-12-08', startDateChanges: 2 }).success).toBe(true);
  });
});
