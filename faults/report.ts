// The fault suite's table (what `npm run faults` prints) and its JSON file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultReport } from './suite';

export function formatReport(report: FaultReport): string {
  const header = ['scenario', 'runs', 'flows', 'flows lost', 'emails lost', 'dup rows', 'dup emails window', 'dup emails outside', 'chain', 'time'];
  const rows = report.scenarios.map((s) => [
    s.id,
    s.runs === s.requestedRuns ? String(s.runs) : `${s.runs}/${s.requestedRuns}`,
    String(s.flows),
    String(s.lost),
    String(s.emailsLost),
    String(s.duplicateRows),
    String(s.duplicateEmails.inWindow),
    String(s.duplicateEmails.outside),
    s.chain.ok ? 'OK' : 'BROKEN',
    `${s.seconds} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ''];
  for (const s of report.scenarios) out.push(`${s.id.padEnd(8)} ${s.name}${s.crossings > 0 ? ` (${s.crossings} crossings reported by the worker)` : ''}`);
  out.push('');
  out.push(`Database-wide: ${report.duplicateKeys.count} duplicate business keys (ledger, outbox, flow, credential).`);
  out.push(`Chain at the end: ${report.chain.ok ? 'OK' : 'BROKEN'}, ${report.chain.message}.`);
  out.push(`Worker deaths: ${report.workerDeaths.atCrashPoint} at a crash point, ${report.workerDeaths.byRunner} killed by the runner, ${report.workerDeaths.otherwise} otherwise.`);
  const remarks = report.scenarios.flatMap((s) => [...s.notes, ...s.details].map((d) => `  ${s.id}: ${d}`));
  if (remarks.length > 0) out.push('', 'Details:', ...remarks);
  out.push('', report.ok ? 'RESULT: OK (nothing lost, no duplicate outside the window, chain verified)' : 'RESULT: FAILED');
  return out.join('\n');
}

/** Writes the report as JSON into `dir` (faults-<time>.json and latest.json); returns the file. */
export function writeReport(report: FaultReport, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `faults-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(dir, 'latest.json'), text);
  return file;
}
