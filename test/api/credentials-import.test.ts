// CSV import of credentials against a real stack: a file with bad rows is refused whole with each
// row's number, field and reason; the corrected file starts every flow; the same file again
// changes nothing (no ledger entry); a changed due date is applied as an audited change; malformed
// or oversized files are refused naming the line or the limit.
import { describe, expect, it } from 'vitest';
import { MAX_IMPORT_ROWS } from '../../services/credential-import';
import { eventually, isoDay, temporalHas, useApiStack } from './stack';

/* eslint-disable @typescript-eslint/no-explicit-any */

const HEADER = 'credentialId,providerId,type,issuer,jurisdiction,number,issueDate,dueDate,evidence,providerEmail,ownerEmail,managerEmail';
const EMAILS = 'dr.a@clinic.example,credentialing@clinic.example,manager@clinic.example';
const IMPORTER = 'coordinator@clinic.example';
const csv = (...lines: string[]) => `${[HEADER, ...lines].join('\r\n')}\r\n`;

// The corrected file: a license, a DEA registration, a CAQH attestation, a payer (a quoted cell with a comma).
const good = {
  lic: `lic-1,p-1,state_license,,NY,NY-123,,${isoDay(200)},lic.pdf,${EMAILS}`,
  dea: `dea-1,p-1,dea_registration,,NY,FK1234563,${isoDay(-900)},${isoDay(150)},,${EMAILS}`,
  caqh: `caqh-1,p-1,caqh_attestation,,,,,${isoDay(100)},,${EMAILS}`,
  aetna: `aetna-1,p-1,payer_recredentialing,aetna,,,,${isoDay(400)},"committee letter, 2026.pdf",${EMAILS}`,
};
const ALL = csv(good.lic, good.dea, good.caqh, good.aetna);

const stack = useApiStack();

const importCsv = (text: string, headers: Record<string, string> = {}) => stack.request('POST', '/api/credentials/import', text, { 'content-type': 'text/csv', 'X-PracticeFlow-Actor': IMPORTER, ...headers });
const importJson = (text: string) => stack.request('POST', '/api/credentials/import', { csv: text }, { 'X-PracticeFlow-Actor': IMPORTER });
const ledgerCount = () => stack.prisma.auditEntry.count({ where: { NOT: [{ action: { contains: 'notice' } }, { action: { contains: 'escalation' } }] } });

describe('credential CSV import', () => {
  it('refuses a file with bad rows: every rejected row with its number, field and reason, and nothing imported', async () => {
    const file = csv(
      good.lic, // row 2
      `dea-1,p-1,dea,,NY,FK1234563,,${isoDay(150)},,${EMAILS}`, // row 3: unknown type
      `caqh-1,p-1,caqh_attestation,,,,,2027-02-30,,${EMAILS}`, // row 4: impossible date
      '', // row 5: blank
      `lic-1,p-2,state_license,,NJ,NJ-9,,${isoDay(300)},,${EMAILS}`, // row 6: credentialId of row 2
      good.aetna, // row 7
      `aetna-2,p-1,payer_recredentialing,Aetna,,,,${isoDay(500)},,${EMAILS}`, // row 8: the same payer credential as row 7
      `dea-9,p-9,dea_registration,,,,,${isoDay(90)},,dr.a@clinic.example,coordinator,${'manager@clinic.example'}`, // row 9: two problems
    );
    const { status, json } = await importCsv(file);
    expect(status).toBe(200);
    expect(json).toMatchObject({ applied: false, rows: 7, imported: 0, changed: 0, unchanged: 0, failed: [], results: [] });
    expect(json.message).toBe('nothing was imported: 5 of 7 rows rejected; correct them and import the file again');
    expect(json.rejected).toEqual([
      { row: 3, field: 'type', message: expect.stringMatching(/^must be one of state_license, dea_registration, /) },
      { row: 4, field: 'dueDate', message: 'is not a real calendar date' },
      { row: 6, field: 'credentialId', message: 'duplicates row 2 (same credentialId "lic-1")' },
      { row: 8, field: 'credentialId', message: "duplicates row 7: provider p-1's payer_recredentialing from Aetna is already listed there as aetna-1" },
      { row: 9, field: 'jurisdiction', message: 'is required for dea_registration (the state it is valid in)' },
      { row: 9, field: 'ownerEmail', message: 'must be an email address' },
    ]);
    expect(await stack.prisma.credential.count()).toBe(0);
    expect(await ledgerCount()).toBe(0);
    for (const id of ['lic-1', 'aetna-1']) expect(await temporalHas(stack, `credential-${id}`)).toBe(false);
  });

  it('imports the corrected file: every credential starts its flow', async () => {
    const { status, json } = await importCsv(ALL);
    expect(status).toBe(200);
    expect(json).toMatchObject({ applied: true, message: '4 imported, 0 changed, 0 unchanged', rows: 4, imported: 4, changed: 0, unchanged: 0, rejected: [], failed: [], warnings: [] });
    expect(json.results).toEqual([
      { row: 2, credentialId: 'lic-1', outcome: 'imported' },
      { row: 3, credentialId: 'dea-1', outcome: 'imported' },
      { row: 4, credentialId: 'caqh-1', outcome: 'imported' },
      { row: 5, credentialId: 'aetna-1', outcome: 'imported' },
    ]);
    await eventually(async () => (await stack.prisma.credential.count()) === 4, 'the four credential rows');
    expect(await stack.prisma.credential.findUnique({ where: { credentialId: 'aetna-1' } })).toMatchObject({ issuer: 'aetna', evidence: 'committee letter, 2026.pdf', status: 'active', jurisdiction: null });
    expect(await stack.prisma.credential.findUnique({ where: { credentialId: 'dea-1' } })).toMatchObject({ issueDate: new Date(`${isoDay(-900)}T00:00:00Z`), number: 'FK1234563' });
    const added = await stack.prisma.auditEntry.findMany({ where: { action: 'credential.added' } });
    expect(added).toHaveLength(4);
    expect(added.every((e) => e.actor === IMPORTER)).toBe(true);
  });

  it('imports the same file again (as JSON) without changing anything: all unchanged, no ledger entry', async () => {
    const ledger = await ledgerCount();
    const runs = await Promise.all(['lic-1', 'dea-1', 'caqh-1', 'aetna-1'].map(async (id) => (await stack.client.workflow.getHandle(`credential-${id}`).describe()).runId));
    const { status, json } = await importJson(ALL);
    expect(status).toBe(200);
    expect(json).toMatchObject({ applied: true, imported: 0, changed: 0, unchanged: 4, rejected: [], failed: [] });
    expect(json.results.map((r: any) => r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(await ledgerCount()).toBe(ledger);
    expect(await Promise.all(['lic-1', 'dea-1', 'caqh-1', 'aetna-1'].map(async (id) => (await stack.client.workflow.getHandle(`credential-${id}`).describe()).runId))).toEqual(runs);
    // Blank cells leave existing values alone, and header names are matched loosely.
    const loose = await importJson(
      `Credential ID,Provider ID,Type,Issuer,Jurisdiction,Number,Issue Date,Due Date,Evidence,Provider Email,Owner Email,Manager Email\n${good.lic.replace('lic.pdf', '')}\n`,
    );
    expect(loose.json).toMatchObject({ applied: true, unchanged: 1 });
  });

  it('applies a changed due date through the flow: changed, audited with reason "CSV import"', async () => {
    const ledger = await ledgerCount();
    const changedDea = good.dea.replace(isoDay(150), isoDay(160));
    const { json } = await importCsv(csv(good.lic, changedDea, good.caqh, good.aetna));
    expect(json).toMatchObject({ applied: true, imported: 0, changed: 1, unchanged: 3, message: '0 imported, 1 changed, 3 unchanged' });
    expect(json.results[1]).toEqual({ row: 3, credentialId: 'dea-1', outcome: 'changed', changes: ['dueDate'] });
    expect(await ledgerCount()).toBe(ledger + 1);
    const entry = await stack.prisma.auditEntry.findFirst({ where: { workflowId: 'credential-dea-1', action: 'credential.changed' } });
    expect(entry).toMatchObject({ actor: IMPORTER, detail: expect.objectContaining({ reason: 'CSV import', changes: { dueDate: isoDay(160) }, previous: { dueDate: isoDay(150) } }) });
    expect(await stack.prisma.credential.findUnique({ where: { credentialId: 'dea-1' } })).toMatchObject({ dueDate: new Date(`${isoDay(160)}T00:00:00Z`) });
    const view = (await stack.request('GET', '/api/credentials/dea-1')).json;
    expect(view.credential.dueDate).toBe(isoDay(160));
  });

  it('refuses changes import cannot make, against what exists, and applies none of the file', async () => {
    await stack.request('POST', '/api/credentials/aetna-1/retire', { by: 'manager@clinic.example', reason: 'left the network' });
    const ledger = await ledgerCount();
    const file = csv(
      good.lic.replace(',NY,', ',NJ,'), // another state is another credential
      good.dea.replace('FK1234563', 'FK7777777'), // a valid change, not applied because of the others
      good.caqh,
      good.aetna, // retired
    );
    const { json } = await importCsv(file);
    expect(json).toMatchObject({ applied: false, imported: 0, changed: 0 });
    expect(json.rejected).toEqual([
      { row: 2, field: 'jurisdiction', message: 'is "NY" for credential lic-1 and cannot be changed by import (retire it and add the new one)' },
      { row: 5, field: 'credentialId', message: 'credential aetna-1 is retired; a renewed or new credential needs a credentialId of its own' },
    ]);
    expect(await stack.prisma.credential.findUnique({ where: { credentialId: 'dea-1' } })).toMatchObject({ number: 'FK1234563' });
    expect(await ledgerCount()).toBe(ledger);
  });

  describe('files refused whole (400), naming the line, column or limit', () => {
    const cases: { name: string; text: string; path: string; message: RegExp }[] = [
      { name: 'unbalanced quotes', text: csv(good.lic, `lic-9,p-9,state_license,,NY,"NY-9,,${isoDay(200)},,${EMAILS}`, good.caqh), path: 'csv', message: /^line 3: a quoted field opens here and is never closed \(unbalanced quotes\)$/ },
      { name: 'a stray quote', text: csv(good.lic, `lic-9,p-9,state_license,,NY,NY"9,,${isoDay(200)},,${EMAILS}`), path: 'csv', message: /^line 3: a quote inside an unquoted field/ },
      { name: 'an unknown column', text: `${HEADER},salary\n${good.lic},1\n`, path: 'csv.header', message: /^unknown column "salary" \(column 13\); the columns are credentialId, providerId, / },
      { name: 'a missing column', text: `${HEADER.replace(',dueDate', '')}\n`, path: 'csv.header', message: /^missing column dueDate$/ },
      { name: 'no header', text: '', path: 'csv', message: /^must start with a header row naming the columns: credentialId, / },
      { name: 'no rows', text: `${HEADER}\n\n`, path: 'csv', message: /^has no credential rows under the header$/ },
      { name: 'too many rows', text: csv(...Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `c-${i},p-${i},bls_card,,,,,${isoDay(300)},,${EMAILS}`)), path: 'csv', message: /^has 2001 rows; an import takes at most 2000: split the file$/ },
      { name: 'too many bytes', text: csv(`big-1,p-1,bls_card,,,,,${isoDay(300)},${'x'.repeat(600_000)},${EMAILS}`), path: 'csv', message: /^is \d+ bytes; an import takes at most 524288 bytes/ },
    ];

    it.each(cases)('$name', async (c) => {
      const before = { credentials: await stack.prisma.credential.count(), ledger: await ledgerCount() };
      const { status, json } = await importCsv(c.text);
      expect(status).toBe(400);
      expect(json.error).toMatchObject({ type: 'ValidationError', problems: [{ path: c.path, message: expect.stringMatching(c.message) }] });
      expect({ credentials: await stack.prisma.credential.count(), ledger: await ledgerCount() }).toEqual(before);
    });

    it('a JSON body without csv', async () => {
      const { status, json } = await stack.request('POST', '/api/credentials/import', { file: 'x' });
      expect(status).toBe(400);
      expect(json.error.problems).toEqual([
        { path: 'csv', message: 'is required' },
        { path: 'file', message: 'is not a known field' },
      ]);
    });
  });
});
