// The README's first command as a user runs it: `npm start` brings up Postgres, Temporal, the
// mail sink, the worker and the API; a flow runs against it, its reminder lands in the local
// mailbox and the API shows its checklist to the first admin that the first start created
// (its API token in the data folder, which the CLI picks up); anonymous requests are refused;
// Ctrl-C stops everything cleanly; a second start reuses the data and creates no second admin.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { listMailbox } from '../../devstack/mailbox';
import { freePort } from '../../devstack/temporal';
import { createPrismaClient } from '../../db/client';
import { verifyAuditChain } from '../../activities/audit/ledger';
import { checklistQuery } from '../../workflows/task-engine/definitions';
import type { checklistFlow } from '../../workflows/checklist/workflow';
import { practiceFlowDataConverter } from '../../encryption/data-converter';
import { keyRingFrom, readDevelopmentKeys } from '../../encryption/key-ring';
import { runPracticeflow } from '../support/cli';

const dataDir = mkdtempSync(join(tmpdir(), 'practiceflow-start-'));
// As root, Postgres runs as the `postgres` user, which must be able to enter the data folder.
chmodSync(dataDir, 0o755);
let ports: Record<string, number>;

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function npmStart(): Promise<Running> {
  ports ??= {
    EMBEDDED_POSTGRES_PORT: await freePort(),
    TEMPORAL_DEV_PORT: await freePort(),
    TEMPORAL_DEV_UI_PORT: await freePort(),
    MAIL_SINK_PORT: await freePort(),
    API_PORT: await freePort(),
  };
  const env: Record<string, string> = { ...(process.env as Record<string, string>), PRACTICEFLOW_DATA_DIR: dataDir };
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'NODE_ENV', 'WORKFLOW_BUNDLE_PATH']) delete env[name];
  for (const [k, v] of Object.entries(ports)) env[k] = String(v);
  // Its own process group, so a Ctrl-C can be delivered to npm and everything under it.
  const child = spawn('npm', ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 240_000;
  while (!out.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early (${child.exitCode}):\n${out}`);
    if (Date.now() > deadline) throw new Error(`npm start not ready in time:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, output: () => out, exited };
}

/** Ctrl-C in a terminal signals the whole foreground group: npm and PracticeFlow under it. */
async function ctrlC(run: Running): Promise<string> {
  process.kill(-run.child.pid!, 'SIGINT');
  await run.exited;
  const deadline = Date.now() + 60_000;
  while (!/PracticeFlow stopped\.|\n\S*Error/.test(run.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return run.output();
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

function summaryValue(output: string, label: string): string {
  const line = output.split('\n').find((l) => l.trimStart().startsWith(label));
  if (!line) throw new Error(`no "${label}" line in:\n${output}`);
  return line.trim().slice(label.length).trim().split(/\s+/)[0]!;
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start', () => {
  it('runs the whole stack, stops on Ctrl-C and reuses its data on the next start', async () => {
    const first = await npmStart();
    const out = first.output();
    expect(out).toMatch(/Migrations\s+applied \d+_init/);
    expect(out).toMatch(/Temporal Web UI\s+http:\/\/127\.0\.0\.1:\d+/);
    // Temporal's UI decodes through the API's codec endpoint, sending the browser's sign-in.
    const uiSettings = (await (await fetch(`${summaryValue(out, 'Temporal Web UI')}/api/v1/settings`)).json()) as { Codec: { Endpoint: string; IncludeCredentials: boolean } };
    expect(uiSettings.Codec).toMatchObject({ Endpoint: `http://127.0.0.1:${ports.API_PORT}/api/codec`, IncludeCredentials: true });
    // The embedded database has a generated password, kept in the data folder (mode 0600), and
    // neither it nor any other secret is printed: the summary shows *** (config/mask.ts).
    const dbPassword = readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim();
    expect(dbPassword.length).toBeGreaterThanOrEqual(20);
    expect(statSync(join(dataDir, 'postgres-password')).mode & 0o077).toBe(0);
    expect(summaryValue(out, 'PostgreSQL (embedded)')).toBe(`postgresql://postgres:***@127.0.0.1:${ports.EMBEDDED_POSTGRES_PORT}/practiceflow`);
    const adminPassword = readFileSync(join(dataDir, 'admin-password'), 'utf8').trim();
    const payloadKey = readDevelopmentKeys(dataDir)!.split(':')[1]!;
    for (const secret of [dbPassword, adminPassword, payloadKey, readFileSync(join(dataDir, 'admin-token'), 'utf8').trim()]) expect(out).not.toContain(secret);
    const databaseUrl = `postgresql://postgres:${encodeURIComponent(dbPassword)}@127.0.0.1:${ports.EMBEDDED_POSTGRES_PORT}/practiceflow`;
    const temporalAddress = summaryValue(out, 'Temporal (dev server)');

    // Payloads are encrypted with the development key the first start generated (mode 0600).
    expect(out).toMatch(/Payload encryption\s+AES-256-GCM, development key generated into .*payload-keys/);
    expect(statSync(join(dataDir, 'payload-keys')).mode & 0o077).toBe(0);
    const dataConverter = practiceFlowDataConverter(keyRingFrom(readDevelopmentKeys(dataDir)!));
    const connection = await Connection.connect({ address: temporalAddress });
    const client = new Client({ connection, dataConverter });
    const handle = await client.workflow.start<typeof checklistFlow>('checklistFlow', {
      taskQueue: 'practiceflow',
      workflowId: 'e2e-badge',
      args: [
        {
          title: 'Front desk set-up',
          managerEmail: 'manager@clinic.example',
          startedBy: 'manager@clinic.example',
          practice: { timeZone: 'America/New_York' },
          // Due last week: the manager is escalated at once.
          tasks: [{ key: 'badge', title: 'Issue building badge', assignee: { email: 'lee@clinic.example' }, due: { date: '2020-01-06' } }],
        },
      ],
    });
    let mails = await listMailbox(join(dataDir, 'mail'));
    for (let i = 0; i < 240 && mails.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      mails = await listMailbox(join(dataDir, 'mail'));
    }
    expect(mails.map((m) => [m.subject, m.to])).toEqual([['Overdue: Issue building badge (was due 2020-01-06)', ['manager@clinic.example']]]);
    expect((await handle.query(checklistQuery)).tasks[0]).toMatchObject({ key: 'badge', overdue: true, status: 'open' });
    // What Temporal holds is ciphertext: the start's input, read by a client without the key.
    const raw = await new Client({ connection }).workflow.getHandle('e2e-badge').fetchHistory();
    const input = raw.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(new TextDecoder().decode(input.metadata!.encoding!)).toBe('binary/encrypted');
    expect(Buffer.from(input.data!).toString('latin1')).not.toContain('Issue building badge');
    await connection.close();

    const apiUrl = summaryValue(out, 'API');
    expect(apiUrl).toBe(`http://127.0.0.1:${ports.API_PORT}`);
    expect(await (await fetch(`${apiUrl}/api/health`)).json()).toEqual({ ok: true, temporal: 'ok', database: 'ok' });
    expect(out).toMatch(/Sign-in\s+created admin admin@practiceflow\.local: password in .*admin-password, API token in .*admin-token/);
    const tokenFile = join(dataDir, 'admin-token');
    expect(statSync(tokenFile).mode & 0o077).toBe(0);
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect((await fetch(`${apiUrl}/api/flows/e2e-badge`)).status).toBe(401);
    const shown = (await (await fetch(`${apiUrl}/api/flows/e2e-badge`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string; tasks: { key: string }[] };
    expect(shown).toMatchObject({ status: 'running', tasks: [{ key: 'badge' }] });
    // The CLI on this machine signs in with that token, with nothing else set.
    const cli = await runPracticeflow(['flows', 'show', 'e2e-badge', '--json'], { apiUrl, token: null, env: { PRACTICEFLOW_DATA_DIR: dataDir } });
    expect(cli.stderr).toBe('');
    expect(JSON.parse(cli.stdout)).toMatchObject({ flowId: 'e2e-badge', status: 'running' });
    const password = readFileSync(join(dataDir, 'admin-password'), 'utf8').trim();
    // As the console signs in: JSON from its own origin.
    const signedIn = await fetch(`${apiUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: apiUrl }, body: JSON.stringify({ email: 'admin@practiceflow.local', password }) });
    expect(await signedIn.json()).toMatchObject({ email: 'admin@practiceflow.local', role: 'admin', idleMinutes: 15 });

    // The worker is a process of its own: killed, it is reported and back within 30 s, while the
    // API keeps answering; a flow started meanwhile is picked up once it is back.
    const workerPid = Number(/\[supervisor\] worker running \(pid (\d+)\)/.exec(first.output())![1]);
    process.kill(workerPid, 'SIGKILL');
    const killedAt = Date.now();
    const auth = { authorization: `Bearer ${token}` };
    while (!first.output().includes('[supervisor] worker is running again')) {
      expect((await fetch(`${apiUrl}/api/live`)).status).toBe(200);
      expect(Date.now() - killedAt).toBeLessThan(30_000);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(first.output()).toMatch(/\[supervisor\] worker stopped unexpectedly \(signal SIGKILL\); restarting in 1 s \(restart 1\)/);
    const hire = { hireId: 'e2e-after-kill', name: 'Kim Lee', email: 'kim@clinic.example', role: 'front_desk', startDate: '2020-01-06', managerEmail: 'manager@clinic.example' };
    expect((await fetch(`${apiUrl}/api/onboarding`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(hire) })).status).toBe(201);
    for (let i = 0; i < 120 && !(await fetch(`${apiUrl}/api/flows/onboarding-e2e-after-kill`, { headers: auth }).then((r) => r.json() as Promise<{ tasks?: unknown[] }>)).tasks?.length; i++) await new Promise((r) => setTimeout(r, 250));
    expect(((await (await fetch(`${apiUrl}/api/flows/onboarding-e2e-after-kill`, { headers: auth })).json()) as { tasks: unknown[] }).tasks.length).toBeGreaterThan(0);

    const stoppedOutput = await ctrlC(first);
    expect(stoppedOutput).toContain('PracticeFlow stopped.');
    expect(stoppedOutput).not.toMatch(/stopping .*:/);
    for (const port of Object.values(ports)) expect(await portOpen(port)).toBe(false);

    const second = await npmStart();
    try {
      expect(second.output()).toMatch(/Migrations\s+up to date/);
      expect(second.output()).toMatch(/Sign-in\s+the first admin's API token is in /);
      expect(second.output()).toMatch(/Payload encryption\s+AES-256-GCM, development key from .*payload-keys/);
      const again = await Connection.connect({ address: summaryValue(second.output(), 'Temporal (dev server)') });
      try {
        const view = await new Client({ connection: again, dataConverter }).workflow.getHandle('e2e-badge').query(checklistQuery);
        expect(view.status).toBe('running');
      } finally {
        await again.close();
      }
      const prisma = createPrismaClient(databaseUrl);
      try {
        expect(await prisma.auditEntry.count({ where: { workflowId: 'e2e-badge' } })).toBeGreaterThanOrEqual(3);
        expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true });
      } finally {
        await prisma.$disconnect();
      }
    } finally {
      expect(await ctrlC(second)).toContain('PracticeFlow stopped.');
    }
  }, 600_000);
});
