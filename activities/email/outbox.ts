// Email outbox: the send-email activity, idempotent on a business key.
//
// Each message has one row (unique business key = workflow id + task + due date + step, never
// the run id) and a Message-ID derived from that key. A retry that finds the row `sent` sends
// nothing. The one window that cannot be closed: the SMTP server accepted the message and the
// process died before the row was marked `sent`. The row is then left `sending`; the retry sends
// again, with the same Message-ID, so the rare duplicate is recognisable (and collapsed by mail
// systems that de-duplicate on Message-ID). A reminder sent twice is preferred to one never sent.
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import type { PrismaClient } from '../../generated/prisma/client';
import { ErrorTypes } from '../../domain/errors';
import { crashPoint } from '../../faults/seam';
import type { EmailReceipt, EngineActivities, OutboundEmail } from '../contracts';

export interface EmailDeps {
  prisma: PrismaClient;
  transport: Transporter;
  from: string;
  /** Test seam for fault injection: runs after the message is recorded as sent. */
  afterSent?: (email: OutboundEmail) => void | Promise<void>;
}

export function messageIdFor(businessKey: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'practiceflow.local';
  return `<${createHash('sha256').update(businessKey).digest('hex').slice(0, 40)}@${domain}>`;
}

interface SmtpError {
  message: string;
  responseCode?: number;
  response?: string;
  code?: string;
}

function asSmtpError(err: unknown): SmtpError {
  if (err && typeof err === 'object' && 'message' in err) return err as SmtpError;
  return { message: String(err) };
}

export function createEmailActivities(deps: EmailDeps): Pick<EngineActivities, 'sendEmail'> {
  return {
    async sendEmail(email: OutboundEmail): Promise<EmailReceipt> {
      const messageId = messageIdFor(email.businessKey, deps.from);
      const row = await deps.prisma.outboxEmail.upsert({
        where: { businessKey: email.businessKey },
        create: {
          businessKey: email.businessKey,
          messageId,
          workflowId: email.workflowId ?? null,
          recipients: [...email.to, ...(email.cc ?? [])],
          subject: email.subject,
          body: email.text,
        },
        update: {},
      });
      if (row.status === 'sent') return { messageId: row.messageId, status: 'already-sent', response: row.smtpResponse ?? undefined };
      if (row.status === 'rejected') {
        throw ApplicationFailure.nonRetryable(`mail server rejected the message: ${row.lastError ?? 'unknown reason'}`, ErrorTypes.emailRejected);
      }
      await deps.prisma.outboxEmail.update({ where: { id: row.id }, data: { status: 'sending', attempts: { increment: 1 } } });
      let response: string;
      let rejected: { recipient: string; reason: string }[] = [];
      try {
        const info = await deps.transport.sendMail({
          from: deps.from,
          to: email.to,
          cc: email.cc && email.cc.length > 0 ? email.cc : undefined,
          subject: email.subject,
          text: email.text,
          messageId: row.messageId,
          headers: { ...email.headers, 'X-PracticeFlow-Key': email.businessKey },
        });
        response = String(info.response ?? '');
        rejected = (info.rejectedErrors ?? []).map((e: SmtpError & { recipient?: string }) => ({
          recipient: e.recipient ?? '(unknown)',
          reason: e.response ?? e.message,
        }));
      } catch (raw) {
        const err = asSmtpError(raw);
        const permanent = err.responseCode !== undefined && err.responseCode >= 500 && err.responseCode < 600;
        const reason = err.response ?? err.message;
        await deps.prisma.outboxEmail.update({
          where: { id: row.id },
          data: { status: permanent ? 'rejected' : 'pending', lastError: reason },
        });
        if (permanent) {
          throw ApplicationFailure.nonRetryable(`mail server rejected the message (${err.responseCode}): ${reason}`, ErrorTypes.emailRejected);
        }
        throw ApplicationFailure.retryable(`mail not sent yet (${err.responseCode ?? err.code ?? 'connection'}): ${reason}`, 'EmailDeferred');
      }
      // The window itself: accepted by SMTP, not yet marked. The fault suite kills the worker here.
      crashPoint('after-smtp-accept', `${email.businessKey} ${row.messageId}`);
      await deps.prisma.outboxEmail.update({
        where: { id: row.id },
        data: {
          status: 'sent',
          sentAt: new Date(),
          smtpResponse: response,
          lastError: rejected.length > 0 ? `refused recipients: ${rejected.map((r) => `${r.recipient} (${r.reason})`).join('; ')}` : null,
        },
      });
      await deps.afterSent?.(email);
      return { messageId: row.messageId, status: 'sent', response, rejected: rejected.length > 0 ? rejected : undefined };
    },
  };
}
