// Input for CLI commands (JSON, CSV): a file, or `-` for standard input.
import { readFile } from 'node:fs/promises';
import { CliError } from './api-client';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const labelOf = (source: string, option: string): string => (source === '-' ? `${option} - (standard input)` : `${option} ${source}`.trim());

/** Reads text from `source` (a path, or `-` for stdin); `option` names where it came from in errors. */
export async function readTextInput(source: string, option = '--input'): Promise<string> {
  try {
    return source === '-' ? await readStdin() : await readFile(source, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`${labelOf(source, option)}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (err as Error).message}`);
  }
}

/** Reads and parses a JSON object from `source` (a path, or `-` for stdin). */
export async function readJsonObject(source: string, option = '--input'): Promise<Record<string, unknown>> {
  const label = labelOf(source, option);
  const text = await readTextInput(source, option);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${label}: is not valid JSON (${(err as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CliError(`${label}: must hold a JSON object`);
  return value as Record<string, unknown>;
}
