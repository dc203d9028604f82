// Local SMTP server for development and tests: accepts every message (any auth or none, no TLS),
// keeps it in memory, optionally persists it for a person to read, and can inject SMTP failures
// so tests exercise the real nodemailer error paths.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerError, type SMTPServerSession } from 'smtp-server';
import { mailFileBase, type ReceivedMail } from './mailbox';

export type { ReceivedMail } from './mailbox';

export interface MailSinkOptions {
  /** Interface to listen on; loopback by default because there is no auth and no TLS. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** When set, every message is also written there (`.eml` + `.json`) for the CLI and people. */
  storeDir?: string;
  log?: (line: string) => void;
}

export interface FaultRule {
  stage: 'rcpt' | 'data';
  /** SMTP reply code, 400-599: 4xx is transient, 5xx permanent. */
  code: number;
  message?: string;
  /** How many times the fault fires; default 1, Infinity allowed. */
  times?: number;
  /** Only for this address (case-insensitive). At the data stage: when it is among the recipients. */
  recipient?: string;
}

export interface WaitForOptions {
  /** Default 10 s. */
  timeoutMs?: number;
  /** How many matching messages to wait for; default 1. */
  count?: number;
}

export interface MailSink {
  /** e.g. `smtp://127.0.0.1:2525`; usable as SMTP_URL. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Messages received since start (or the last clear), in receive order. */
  messages(): ReceivedMail[];
  /**
   * Resolves with the first `count` matching messages, counting ones already received, or
   * rejects after `timeoutMs` with a summary of what did arrive.
   */
  waitFor(predicate: (m: ReceivedMail) => boolean, opts?: WaitForOptions): Promise<ReceivedMail[]>;
  /** Forgets messages held in memory; files already in storeDir stay (they are the person's mailbox). */
  clear(): void;
  failNext(rule: FaultRule): void;
  clearFaults(): void;
  /** Closes the server and open client connections; pending waitFor calls reject. Idempotent. */
  stop(): Promise<void>;
}

// Generous: attachments are rare for reminders, but a sink must never be the reason a send fails.
const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;
const DEFAULT_WAIT_MS = 10_000;

interface ActiveFault {
  stage: FaultRule['stage'];
  code: number;
  message: string;
  remaining: number;
  recipient: string | undefined;
}

interface Waiter {
  predicate: (m: ReceivedMail) => boolean;
  count: number;
  resolve: (mails: ReceivedMail[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export async function startMailSink(opts: MailSinkOptions = {}): Promise<MailSink> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((): void => {});
  const storeDir = opts.storeDir;
  if (storeDir) await mkdir(storeDir, { recursive: true });

  let received: ReceivedMail[] = [];
  let faults: ActiveFault[] = [];
  const waiters = new Set<Waiter>();
  let lastReceivedMs = 0;
  let stopped = false;

  // Strictly increasing timestamps: receive order survives a sort by receivedAt (and by file name)
  // even when several messages land in the same millisecond.
  const nextReceivedAt = (): string => {
    lastReceivedMs = Math.max(Date.now(), lastReceivedMs + 1);
    return new Date(lastReceivedMs).toISOString();
  };

  const takeFault = (stage: FaultRule['stage'], recipients: readonly string[]): ActiveFault | undefined => {
    const lower = recipients.map((r) => r.toLowerCase());
    const fault = faults.find((f) => f.stage === stage && f.remaining > 0 && (!f.recipient || lower.includes(f.recipient)));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
    return fault;
  };

  const faultError = (fault: ActiveFault): SMTPServerError => {
    const err: SMTPServerError = new Error(fault.message);
    err.responseCode = fault.code;
    return err;
  };

  const notifyWaiters = (): void => {
    for (const w of waiters) {
      const hits = received.filter(w.predicate);
      if (hits.length >= w.count) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(hits.slice(0, w.count));
      }
    }
  };

  const persist = async (mail: ReceivedMail, raw: Buffer): Promise<void> => {
    if (!storeDir) return;
    const base = path.join(storeDir, mailFileBase(mail));
    const { raw: _omit, ...withoutRaw } = mail;
    // .eml first: once the .json (the index the reader lists) exists, its raw source does too.
    await writeAtomically(`${base}.eml`, raw);
    await writeAtomically(`${base}.json`, `${JSON.stringify(withoutRaw, null, 2)}\n`);
  };

  const onData = (
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    reply: (err?: Error | null) => void,
  ): void => {
    // A stream error followed by 'end' must not answer the client twice.
    let answered = false;
    const callback = (err: Error | null): void => {
      if (answered) return;
      answered = true;
      reply(err);
    };
    // The session's envelope is reset once we answer, so copy it now.
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const envelopeTo = session.envelope.rcptTo.map((r) => r.address);

    const fault = takeFault('data', envelopeTo);
    if (fault) {
      log(`mail-sink: injected ${fault.code} at DATA for ${envelopeTo.join(', ')}`);
      // smtp-server drains the unread message before sending this reply.
      callback(faultError(fault));
      return;
    }

    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (err: Error) => callback(err));
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        // rejectOversized answers 552 regardless; nothing to store.
        callback(null);
        return;
      }
      const raw = Buffer.concat(chunks);
      const receivedAt = nextReceivedAt();
      const id = randomBytes(6).toString('hex');
      void buildMail(raw, { id, receivedAt, envelopeFrom, envelopeTo }, log)
        .then(async (mail) => {
          await persist(mail, raw);
          // Reply 250 only after the message is stored: when sendMail resolves, it is visible.
          received.push(mail);
          received.sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
          log(`mail-sink: ${mail.id} ${mail.envelopeFrom || '<>'} -> ${envelopeTo.join(', ')}: ${mail.subject}`);
          notifyWaiters();
          callback(null);
        })
        .catch((err: unknown) => {
          // A sink that could not store must not claim delivery; 451 lets the sender retry.
          log(`mail-sink: failed to store message: ${err instanceof Error ? err.message : String(err)}`);
          const reply: SMTPServerError = new Error('Local mail sink could not store the message');
          reply.responseCode = 451;
          callback(reply);
        });
    });
  };

  const server = new SMTPServer({
    name: 'practiceflow-mail-sink',
    banner: 'PracticeFlow development mail sink',
    // Loopback dev sink: no TLS (nodemailer would otherwise upgrade to a self-signed cert and
    // refuse it); authentication accepted in clear text but never required.
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'],
    onAuth(auth, _session, cb) {
      cb(null, { user: auth.username ?? 'anonymous' });
    },
    disableReverseLookup: true,
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    logger: false,
    onRcptTo(address, _session, cb) {
      const fault = takeFault('rcpt', [address.address]);
      if (fault) {
        log(`mail-sink: injected ${fault.code} at RCPT TO <${address.address}>`);
        cb(faultError(fault));
        return;
      }
      cb();
    },
    onData,
  });
  server.on('error', (err) => log(`mail-sink: ${err.message}`));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  // IPv6 literals need brackets inside a URL.
  const url = `smtp://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log(`mail-sink: listening on ${url}${storeDir ? `, storing in ${storeDir}` : ''}`);

  let stopping: Promise<void> | undefined;

  return {
    url,
    port,
    host,
    messages: () => [...received],
    waitFor(predicate, waitOpts = {}) {
      const count = waitOpts.count ?? 1;
      const timeoutMs = waitOpts.timeoutMs ?? DEFAULT_WAIT_MS;
      const hits = received.filter(predicate);
      if (hits.length >= count) return Promise.resolve(hits.slice(0, count));
      if (stopped) return Promise.reject(new Error('mail sink is stopped'));
      return new Promise<ReceivedMail[]>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          count,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            const got = received.filter(predicate).length;
            const seen = received.map((m) => `  ${m.receivedAt} ${m.envelopeTo.join(', ')}: ${m.subject}`).join('\n');
            reject(
              new Error(
                `mail sink: waited ${timeoutMs} ms for ${count} matching message(s), got ${got}. ` +
                  `Received ${received.length} in total${seen ? `:\n${seen}` : ''}`,
              ),
            );
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    clear() {
      received = [];
    },
    failNext(rule) {
      faults.push(validateFault(rule));
    },
    clearFaults() {
      faults = [];
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        stopped = true;
        for (const w of waiters) {
          clearTimeout(w.timer);
          w.reject(new Error('mail sink stopped before the expected messages arrived'));
        }
        waiters.clear();
        server.close(() => resolve());
        // Pooled clients keep idle connections open; without this close() waits its 30 s grace.
        for (const connection of server.connections) {
          connection.send(421, 'Mail sink shutting down');
          connection.close();
        }
      });
      return stopping;
    },
  };
}

function validateFault(rule: FaultRule): ActiveFault {
  if (rule.stage !== 'rcpt' && rule.stage !== 'data') {
    throw new RangeError(`failNext: stage must be 'rcpt' or 'data', got ${String(rule.stage)}`);
  }
  if (!Number.isInteger(rule.code) || rule.code < 400 || rule.code > 599) {
    throw new RangeError(`failNext: code must be an SMTP error code 400-599, got ${rule.code}`);
  }
  const times = rule.times ?? 1;
  if (!(times === Infinity || (Number.isInteger(times) && times > 0))) {
    throw new RangeError(`failNext: times must be a positive whole number or Infinity, got ${times}`);
  }
  const kind = rule.code < 500 ? 'temporary' : 'permanent';
  return {
    stage: rule.stage,
    code: rule.code,
    message: rule.message ?? `Injected ${kind} failure (mail sink)`,
    remaining: times,
    recipient: rule.recipient?.toLowerCase(),
  };
}

async function buildMail(
  raw: Buffer,
  meta: Pick<ReceivedMail, 'id' | 'receivedAt' | 'envelopeFrom' | 'envelopeTo'>,
  log: (line: string) => void,
): Promise<ReceivedMail> {
  const rawText = raw.toString('utf8');
  let parsed: ParsedMail | undefined;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true });
  } catch (err) {
    // Keep what arrived even if it does not parse: the raw source is still worth reading.
    log(`mail-sink: could not parse message ${meta.id}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const headers = parsed ? headerRecord(parsed) : {};
  return {
    ...meta,
    // From the raw header, not mailparser's normalised value: the point is to see it verbatim.
    messageId: headers['message-id'] ?? parsed?.messageId ?? '',
    subject: parsed?.subject ?? '',
    from: addresses(parsed?.from)[0] ?? '',
    to: addresses(parsed?.to),
    cc: addresses(parsed?.cc),
    text: parsed ? bodyText(parsed) : '',
    headers,
    raw: rawText,
  };
}

/** Header lines as sent (unfolded), lower-cased names; repeats such as Received joined by '\n'. */
function headerRecord(parsed: ParsedMail): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    const colon = line.indexOf(':');
    const value = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
    const name = key.toLowerCase();
    out[name] = name in out ? `${out[name]}\n${value}` : value;
  }
  return out;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (!field) return [];
  const out: string[] = [];
  const visit = (entries: AddressObject['value']): void => {
    for (const e of entries) {
      if (e.address) out.push(e.address);
      if (e.group) visit(e.group);
    }
  };
  for (const obj of Array.isArray(field) ? field : [field]) visit(obj.value);
  return out;
}

function bodyText(parsed: ParsedMail): string {
  if (parsed.text !== undefined) return parsed.text;
  // HTML-only mail: a rough tag strip is enough for a person skimming a dev mailbox.
  if (typeof parsed.html === 'string') {
    return parsed.html
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
      .replace(/<br\s*\/?>|<\/p>/gi, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&nbsp;/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .trim();
  }
  return '';
}

/** Temp file + rename: a reader sees either nothing or the whole file, never half of it. */
async function writeAtomically(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
