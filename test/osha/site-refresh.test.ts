// The December refresh of a site's schedules does not drop what people asked meanwhile (issue 18,
// defect 7): a profile change or a retirement accepted while the refresh runs is applied after
// it, and the run hands over (or ends, when retired) only then. Under time skipping, whose test
// server has no Schedules API: the schedule sync is a stand-in that records what it was asked and
// holds the refresh (site-api.test.ts proves the real sync against the dev server). Everything
// else (ledger, site table, Temporal) is real. The refresh is recorded for replay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import type { SiteScheduleSync } from '../../activities/contracts';
import { BusinessCalendar } from '../../domain/calendar';
import { scheduleHorizon, siteWorkflowIdOf, SiteContactsSchema, SiteProfileSchema, type SiteProfileInput } from '../../domain/osha';
import { changeSiteProfileUpdate, retireSiteUpdate, siteQuery } from '../../workflows/osha/definitions';
import type { oshaSiteFlow } from '../../workflows/osha/site';
import { startEngineHarness, TASK_QUEUE, type EngineHarness } from '../support/engine-harness';
import { gate, type Gate } from '../support/gate';
import { recordHistory } from '../support/histories';
import { closedStatus, settled, untilQuery } from '../support/poll';

const TZ = 'America/New_York';
const ny = new BusinessCalendar({ timeZone: TZ });
const MANAGER = 'manager@clinic.example';
const practice = { timeZone: TZ, closureDays: [], observeInaugurationDay: false };
const contacts = SiteContactsSchema.parse({ responsibleEmail: 'safety@clinic.example', managerEmail: MANAGER });
const siteProfile = (siteId: string, headcount: number): SiteProfileInput => ({
  siteId,
  timeZone: TZ,
  occupancy: 'business',
  shifts: ['day'],
  headcount,
  occupationalExposure: false,
  extinguisherUse: false,
  accreditor: 'none',
  lastCompleted: {},
  roster: [],
  drillSeed: siteId,
});

/** Every sync the sites asked for; a site's refresh (triggerNow false) is held by its gate. */
const syncs: SiteScheduleSync[] = [];
const refreshes = new Map<string, Gate>();
let h: EngineHarness;
beforeAll(async () => {
  h = await startEngineHarness({
    wrapActivities: (real) => ({
      ...real,
      syncSiteSchedules: async (sync) => {
        syncs.push(sync);
        if (!sync.triggerNow) await refreshes.get(sync.siteId)?.pass();
        return { created: [], updated: sync.schedules.map((s) => s.scheduleId), deleted: [] };
      },
    }),
  });
});
afterAll(async () => {
  for (const g of refreshes.values()) g.open();
  await h?.stop();
});

/** Whether the run completed an Update (an Update dropped by continue-as-new never completes). */
async function completed(handle: WorkflowHandle, updateId: string): Promise<boolean> {
  const history = await handle.fetchHistory();
  return history.events?.some((e) => e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === updateId) ?? false;
}

async function registerAndReachRefresh(siteId: string): Promise<{ firstRun: WorkflowHandle<typeof oshaSiteFlow>; held: Gate }> {
  const workflowId = siteWorkflowIdOf(siteId);
  const started = await h.client.workflow.start<typeof oshaSiteFlow>('oshaSiteFlow', {
    taskQueue: TASK_QUEUE,
    workflowId,
    args: [{ profile: SiteProfileSchema.parse(siteProfile(siteId, 12)), contacts, practice, by: MANAGER }],
  });
  const firstRun = h.client.workflow.getHandle<typeof oshaSiteFlow>(workflowId, started.firstExecutionRunId);
  await untilQuery(firstRun, siteQuery, (v) => v.schedules.length > 0);
  const held = gate();
  refreshes.set(siteId, held);
  const refreshOn = scheduleHorizon(ny.dateOf(await h.env.currentTimeMs())).refreshOn;
  // A second past the refresh (03:00): the held refresh keeps the test server's clock at real pace.
  await h.advanceTo(new Date(ny.at(refreshOn, '03:00') + 1_000).toISOString());
  await held.entered;
  return { firstRun, held };
}

describe("a site's December refresh", () => {
  it('applies a profile change accepted during the refresh, then continues as new with it', async () => {
    const { firstRun, held } = await registerAndReachRefresh('north');
    const change = await firstRun.startUpdate(changeSiteProfileUpdate, {
      updateId: 'headcount-change',
      args: [{ profile: SiteProfileSchema.parse(siteProfile('north', 30)), by: MANAGER, reason: 'second floor opened' }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    await settled(firstRun);
    held.open();

    expect(await closedStatus(firstRun)).toBe('CONTINUED_AS_NEW');
    expect(await completed(firstRun, 'headcount-change')).toBe(true);
    expect(await change.result()).toMatchObject({ version: 2, profile: { headcount: 30 } });
    const next = await untilQuery(h.client.workflow.getHandle(siteWorkflowIdOf('north')), siteQuery, (v) => v.version === 2);
    expect(next).toMatchObject({ status: 'active', profile: { headcount: 30 } });
    const ledger = await h.prisma.auditEntry.findMany({ where: { workflowId: siteWorkflowIdOf('north') }, orderBy: { seq: 'asc' }, select: { action: true } });
    expect(ledger.map((e) => e.action)).toEqual(['site.registered', 'site.schedules_extended', 'site.profile_changed']);
    await recordHistory(firstRun, 'oshaSiteFlow-december-refresh-change-continued');
  });

  it('ends the site retired when the retirement was accepted during the refresh', async () => {
    const { firstRun, held } = await registerAndReachRefresh('south');
    await firstRun.startUpdate(retireSiteUpdate, { updateId: 'retire', args: [{ by: MANAGER, reason: 'lease ended' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    await settled(firstRun);
    held.open();

    expect(await closedStatus(firstRun)).toBe('COMPLETED');
    expect(await completed(firstRun, 'retire')).toBe(true);
    expect(await h.prisma.site.findUniqueOrThrow({ where: { siteId: 'south' } })).toMatchObject({ status: 'retired' });
    expect(syncs.filter((s) => s.siteId === 'south').at(-1)).toMatchObject({ schedules: [] });
  });
});
