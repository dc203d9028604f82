// A practice site: holds its profile, keeps one Temporal Schedule per applicable obligation in
// line with it (created, moved and removed as the profile changes, no manual clean-up), starts
// the BBP cycle of each exposed employee on the roster, and audits every change. The schedules'
// explicit firings run through the end of next year; each December the site extends them.
import { allHandlersFinished, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import type { AuditEvent } from '../../activities/contracts';
import { BusinessCalendar } from '../../domain/calendar/business-calendar';
import { IsoDateSchema } from '../../domain/calendar/iso-date';
import {
  ChangeSiteProfileSchema,
  RetireSiteSchema,
  SiteContactsSchema,
  SiteProfileSchema,
  applicableObligations,
  hasOccupationalExposure,
  scheduleHorizon,
  scheduleIdOf,
  scheduledObligations,
  type SiteContacts,
  type SiteProfile,
} from '../../domain/osha';
import { PracticeCalendarSchema } from '../../domain/practice/calendar-settings';
import { ActorSchema } from '../../domain/tasks/model';
import { closeOccurrences, recordAudit, recordSite, startBbpCycle, syncSiteSchedules } from '../task-engine/activities';
import { conflictFailure, parseOrThrow, validationFailure } from '../task-engine/failures';
import { changeSiteProfileUpdate, retireSiteUpdate, siteQuery, type SiteView } from './definitions';
import { siteScheduleSync } from './site-schedules';

export const SiteFlowInputSchema = z.object({
  profile: SiteProfileSchema,
  contacts: SiteContactsSchema,
  practice: PracticeCalendarSchema,
  by: ActorSchema,
  /** Carried across continue-as-new. */
  registeredOn: IsoDateSchema.optional(),
  version: z.number().int().min(1).optional(),
});
export type SiteFlowInput = z.input<typeof SiteFlowInputSchema>;

const SITE_RULE = 'OSHA 29 CFR 1910.157, 1910.1030; NFPA 101 (per site profile)';
/** Patch id: a change or retirement accepted during the December refresh is applied before the run hands over. */
const PATCH_REFRESH_WAITS_FOR_CHANGES = 'site-refresh-waits-for-changes';

export async function oshaSiteFlow(raw: SiteFlowInput): Promise<SiteView> {
  const input = parseOrThrow(SiteFlowInputSchema, raw);
  const info = workflowInfo();
  const calendar = new BusinessCalendar({ ...input.practice, timeZone: input.profile.timeZone });
  const firstRun = input.version === undefined;
  const registeredOn = input.registeredOn ?? calendar.dateOf(Date.now());
  let profile: SiteProfile = input.profile;
  let contacts: SiteContacts = input.contacts;
  let version = input.version ?? 1;
  let status: SiteView['status'] = 'active';
  let schedules: string[] = [];
  let busy = false;
  let changesThisRun = 0;

  const view = (): SiteView => ({
    siteId: profile.siteId,
    status,
    version,
    registeredOn,
    profile,
    contacts,
    obligations: applicableObligations(profile),
    schedules,
  });

  const event = (action: string, actor: string, key: string, detail: Record<string, unknown>): AuditEvent => ({
    businessKey: `${info.workflowId}:${action}:${key}`,
    occurredAt: new Date().toISOString(),
    actor,
    action,
    flowType: 'osha_site',
    workflowId: info.workflowId,
    runId: info.runId,
    rule: SITE_RULE,
    detail,
  });

  /** Makes the record, the schedules and the BBP cycles match the profile. */
  const apply = async (actor: string, triggerNow: boolean) => {
    const sync = siteScheduleSync({ profile, contacts, practice: input.practice, registeredOn, version }, calendar.dateOf(Date.now()), triggerNow);
    schedules = sync.schedules.map((s) => s.scheduleId);
    await recordSite({ siteId: profile.siteId, profile, version, status, responsibleEmail: contacts.responsibleEmail, managerEmail: contacts.managerEmail, workflowId: info.workflowId, registeredOn, schedules });
    const result = await syncSiteSchedules(sync);
    if (status === 'active' && hasOccupationalExposure(profile)) {
      for (const employee of profile.roster) {
        await startBbpCycle({
          input: {
            employeeId: employee.employeeId,
            siteId: profile.siteId,
            lastTraining: employee.lastBbpTraining,
            employeeEmail: employee.email ?? contacts.responsibleEmail,
            managerEmail: contacts.managerEmail,
            practice: input.practice,
            startedBy: actor,
          },
        });
      }
    }
    return result;
  };

  setHandler(siteQuery, view);

  setHandler(
    changeSiteProfileUpdate,
    async (raw) => {
      const change = parseOrThrow(ChangeSiteProfileSchema, raw);
      await condition(() => !busy);
      busy = true;
      try {
        const before = { profile, contacts, obligations: applicableObligations(profile).map((o) => o.obligation) };
        profile = change.profile;
        contacts = change.contacts ?? contacts;
        version += 1;
        changesThisRun += 1;
        const after = applicableObligations(profile).map((o) => o.obligation);
        const result = await apply(change.by, true);
        // Occurrences of obligations the site no longer has stop reminding (BBP cycles follow
        // each employee, not the site, and stay).
        const removed = before.obligations.filter((o) => !after.includes(o) && o !== 'bbp_training');
        const cancelled = removed.length > 0 ? await closeOccurrences({ siteId: profile.siteId, obligations: removed, by: change.by, reason: `no longer applies to site ${profile.siteId}: ${change.reason}` }) : [];
        const changedFields = (Object.keys(change.profile) as (keyof SiteProfile)[]).filter((k) => JSON.stringify(before.profile[k]) !== JSON.stringify(change.profile[k]));
        await recordAudit([
          event('site.profile_changed', change.by, String(version), {
            siteId: profile.siteId,
            fromVersion: version - 1,
            toVersion: version,
            reason: change.reason,
            changedFields,
            contactsChanged: change.contacts !== undefined && JSON.stringify(change.contacts) !== JSON.stringify(before.contacts),
            obligationsAdded: after.filter((o) => !before.obligations.includes(o)),
            obligationsRemoved: before.obligations.filter((o) => !after.includes(o)),
            schedules: result,
            occurrencesCancelled: cancelled,
            previousProfile: before.profile,
          }),
        ]);
        return view();
      } finally {
        busy = false;
      }
    },
    {
      validator: (raw) => {
        const change = parseOrThrow(ChangeSiteProfileSchema, raw);
        if (status !== 'active') throw conflictFailure(`site ${profile.siteId} is ${status}; it can no longer change`);
        if (change.profile.siteId !== profile.siteId) throw validationFailure([{ path: 'profile.siteId', message: `must stay ${profile.siteId} (register a new site instead)` }]);
        if (JSON.stringify(change.profile) === JSON.stringify(profile) && (!change.contacts || JSON.stringify(change.contacts) === JSON.stringify(contacts))) {
          throw conflictFailure('profile: nothing changed');
        }
      },
    },
  );

  setHandler(
    retireSiteUpdate,
    async (raw) => {
      const retire = parseOrThrow(RetireSiteSchema, raw);
      await condition(() => !busy);
      busy = true;
      try {
        status = 'retired';
        await recordSite({ siteId: profile.siteId, profile, version, status, responsibleEmail: contacts.responsibleEmail, managerEmail: contacts.managerEmail, workflowId: info.workflowId, registeredOn, schedules: [] });
        const result = await syncSiteSchedules({ siteId: profile.siteId, schedules: [], triggerNow: false });
        schedules = [];
        const cancelled = await closeOccurrences({ siteId: profile.siteId, obligations: scheduledObligations(profile), by: retire.by, reason: `site ${profile.siteId} retired: ${retire.reason}` });
        await recordAudit([event('site.retired', retire.by, 'retired', { siteId: profile.siteId, reason: retire.reason, schedules: result, occurrencesCancelled: cancelled })]);
        return view();
      } finally {
        busy = false;
      }
    },
    {
      validator: (raw) => {
        parseOrThrow(RetireSiteSchema, raw);
        if (status !== 'active') throw conflictFailure(`site ${profile.siteId} is already ${status}`);
      },
    },
  );

  busy = true;
  if (firstRun) {
    const result = await apply(input.by, true);
    await recordAudit([
      event('site.registered', input.by, 'registered', {
        siteId: profile.siteId,
        profile,
        obligations: applicableObligations(profile),
        schedules: result,
      }),
    ]);
  } else {
    schedules = scheduledObligations(profile).map((o) => scheduleIdOf(profile.siteId, o));
  }
  busy = false;

  const refreshAt = calendar.at(scheduleHorizon(calendar.dateOf(Date.now())).refreshOn, '03:00');
  const timedOut = !(await condition(() => status !== 'active' || changesThisRun >= 50 || workflowInfo().continueAsNewSuggested, Math.max(1, refreshAt - Date.now())));
  await condition(allHandlersFinished);
  if (status !== 'active') return view();
  if (timedOut) {
    // December: extend every schedule's firings through the end of next year.
    busy = true;
    const result = await apply('system:osha-site', false);
    await recordAudit([event('site.schedules_extended', 'system:osha-site', calendar.dateOf(Date.now()), { siteId: profile.siteId, version, schedules: result })]);
    busy = false;
    // A profile change or retirement accepted during the refresh waited for it: it runs now, and
    // the run hands over (or ends) after it; it used to be dropped by continue-as-new, its caller
    // told it failed (issue 18). Histories from before replay through the patch.
    if (!allHandlersFinished() && patched(PATCH_REFRESH_WAITS_FOR_CHANGES)) {
      await condition(allHandlersFinished);
      if (status !== 'active') return view();
    }
  }
  return continueAsNew<typeof oshaSiteFlow>({ profile, contacts, practice: input.practice, by: input.by, registeredOn, version });
}
