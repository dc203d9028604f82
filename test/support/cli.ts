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
}

export function runPracticeflow(args: string[], opts: RunOptions = {}): Promise<Run> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(PRACTICE_|PRACTICEFLOW_|API_|DATABASE_URL|TEMPORAL_)/.test(k)) env[k] = v;
  Object.assign(env, { PRACTICE_TIME_ZONE: 'America/New_York', NO_COLOR: '1' }, opts.apiUrl ? { PRACTICEFLOW_API_URL: opts.apiUrl } : {}, opts.env);
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
