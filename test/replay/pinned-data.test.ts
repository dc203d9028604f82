// Holiday and time-zone data are part of determinism (issue 18): a workflow decides when to
// remind from @18f/us-federal-holidays' observed holidays and Luxon's calendar arithmetic, so a
// new version of either could move a reminder and make a recorded history fail to replay. They
// are pinned to exact versions, the lock file agrees, and what is installed is what is pinned; a
// bump is a deliberate change that must replay the committed histories (README, "Changing live
// workflows").
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/** The packages whose data or arithmetic decide a workflow's timers. */
const DETERMINISTIC_DATA = ['@18f/us-federal-holidays', 'luxon'] as const;

const read = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const installedVersion = (name: string): string => (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;

describe('packages whose data workflows compute dates with', () => {
  const pkg = read('package.json');
  const lock = read('package-lock.json');
  it.each(DETERMINISTIC_DATA)('%s is pinned to an exact version, locked and installed as pinned', (name) => {
    const pinned = pkg.dependencies[name];
    expect(pinned, 'an exact version, not a range').toMatch(/^\d+\.\d+\.\d+$/);
    expect(lock.packages[''].dependencies[name]).toBe(pinned);
    expect(lock.packages[`node_modules/${name}`].version).toBe(pinned);
    expect(installedVersion(name)).toBe(pinned);
  });
});
