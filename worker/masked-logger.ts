// The Temporal runtime's log lines (the worker's, and the SDK's own), with secrets masked
// (config/mask.ts): an activity's error can quote a connection URL or a token.
import { inspect } from 'node:util';
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import { createMasker, type Masker } from '../config/mask';

/** Like the SDK's DefaultLogger (stderr, one line per entry), every line masked. */
export function maskedRuntimeLogger(level: LogLevel = 'INFO', mask: Masker = createMasker()): DefaultLogger {
  return new DefaultLogger(level, (entry: LogEntry) => {
    const at = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
    const meta = entry.meta === undefined ? '' : ` ${inspect(entry.meta, { depth: 6, breakLength: Infinity })}`;
    process.stderr.write(`${mask(`${at} [${entry.level}] ${entry.message}${meta}`)}\n`);
  });
}
