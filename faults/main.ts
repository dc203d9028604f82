// `npm run faults [-- --runs 100] [--only smtp,ledger,...] [--concurrency 16] [--settle-seconds 600] [--out test-results/faults] [--keep]`
// Runs the fault suite against a real stack of its own and prints the table (README, "Fault
// suite"); writes it as JSON into --out, the full log beside it. Exit code 1 when a flow or an
// email is lost, a row or an email is duplicated outside the documented window, a scenario could
// not do its runs, or the chain does not verify.
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { disownEmbeddedPostgresSignalHandlers } from '../devstack/postgres';
import { formatReport, writeReport } from './report';
import { runFaultSuite } from './suite';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    only: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    'settle-seconds': { type: 'string', default: '600' },
    out: { type: 'string', default: 'test-results/faults' },
    keep: { type: 'boolean', default: false },
  },
});

const whole = (name: string, text: string | undefined): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a whole number from 1, not "${text}"`);
    process.exit(2);
  }
  return n;
};

const runs = whole('runs', values.runs);
const out = resolve(values.out);
mkdirSync(out, { recursive: true });
const logFile = join(out, `faults-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
const logStream = createWriteStream(logFile);
const log = (line: string) => void logStream.write(`${new Date().toISOString()} ${line}\n`);
const say = (line: string) => {
  console.log(line);
  log(line);
};

// Ctrl-C: stop the stack in order (the suite's finally), not the embedded PostgreSQL library's way.
disownEmbeddedPostgresSignalHandlers();
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  say('[faults] interrupted: counting what was done, then stopping (Ctrl-C again to leave at once)');
  interrupt.abort();
});

say(`[faults] ${runs} runs per scenario; log in ${logFile}`);
try {
  const report = await runFaultSuite({
    runs,
    only: values.only?.split(',').map((s) => s.trim()).filter(Boolean),
    concurrency: whole('concurrency', values.concurrency),
    settleMs: whole('settle-seconds', values['settle-seconds']) * 1000,
    keep: values.keep,
    signal: interrupt.signal,
    log,
    say,
  });
  console.log(`\n${formatReport(report)}`);
  say(`[faults] JSON: ${writeReport(report, out)}`);
  await new Promise<void>((done) => logStream.end(done));
  process.exit(report.ok ? 0 : 1);
} catch (err) {
  say(`[faults] the suite could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  await new Promise<void>((done) => logStream.end(done));
  process.exit(1);
}
