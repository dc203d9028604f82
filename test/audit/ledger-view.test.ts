// The checklist rebuilt from ledger rows (services/ledger-view.ts: what the flow page shows once
// Temporal has forgotten a flow, and what My work and the calendar feed list) counts "overdue" as
// the workflow does (lateFrom): a due date from the end of its day in the practice's zone, a due
// instant (a payer's 72-hour clock) from that instant, not from the next day. Pure rows in, view out.
import { describe, expect, it } from 'vitest';
import { flowViewFromLedger, type LedgerRow } from '../../services/ledger-view';
import type { FlowSummary } from '../../services/schemas';

const summary: FlowSummary = { flowId: 'prior-auth-pa-1', flowType: 'prior_auth', subjectId: 'pa-1', title: 'Prior authorization pa-1', status: 'running', startedAt: '2026-03-02T14:00:00Z', startedBy: 'lead@clinic.example', closedAt: null };

let seq = 0n;
const row = (action: string, taskKey: string | null, detail: unknown): LedgerRow => ({ seq: (seq += 1n), occurredAt: new Date('2026-03-02T14:00:00Z'), actor: 'lead@clinic.example', action, taskKey, rule: null, detail });

const rows = [
  row('flow.started', null, { managerEmail: 'lead@clinic.example', timeZone: 'America/New_York' }),
  // 72 hours from a submission at 10:00 New York time on Monday 2 March: Thursday 5 March, 10:00 (15:00Z).
  row('task.created', 'payer_decision', { title: 'Payer decision', assignee: 'pa@clinic.example', due: { at: '2026-03-05T15:00:00Z' }, dueDate: '2026-03-05' }),
  row('task.created', 'documentation', { title: 'Documentation', assignee: 'pa@clinic.example', due: { date: '2026-03-05' }, dueDate: '2026-03-05' }),
];

const overdueAt = (iso: string) => Object.fromEntries(flowViewFromLedger(summary, rows, new Date(iso)).tasks.map((t) => [t.key, t.overdue]));

describe('overdue in the checklist rebuilt from the ledger', () => {
  it('a due instant is late from that instant', () => {
    expect(overdueAt('2026-03-05T14:59:59Z').payer_decision).toBe(false);
    expect(overdueAt('2026-03-05T15:00:00Z').payer_decision).toBe(true);
  });

  it("a due date is late from the end of its day in the practice's zone (not UTC's)", () => {
    // 23:30 New York on the due date is 04:30Z the next day: still on time.
    expect(overdueAt('2026-03-06T04:30:00Z').documentation).toBe(false);
    expect(overdueAt('2026-03-06T05:00:00Z').documentation).toBe(true);
  });

  it('nothing is overdue in a cancelled flow', () => {
    const view = flowViewFromLedger({ ...summary, status: 'cancelled' }, rows, new Date('2026-04-01T00:00:00Z'));
    expect(view.tasks.map((t) => [t.status, t.overdue])).toEqual([
      ['cancelled', false],
      ['cancelled', false],
    ]);
  });
});
