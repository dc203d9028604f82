// The supervisor behind `npm start` with real child processes: a part that dies is reported and
// started again after its backoff, a part that keeps dying backs off further, and stopping goes
// in the stated order, without counting a stop as a crash.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodePart, Supervisor } from '../../devstack/supervisor';

let dir: string;
let script: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'supervisor-'));
  script = join(dir, 'part.mjs');
  // Ready at once; exits with code 3 after CRASH_AFTER_MS if set; logs its stop.
  await writeFile(
    script,
    `console.log('ready ' + process.env.PART);
if (process.env.CRASH_AFTER_MS) setTimeout(() => process.exit(3), Number(process.env.CRASH_AFTER_MS));
process.on('SIGTERM', () => { console.log('stopping ' + process.env.PART); process.exit(0); });
setInterval(() => {}, 1000);
`,
  );
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const part = (name: string, stopOrder: number, lines: string[], env: Record<string, string> = {}) =>
  nodePart({ name, stopOrder, script, env: { PATH: process.env.PATH ?? '', PART: name, ...env }, readyLine: /^ready /, log: (l) => lines.push(l), stopGraceMs: 5_000 });

describe('the supervisor', () => {
  it('restarts a part that dies, with growing backoff, and stops the parts in order', async () => {
    const lines: string[] = [];
    const log: string[] = [];
    // Backoff in tens of milliseconds so the test does not wait for seconds.
    const supervisor = new Supervisor({ log: (l) => log.push(l), initialBackoffMs: 20, maxBackoffMs: 80, stableAfterMs: 60_000 });
    await supervisor.add(part('services', 5, lines));
    await supervisor.add(part('worker', 1, lines, { CRASH_AFTER_MS: '100' }));
    await supervisor.add(part('api', 0, lines));
    await expect.poll(() => supervisor.restarts().worker, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    expect(log[0]).toMatch(/^worker stopped unexpectedly \(exit code 3\); restarting in 0 s \(restart 1\)$/);
    expect(log).toContain('worker is running again');
    expect(supervisor.restarts()).toMatchObject({ api: 0, services: 0 });
    lines.length = 0;
    await supervisor.stopAll();
    const stops = lines.filter((l) => l.includes('stopping '));
    expect(stops[0]).toBe('[api] stopping api');
    expect(stops.at(-1)).toBe('[services] stopping services');
    const restartsAtStop = supervisor.restarts().worker;
    await new Promise((r) => setTimeout(r, 300));
    expect(supervisor.restarts().worker).toBe(restartsAtStop);
  });
});
