// Human-readable output of the credential commands (`--json` prints the API's JSON instead).
import type { AddCredentialResult, CredentialDetail, CredentialFlagList, CredentialList, ImportResult } from '../services/schemas';
import { localTime, table } from './format';

const where = (c: { jurisdiction?: string | null; issuer?: string | null }): string => [c.jurisdiction, c.issuer].filter(Boolean).join(' ');

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

export function formatAdded(added: AddCredentialResult): string {
  const p = added.plan;
  const lines = [
    `Added ${added.credentialId} (${[p.credential.type, where(p.credential)].filter(Boolean).join(' ')}, provider ${p.credential.providerId}) as flow ${added.flowId}.`,
    `  Due        ${p.dueDate}  (${p.rule})`,
    `  Reminders  ${p.reminders.join(', ')}`,
    `  Lapses on  ${p.lapsesOn}${p.graceEndsOn ? `; renewal restores it until ${p.graceEndsOn}` : ''}`,
  ];
  if (p.renewalOpensOn) lines.push(`  Renewal    opens ${p.renewalOpensOn}`);
  if (added.onboarding?.completed) lines.push(`Onboarding ${added.onboarding.flowId}: its ${added.onboarding.taskKey} task is completed.`);
  return lines.join('\n');
}

export function formatCredentialList(list: CredentialList): string {
  if (list.credentials.length === 0) return `No credentials (today is ${list.today}, ${list.timeZone}).`;
  return [
    `Today is ${list.today} (${list.timeZone}).`,
    table(
      ['DUE', 'DAYS', 'STATUS', 'CREDENTIAL', 'PROVIDER', 'TYPE', 'WHERE', 'FLAGS'],
      list.credentials.map((c) => [c.dueDate, String(c.daysUntilDue), c.status, c.credentialId, c.providerId, c.type, where(c), c.flags.join(' ')]),
    ),
  ].join('\n');
}

export function formatCredential(d: CredentialDetail): string {
  const c = d.credential;
  const facts: [string, string][] = [
    ['Provider', c.providerId],
    ['Type', [c.type, where(c)].filter(Boolean).join(' ')],
    ['Status', d.status],
    ['Due', c.dueDate],
    ['Rule', d.rule],
    ['Lapses on', `${d.lapsesOn}${d.graceEndsOn ? ` (renewal restores it until ${d.graceEndsOn})` : ''}`],
  ];
  if (d.renewalOpensOn) facts.push(['Renewal', `opens ${d.renewalOpensOn}`]);
  if (c.number) facts.push(['Number', c.number]);
  if (c.issueDate) facts.push(['Issued', c.issueDate]);
  if (c.evidence) facts.push(['Evidence', c.evidence]);
  facts.push(['Cycle', String(d.cycle)], ['Owner', c.ownerEmail], ['Manager', c.managerEmail], ['Flow', d.flowId]);
  if (d.nextNotice) facts.push(['Next', `${d.nextNotice.key} ${localTime(d.nextNotice.at, 'utc')} UTC`]);
  if (d.source === 'table') facts.push(['Source', `credential table${d.notice ? ` (${d.notice})` : ''}`]);
  const lines = [`Credential ${c.credentialId}`, '', ...facts.map(([k, v]) => `  ${k.padEnd(10)} ${v}`)];
  if (d.flags.length > 0) lines.push('', 'In force while lapsed', ...d.flags.map((f) => `  ${f.flag}  ${f.description}`));
  lines.push('', `Recent history (last ${d.history.length}, UTC)`);
  lines.push(
    d.history.length === 0
      ? '  (none)'
      : indent(
          table(
            ['WHEN', 'WHO', 'WHAT'],
            d.history.map((h) => [localTime(h.at, 'utc'), h.actor, h.action]),
          ),
        ),
  );
  return lines.join('\n');
}

export function formatFlags(list: CredentialFlagList): string {
  if (list.flags.length === 0) return 'No lapse flags in force.';
  return table(
    ['PROVIDER', 'FLAG', 'SINCE', 'STATUS', 'CREDENTIAL', 'MEANS'],
    list.flags.map((f) => [f.providerId, f.flag, f.since, f.status, f.credentialId, f.description]),
  );
}

export function formatImport(report: ImportResult): string {
  if (!report.applied) {
    return [
      `Nothing was imported: ${new Set(report.rejected.map((r) => r.row)).size} of ${report.rows} rows rejected.`,
      table(
        ['ROW', 'FIELD', 'REASON'],
        report.rejected.map((r) => [String(r.row), r.field, r.message]),
      ),
    ].join('\n');
  }
  const lines = [`Read ${report.rows} rows: ${report.imported} imported, ${report.changed} changed, ${report.unchanged} unchanged${report.failed.length > 0 ? `, ${report.failed.length} failed` : ''}.`];
  lines.push(
    table(
      ['ROW', 'CREDENTIAL', 'OUTCOME', 'CHANGED'],
      report.results.map((r) => [String(r.row), r.credentialId, r.outcome, (r.changes ?? []).join(', ')]),
    ),
  );
  for (const f of report.failed) lines.push(`row ${f.row} (${f.credentialId}) failed: ${f.message}`);
  return lines.join('\n');
}
