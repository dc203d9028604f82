// One provider credential watched for years: reminders before its due date, escalation when close,
// lapse (status, flags, repeated escalations) when it passes, grace/reinstatement, renewal that
// restarts the cycle. Each renewal continues as new, and so does a run whose history Temporal
// says is getting long, so no history grows without limit.
import {
  ActivityFailure,
  condition,
  continueAsNew,
  patched,
  setHandler,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import { z } from 'zod';
import { BusinessCalendar } from '../../domain/calendar/business-calendar';
import { LocalTimeSchema } from '../../domain/calendar/iso-date';
import {
  checkRenewal,
  credentialSchedule,
  CredentialChangeSchema,
  CredentialSchema,
  lapseEscalationDate,
  lapseFlags,
  nextDueDate,
  RenewalSchema,
  RetireSchema,
  ruleFor,
  type Credential,
  type CredentialChange,
  type RenewalInput,
  type RetireInput,
} from '../../domain/credentialing';
import { PracticeCalendarSchema } from '../../domain/practice/calendar-settings';
import { ActorSchema } from '../../domain/tasks/model';
import { conflictFailure, parseOrThrow, validationFailure } from '../task-engine/failures';
import {
  changeCredentialUpdate,
  credentialQuery,
  renewCredentialUpdate,
  retireCredentialUpdate,
  type CredentialView,
} from './definitions';
import { SYSTEM_ACTOR } from '../task-engine/actor';
import { recordAudit, recordCredential, sendEmail } from '../task-engine/activities';
import { AppliedUpdates, AppliedUpdatesSchema } from '../task-engine/applied-updates';
import { historyIsLong } from '../task-engine/history-budget';
import { IncidentDesk } from '../task-engine/incidents';

export type { CredentialStatus, CredentialView } from './definitions';
export { changeCredentialUpdate, credentialQuery, renewCredentialUpdate, retireCredentialUpdate } from './definitions';

/** State carried across continue-as-new. */
const CarriedSchema = z.object({
  cycle: z.number().int().min(1),
  status: z.enum(['active', 'lapsed', 'new_application_required']),
  /** Notices already sent for the current due date (keys), so a continued run does not repeat them. */
  sent: z.array(z.string()),
  lapseEscalations: z.number().int().min(0),
  changes: z.number().int().min(0),
  /** Keyed Updates (Idempotency-Key) applied by earlier runs: a retry is answered, not applied again. */
  appliedUpdates: AppliedUpdatesSchema.optional(),
});
type Carried = z.infer<typeof CarriedSchema>;

export const CredentialFlowInputSchema = z.object({
  credential: CredentialSchema,
  practice: PracticeCalendarSchema,
  sendAt: LocalTimeSchema.default('09:00'),
  startedBy: ActorSchema,
  carried: CarriedSchema.optional(),
});
export type CredentialFlowInput = z.input<typeof CredentialFlowInputSchema>;

const SYSTEM = SYSTEM_ACTOR;
/** Patch ids of changes to live credential workflows (see test/replay). */
const PATCH_SKIP_PAST_REMINDERS = 'credential-skip-past-reminders';
const PATCH_RENEWAL_ANSWERS_FIRST = 'credential-renewal-answers-first';
/** A credential retired while its run was handing over (renewal confirmation, long history) ends there. */
const PATCH_RETIRED_ENDS_FLOW = 'credential-retired-ends-flow';
/** The run also hands over at the history budget, not only when Temporal suggests it. */
const PATCH_HISTORY_BUDGET = 'credential-history-budget';

interface PendingEvent {
  key: string;
  at: number;
  fire: () => Promise<void>;
}

export async function credentialFlow(rawInput: CredentialFlowInput): Promise<CredentialView> {
  const input = parseOrThrow(CredentialFlowInputSchema, rawInput);
  const calendar = new BusinessCalendar(input.practice);
  const workflowId = workflowInfo().workflowId;
  let credential = input.credential;
  let carried: Carried = input.carried ?? { cycle: 1, status: 'active', sent: [], lapseEscalations: 0, changes: 0 };
  const applied = new AppliedUpdates(carried.appliedUpdates);
  let retired: RetireInput | undefined;
  let renewal: { input: RenewalInput; renewedOn: string; kind: string } | undefined;
  /** The renewal this run recorded (its new due date): the run is closing, the next cycle takes further renewals. */
  let renewedTo: string | undefined;
  let version = 0;
  const rule = () => ruleFor(credential);
  const today = () => calendar.dateOf(Date.now());

  const view = (): CredentialView => ({
    credential,
    status: retired ? 'retired' : carried.status,
    cycle: carried.cycle,
    flags: carried.status === 'active' || retired ? [] : lapseFlags(credential),
    rule: rule().citation,
    nextNotice: (() => {
      const next = nextEvent();
      return next ? { key: next.key, at: new Date(next.at).toISOString() } : undefined;
    })(),
  });

  // A record the database refuses for good waits for a person's decision (task-engine/incidents.ts).
  const incidents = new IncidentDesk({ workflowId, flowType: 'credential', title: `${credential.type} ${credential.credentialId}`, managerEmail: credential.managerEmail });
  const audit = (action: string, actor: string, key: string, detail: Record<string, unknown>) =>
    incidents.guard('recordAudit', () => recordAudit([
      {
        businessKey: `${workflowId}:${action}:${key}`,
        occurredAt: new Date().toISOString(),
        actor,
        action,
        flowType: 'credential',
        workflowId,
        runId: workflowInfo().runId,
        taskKey: credential.type,
        rule: rule().citation,
        detail: { credentialId: credential.credentialId, providerId: credential.providerId, dueDate: credential.dueDate, ...detail },
      },
    ]));

  const project = () =>
    incidents.guard('recordCredential', () =>
      recordCredential({
        ...credential,
        status: retired ? 'retired' : carried.status,
        flags: carried.status === 'active' || retired ? [] : lapseFlags(credential).map((f) => f.flag),
        workflowId,
        cycle: carried.cycle,
      }),
    );

  const email = async (key: string, to: string[], cc: string[], subject: string, text: string) => {
    const businessKey = `${workflowId}:${credential.dueDate}:${key}`;
    try {
      await sendEmail({
        businessKey,
        workflowId,
        to,
        cc: cc.filter((c) => !to.includes(c)),
        subject,
        text,
        headers: { 'X-PracticeFlow-Flow': workflowId, 'X-PracticeFlow-Task': credential.type, 'X-PracticeFlow-Step': key, 'X-PracticeFlow-Due': credential.dueDate },
      });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      await audit('notice.undeliverable', SYSTEM, `${credential.dueDate}:${key}`, { to, reason: err.cause?.message ?? err.message });
    }
  };

  const label = () => `${rule().title}${credential.jurisdiction ? ` (${credential.jurisdiction})` : ''}${credential.issuer ? ` - ${credential.issuer}` : ''}`;
  const footer = () =>
    `\nProvider: ${credential.providerId}\nCredential: ${credential.credentialId}${credential.number ? ` no. ${credential.number}` : ''}\nRule: ${rule().citation}\nRecord the renewal: practiceflow credential renew ${credential.credentialId} --evidence <document> --by <you>`;

  /** Everything still to happen for the current due date, soonest first. */
  function pendingEvents(): PendingEvent[] {
    if (retired || renewal) return [];
    const schedule = credentialSchedule(credential, calendar);
    const events: PendingEvent[] = [];
    if (carried.status === 'active') {
      for (const notice of schedule.notices) {
        if (carried.sent.includes(notice.key)) continue;
        events.push({
          key: notice.key,
          at: calendar.at(notice.date, input.sendAt),
          fire: async () => {
            const opens = schedule.renewalOpensOn && notice.date >= schedule.renewalOpensOn ? ' Renewal may be filed now.' : schedule.renewalOpensOn ? ` Renewal opens ${schedule.renewalOpensOn}.` : '';
            await email(
              notice.key,
              [credential.providerEmail, credential.ownerEmail],
              notice.toManager ? [credential.managerEmail] : [],
              notice.kind === 'due' ? `Expires ${credential.dueDate}: ${label()}` : `Renewal reminder: ${label()} due ${credential.dueDate}`,
              `${label()} for provider ${credential.providerId} is due ${credential.dueDate}.${opens}\n${footer()}`,
            );
            carried = { ...carried, sent: [...carried.sent, notice.key] };
            await audit(`credential.notice.${notice.kind}`, SYSTEM, `${credential.dueDate}:${notice.key}`, { notice: notice.key, toManager: notice.toManager });
          },
        });
      }
      events.push({
        key: 'lapse',
        at: calendar.at(schedule.lapsesOn, '00:00'),
        fire: async () => {
          carried = { ...carried, status: 'lapsed', lapseEscalations: 0 };
          const flags = lapseFlags(credential);
          await audit('credential.lapsed', SYSTEM, credential.dueDate, { flags: flags.map((f) => f.flag), graceEndsOn: schedule.graceEndsOn });
          await project();
        },
      });
    }
    if (carried.status === 'lapsed') {
      const n = carried.lapseEscalations + 1;
      events.push({
        key: `lapsed_${n}`,
        at: calendar.at(lapseEscalationDate(credential, calendar, n), input.sendAt),
        fire: async () => {
          const flags = lapseFlags(credential);
          await email(
            `lapsed_${n}`,
            [credential.managerEmail],
            [credential.ownerEmail, credential.providerEmail],
            `${n === 1 ? 'LAPSED' : `Still lapsed (notice ${n})`}: ${label()} expired ${credential.dueDate}`,
            `${label()} for provider ${credential.providerId} expired on ${credential.dueDate}.\nIn force until renewed: ${flags.map((f) => f.description).join('; ')}.${schedule.graceEndsOn ? `\nRenewal restores it until ${schedule.graceEndsOn}; after that a ${rule().graceEndsMeans?.replace('_', ' ') ?? 'new application'} is needed.` : ''}\n${footer()}`,
          );
          carried = { ...carried, lapseEscalations: n };
          await audit('credential.lapse_escalation', SYSTEM, `${credential.dueDate}:${n}`, { notice: n, flags: flags.map((f) => f.flag) });
        },
      });
      if (schedule.graceEndsOn && rule().graceEndsMeans) {
        events.push({
          key: 'grace_ended',
          at: calendar.at(calendar.addCalendarDays(schedule.graceEndsOn, 1), '00:00'),
          fire: async () => {
            carried = { ...carried, status: 'new_application_required' };
            await audit('credential.grace_ended', SYSTEM, credential.dueDate, { graceEndedOn: schedule.graceEndsOn, now: rule().graceEndsMeans });
            await project();
          },
        });
      }
    }
    if (carried.status === 'new_application_required') {
      const n = carried.lapseEscalations + 1;
      events.push({
        key: `new_application_${n}`,
        at: calendar.at(lapseEscalationDate(credential, calendar, n), input.sendAt),
        fire: async () => {
          await email(
            `new_application_${n}`,
            [credential.managerEmail],
            [credential.ownerEmail, credential.providerEmail],
            `New application required: ${label()} (expired ${credential.dueDate})`,
            `${label()} for provider ${credential.providerId} expired on ${credential.dueDate} and the ${schedule.graceEndsOn ? `grace period ended ${schedule.graceEndsOn}` : 'renewal window closed'}: a ${rule().graceEndsMeans?.replace('_', ' ')} is required.\nIn force: ${lapseFlags(credential).map((f) => f.description).join('; ')}.\nWhen granted, record it with its new expiry date.\n${footer()}`,
          );
          carried = { ...carried, lapseEscalations: n };
        },
      });
    }
    return events.sort((a, b) => a.at - b.at);
  }

  function nextEvent(): PendingEvent | undefined {
    return pendingEvents()[0];
  }

  setHandler(credentialQuery, view);

  const validateRenewal = (raw: RenewalInput) => {
    const parsed = parseOrThrow(RenewalSchema, raw);
    if (retired) throw conflictFailure('credential is retired');
    if (renewal) throw conflictFailure('a renewal is already being recorded');
    // Accepting it now would wait for a cycle this run no longer runs, and the run waits for its
    // Updates before it hands over: both would wait for ever (issue 18).
    if (renewedTo) throw conflictFailure(`a renewal was just recorded (now due ${renewedTo}); record the next one once the new cycle has started`);
    const renewedOn = parsed.renewedOn ?? today();
    if (renewedOn > today()) throw validationFailure([{ path: 'renewedOn', message: `must not be in the future (today is ${today()})` }]);
    const verdict = checkRenewal(credential, parsed, renewedOn, calendar);
    if (!verdict.ok) throw validationFailure([{ path: verdict.field, message: verdict.message }]);
    return { input: parsed, renewedOn, kind: verdict.kind };
  };
  setHandler(
    renewCredentialUpdate,
    async (raw) => {
      // A client's retry of the renewal that started this cycle: answered with the cycle as it is.
      if (applied.isRetry) return view();
      renewal = validateRenewal(raw);
      applied.remember();
      version += 1;
      await condition(() => renewal === undefined); // the main loop records it, then continues as new
      return view();
    },
    { validator: (raw) => void (applied.isRetry || validateRenewal(raw)) },
  );

  const validateChange = (raw: CredentialChange) => {
    const parsed = parseOrThrow(CredentialChangeSchema, raw);
    if (retired) throw conflictFailure('credential is retired');
    const next = { ...credential, ...parsed.changes };
    parseOrThrow(CredentialSchema, next);
    return { parsed, next };
  };
  setHandler(
    changeCredentialUpdate,
    async (raw) => {
      if (applied.isRetry) return view();
      const { parsed, next } = validateChange(raw);
      applied.remember();
      const before = credential;
      credential = next;
      carried = { ...carried, changes: carried.changes + 1 };
      if (parsed.changes.dueDate && parsed.changes.dueDate !== before.dueDate) {
        // A corrected due date gets its own ladder; a lapse it undoes is lifted.
        carried = { ...carried, sent: [], lapseEscalations: 0, status: parsed.changes.dueDate >= today() ? 'active' : carried.status };
      }
      version += 1;
      await audit('credential.changed', parsed.by, `change:${carried.cycle}:${carried.changes}`, { changes: parsed.changes, previous: Object.fromEntries(Object.keys(parsed.changes).map((k) => [k, before[k as keyof Credential]])), reason: parsed.reason });
      await project();
      return view();
    },
    { validator: (raw) => void (applied.isRetry || validateChange(raw)) },
  );

  setHandler(
    retireCredentialUpdate,
    async (raw) => {
      const parsed = parseOrThrow(RetireSchema, raw);
      retired = parsed;
      version += 1;
      await audit('credential.retired', parsed.by, `retired`, { reason: parsed.reason });
      await project();
      return view();
    },
    {
      validator: (raw) => {
        parseOrThrow(RetireSchema, raw);
        if (retired) throw conflictFailure('credential is already retired');
      },
    },
  );

  if (!input.carried) {
    // A credential entered late (or imported from a spreadsheet) does not get a burst of reminders
    // whose dates have passed; the next one due, and any lapse, still happen.
    if (patched(PATCH_SKIP_PAST_REMINDERS)) {
      const now = Date.now();
      const past = credentialSchedule(credential, calendar).notices.filter((n) => n.kind === 'reminder' && calendar.at(n.date, input.sendAt) < now);
      carried = { ...carried, sent: past.map((n) => n.key) };
    }
    await audit('credential.added', input.startedBy, 'added', {
      type: credential.type,
      jurisdiction: credential.jurisdiction,
      issuer: credential.issuer,
      skippedReminders: carried.sent,
    });
  }
  await project();

  /**
   * Retired while the run was handing over: the retirement is the end (carried state has no
   * `retired`, so the next run would show the credential active again and send its notices).
   */
  const retiredMeanwhile = () => retired !== undefined && patched(PATCH_RETIRED_ENDS_FLOW);

  for (;;) {
    if (retired) {
      await condition(allHandlersFinished);
      return view();
    }
    if (renewal) {
      const { input: r, renewedOn, kind } = renewal;
      const previousDue = credential.dueDate;
      const newDue = nextDueDate(credential, r, renewedOn, calendar);
      credential = { ...credential, dueDate: newDue, number: r.number ?? credential.number, evidence: r.evidence };
      carried = { cycle: carried.cycle + 1, status: 'active', sent: [], lapseEscalations: 0, changes: carried.changes };
      renewedTo = newDue;
      await audit('credential.renewed', r.by, `renewed:${previousDue}`, { kind, renewedOn, previousDueDate: previousDue, newDueDate: newDue, evidence: r.evidence, note: r.note });
      await project();
      const confirm = () =>
        email(`renewed_${previousDue}`, [credential.ownerEmail], [credential.providerEmail], `Renewal recorded: ${label()} now due ${newDue}`, `${label()} for provider ${credential.providerId} was renewed on ${renewedOn} (${kind}); next due ${newDue}.\n${footer()}`);
      // The renewal is recorded once it is in the ledger and the table: the Update answers then,
      // not after the confirmation email (a slow mail server must not make it look failed).
      if (patched(PATCH_RENEWAL_ANSWERS_FIRST)) {
        renewal = undefined;
        await confirm();
      } else {
        await confirm();
        renewal = undefined;
      }
      await condition(allHandlersFinished);
      if (retiredMeanwhile()) return view();
      // A new cycle starts with a fresh history.
      return continueAsNew<typeof credentialFlow>({ credential, practice: input.practice, sendAt: input.sendAt, startedBy: input.startedBy, carried: { ...carried, appliedUpdates: applied.carried() } });
    }
    if (workflowInfo().continueAsNewSuggested || (historyIsLong() && patched(PATCH_HISTORY_BUDGET))) {
      await condition(allHandlersFinished);
      if (retiredMeanwhile()) return view();
      return continueAsNew<typeof credentialFlow>({ credential, practice: input.practice, sendAt: input.sendAt, startedBy: input.startedBy, carried: { ...carried, appliedUpdates: applied.carried() } });
    }
    const next = nextEvent();
    const seen = version;
    const changed = await condition(() => version !== seen, next ? Math.max(1, next.at - Date.now()) : undefined);
    if (changed || !next) continue;
    await next.fire();
  }
}
