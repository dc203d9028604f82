// The real `practiceflow` command (bin/practiceflow.js) as a person runs it: a child process with
// the caller's environment minus any PracticeFlow settings, so a developer's own .env or shell
// cannot steer a test. Used by test/cli.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/practiceflow.js', import.meta.url));

/** A stack trace or a TypeScript location in what a person sees: the CLI must never print one. */
export const NO_STACK = /\n\s+at |\.ts:\d+:\d+/;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  /** PRACTICEFLOW_API_URL; left unset when undefined. */
  apiUrl?: string;
  /** Set last, over everything else. */
  env?: Record<string, string>;
  /**
   * PRACTICEFLOW_TOKEN: null for none (anonymous). Default: when a test stack serves `apiUrl`,
   * the token of the person the command names (--by, --actor, --as, PRACTICEFLOW_ACTOR), else
   * the stack's admin (test/api/stack.ts), as a person running the command would be signed in.
   */
  token?: string | null;
}

/** Gives the token a command runs with against a stack's API, from its arguments and environment. */
export type CliTokenResolver = (args: string[], env: Record<string, string>) => Promise<string>;
const resolvers = new Map<string, CliTokenResolver>();

/** A test stack registers how its API's tokens are found (and removes it when it stops). */
export function registerCliTokens(apiUrl: string, resolver: CliTokenResolver | undefined): void {
  if (resolver) resolvers.set(apiUrl, resolver);
  else resolvers.delete(apiUrl);
}

/** The person a command names as acting: --by, --actor or --as (either form), else PRACTICEFLOW_ACTOR. */
export function actorNamedBy(args: string[], env: Record<string, string>): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const m = /^--(by|actor|as)(?:=(.*))?$/.exec(args[i]!);
    if (m) return m[2] ?? args[i + 1];
  }
  return env.PRACTICEFLOW_ACTOR;
}

export async function runPracticeflow(args: string[], opts: RunOptions = {}): Promise<Run> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(PRACTICE_|PRACTICEFLOW_|API_|DATABASE_URL|TEMPORAL_|SESSION_)/.test(k)) env[k] = v;
  Object.assign(env, { PRACTICE_TIME_ZONE: 'America/New_York', NO_COLOR: '1' }, opts.apiUrl ? { PRACTICEFLOW_API_URL: opts.apiUrl } : {}, opts.env);
  const resolver = opts.apiUrl ? resolvers.get(opts.apiUrl) : undefined;
  const token = opts.token === undefined ? (env.PRACTICEFLOW_TOKEN ?? (resolver ? await resolver(args, env) : undefined)) : opts.token;
  if (token) env.PRACTICEFLOW_TOKEN = token;
  else {
    delete env.PRACTICEFLOW_TOKEN;
    // Not the token a developer's own `npm start` left in ./.data: anonymous means anonymous.
    env.PRACTICEFLOW_DATA_DIR ??= '/nonexistent/practiceflow-test-data';
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}
