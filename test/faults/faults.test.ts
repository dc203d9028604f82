// The fault suite, short (`npm run faults` is the long one): two runs of every crash point and
// restart against a real stack of its own; nothing lost, no duplicate row, no duplicate email
// outside the documented window, the chain verified. Its table and log go to test-results/faults/short.
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { formatReport, writeReport } from '../../faults/report';
import { runFaultSuite } from '../../faults/suite';

const OUT = join('test-results', 'faults', 'short');

describe('the fault suite (short)', () => {
  it('loses no flow and no email, duplicates nothing outside the window, and the chain verifies', async () => {
    mkdirSync(OUT, { recursive: true });
    const logStream = createWriteStream(join(OUT, 'latest.log'));
    const log = (line: string) => void logStream.write(`${new Date().toISOString()} ${line}\n`);
    try {
      const report = await runFaultSuite({ runs: 2, concurrency: 4, settleMs: 300_000, workflowBundlePath: inject('workflowBundlePath'), log, say: log });
      writeReport(report, OUT);
      const table = formatReport(report);
      expect(report.scenarios.map((s) => s.id)).toEqual(['smtp', 'ledger', 'update', 'can', 'postgres', 'temporal']);
      for (const s of report.scenarios) {
        expect({ scenario: s.id, runs: s.runs, lost: s.lost, emailsLost: s.emailsLost, duplicateRows: s.duplicateRows, duplicateEmailsOutside: s.duplicateEmails.outside, chain: s.chain.ok }, table).toEqual({
          scenario: s.id,
          runs: 2,
          lost: 0,
          emailsLost: 0,
          duplicateRows: 0,
          duplicateEmailsOutside: 0,
          chain: true,
        });
        expect(s.flows, table).toBeGreaterThan(0);
      }
      // Each crossing of the after-SMTP-accept point re-sends its message once, with its Message-ID.
      const smtp = report.scenarios.find((s) => s.id === 'smtp')!;
      expect(smtp.crossings).toBe(2);
      expect(smtp.duplicateEmails.inWindow, table).toBeGreaterThanOrEqual(2);
      expect(report.duplicateKeys.count, table).toBe(0);
      expect(report.chain.ok, table).toBe(true);
      expect(report.ok, table).toBe(true);
    } finally {
      await new Promise<void>((done) => logStream.end(done));
    }
  }, 600_000);
});
