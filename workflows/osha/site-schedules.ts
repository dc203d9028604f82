// The schedules a site profile needs (pure): one per obligation, each with its explicit firings
// through the horizon and the obligation workflow's input as its action. The site workflow hands
// this to the syncSiteSchedules activity; tests drive the same firings under time skipping.
import type { SiteScheduleSync } from '../../activities/contracts';
import type { IsoDate } from '../../domain/calendar/iso-date';
import { applicableObligations, scheduleFirings, scheduleHorizon, scheduleIdOf, scheduledObligations, type SiteContacts, type SiteProfile } from '../../domain/osha';
import type { PracticeCalendar } from '../../domain/practice/calendar-settings';
import type { ObligationFlowInput } from './obligation';

export interface SiteState {
  profile: SiteProfile;
  contacts: SiteContacts;
  practice: PracticeCalendar;
  registeredOn: IsoDate;
  version: number;
}

export function siteScheduleSync(site: SiteState, today: IsoDate, triggerNow: boolean, horizonTo?: IsoDate): SiteScheduleSync {
  const horizon = scheduleHorizon(today);
  const { profile } = site;
  const rules = applicableObligations(profile);
  return {
    siteId: profile.siteId,
    triggerNow,
    schedules: scheduledObligations(profile).map((obligation) => {
      const scheduleId = scheduleIdOf(profile.siteId, obligation);
      const args: ObligationFlowInput = {
        siteId: profile.siteId,
        obligation,
        // The roster drives BBP cycles, not schedules: left out of every schedule's arguments.
        profile: { ...profile, roster: [] },
        anchor: site.registeredOn,
        contacts: site.contacts,
        practice: site.practice,
        siteVersion: site.version,
        scheduleId,
      };
      return {
        scheduleId,
        obligation,
        timeZone: profile.timeZone,
        firings: scheduleFirings(profile, obligation, horizon.from, horizonTo ?? horizon.to, site.registeredOn),
        args,
        note: `${obligation} for site ${profile.siteId} (profile v${site.version}); ${rules.find((o) => o.obligation === obligation)?.rule ?? ''}`,
      };
    }),
  };
}
