// Real SMTP over loopback: nodemailer talks to the sink exactly as the reminder activity will,
// so these tests pin down both the sink and the error shapes our retry logic relies on.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMailSink, type MailSink } from '../../devstack/mail-sink';
import { formatMailboxTable, formatMessage, listMailbox, readMessage } from '../../devstack/mailbox';

type Transporter = ReturnType<typeof nodemailer.createTransport>;

let storeDir: string;
let sink: MailSink;
let transporter: Transporter;

const baseMail = {
  from: 'PracticeFlow <practiceflow@localhost>',
  to: 'dr.alice@clinic.test',
  subject: 'Reminder: CME credits due',
  text: 'Your CME credits are due on 2025-03-01.',
};

/** The rejection of a send, as a plain record so tests can read nodemailer's extra fields. */
async function sendError(send: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await send;
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    return err as Record<string, unknown>;
  }
  throw new Error('expected sendMail to reject');
}

beforeEach(async () => {
  storeDir = await mkdtemp(path.join(tmpdir(), 'pf-mail-sink-'));
  sink = await startMailSink({ storeDir });
  transporter = nodemailer.createTransport(sink.url);
});

afterEach(async () => {
  transporter.close();
  await sink.stop();
  await rm(storeDir, { recursive: true, force: true });
});

describe('mail sink', () => {
  it('records a message with its Message-ID verbatim and custom headers, and persists it', async () => {
    const info = await transporter.sendMail({
      ...baseMail,
      messageId: '<reminder-42.step-1@practiceflow.test>',
      headers: { 'X-PracticeFlow-Step': 'test' },
    });
    expect(info.accepted).toEqual(['dr.alice@clinic.test']);

    // The sink answers 250 only after storing, so no waiting is needed.
    const [mail] = sink.messages();
    expect(sink.messages()).toHaveLength(1);
    expect(mail).toMatchObject({
      envelopeFrom: 'practiceflow@localhost',
      envelopeTo: ['dr.alice@clinic.test'],
      messageId: '<reminder-42.step-1@practiceflow.test>',
      subject: 'Reminder: CME credits due',
      from: 'practiceflow@localhost',
      to: ['dr.alice@clinic.test'],
      cc: [],
    });
    expect(mail?.text.trim()).toBe('Your CME credits are due on 2025-03-01.');
    expect(mail?.headers['x-practiceflow-step']).toBe('test');
    expect(mail?.headers['message-id']).toBe('<reminder-42.step-1@practiceflow.test>');
    expect(mail?.raw).toContain('Message-ID: <reminder-42.step-1@practiceflow.test>');

    const files = (await readdir(storeDir)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]+\.eml$/);
    expect(files[1]).toBe(files[0]?.replace(/\.eml$/, '.json'));

    const listed = await listMailbox(storeDir);
    expect(listed).toHaveLength(1);
    const { raw: _raw, ...withoutRaw } = mail!;
    expect(listed[0]).toEqual(withoutRaw);
    expect(listed[0]).not.toHaveProperty('raw');

    const full = await readMessage(storeDir, mail!.id);
    expect(full?.raw).toBe(mail?.raw);
    expect(await readMessage(storeDir, mail!.id.slice(0, 4))).toMatchObject({ id: mail!.id });
    expect(await readMessage(storeDir, 'nope')).toBeUndefined();
    expect(await readMessage(storeDir, '../etc')).toBeUndefined();

    const table = formatMailboxTable(listed);
    expect(table.split('\n')).toHaveLength(2);
    expect(table).toContain('Reminder: CME credits due');
    expect(table).toContain(mail!.id);
    const view = formatMessage(full!);
    expect(view).toContain('x-practiceflow-step: test');
    expect(view).toContain('Your CME credits are due');
  });

  it('keeps receive order in memory and on disk, and filters the mailbox', async () => {
    for (const n of [1, 2, 3]) {
      await transporter.sendMail({ ...baseMail, to: n === 2 ? 'bob@clinic.test' : baseMail.to, subject: `Reminder ${n}` });
    }
    expect(sink.messages().map((m) => m.subject)).toEqual(['Reminder 1', 'Reminder 2', 'Reminder 3']);
    expect((await listMailbox(storeDir)).map((m) => m.subject)).toEqual(['Reminder 1', 'Reminder 2', 'Reminder 3']);
    expect((await listMailbox(storeDir, { to: 'BOB@' })).map((m) => m.subject)).toEqual(['Reminder 2']);
    expect((await listMailbox(storeDir, { subjectContains: 'reminder 3' })).map((m) => m.subject)).toEqual(['Reminder 3']);
    expect((await listMailbox(storeDir, { limit: 2 })).map((m) => m.subject)).toEqual(['Reminder 2', 'Reminder 3']);
    const second = sink.messages()[1]!;
    expect((await listMailbox(storeDir, { since: second.receivedAt })).map((m) => m.subject)).toEqual([
      'Reminder 2',
      'Reminder 3',
    ]);
    await expect(listMailbox(storeDir, { since: 'yesterday-ish' })).rejects.toThrow(RangeError);

    sink.clear();
    expect(sink.messages()).toEqual([]);
    expect(await listMailbox(storeDir)).toHaveLength(3); // clear() leaves the person's mailbox alone
  });

  it('RCPT 451: sendMail rejects with EENVELOPE / 451 / RCPT TO, and the next send succeeds', async () => {
    sink.failNext({ stage: 'rcpt', code: 451 });
    const err = await sendError(transporter.sendMail(baseMail));
    expect(err).toMatchObject({
      code: 'EENVELOPE',
      responseCode: 451,
      command: 'RCPT TO',
      permanent: false,
      rejected: ['dr.alice@clinic.test'],
    });
    expect(sink.messages()).toHaveLength(0);

    await transporter.sendMail(baseMail);
    expect(sink.messages()).toHaveLength(1);
  });

  it('RCPT 550 is reported as permanent', async () => {
    sink.failNext({ stage: 'rcpt', code: 550, message: 'No such user here' });
    const err = await sendError(transporter.sendMail(baseMail));
    expect(err).toMatchObject({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', permanent: true });
    expect(err.response).toBe('550 No such user here');
  });

  it('DATA 550: sendMail rejects with EMESSAGE / 550 / DATA and nothing is stored', async () => {
    sink.failNext({ stage: 'data', code: 550 });
    const err = await sendError(transporter.sendMail(baseMail));
    expect(err).toMatchObject({ code: 'EMESSAGE', responseCode: 550, command: 'DATA', permanent: true });
    expect(sink.messages()).toHaveLength(0);
    expect(await listMailbox(storeDir)).toHaveLength(0);

    sink.failNext({ stage: 'data', code: 451, times: 2 });
    for (let i = 0; i < 2; i++) {
      expect(await sendError(transporter.sendMail(baseMail))).toMatchObject({ code: 'EMESSAGE', responseCode: 451, permanent: false });
    }
    await transporter.sendMail(baseMail);
    expect(sink.messages()).toHaveLength(1);
  });

  it('recipient-scoped faults hit only that address', async () => {
    sink.failNext({ stage: 'rcpt', code: 550, recipient: 'Bounce@Clinic.test', times: Infinity });

    await transporter.sendMail(baseMail); // another recipient: unaffected
    // A partly rejected envelope does not reject: nodemailer resolves and lists the rejection.
    const partial = await transporter.sendMail({ ...baseMail, to: ['dr.alice@clinic.test', 'bounce@clinic.test'] });
    expect(partial.accepted).toEqual(['dr.alice@clinic.test']);
    expect(partial.rejected).toEqual(['bounce@clinic.test']);
    const rejectedErrors = (partial as unknown as { rejectedErrors?: Record<string, unknown>[] }).rejectedErrors;
    expect(rejectedErrors?.[0]).toMatchObject({ code: 'EENVELOPE', responseCode: 550, recipient: 'bounce@clinic.test' });
    expect(sink.messages().at(-1)?.envelopeTo).toEqual(['dr.alice@clinic.test']);

    // times: Infinity keeps firing.
    for (let i = 0; i < 2; i++) {
      expect(await sendError(transporter.sendMail({ ...baseMail, to: 'bounce@clinic.test' }))).toMatchObject({ responseCode: 550 });
    }
    sink.clearFaults();
    await transporter.sendMail({ ...baseMail, to: 'bounce@clinic.test' });

    // DATA stage: fires only when the address is among the recipients.
    sink.failNext({ stage: 'data', code: 451, recipient: 'slow@clinic.test' });
    await transporter.sendMail(baseMail);
    expect(await sendError(transporter.sendMail({ ...baseMail, cc: 'slow@clinic.test' }))).toMatchObject({
      code: 'EMESSAGE',
      responseCode: 451,
    });
    await transporter.sendMail({ ...baseMail, cc: 'slow@clinic.test' });
    expect(sink.messages().at(-1)?.cc).toEqual(['slow@clinic.test']);
  });

  it('rejects invalid fault rules', () => {
    expect(() => sink.failNext({ stage: 'rcpt', code: 250 })).toThrow(RangeError);
    expect(() => sink.failNext({ stage: 'data', code: 550, times: 0 })).toThrow(RangeError);
  });

  it('waitFor resolves for messages already received or still to come, and times out with a summary', async () => {
    await transporter.sendMail({ ...baseMail, subject: 'first' });
    await expect(sink.waitFor((m) => m.subject === 'first')).resolves.toHaveLength(1);

    const waiting = sink.waitFor((m) => m.subject.startsWith('batch'), { count: 2, timeoutMs: 5_000 });
    await transporter.sendMail({ ...baseMail, subject: 'batch a' });
    await transporter.sendMail({ ...baseMail, subject: 'batch b' });
    expect((await waiting).map((m) => m.subject)).toEqual(['batch a', 'batch b']);

    await expect(sink.waitFor((m) => m.subject === 'never', { timeoutMs: 100 })).rejects.toThrow(/got 0.*Received 3/s);
  });

  it('stop() does not wait for idle pooled connections', async () => {
    const pooled = nodemailer.createTransport({ host: sink.host, port: sink.port, secure: false, pool: true });
    await pooled.sendMail(baseMail);
    const started = Date.now();
    await sink.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    pooled.close();
  });
});

describe('mailbox store', () => {
  it('treats a missing folder as an empty mailbox', async () => {
    const missing = path.join(storeDir, 'does-not-exist');
    expect(await listMailbox(missing)).toEqual([]);
    expect(await readMessage(missing, 'abc')).toBeUndefined();
    expect(formatMailboxTable([])).toBe('(no messages)');
  });

  it('skips corrupt .json files with a warning instead of failing', async () => {
    await transporter.sendMail(baseMail);
    await writeFile(path.join(storeDir, '20000101T000000000Z-broken.json'), '{"id": "broken", "subj');
    await writeFile(path.join(storeDir, '20000101T000000001Z-wrongshape.json'), JSON.stringify({ id: 'wrongshape' }));
    await writeFile(path.join(storeDir, '20000101T000000002Z-half.json.tmp-1-abcd'), '{');

    const warnings: string[] = [];
    const listed = await listMailbox(storeDir, {}, { warn: (line) => warnings.push(line) });
    expect(listed.map((m) => m.subject)).toEqual(['Reminder: CME credits due']);
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/broken\.json.*not valid JSON/);
    expect(warnings.join('\n')).toMatch(/wrongshape\.json.*unexpected content/);

    expect(await readMessage(storeDir, 'broken', { warn: (line) => warnings.push(line) })).toBeUndefined();
  });
});
