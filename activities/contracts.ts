// The contract between workflows and the activities that perform their side effects.
// Workflow code imports these as types only.

export interface OutboundEmail {
  /** Idempotency key: workflow id + task + due date + step. Never the run id. */
  businessKey: string;
  workflowId?: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  headers?: Record<string, string>;
}

export interface EmailReceipt {
  messageId: string;
  /** `already-sent`: a retry found the message delivered by an earlier attempt and sent nothing. */
  status: 'sent' | 'already-sent';
  response?: string;
  /** Recipients the server refused while accepting the others (nodemailer resolves such a send). */
  rejected?: { recipient: string; reason: string }[];
}

export interface AuditEvent {
  /** Idempotency key of the business event (e.g. `<workflowId>:task.completed:i9_section2`). */
  businessKey: string;
  /** ISO 8601 instant when it happened (workflow time for workflow events). */
  occurredAt: string;
  actor: string;
  action: string;
  flowType?: string;
  workflowId?: string;
  runId?: string;
  taskKey?: string;
  rule?: string;
  detail: Record<string, unknown>;
}

export interface FlowRecord {
  workflowId: string;
  flowType: string;
  subjectId: string;
  title: string;
  status: 'running' | 'completed' | 'cancelled';
  startedAt: string;
  startedBy: string;
  closedAt?: string;
}

/** The state of one credential as its workflow last recorded it. */
export interface CredentialRecord {
  credentialId: string;
  providerId: string;
  type: string;
  issuer?: string;
  jurisdiction?: string;
  number?: string;
  issueDate?: string;
  dueDate: string;
  status: 'active' | 'lapsed' | 'new_application_required' | 'retired';
  flags: string[];
  evidence?: string;
  providerEmail: string;
  ownerEmail: string;
  managerEmail: string;
  workflowId: string;
  cycle: number;
}

export interface CredentialActivities {
  recordCredential(record: CredentialRecord): Promise<void>;
}

export interface EngineActivities {
  sendEmail(email: OutboundEmail): Promise<EmailReceipt>;
  recordAudit(events: AuditEvent[]): Promise<void>;
  recordFlow(flow: FlowRecord): Promise<void>;
}

/** One safety occurrence as its flow last recorded it (and, once done, its completion record). */
export interface OccurrenceRow {
  occurrenceKey: string;
  siteId: string;
  obligation: string;
  period: string;
  shift?: string;
  employeeId?: string;
  dueDate: string;
  plannedAt?: string;
  rule: string;
  status: 'open' | 'completed' | 'cancelled';
  workflowId: string;
  completion?: {
    completedAt: string;
    recordedBy: string;
    late: boolean;
    lateReason?: string;
    participants: string[];
    durationMinutes?: number;
    findings: string;
    correctiveActions: { action: string; owner: string; due?: string }[];
    retainUntil: string;
  };
}

export interface SiteRow {
  siteId: string;
  /** The validated site profile (domain/osha SiteProfile). */
  profile: Record<string, unknown>;
  version: number;
  status: 'active' | 'retired';
  responsibleEmail: string;
  managerEmail: string;
  workflowId: string;
  registeredOn: string;
  schedules: string[];
}

/** What one site's schedules must be: the site workflow asks the activity to make it so. */
export interface SiteScheduleSync {
  siteId: string;
  /** The obligation workflow's input, per obligation (the schedule's action arguments). */
  schedules: {
    scheduleId: string;
    obligation: string;
    timeZone: string;
    /** Local firing instants: the schedule's explicit calendar entries. */
    firings: { date: string; time: string; occurrences: string[] }[];
    args: unknown;
    note: string;
  }[];
  /** Fire each schedule once now, to open what is already in its notice window. */
  triggerNow: boolean;
}

export interface SiteScheduleResult {
  created: string[];
  updated: string[];
  deleted: string[];
}

export interface BbpCycleStart {
  /** bbpTrainingFlow input (domain/osha BbpCycleInput). */
  input: {
    employeeId: string;
    siteId: string;
    lastTraining: string;
    employeeEmail: string;
    managerEmail: string;
    practice: unknown;
    startedBy: string;
  };
  /** Also record this training in a cycle that is already running (a completion restarts it). */
  recorded?: { completedOn: string; by: string };
}

export interface OshaActivities {
  recordOccurrence(row: OccurrenceRow): Promise<void>;
  recordSite(row: SiteRow): Promise<void>;
  syncSiteSchedules(sync: SiteScheduleSync): Promise<SiteScheduleResult>;
  startBbpCycle(start: BbpCycleStart): Promise<{ workflowId: string }>;
  /** Cancels the open occurrences of obligations a site no longer has (or of a retired site). */
  closeOccurrences(close: { siteId: string; obligations: string[]; by: string; reason: string }): Promise<string[]>;
  /** Starts one occurrence's flow unless that id ever ran or the occurrence is on record as done or cancelled (its record stands). */
  startOccurrenceFlow(start: { workflowId: string; input: unknown }): Promise<'started' | 'already_open' | 'already_recorded' | 'not_applicable'>;
}

export interface ArchiveActivities {
  /** Archives the runs closed since `since` that are not archived yet (at most `limit`). */
  archiveClosedRuns(opts: { since: string; limit: number }): Promise<{ archived: number; more: boolean }>;
  /** The audit ledger's last entry (seq as a decimal string, hash), or null when it is empty: what the ledger notary witnesses. */
  readLedgerHead(): Promise<{ seq: string; hash: string } | null>;
}
