// Messages of the OSHA flows. The API and CLI import these, not the workflow modules.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApplicableObligation, BbpTrainingRecorded, ChangeSiteProfileInput, OccurrenceRecordInput, RetireSiteInput, SiteContacts, SiteProfile } from '../../domain/osha';
import type { TaskView } from '../../domain/tasks/model';

export interface SiteView {
  siteId: string;
  status: 'active' | 'retired';
  version: number;
  registeredOn: string;
  profile: SiteProfile;
  contacts: SiteContacts;
  obligations: ApplicableObligation[];
  schedules: string[];
}

export const recordOccurrenceUpdate = defineUpdate<TaskView, [OccurrenceRecordInput]>('recordOccurrence');
/** A BBP training recorded elsewhere (onboarding, a group session): restarts the employee's cycle. */
export const bbpTrainingRecordedSignal = defineSignal<[BbpTrainingRecorded & { lateReason?: string }]>('bbpTrainingRecorded');
export const changeSiteProfileUpdate = defineUpdate<SiteView, [ChangeSiteProfileInput]>('changeSiteProfile');
export const retireSiteUpdate = defineUpdate<SiteView, [RetireSiteInput]>('retireSite');
export const siteQuery = defineQuery<SiteView>('site');
