// The determinism rule is enforced by lint: workflow and domain code may not import Node builtins
// or effectful packages (they would break replay inside Temporal's sandbox).
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function messagesFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('workflow determinism lint', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';", /Node builtins/],
    ["import { randomUUID } from 'crypto';", /Node builtins/],
    ["import nodemailer from 'nodemailer';", /Side effects belong in activities/],
    ["import { createPrismaClient } from '../../db/client';", /Side effects belong in activities/],
  ])('rejects %s in workflows/', async (line, message) => {
    const messages = await messagesFor('workflows/example/workflow.ts', `${line}\nexport const x = 1;\n`);
    expect(messages.join('\n')).toMatch(message);
  });

  it('allows the same import outside workflow code, and type-only activity imports inside it', async () => {
    expect(await messagesFor('activities/example.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toEqual([]);
    expect(
      await messagesFor('workflows/example/workflow.ts', "import type { EngineActivities } from '../../activities/contracts';\nexport type A = EngineActivities;\n"),
    ).toEqual([]);
  });
});
