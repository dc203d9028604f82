// One safety occurrence (a drill, an inspection, a training, a review) run by the task engine:
// the responsible person is told when it opens, reminded before it is due, the manager is
// escalated to after; it is completed with its record (participants, duration, findings,
// corrective actions), which is kept for its retention period.
import { continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import type { OccurrenceRow } from '../../activities/contracts';
import { BusinessCalendar } from '../../domain/calendar/business-calendar';
import { IsoDateSchema, LocalTimeSchema } from '../../domain/calendar/iso-date';
import {
  NEEDS_PARTICIPANTS,
  OBLIGATION_TITLES,
  OBLIGATIONS,
  OccurrenceRecordSchema,
  SiteContactsSchema,
  retainUntil,
  type OccurrenceRecord,
  type OccurrenceRecordInput,
} from '../../domain/osha';
import { PracticeCalendarSchema, type PracticeCalendar } from '../../domain/practice/calendar-settings';
import { ActorSchema, type FlowView, type ReminderPolicyInput, type TaskView } from '../../domain/tasks/model';
import { recordOccurrence, sendEmail } from '../task-engine/activities';
import { EngineCarriedSchema, type EngineCarried } from '../task-engine/carried';
import { TaskEngine } from '../task-engine/engine';
import { parseOrThrow, validationFailure } from '../task-engine/failures';
import { recordOccurrenceUpdate } from './definitions';

export const OccurrenceSchema = z
  .object({
    key: z.string().min(1).max(300),
    obligation: z.enum(OBLIGATIONS),
    period: z.string().min(1).max(40),
    dueDate: IsoDateSchema,
    rule: z.string().min(1),
    shift: z.string().optional(),
    employeeId: z.string().optional(),
    at: LocalTimeSchema.optional(),
  })
  .strip();
export type OccurrenceRef = z.infer<typeof OccurrenceSchema>;

export const OccurrenceFlowInputSchema = z.object({
  siteId: z.string().min(1),
  timeZone: z.string().min(1),
  occurrence: OccurrenceSchema,
  contacts: SiteContactsSchema,
  practice: PracticeCalendarSchema,
  startedBy: ActorSchema,
});
export type OccurrenceFlowInput = z.input<typeof OccurrenceFlowInputSchema>;

export interface SafetyOccurrenceOptions {
  flowType: string;
  siteId: string;
  timeZone: string;
  occurrence: OccurrenceRef;
  /** Who records it and gets the reminders. */
  assignee: { email: string; label: string };
  managerEmail: string;
  /** Also told when it opens (trainees); never the staff of an unannounced drill. */
  participantEmails: string[];
  practice: PracticeCalendar;
  startedBy: string;
  reminders?: ReminderPolicyInput;
  /** Sets one cycle's ledger and email keys apart from the next's under the same workflow id (BBP). */
  cycle?: string;
  /** The occurrence's checklist from the previous run: it was opened then (no second notice). */
  resume?: EngineCarried;
  /** Continues the flow as new once its history reaches the budget (see TaskEngine). */
  continueAsNew?: (carried: EngineCarried) => Promise<never>;
}

export interface SafetyOccurrenceResult {
  view: FlowView;
  record?: OccurrenceRecord & { completedAt: string };
}

export function occurrenceTitle(siteId: string, occ: OccurrenceRef): string {
  const who = occ.employeeId ? ` for employee ${occ.employeeId}` : occ.shift ? ` (${occ.shift} shift)` : '';
  return `${OBLIGATION_TITLES[occ.obligation]}${who}, ${occ.period}, site ${siteId}`;
}

/**
 * Runs one occurrence to completion or cancellation. `record` lets a caller (the BBP cycle)
 * record a completion it learned of by signal through the same path as the Update (one change
 * at a time, and the flow closes only after it).
 */
export function startSafetyOccurrence(o: SafetyOccurrenceOptions): {
  done: Promise<SafetyOccurrenceResult>;
  record(input: OccurrenceRecordInput): Promise<TaskView>;
  isOpen(): boolean;
} {
  const occ = o.occurrence;
  const workflowId = workflowInfo().workflowId;
  // Dates and local times are the site's: a drill at 19:40 is 19:40 where the site is.
  const practice = { ...o.practice, timeZone: o.timeZone };
  const calendar = new BusinessCalendar(practice);
  const title = occurrenceTitle(o.siteId, occ);
  const engine = new TaskEngine({
    flowType: o.flowType,
    subjectId: occ.key,
    title,
    managerEmail: o.managerEmail,
    startedBy: o.startedBy,
    calendar: practice,
    reminders: o.reminders,
    tasks: [
      {
        key: occ.obligation,
        title,
        assignee: o.assignee,
        due: { date: occ.dueDate },
        rule: { citation: occ.rule },
        required: true,
      },
    ],
    startDetail: { siteId: o.siteId, occurrenceKey: occ.key, period: occ.period, shift: occ.shift, employeeId: occ.employeeId, dueDate: occ.dueDate },
    completeThrough: 'recordOccurrence',
    cycle: o.cycle,
    resume: o.resume,
    continueAsNew: o.continueAsNew,
  });
  let record: (OccurrenceRecord & { completedAt: string }) | undefined;

  const row = (status: OccurrenceRow['status']): OccurrenceRow => ({
    occurrenceKey: occ.key,
    siteId: o.siteId,
    obligation: occ.obligation,
    period: occ.period,
    shift: occ.shift,
    employeeId: occ.employeeId,
    dueDate: occ.dueDate,
    plannedAt: occ.at,
    rule: occ.rule,
    status,
    workflowId,
    completion: record && {
      completedAt: record.completedAt,
      recordedBy: record.by,
      late: engine.taskViewOf(occ.obligation)?.completion?.late ?? false,
      lateReason: record.lateReason,
      participants: record.participants,
      durationMinutes: record.durationMinutes,
      findings: record.findings,
      correctiveActions: record.correctiveActions,
      retainUntil: retainUntil(occ.obligation, calendar.dateOf(Date.parse(record.completedAt))),
    },
  });

  const validate = (raw: OccurrenceRecordInput): OccurrenceRecord => {
    const input = parseOrThrow(OccurrenceRecordSchema, raw);
    if (NEEDS_PARTICIPANTS.has(occ.obligation) && input.participants.length === 0) {
      throw validationFailure([{ path: 'participants', message: `must list who took part (employee identifiers): a ${OBLIGATION_TITLES[occ.obligation].toLowerCase()} record names its participants` }]);
    }
    engine.validateCompletionOf({ taskKey: occ.obligation, by: input.by, completedAt: input.completedAt, lateReason: input.lateReason });
    return input;
  };

  const complete = async (raw: OccurrenceRecordInput): Promise<TaskView> => {
    const input = validate(raw);
    const view = await engine.completeTaskAs({
      taskKey: occ.obligation,
      by: input.by,
      completedAt: input.completedAt,
      lateReason: input.lateReason,
      note: input.findings || undefined,
      evidence: { participants: String(input.participants.length), ...(input.durationMinutes ? { durationMinutes: String(input.durationMinutes) } : {}) },
    });
    record = { ...input, completedAt: view.completion!.at };
    await engine.recordEvent('osha.occurrence_recorded', input.by, {
      key: occ.obligation,
      taskKey: occ.obligation,
      rule: occ.rule,
      detail: { occurrenceKey: occ.key, ...record, late: view.completion!.late, retainUntil: row('completed').completion!.retainUntil },
    });
    await recordOccurrence(row('completed'));
    return view;
  };

  // The whole record (completion, ledger entry, table row) is one change: the flow closes after it.
  const recordAsOneChange = (raw: OccurrenceRecordInput) => engine.change(() => complete(raw));
  setHandler(recordOccurrenceUpdate, recordAsOneChange, { validator: (raw) => void validate(raw) });

  const done = (async (): Promise<SafetyOccurrenceResult> => {
    const running = engine.run();
    // The occurrence's row and the notice to whoever runs it (and trainees), once: a continued
    // run's occurrence was announced by the run that opened it.
    if (!o.resume) {
      await recordOccurrence(row('open'));
      const recipients = [o.assignee.email, ...o.participantEmails.filter((e) => e !== o.assignee.email)];
      const when = occ.at ? `${occ.dueDate} at ${occ.at}` : `by ${occ.dueDate}`;
      const receipt = await sendEmail({
        businessKey: `${workflowId}${o.cycle ? `:${o.cycle}` : ''}:opened`,
        workflowId,
        to: [o.assignee.email],
        cc: recipients.slice(1),
        subject: `[PracticeFlow] ${title}: due ${when}`,
        text: [
          `${title}`,
          `Due: ${when} (${o.timeZone}).`,
          occ.obligation === 'fire_drill'
            ? 'This drill is unannounced: do not tell the staff in advance. Run it at the planned time, then record it (participants, duration, findings, corrective actions).'
            : 'Record it when done: participants (employee identifiers), duration, findings and corrective actions.',
          `Rule: ${occ.rule}`,
          `Flow: ${workflowId}`,
        ].join('\n'),
        headers: { 'X-PracticeFlow-Flow': workflowId, 'X-PracticeFlow-Task': occ.obligation, 'X-PracticeFlow-Step': 'opened' },
      });
      await engine.recordEvent('notice.opened', o.startedBy, {
        key: occ.obligation,
        taskKey: occ.obligation,
        rule: occ.rule,
        detail: { to: [o.assignee.email], cc: recipients.slice(1), dueDate: occ.dueDate, plannedAt: occ.at, messageId: receipt.messageId },
      });
    }
    const view = await running;
    await recordOccurrence(row(view.status === 'completed' ? 'completed' : 'cancelled'));
    return { view, record };
  })();

  return { done, record: recordAsOneChange, isOpen: () => engine.taskViewOf(occ.obligation)?.status === 'open' };
}

/** What an occurrence flow hands to its next run (history budget): its checklist. */
export const OccurrenceCarriedSchema = z.object({ engine: EngineCarriedSchema });
export type OccurrenceCarried = z.input<typeof OccurrenceCarriedSchema>;

/** An occurrence opened by a site's schedule (see oshaObligationFlow). */
export async function oshaOccurrenceFlow(raw: OccurrenceFlowInput, rawCarried?: OccurrenceCarried): Promise<FlowView> {
  const input = parseOrThrow(OccurrenceFlowInputSchema, raw);
  const carried = rawCarried === undefined ? undefined : parseOrThrow(OccurrenceCarriedSchema, rawCarried);
  const occurrence = startSafetyOccurrence({
    flowType: 'osha_occurrence',
    siteId: input.siteId,
    timeZone: input.timeZone,
    occurrence: input.occurrence,
    assignee: { email: input.contacts.responsibleEmail, label: 'responsible for site safety' },
    managerEmail: input.contacts.managerEmail,
    // Drills are unannounced (NFPA 101 4.7.2: drills under varied conditions): only the person
    // running it is told.
    participantEmails: input.occurrence.obligation === 'fire_drill' ? [] : (input.contacts.participantEmails[input.occurrence.obligation] ?? []),
    practice: input.practice,
    startedBy: input.startedBy,
    resume: carried?.engine,
    continueAsNew: (engine) => continueAsNew<typeof oshaOccurrenceFlow>(input, { engine }),
  });
  return (await occurrence.done).view;
}
