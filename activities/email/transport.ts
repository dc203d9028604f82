import nodemailer, { type Transporter } from 'nodemailer';

/** One pooled SMTP transporter per process (nodemailer keeps connections open between sends). */
export function createSmtpTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport(smtpUrl.includes('?') ? `${smtpUrl}&pool=true` : `${smtpUrl}?pool=true`);
}
