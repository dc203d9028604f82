// JSON input for CLI commands: a file, or `-` for standard input.
import { readFile } from 'node:fs/promises';
import { CliError } from './api-client';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads and parses a JSON object from `source` (a path, or `-` for stdin). */
export async function readJsonObject(source: string, option = '--input'): Promise<Record<string, unknown>> {
  const label = source === '-' ? `${option} - (standard input)` : `${option} ${source}`;
  let text: string;
  try {
    text = source === '-' ? await readStdin() : await readFile(source, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`${label}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${label}: is not valid JSON (${(err as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CliError(`${label}: must hold a JSON object`);
  return value as Record<string, unknown>;
}
