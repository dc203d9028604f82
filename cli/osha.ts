// OSHA and fire-safety commands: `plan osha` previews every occurrence of a site's schedules.
import type { Command } from 'commander';
import { planOsha } from '../services/osha-plan';
import { readJsonObject } from './input';
import { planGroup, withFlagNames } from './options';

export function registerOshaCommands(program: Command): void {
  planGroup(program)
    .command('osha')
    .description('every occurrence the site profile\'s schedules would create between two dates, as JSON { occurrences: [...] } (local, no API needed)')
    .requiredOption('--site <file>', 'the site profile as JSON (a file, or - for standard input): siteId, timeZone, occupancy, shifts, headcount, occupationalExposure, extinguisherUse, accreditor, ...')
    .requiredOption('--from <YYYY-MM-DD>', 'first day of the range')
    .requiredOption('--to <YYYY-MM-DD>', 'last day of the range')
    .action((o: { site: string; from: string; to: string }) =>
      withFlagNames(
        async () => {
          console.log(JSON.stringify(planOsha(await readJsonObject(o.site, '--site'), { from: o.from, to: o.to })));
        },
        { from: '--from', to: '--to' },
      ),
    );
}
