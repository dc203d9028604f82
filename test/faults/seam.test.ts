// The fault-injection seam (faults/seam.ts): its variable parsed strictly, refused under
// NODE_ENV=production, inert when unset, and when armed a real SIGKILL at the named crossing.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { armFaultPointFromEnv, crashPoint, disarmFaultPoint, FAULT_MARKER, parseFaultPlan } from '../../faults/seam';

const SEAM = fileURLToPath(new URL('../../faults/seam.ts', import.meta.url));

afterEach(() => disarmFaultPoint());

describe('the fault-injection seam', () => {
  it('parses a point with a crossing number or a probability, and refuses anything else', () => {
    expect(parseFaultPlan('after-smtp-accept')).toEqual({ point: 'after-smtp-accept', nth: 1 });
    expect(parseFaultPlan('ledger-append:3')).toEqual({ point: 'ledger-append', nth: 3 });
    expect(parseFaultPlan('ledger-append:0.25')).toEqual({ point: 'ledger-append', probability: 0.25 });
    for (const bad of ['before-smtp', 'ledger-append:0', 'ledger-append:1.5', 'ledger-append:x', 'ledger-append:1:2']) {
      expect(() => parseFaultPlan(bad), bad).toThrow(/PRACTICEFLOW_FAULT_POINT/);
    }
  });

  it('is refused under NODE_ENV=production and inert when unset', () => {
    expect(armFaultPointFromEnv({ NODE_ENV: 'production', PRACTICEFLOW_FAULT_POINT: 'ledger-append' })).toMatch(/ignored: fault injection is refused when NODE_ENV=production/);
    crashPoint('ledger-append', 'still alive'); // not armed: returns
    expect(armFaultPointFromEnv({})).toBeUndefined();
    crashPoint('after-smtp-accept', 'still alive');
  });

  it('kills the process with SIGKILL at the armed crossing, after saying where', async () => {
    const script = `const seam = await import(${JSON.stringify(SEAM)});
console.log(seam.armFaultPointFromEnv({ PRACTICEFLOW_FAULT_POINT: 'after-smtp-accept:2' }));
seam.crashPoint('ledger-append', 'another point');
seam.crashPoint('after-smtp-accept', 'first');
console.log('after the first crossing');
seam.crashPoint('after-smtp-accept', 'second');
console.log('never printed');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, s) => resolve(s)));
    expect(signal).toBe('SIGKILL');
    expect(out).toContain('after the first crossing');
    expect(out).toContain(`${FAULT_MARKER} after-smtp-accept (crossing 2): second`);
    expect(out).not.toContain('never printed');
  });
});
