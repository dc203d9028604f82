// The OSHA and fire-safety occurrences a site's schedules would create (no side effects): shared
// by `practiceflow plan osha` and, later, the API.
import { IsoDateSchema } from '../domain/calendar/iso-date';
import { planSiteOccurrences, SiteProfileSchema, type Occurrence } from '../domain/osha';
import { invalid, parseInput } from './errors';

export function planOsha(site: unknown, range: { from: unknown; to: unknown }): { occurrences: Occurrence[] } {
  const profile = parseInput(SiteProfileSchema, site, 'site');
  const from = parseInput(IsoDateSchema, range.from, 'from');
  const to = parseInput(IsoDateSchema, range.to, 'to');
  if (to < from) throw invalid([{ path: 'to', message: 'must not be before from' }]);
  return planSiteOccurrences(profile, from, to);
}
