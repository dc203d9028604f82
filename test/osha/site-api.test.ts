// Sites through the API against a real stack (Temporal dev server in real time, with its
// Schedules; Postgres; SMTP; worker): registration creates one schedule per obligation whose
// firings the server itself computes to exactly the planned instants, opens what is already in
// its notice window, starts the BBP cycles of exposed staff; a profile change mid-year moves the
// schedules (a new shift's drills, an obligation dropped) and is audited; a business occupancy
// without exposure gets none of the exposure obligations; records, calendar and sharps log.
import { describe, expect, it } from 'vitest';
import { ScheduleNotFoundError } from '@temporalio/client';
import { BusinessCalendar } from '../../domain/calendar';
import { occurrencesOpenAt, scheduledObligations, scheduleIdOf, SiteContactsSchema, SiteProfileSchema, type SiteProfileInput } from '../../domain/osha';
import { siteScheduleSync } from '../../workflows/osha/site-schedules';
import { recordHistory } from '../support/histories';
import { eventually, TIME_ZONE, useApiStack } from '../api/stack';

/* eslint-disable @typescript-eslint/no-explicit-any */

const MANAGER = 'manager@clinic.example';
const SAFETY = 'safety@clinic.example';
const ny = new BusinessCalendar({ timeZone: TIME_ZONE });
const contacts = { responsibleEmail: SAFETY, managerEmail: MANAGER };
const main: SiteProfileInput = {
  siteId: 'main',
  timeZone: TIME_ZONE,
  occupancy: 'ambulatory_health_care',
  shifts: ['day', 'evening'],
  headcount: 14,
  occupationalExposure: true,
  extinguisherUse: true,
  accreditor: 'none',
  roster: [{ employeeId: 'e-1', lastBbpTraining: '2026-03-10', email: 'e1@clinic.example' }],
};
const practice = { timeZone: TIME_ZONE, closureDays: [], observeInaugurationDay: false };

const stack = useApiStack();
const get = (path: string) => stack.request('GET', path);
const post = (path: string, body?: unknown, headers?: Record<string, string>) => stack.request('POST', path, body, headers);

/** The next action times the dev server computes from the schedule's spec. */
async function serverFirings(scheduleId: string): Promise<string[]> {
  const info = await stack.client.schedule.getHandle(scheduleId).describe();
  return info.info.nextActionTimes.map((d) => d.toISOString());
}

/** The same firings as the site flow plans them, as instants. */
function plannedFirings(profile: SiteProfileInput, obligation: Parameters<typeof scheduleIdOf>[1], registeredOn: string, version: number): string[] {
  const sync = siteScheduleSync({ profile: SiteProfileSchema.parse(profile), contacts: SiteContactsSchema.parse(contacts), practice, registeredOn, version }, ny.dateOf(Date.now()), false);
  const schedule = sync.schedules.find((s) => s.obligation === obligation)!;
  return schedule.firings.map((f) => new Date(ny.at(f.date, f.time)).toISOString()).filter((t) => t > new Date().toISOString());
}

async function scheduleExists(id: string): Promise<boolean> {
  try {
    await stack.client.schedule.getHandle(id).describe();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

describe('an ambulatory site registered through the API', () => {
  let registeredOn = '';

  it('gets one schedule per obligation, whose firings the server computes to the planned instants', async () => {
    const before = Date.now();
    const res = await post('/api/osha/sites', { profile: main, contacts }, { 'X-PracticeFlow-Actor': MANAGER });
    expect(res.status).toBe(201);
    registeredOn = res.json.registeredOn;
    const expected = ['fire_drill', 'extinguisher_inspection', 'extinguisher_maintenance', 'extinguisher_training', 'ecp_review'].map((o) => `osha-main-${o}`);
    expect(res.json.schedules.sort()).toEqual(expected.sort());
    expect(res.json.obligations.map((o: any) => o.rule)).toContain('NFPA 101 20.7.1.4');
    await eventually(async () => (await stack.prisma.site.findUnique({ where: { siteId: 'main' } }))?.schedules.length === 5, 'the site row');
    for (const id of expected) await eventually(() => scheduleExists(id), `schedule ${id}`);
    for (const o of scheduledObligations(SiteProfileSchema.parse(main))) {
      const planned = plannedFirings(main, o, registeredOn, 1).slice(0, 10);
      expect(await serverFirings(scheduleIdOf('main', o))).toEqual(planned);
    }
    const info = await stack.client.schedule.getHandle('osha-main-fire_drill').describe();
    expect(info.spec.timezone).toBe(TIME_ZONE);
    expect(info.action.workflowType).toBe('oshaObligationFlow');

    // Registration fires each schedule once: what is already in its notice window opens now.
    const site = SiteProfileSchema.parse(main);
    const due = (at: number) => new Set(scheduledObligations(site).flatMap((o) => occurrencesOpenAt(site, o, at, registeredOn).map((x) => x.key)));
    const atLeast = due(before);
    const rows = await eventually(async () => {
      const r = await stack.prisma.safetyOccurrence.findMany({ where: { siteId: 'main', status: 'open', obligation: { not: 'bbp_training' } } });
      return r.length >= atLeast.size && r;
    }, 'the occurrences in their notice window', 30_000);
    const atMost = due(Date.now());
    for (const key of atLeast) expect(rows.map((r) => r.occurrenceKey)).toContain(key);
    for (const r of rows) expect(atMost.has(r.occurrenceKey)).toBe(true);
    // The exposed employee on the roster has a BBP cycle due 365 days after the last training.
    const bbp = await eventually(() => stack.prisma.safetyOccurrence.findFirst({ where: { employeeId: 'e-1' } }), 'the BBP cycle');
    expect(bbp!.dueDate.toISOString().slice(0, 10)).toBe(ny.addCalendarDays('2026-03-10', 365));
  }, 60_000);

  it('records an occurrence with its record, and refuses bad records naming the field', async () => {
    const open = await eventually(async () => (await get('/api/osha/occurrences?siteId=main&status=open')).json.occurrences.find((o: any) => o.obligation === 'ecp_review'), 'the ECP review');
    const flowId = open.flowId as string;
    const bad = await post(`/api/osha/occurrences/${flowId}/record`, { by: SAFETY, durationMinutes: 0 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.problems).toContainEqual({ path: 'durationMinutes', message: 'must be at least 1 minute' });
    const unknownField = await post(`/api/osha/occurrences/${flowId}/record`, { by: SAFETY, duration: 30 });
    expect(unknownField.status).toBe(400);
    const notOccurrence = await post('/api/osha/occurrences/onboarding-h-1/record', { by: SAFETY });
    expect(notOccurrence.status).toBe(400);
    expect(notOccurrence.json.error.problems[0].path).toBe('flowId');
    const generic = await post(`/api/flows/${flowId}/tasks/ecp_review/complete`, { by: SAFETY });
    expect(generic.status).toBe(409);
    expect(generic.json.error.message).toMatch(/recordOccurrence/);
    const ok = await post(`/api/osha/occurrences/${flowId}/record`, {
      by: SAFETY,
      durationMinutes: 45,
      findings: 'sharps containers added to the list of engineering controls',
      correctiveActions: [{ action: 'update the ECP appendix B', owner: MANAGER, due: ny.addCalendarDays(ny.dateOf(Date.now()), 14) }],
    });
    expect(ok.status).toBe(200);
    expect(ok.json.status).toBe('completed');
    const row = await eventually(async () => {
      const r = await stack.prisma.safetyOccurrence.findUnique({ where: { occurrenceKey: open.occurrenceKey } });
      return r?.status === 'completed' && r;
    }, 'the completed record');
    expect(row.findings).toMatch(/sharps containers/);
    expect(row.retainUntil!.toISOString().slice(0, 10)).toBe(ny.addMonths(ny.dateOf(row.completedAt!.getTime()), 36));
    const again = await post(`/api/osha/occurrences/${flowId}/record`, { by: SAFETY, durationMinutes: 5 });
    expect(again.status).toBe(409);
  }, 60_000);

  it('moves the schedules when the profile changes mid-year, and audits the change', async () => {
    const changed = { ...main, shifts: ['day', 'evening', 'night'], extinguisherUse: false };
    const noReason = await post('/api/osha/sites/main/profile', { profile: changed, by: MANAGER });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.problems[0].path).toBe('reason');
    const otherSite = await post('/api/osha/sites/main/profile', { profile: { ...changed, siteId: 'other' }, by: MANAGER, reason: 'typo' });
    expect(otherSite.status).toBe(400);
    const res = await post('/api/osha/sites/main/profile', { profile: changed, by: MANAGER, reason: 'night shift opened; staff now evacuate instead of fighting fires' });
    expect(res.status).toBe(200);
    expect(res.json.version).toBe(2);
    expect(res.json.schedules).not.toContain('osha-main-extinguisher_training');
    expect(await scheduleExists('osha-main-extinguisher_training')).toBe(false);
    expect(await serverFirings('osha-main-fire_drill')).toEqual(plannedFirings(changed, 'fire_drill', registeredOn, 2).slice(0, 10));
    const sync = siteScheduleSync({ profile: SiteProfileSchema.parse(changed), contacts: SiteContactsSchema.parse(contacts), practice, registeredOn, version: 2 }, ny.dateOf(Date.now()), false);
    expect(sync.schedules.find((s) => s.obligation === 'fire_drill')!.firings.some((f) => f.occurrences.some((k) => k.endsWith(':night')))).toBe(true);
    const entry = await stack.prisma.auditEntry.findFirst({ where: { action: 'site.profile_changed', workflowId: 'osha-site-main' } });
    expect(entry!.actor).toBe(MANAGER);
    expect(entry!.detail).toMatchObject({ fromVersion: 1, toVersion: 2, obligationsRemoved: ['extinguisher_training'], obligationsAdded: [], changedFields: ['shifts', 'extinguisherUse'] });
    // The training opened at registration no longer applies: it is cancelled, not left reminding.
    const dropped = await eventually(async () => {
      const r = await stack.prisma.safetyOccurrence.findFirst({ where: { siteId: 'main', obligation: 'extinguisher_training' } });
      return r?.status === 'cancelled' && r;
    }, 'the dropped training cancelled');
    expect((entry!.detail as any).occurrencesCancelled).toEqual([dropped.occurrenceKey]);
    const same = await post('/api/osha/sites/main/profile', { profile: changed, by: MANAGER, reason: 'again' });
    expect(same.status).toBe(409);
    await recordHistory(stack.client.workflow.getHandle('osha-site-main'), 'oshaSiteFlow-registered-profile-changed');
  }, 60_000);

  it('lists upcoming occurrences and the compliance calendar of the year', async () => {
    const upcoming = await get('/api/osha/occurrences?siteId=main&status=upcoming&withinDays=200');
    expect(upcoming.status).toBe(200);
    expect(upcoming.json.occurrences.some((o: any) => o.obligation === 'fire_drill' && o.shift === 'night')).toBe(true);
    expect(upcoming.json.occurrences.every((o: any) => o.at === undefined)).toBe(true);
    const year = Number(ny.dateOf(Date.now()).slice(0, 4));
    const calendar = await get(`/api/osha/sites/main/calendar?year=${year}`);
    expect(calendar.status).toBe(200);
    expect(calendar.json.summary.done).toBeGreaterThanOrEqual(1);
    expect(calendar.json.entries.find((e: any) => e.obligation === 'ecp_review').state).toBe('done');
    expect((await get('/api/osha/sites/main/calendar?year=twenty')).status).toBe(400);
    expect((await get(`/api/osha/sites/nowhere/calendar?year=${year}`)).status).toBe(404);
  });
});

describe('a business occupancy with no exposure roles', () => {
  it('gets none of the exposure obligations, no BBP cycles, and its schedules go when it is retired', async () => {
    const annex: SiteProfileInput = {
      siteId: 'annex',
      timeZone: TIME_ZONE,
      occupancy: 'business',
      shifts: ['day'],
      headcount: 4,
      staffRoles: ['front_desk', 'billing', 'office_manager'],
      extinguisherUse: false,
      roster: [{ employeeId: 'b-1', lastBbpTraining: '2026-01-05' }],
    };
    const res = await post('/api/osha/sites', { profile: annex, contacts }, { 'X-PracticeFlow-Actor': MANAGER });
    expect(res.status).toBe(201);
    const obligations = res.json.obligations.map((o: any) => o.obligation);
    expect(obligations).toEqual(['fire_drill', 'extinguisher_inspection', 'extinguisher_maintenance']);
    for (const o of ['ecp_review', 'bbp_training', 'extinguisher_training', 'ep_exercise']) expect(obligations).not.toContain(o);
    for (const id of res.json.schedules) await eventually(() => scheduleExists(id), `schedule ${id}`);
    expect(await scheduleExists('osha-annex-ecp_review')).toBe(false);
    expect(await stack.prisma.safetyOccurrence.count({ where: { employeeId: 'b-1' } })).toBe(0);
    const dup = await post('/api/osha/sites', { profile: annex, contacts }, { 'X-PracticeFlow-Actor': MANAGER });
    expect(dup.status).toBe(409);
    await eventually(async () => (await stack.prisma.safetyOccurrence.count({ where: { siteId: 'annex', status: 'open' } })) > 0, 'the annex occurrences in their notice window');
    const retired = await post('/api/osha/sites/annex/retire', { by: MANAGER, reason: 'lease ended' });
    expect(retired.status).toBe(200);
    expect(retired.json.status).toBe('retired');
    for (const id of res.json.schedules) expect(await scheduleExists(id)).toBe(false);
    // Its open occurrences are cancelled with the reason, not left reminding.
    await eventually(async () => (await stack.prisma.safetyOccurrence.count({ where: { siteId: 'annex', status: 'open' } })) === 0, 'the annex occurrences cancelled');
    expect(await stack.prisma.safetyOccurrence.count({ where: { siteId: 'annex', status: 'cancelled' } })).toBeGreaterThan(0);
  }, 60_000);

  it('refuses a bad profile naming the field, and registers nothing', async () => {
    const res = await post('/api/osha/sites', { profile: { ...main, siteId: 'bad', occupancy: 'hospital', shifts: [] }, contacts }, { 'X-PracticeFlow-Actor': MANAGER });
    expect(res.status).toBe(400);
    const paths = res.json.error.problems.map((p: any) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['profile.occupancy', 'profile.shifts']));
    expect(await stack.prisma.site.findUnique({ where: { siteId: 'bad' } })).toBeNull();
  });
});

describe('the sharps injury log', () => {
  it('keeps each case once, with its retention, audited', async () => {
    const entry = { caseId: 'c-2026-07', siteId: 'main', occurredOn: ny.dateOf(Date.now()), deviceType: '25G safety needle', deviceBrand: 'Acme', workArea: 'exam room 2', description: 'stick while recapping after an injection' };
    const missing = await post('/api/osha/sharps-injuries', { ...entry, workArea: '' }, { 'X-PracticeFlow-Actor': SAFETY });
    expect(missing.status).toBe(400);
    expect(missing.json.error.problems[0].path).toBe('workArea');
    const ok = await post('/api/osha/sharps-injuries', entry, { 'X-PracticeFlow-Actor': SAFETY });
    expect(ok.status).toBe(201);
    expect(ok.json.retainUntil).toBe(`${Number(entry.occurredOn.slice(0, 4)) + 5}-12-31`);
    expect((await post('/api/osha/sharps-injuries', entry, { 'X-PracticeFlow-Actor': SAFETY })).status).toBe(409);
    const list = await get('/api/osha/sharps-injuries?siteId=main');
    expect(list.json.injuries.map((i: any) => i.caseId)).toEqual(['c-2026-07']);
    expect(await stack.prisma.auditEntry.count({ where: { action: 'osha.sharps_injury_recorded', actor: SAFETY } })).toBe(1);
  });
});
