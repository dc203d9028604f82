// The replay guard must be able to fail: committed real histories are replayed against a
// workflow bundle with one deliberately non-deterministic change (test/audit/fixtures), and the
// histories of the changed workflow type fail with DeterminismViolationError while every other
// type still replays. The same through `practiceflow audit replay --history`.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { historyFromJson, replayHistory } from '../../activities/audit/history';
import { runPracticeflow } from '../support/cli';
import { TEST_DATA_CONVERTER } from '../support/encryption';
import { HISTORIES_DIR } from '../support/histories';

const ALTERED = fileURLToPath(new URL('./fixtures/altered-workflows.ts', import.meta.url));
const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')).sort();
const typeOf = (file: string): string => file.split('-')[0]!;

let scratch: string;
let alteredBundle: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'audit-replay-'));
  const { code } = await bundleWorkflowCode({ workflowsPath: ALTERED, logger: new DefaultLogger('WARN') });
  alteredBundle = join(scratch, 'altered-bundle.js');
  await writeFile(alteredBundle, code);
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const load = async (file: string) => historyFromJson(JSON.parse(await readFile(join(HISTORIES_DIR, file), 'utf8')));

describe('a deliberately non-deterministic workflow change', () => {
  it('has committed histories of every workflow type, including the altered one', () => {
    expect(new Set(files.map(typeOf))).toEqual(new Set(['bbpTrainingFlow', 'checklistFlow', 'historyArchiveFlow', 'claimAppealFlow', 'credentialFlow', 'onboardingFlow', 'oshaObligationFlow', 'oshaOccurrenceFlow', 'oshaSiteFlow', 'priorAuthFlow']));
  });

  it.each(files.filter((f) => typeOf(f) === 'onboardingFlow'))('is caught: %s fails with DeterminismViolationError', async (file) => {
    const history = await load(file);
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: alteredBundle } }, history, file)).rejects.toBeInstanceOf(DeterminismViolationError);
    // ...and the same history replays against today's code, so the change is what failed it.
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file)).resolves.toBeUndefined();
  });

  it.each(files.filter((f) => typeOf(f) !== 'onboardingFlow'))('leaves the other types replaying: %s', async (file) => {
    const outcome = await replayHistory(await load(file), file, { workflowBundlePath: alteredBundle }, TEST_DATA_CONVERTER);
    expect(outcome).toMatchObject({ ok: true, workflowType: typeOf(file) });
  });

  it('is reported by replayHistory (what `audit replay` and the API use) with the error name', async () => {
    const file = files.find((f) => typeOf(f) === 'onboardingFlow')!;
    const outcome = await replayHistory(await load(file), 'onboarding-h-1', { workflowBundlePath: alteredBundle }, TEST_DATA_CONVERTER);
    expect(outcome).toMatchObject({ ok: false, workflowType: 'onboardingFlow', error: { name: 'DeterminismViolationError' } });
    expect(outcome.events).toBeGreaterThan(5);
  });

  it('fails `practiceflow audit replay --history` with exit code 2, and passes against the current bundle', async () => {
    const file = join(HISTORIES_DIR, files.find((f) => typeOf(f) === 'onboardingFlow')!);
    const env = { PRACTICEFLOW_ACTOR: 'auditor@clinic.example' };
    const altered = await runPracticeflow(['audit', 'replay', 'onboarding-h-1', '--history', file, '--workflows', ALTERED], { env });
    expect(altered.stdout).toMatch(/^FAILED: the recorded history of onboarding-h-1 \(onboardingFlow, \d+ events\) does not replay against the current workflow code: DeterminismViolationError/);
    expect(altered.code).toBe(2);
    const current = await runPracticeflow(['audit', 'replay', 'onboarding-h-1', '--history', file], { env: { ...env, WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath') } });
    expect(current.stdout).toMatch(/^OK: the recorded history of onboarding-h-1 \(onboardingFlow, \d+ events, from file\) replays/);
    expect(current.code).toBe(0);
  });
});
