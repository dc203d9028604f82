// Benchmark of the auditor's queries on a large ledger (default 100,000 entries), printing each
// query's time and its ratio to a baseline measured in the same run on the same data: the same
// query with the planner's index scans turned off (a database-level setting, so every pooled
// connection takes it). Absolute times depend on the machine; the ratios show what the indexes
// buy. Nothing here asserts a time.
//
//   npx tsx scripts/bench-audit.ts [--entries 100000] [--runs 5]
//
// Uses DATABASE_URL's server when set (a scratch database is created and dropped on it), else a
// throw-away embedded PostgreSQL in .data/bench-postgres.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { entryHash, GENESIS_HASH, type LedgerEntry } from '../activities/audit/ledger';
import { loadConfig } from '../config/env';
import { practiceProfileFromConfig } from '../config/practice';
import { createPrismaClient, type PrismaClient } from '../db/client';
import { applyMigrations } from '../db/migrate';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../devstack/postgres';
import { practiceFlowDataConverter } from '../encryption/data-converter';
import { generateKeyEntry, keyRingFrom } from '../encryption/key-ring';
import { AuditService } from '../services/audit';

const { values: args } = parseArgs({ options: { entries: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' } } });
const TARGET = Number(args.entries);
const RUNS = Number(args.runs);
const ZONE = 'America/New_York';
const DB = `bench_audit_${process.pid}`;
const TASKS = ['i9_section1', 'i9_section2', 'new_hire_report', 'hipaa_training', 'hazcom_training', 'eap_review', 'bbp_training', 'hepb_vaccine_offer', 'tb_screening'];
const PEOPLE = Array.from({ length: 40 }, (_, i) => `manager${i}@clinic.example`);

/** An entry as the ledger stores it (detail as the seeded JSON object). */
type Row = Omit<LedgerEntry, 'detail'> & { detail: Record<string, unknown> };

/** Deterministic pseudo-random numbers, so two runs seed the same ledger. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

async function seed(url: string): Promise<{ flows: number; sampleFlow: string; person: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const rnd = random(42);
  let seq = 0n;
  let prev = GENESIS_HASH;
  let batch: Row[] = [];
  let flows = 0;
  const flowRows: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const values: unknown[] = [];
    const tuples = batch.map((r, i) => {
      values.push(r.seq.toString(), r.businessKey, r.occurredAt, r.recordedAt, r.actor, r.action, r.flowType, r.workflowId, r.runId, r.taskKey, r.rule, JSON.stringify(r.detail), r.prevHash, r.hash);
      return `(${Array.from({ length: 14 }, (_, k) => `$${i * 14 + k + 1}`).join(',')})`;
    });
    await client.query(
      `INSERT INTO audit_entry (seq, business_key, occurred_at, recorded_at, actor, action, flow_type, workflow_id, run_id, task_key, rule, detail, prev_hash, hash) VALUES ${tuples.join(',')}`,
      values,
    );
    batch = [];
  };
  const push = async (e: Omit<Row, 'seq' | 'prevHash' | 'hash' | 'recordedAt'>) => {
    seq += 1n;
    const base = { ...e, seq, recordedAt: e.occurredAt, prevHash: prev, detail: JSON.parse(JSON.stringify(e.detail)) as Record<string, unknown> };
    const row = { ...base, hash: entryHash(base) };
    prev = row.hash;
    batch.push(row);
    if (batch.length >= 500) await flush();
  };
  const start = Date.UTC(2020, 0, 6, 14);
  while (Number(seq) < TARGET) {
    flows += 1;
    const wf = `onboarding-h-${flows}`;
    const t0 = start + Math.floor(rnd() * 6 * 365) * 86_400_000;
    const manager = PEOPLE[Math.floor(rnd() * PEOPLE.length)]!;
    const common = { flowType: 'onboarding', workflowId: wf, runId: 'run-1' };
    const day = (n: number) => new Date(t0 + n * 86_400_000).toISOString().slice(0, 10);
    await push({ ...common, businessKey: `${wf}:flow.started`, occurredAt: new Date(t0), actor: 'hr@clinic.example', action: 'flow.started', taskKey: null, rule: null, detail: { title: `Onboarding ${wf}`, subjectId: `h-${flows}`, managerEmail: manager, timeZone: ZONE, startDate: day(0) } });
    for (const [i, t] of TASKS.entries()) {
      await push({ ...common, businessKey: `${wf}:task.created:${t}`, occurredAt: new Date(t0), actor: 'hr@clinic.example', action: 'task.created', taskKey: t, rule: `rule ${t}`, detail: { title: t, assignee: i % 2 ? manager : `h-${flows}@staff.example`, due: { date: day(i) }, dueDate: day(i), required: true } });
    }
    const closed = rnd() < 0.9;
    for (const [i, t] of TASKS.entries()) {
      for (const step of ['remind_5bd', 'remind_1bd', 'due']) {
        await push({ ...common, businessKey: `${wf}:notice:${t}:${step}`, occurredAt: new Date(t0 + i * 86_400_000 - 3_600_000), actor: 'system:practiceflow', action: step === 'due' ? 'notice.due' : 'notice.reminder', taskKey: t, rule: `rule ${t}`, detail: { step, to: [manager], cc: [], dueDate: day(i) } });
      }
      if (!closed && i > 4) continue;
      const late = rnd() < 0.1;
      const at = new Date(t0 + (i + (late ? 3 : 0)) * 86_400_000 + 5 * 3_600_000);
      await push({ ...common, businessKey: `${wf}:task.completed:${t}`, occurredAt: at, actor: manager, action: 'task.completed', taskKey: t, rule: `rule ${t}`, detail: { by: manager, at: at.toISOString(), late, ...(late ? { lateReason: 'paperwork delayed' } : {}), dueDate: day(i) } });
    }
    if (closed) await push({ ...common, businessKey: `${wf}:flow.completed`, occurredAt: new Date(t0 + 12 * 86_400_000), actor: 'system:practiceflow', action: 'flow.completed', taskKey: null, rule: null, detail: {} });
    flowRows.push([wf, 'onboarding', `h-${flows}`, `Onboarding ${wf}`, closed ? 'completed' : 'running', new Date(t0), 'hr@clinic.example', closed ? new Date(t0 + 12 * 86_400_000) : null]);
  }
  await flush();
  for (let i = 0; i < flowRows.length; i += 500) {
    const part = flowRows.slice(i, i + 500);
    await client.query(
      `INSERT INTO flow (workflow_id, flow_type, subject_id, title, status, started_at, started_by, closed_at, updated_at) VALUES ${part.map((_, j) => `(${Array.from({ length: 8 }, (_, k) => `$${j * 8 + k + 1}`).join(',')}, now())`).join(',')}`,
      part.flat(),
    );
  }
  await client.query('ANALYZE');
  await client.end();
  return { flows, sampleFlow: `onboarding-h-${Math.ceil(flows / 2)}`, person: PEOPLE[7]! };
}

async function time(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const t = performance.now();
    await run();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

function service(prisma: PrismaClient, connection: Connection): AuditService {
  // Histories are not read here: a throwaway key is as good as any for the data converter.
  const dataConverter = practiceFlowDataConverter(keyRingFrom(generateKeyEntry()));
  return new AuditService({ client: new Client({ connection, dataConverter }), dataConverter, prisma, practice: practiceProfileFromConfig(loadConfig({ PRACTICE_TIME_ZONE: ZONE })), taskQueue: 'bench' });
}

async function main(): Promise<void> {
  let server: EmbeddedPostgresServer | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    console.error('Starting a throw-away PostgreSQL...');
    server = await startEmbeddedPostgres({ dataDir: resolve('.data/bench-postgres'), fresh: true, fsync: false });
    adminUrl = server.adminUrl;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DB}`);
  const url = new URL(adminUrl);
  url.pathname = `/${DB}`;
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  try {
    await applyMigrations(url.toString());
    const t0 = performance.now();
    const { flows, sampleFlow, person } = await seed(url.toString());
    const entries = TARGET;
    console.log(`Seeded ${entries.toLocaleString('en-US')}+ ledger entries in ${flows.toLocaleString('en-US')} flows in ${((performance.now() - t0) / 1000).toFixed(1)} s; median of ${RUNS} runs each.`);

    const who = 'bench@clinic.example';
    const queries: [string, (s: AuditService) => Promise<unknown>][] = [
      [`timeline of one flow (${sampleFlow})`, (s) => s.timeline(sampleFlow, who)],
      ['late in one month (2023-03)', (s) => s.late({ from: '2023-03-01', to: '2023-03-31' }, who)],
      [`completions by ${person}`, (s) => s.completions({ by: person }, who)],
      ['onboarding flows started in one month', (s) => s.flows({ type: 'onboarding', from: '2023-03-01', to: '2023-03-31' }, who)],
      ['open obligations past due today', (s) => s.overdue({}, who)],
      [`export of one flow (json)`, (s) => s.exportFlow(sampleFlow, { format: 'json' }, who)],
      [`export of ${person}, one quarter (json)`, (s) => s.exportPerson(person, { format: 'json', from: '2023-01-01', to: '2023-03-31' }, who)],
      [`reads of one flow (access log)`, (s) => s.accessLog({ flowId: sampleFlow }, who)],
    ];

    const indexed = createPrismaClient(url.toString(), { max: 4 });
    const withIndexes: number[] = [];
    for (const [, q] of queries) withIndexes.push(await time(() => q(service(indexed, connection))));
    const verifyMs = await time(() => service(indexed, connection).verify(who));
    await indexed.$disconnect();

    // Baseline: the same queries with index scans off for every new connection to this database.
    await admin.query(`ALTER DATABASE ${DB} SET enable_indexscan = off`);
    await admin.query(`ALTER DATABASE ${DB} SET enable_bitmapscan = off`);
    await admin.query(`ALTER DATABASE ${DB} SET enable_indexonlyscan = off`);
    const scanning = createPrismaClient(url.toString(), { max: 4 });
    const baseline: number[] = [];
    for (const [, q] of queries) baseline.push(await time(() => q(service(scanning, connection))));
    await scanning.$disconnect();

    const width = Math.max(...queries.map(([n]) => n.length));
    console.log(`\n${'query'.padEnd(width)}  indexed ms  no-index ms  speed-up`);
    for (const [i, [name]] of queries.entries()) {
      console.log(`${name.padEnd(width)}  ${withIndexes[i]!.toFixed(1).padStart(10)}  ${baseline[i]!.toFixed(1).padStart(11)}  ${(baseline[i]! / withIndexes[i]!).toFixed(1).padStart(7)}x`);
    }
    console.log(`\nFull chain verification (walks every entry, no index to help): ${verifyMs.toFixed(0)} ms for ${entries.toLocaleString('en-US')}+ entries.`);
  } finally {
    await connection.close().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await server?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
