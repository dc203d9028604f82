// Six years of one provider under time skipping, real Postgres and SMTP: two DEA cycles (the
// first deliberately lapsed: status, flags and weekly escalations, then reinstated within the
// month), eighteen CAQH re-attestations and two payer recredentialings. Every reminder arrives
// on its date; renewals continue each workflow as new so histories stay small.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { verifyAuditChain } from '../../activities/audit/ledger';
import { BusinessCalendar } from '../../domain/calendar';
import { credentialSchedule, credentialWorkflowId, type Credential } from '../../domain/credentialing';
import { credentialQuery, renewCredentialUpdate, type credentialFlow } from '../../workflows/credential/workflow';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { recordHistory } from '../support/histories';
import { credential } from './fixtures';

const ny = new BusinessCalendar({ timeZone: 'America/New_York' });
const OWNER = 'credentialing@example.org';
const MANAGER = 'manager@example.org';
const PROVIDER = 'dr.kim@example.org';
let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness();
});
afterAll(async () => h?.stop());

const local = (date: string, hhmm: string) => new Date(ny.at(date, hhmm)).toISOString();

async function start(c: Credential): Promise<WorkflowHandle<typeof credentialFlow>> {
  return h.client.workflow.start<typeof credentialFlow>('credentialFlow', {
    taskQueue: TASK_QUEUE,
    workflowId: credentialWorkflowId(c.credentialId),
    args: [{ credential: c, practice: { timeZone: 'America/New_York' }, startedBy: OWNER }],
  });
}

describe('six years of one provider', () => {
  it('runs two DEA cycles with a lapse, eighteen CAQH cycles and two recredentialings', async () => {
    // Monday 6 January 2031, 09:00 in New York.
    await h.advanceTo(local('2031-01-06', '09:00'));
    const dea = credential({ credentialId: 'dea-p77', type: 'dea_registration', jurisdiction: 'NY', number: 'FK1234563', dueDate: '2033-06-30' });
    const caqh = credential({ credentialId: 'caqh-p77', type: 'caqh_attestation', jurisdiction: undefined, dueDate: '2031-03-06' });
    const payer = credential({ credentialId: 'aetna-p77', type: 'payer_recredentialing', jurisdiction: undefined, issuer: 'aetna', dueDate: '2033-12-15' });
    const handles = { dea: await start(dea), caqh: await start(caqh), payer: await start(payer) };
    const maxHistory: Record<string, number> = {};
    const runIds: Record<string, Set<string>> = { dea: new Set(), caqh: new Set(), payer: new Set() };

    /** Renews at 10:00 local on `date`, after checking each workflow's history size. */
    async function renew(which: keyof typeof handles, date: string, extra: { newDueDate?: string } = {}) {
      await h.advanceTo(local(date, '10:00'));
      for (const [name, handle] of Object.entries(handles)) {
        const current = h.client.workflow.getHandle(handle.workflowId);
        const history = await current.fetchHistory();
        maxHistory[name] = Math.max(maxHistory[name] ?? 0, history.events?.length ?? 0);
        runIds[name]!.add((await current.describe()).runId);
      }
      return h.client.workflow
        .getHandle<typeof credentialFlow>(handles[which].workflowId)
        .executeUpdate(renewCredentialUpdate, { args: [{ renewedOn: date, evidence: `${which}-${date}.pdf`, by: OWNER, ...extra }] });
    }

    // The actions of six years, in time order; CAQH is re-attested 3 days before each due date.
    const caqhDue: string[] = [caqh.dueDate];
    const actions: { date: string; run: () => Promise<unknown> }[] = [];
    let due = caqh.dueDate;
    for (let i = 0; i < 18; i++) {
      const on = ny.addCalendarDays(due, -3);
      actions.push({ date: on, run: () => renew('caqh', on) });
      due = ny.addCalendarDays(on, 120);
      caqhDue.push(due);
    }
    let lapsedState: unknown;
    actions.push(
      {
        date: '2033-07-10',
        run: async () => {
          await h.advanceTo(local('2033-07-10', '12:00'));
          lapsedState = await h.prisma.credential.findUniqueOrThrow({ where: { credentialId: 'dea-p77' } });
        },
      },
      { date: '2033-07-20', run: () => renew('dea', '2033-07-20') }, // reinstated within the calendar month after expiry
      { date: '2033-11-01', run: () => renew('payer', '2033-11-01') },
      { date: '2036-05-15', run: () => renew('dea', '2036-05-15') },
      { date: '2036-11-03', run: () => renew('payer', '2036-11-03') },
    );
    actions.sort((a, b) => a.date.localeCompare(b.date));
    for (const action of actions) await action.run();

    // The lapse: status, flag and weekly escalations to the manager, then restored.
    expect(lapsedState).toMatchObject({ status: 'lapsed', flags: ['no_controlled_substances:NY'] });
    const deaNow = await h.prisma.credential.findUniqueOrThrow({ where: { credentialId: 'dea-p77' } });
    expect(deaNow).toMatchObject({ status: 'active', flags: [], cycle: 3 });
    expect(deaNow.dueDate.toISOString().slice(0, 10)).toBe('2039-06-30');

    const deaMail = h.mailFor(credentialWorkflowId('dea-p77')).map((m) => [m.headers['x-practiceflow-step'], m.headers['x-practiceflow-due'], m.to, m.cc]);
    expect(deaMail.slice(0, 10)).toEqual([
      ['remind_90d', '2033-06-30', [PROVIDER, OWNER], []],
      ['remind_60d', '2033-06-30', [PROVIDER, OWNER], []],
      ['remind_30d', '2033-06-30', [PROVIDER, OWNER], [MANAGER]],
      ['remind_14d', '2033-06-30', [PROVIDER, OWNER], [MANAGER]],
      ['remind_7d', '2033-06-30', [PROVIDER, OWNER], [MANAGER]],
      ['due', '2033-06-30', [PROVIDER, OWNER], [MANAGER]],
      ['lapsed_1', '2033-06-30', [MANAGER], [OWNER, PROVIDER]],
      ['lapsed_2', '2033-06-30', [MANAGER], [OWNER, PROVIDER]],
      ['lapsed_3', '2033-06-30', [MANAGER], [OWNER, PROVIDER]],
      ['renewed_2033-06-30', '2036-06-30', [OWNER], [PROVIDER]],
    ]);

    // Each notice went out on its date: the ledger holds the workflow time of every one.
    const deaNotices = await h.prisma.auditEntry.findMany({
      where: { workflowId: credentialWorkflowId('dea-p77'), action: { in: ['credential.notice.reminder', 'credential.notice.due', 'credential.lapse_escalation', 'credential.lapsed'] } },
      orderBy: { seq: 'asc' },
    });
    expect(deaNotices.slice(0, 10).map((e) => [e.action, ny.formatInstant(e.occurredAt.getTime()).slice(0, 16)])).toEqual([
      ['credential.notice.reminder', '2033-04-01T09:00'],
      ['credential.notice.reminder', '2033-04-29T09:00'], // 60 days before is Sunday 1 May
      ['credential.notice.reminder', '2033-05-31T09:00'],
      ['credential.notice.reminder', '2033-06-16T09:00'],
      ['credential.notice.reminder', '2033-06-23T09:00'],
      ['credential.notice.due', '2033-06-30T09:00'],
      ['credential.lapsed', '2033-07-01T00:00'],
      ['credential.lapse_escalation', '2033-07-01T09:00'],
      ['credential.lapse_escalation', '2033-07-08T09:00'],
      ['credential.lapse_escalation', '2033-07-15T09:00'],
    ]);
    // Second DEA cycle renewed on time: 90- and 60-day reminders only (renewal on 15 May 2036).
    expect(deaNotices.slice(10).map((e) => ny.formatInstant(e.occurredAt.getTime()).slice(0, 10))).toEqual(['2036-04-01', '2036-05-01']);

    // CAQH: eighteen cycles, each with its 15/10/5-day reminders on their dates.
    const caqhNotices = await h.prisma.auditEntry.findMany({ where: { workflowId: credentialWorkflowId('caqh-p77'), action: 'credential.notice.reminder' }, orderBy: { seq: 'asc' } });
    const expectedCaqh = caqhDue.slice(0, 18).flatMap((d) => credentialSchedule({ type: 'caqh_attestation', dueDate: d }, ny).notices.filter((n) => n.kind === 'reminder').map((n) => n.date));
    expect(caqhNotices.map((e) => ny.dateOf(e.occurredAt.getTime()))).toEqual(expectedCaqh);
    expect(expectedCaqh.length).toBeGreaterThanOrEqual(50);
    expect(await h.prisma.auditEntry.count({ where: { workflowId: credentialWorkflowId('caqh-p77'), action: 'credential.renewed' } })).toBe(18);
    expect((await h.client.workflow.getHandle(credentialWorkflowId('caqh-p77')).query(credentialQuery)).cycle).toBe(19);

    // Two recredentialings, 36 months apart, with the 180..14-day reminders.
    const payerNow = await h.prisma.credential.findUniqueOrThrow({ where: { credentialId: 'aetna-p77' } });
    expect(payerNow.dueDate.toISOString().slice(0, 10)).toBe('2039-12-15');
    expect(await h.prisma.auditEntry.count({ where: { workflowId: credentialWorkflowId('aetna-p77'), action: 'credential.renewed' } })).toBe(2);

    // Histories stay small: each renewal continued as new (Temporal suggests new runs near 10K events).
    expect(runIds.caqh!.size).toBeGreaterThanOrEqual(18);
    for (const size of Object.values(maxHistory)) expect(size).toBeLessThan(500);
    expect(await verifyAuditChain(h.prisma)).toMatchObject({ ok: true });
    await recordHistory(h.client.workflow.getHandle(credentialWorkflowId('dea-p77')), 'credentialFlow-dea-after-reinstatement-and-renewal');
  }, 600_000);
});

describe('a credential entered late', () => {
  it('does not send the reminders whose dates have passed, only the ones still ahead', async () => {
    // Added on the morning of the 14-day reminder's day + 1: the 90/60/30/14-day reminders are past.
    const now = await h.env.currentTimeMs();
    const today = ny.dateOf(now);
    const late = credential({ credentialId: 'license-late', type: 'state_license', jurisdiction: 'TX', dueDate: ny.addCalendarDays(today, 10) });
    const handle = await start(late);
    const view = await handle.query(credentialQuery);
    expect(view.nextNotice?.key).toBe('remind_7d');
    await h.advanceTo(new Date(ny.at(ny.addCalendarDays(today, 5), '12:00')).toISOString());
    const steps = h.mailFor(credentialWorkflowId('license-late')).map((m) => m.headers['x-practiceflow-step']);
    expect(steps).toEqual(['remind_7d']);
    const added = await h.prisma.auditEntry.findFirstOrThrow({ where: { workflowId: credentialWorkflowId('license-late'), action: 'credential.added' } });
    expect((added.detail as { skippedReminders: string[] }).skippedReminders).toEqual(['remind_90d', 'remind_60d', 'remind_30d', 'remind_14d']);
    await recordHistory(handle, 'credentialFlow-entered-late');
  });
});
