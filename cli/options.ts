// What every command group shares: the API client, printing (human or --json), option parsers,
// the body a command sends (an --input file with flags laid over it), who is acting, field
// problems named by the flag that caused them, and the `plan` group the pure previews join.
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfigOrExit } from '../config/env';
import type { FieldProblem } from '../domain/errors';
import type { TaskView } from '../domain/tasks/model';
import { ServiceError } from '../services/errors';
import { apiBaseUrl, apiToken, CliError, createApiClient, type ApiClient } from './api-client';
import { table } from './format';
import { readJsonObject } from './input';

export const ACTOR_HEADER = 'X-PracticeFlow-Actor';

export function api(): ApiClient {
  const config = loadConfigOrExit();
  return createApiClient(apiBaseUrl(config), { token: apiToken(config) });
}

export const print = (value: unknown, json: boolean | undefined, human: () => string): void => {
  console.log(json ? JSON.stringify(value, null, 2) : human());
};

/** The actor header when --actor was given; without it the API falls back to the request's own email. */
export const actorHeaders = (actor: string | undefined): Record<string, string> => (actor ? { [ACTOR_HEADER]: actor } : {});

/** "12" -> 12; anything else is passed on as text, for the API to name the field's problem. */
export const numberish = (v: string | undefined): number | string | undefined => (v === undefined ? undefined : /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v);

/** For repeatable flags (--denial-code CO-50 --denial-code N130). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a whole number greater than 0');
  return n;
}

/** The body from --input (if any) with the flags' fields laid over it; undefined flags are left out. */
export async function bodyOf(input: string | undefined, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = input ? await readJsonObject(input) : {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) body[k] = v;
  return body;
}

/** Field problems that a flag caused are shown with the flag's name. */
export function withFlagNames(run: () => Promise<void>, flags: Record<string, string>): Promise<void> {
  return run().catch((err: unknown) => {
    if ((err instanceof CliError || err instanceof ServiceError) && err.problems.some((p) => flags[p.path])) {
      const problems: FieldProblem[] = err.problems.map((p) => (flags[p.path] ? { ...p, path: `${p.path} (${flags[p.path]})` } : p));
      throw new CliError(err.message, problems, err instanceof CliError ? err.exitCode : 1);
    }
    throw err;
  });
}

/** The `plan` group: each flow type's module adds its preview to it, whichever registers first. */
export function planGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'plan') ?? program.command('plan').description('preview what a flow would create, without starting it (local, no API needed)');
}

/** A flow's tasks as a short table (the prior-authorization and appeal views). */
export function taskTable(tasks: readonly TaskView[]): string {
  return table(['TASK', 'STATUS', 'DUE', 'ASSIGNEE'], tasks.map((t) => [t.key, t.status + (t.overdue ? ' (overdue)' : ''), t.dueDate, t.assignee.email]));
}
