// Exports of any size verify: a period export of several megabytes (once refused by the API's
// 1 MiB body limit) is checked against the database when sent back as the JSON or CSV file
// itself, and through `practiceflow audit verify --export`; other routes keep their 1 MiB limit.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendAuditEvents } from '../../activities/audit/ledger';
import { runPracticeflow } from '../support/cli';
import { isoDay, useApiStack } from '../api/stack';

const AUDITOR = 'large-export-auditor@clinic.example';
const stack = useApiStack();
let scratch: string | undefined;
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function download(format: 'json' | 'csv', token: string): Promise<string> {
  const day = isoDay(0);
  const res = await fetch(`${stack.url}/api/audit/export?from=${day}&to=${day}&format=${format}&download=1`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.text();
}

async function verify(body: string, contentType: string, token: string): Promise<{ status: number; json: { ok: boolean; entries: number; error?: unknown } }> {
  const res = await fetch(`${stack.url}/api/audit/verify-export`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body });
  return { status: res.status, json: (await res.json()) as { ok: boolean; entries: number } };
}

describe('a large export', () => {
  it('verifies as the JSON or CSV file itself and through the CLI', async () => {
    // 3,000 entries of a day, each with a note of a few hundred characters: several MB exported.
    const now = new Date().toISOString();
    for (let batch = 0; batch < 6; batch++) {
      await appendAuditEvents(
        stack.prisma,
        Array.from({ length: 500 }, (_, i) => ({ businessKey: `large:${batch}:${i}`, occurredAt: now, actor: 'manager@clinic.example', action: 'test.event', detail: { note: `entry ${batch}-${i} `.padEnd(600, 'x') } })),
      );
    }
    const token = await stack.tokenFor(AUDITOR, 'auditor');
    const json = await download('json', token);
    expect(json.length).toBeGreaterThan(2 * 1024 * 1024);
    const fromJson = await verify(json, 'application/json', token);
    expect(fromJson.status, JSON.stringify(fromJson.json).slice(0, 300)).toBe(200);
    expect(fromJson.json).toMatchObject({ ok: true });
    expect(fromJson.json.entries).toBeGreaterThanOrEqual(3_000);

    const csv = await download('csv', token);
    expect(csv.length).toBeGreaterThan(1024 * 1024);
    expect((await verify(csv, 'text/csv', token)).json).toMatchObject({ ok: true });

    // One edited character anywhere is still found.
    const tampered = json.replace('entry 3-7 ', 'entry 3-8 ');
    expect((await verify(tampered, 'application/json', token)).json).toMatchObject({ ok: false });

    scratch = await mkdtemp(join(tmpdir(), 'large-export-'));
    const file = join(scratch, 'period.json');
    await writeFile(file, json);
    const cli = await runPracticeflow(['audit', '--as', AUDITOR, 'verify', '--export', file], { apiUrl: stack.url });
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toMatch(/^OK/);
    expect(cli.code).toBe(0);
  });

  it('keeps the 1 MiB limit on every other route', async () => {
    const res = await stack.request('POST', '/api/onboarding/plan', { hireId: 'h-big', name: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
  });
});
