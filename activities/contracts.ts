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
