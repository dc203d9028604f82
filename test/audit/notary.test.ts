// The ledger notary in Temporal witnesses the audit ledger's head outside the database: someone
// who controls the database and cuts the ledger's tail, putting its head row back to match, is
// still reported by `audit verify` with the missing range; a later look records the head going
// backwards as evidence. Against the stack's real dev server, worker and PostgreSQL.
import { describe, expect, it } from 'vitest';
import { appendAuditEvents } from '../../activities/audit/ledger';
import { ensureLedgerNotary } from '../../activities/audit/notary';
import { LEDGER_NOTARY_ID, notaryStateQuery, witnessNowSignal } from '../../workflows/audit/notary-definitions';
import { eventually, TASK_QUEUE, useApiStack } from '../api/stack';

const stack = useApiStack();
const AUDITOR = 'notary-auditor@clinic.example';

const events = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    businessKey: `notary-test:${from + i}`,
    occurredAt: new Date().toISOString(),
    actor: 'manager@clinic.example',
    action: 'test.event',
    detail: { n: from + i },
  }));

async function witnessed(): Promise<string | undefined> {
  const handle = stack.client.workflow.getHandle(LEDGER_NOTARY_ID);
  await handle.signal(witnessNowSignal);
  const last = await stack.prisma.auditEntry.findFirst({ orderBy: { seq: 'desc' } });
  return eventually(async () => {
    const state = await handle.query(notaryStateQuery);
    return state.witnessed?.seq === last?.seq.toString() && state.witnessed?.seq;
  }, 'the notary to witness the head');
}

describe('the ledger notary', () => {
  it('reports a tail cut together with the head row, with the missing range, and keeps the evidence', async () => {
    // A long period: the test asks for each look.
    await ensureLedgerNotary(stack.client, TASK_QUEUE, 3_600);
    await ensureLedgerNotary(stack.client, TASK_QUEUE, 3_600); // idempotent
    await appendAuditEvents(stack.prisma, events(1, 10));
    const seq = Number(await witnessed());
    const auditor = await stack.tokenFor(AUDITOR, 'auditor');
    const ok = await stack.request('GET', '/api/audit/verify', undefined, {}, { token: auditor });
    expect(ok.json).toMatchObject({ ok: true, witness: { by: 'the ledger notary in Temporal', witnessed: { seq: String(seq) } } });

    // Full control of the database: delete the last three entries, put the head row back to match.
    await stack.prisma.$executeRawUnsafe(`DELETE FROM audit_entry WHERE seq > ${seq - 3}`);
    await stack.prisma.$executeRawUnsafe(`ALTER TABLE audit_head DISABLE TRIGGER audit_head_forward_only`);
    await stack.prisma.$executeRawUnsafe(`UPDATE audit_head SET seq = ${seq - 3}, hash = (SELECT hash FROM audit_entry WHERE seq = ${seq - 3})`);
    await stack.prisma.$executeRawUnsafe(`ALTER TABLE audit_head ENABLE TRIGGER audit_head_forward_only`);

    const cut = await stack.request('GET', '/api/audit/verify', undefined, {}, { token: auditor });
    expect(cut.json).toMatchObject({ ok: false, problem: 'truncated', brokenAtSeq: String(seq - 2) });
    expect(cut.json.message).toMatch(new RegExp(`^entries ${seq - 2}\\.\\.${seq} are missing: the ledger notary in Temporal witnessed entry ${seq}`));

    // The notary's next look finds the head lower than it saw it, and keeps that as evidence.
    await stack.client.workflow.getHandle(LEDGER_NOTARY_ID).signal(witnessNowSignal);
    const state = await eventually(async () => {
      const s = await stack.client.workflow.getHandle(LEDGER_NOTARY_ID).query(notaryStateQuery);
      return s.regressions.length > 0 && s;
    }, 'the regression to be recorded');
    expect(state.witnessed?.seq).toBe(String(seq));
    // (What it found is past the cut by the verify reads just logged: every read is an entry.)
    expect(state.regressions[0]).toMatchObject({ witnessed: { seq: String(seq) } });
    expect(Number(state.regressions[0]!.found!.seq)).toBeLessThan(seq);

    // The CLI says the same (through the API).
    const verdict = await stack.request('GET', '/api/audit/verify', undefined, {}, { token: auditor });
    expect(verdict.json.witness).toMatchObject({ regressions: 1 });
  });
});
