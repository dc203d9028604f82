// Credentials from a spreadsheet (CSV): every row is validated with the domain's CredentialSchema
// and checked against the other rows and the credentials that already exist BEFORE anything is
// applied; if any row is rejected nothing is imported. Applying is idempotent: a row whose
// credential exists unchanged is left alone, a changed one goes through the credential flow's
// changeCredential Update (so it is audited, reason "CSV import"), a new one starts its flow.
//
// Parsing is csv-parse (RFC 4180 quoting, BOM, CRLF). Rows are numbered as a spreadsheet shows
// them: the header is row 1, blank lines count as rows.
import { parse } from 'csv-parse/sync';
import { CredentialChangeSchema, CredentialSchema, type Credential, type CredentialChange } from '../domain/credentialing';
import type { FieldProblem } from '../domain/errors';
import { invalid, parseInput, ServiceError } from './errors';
import type { CredentialStatus, ImportRejection, ImportResult } from './schemas';

/** The columns: exactly the fields of CredentialSchema, in its order. */
export const CSV_COLUMNS = Object.keys(CredentialSchema.shape) as (keyof Credential)[];
type Column = keyof Credential;
const REQUIRED_COLUMNS: Column[] = CSV_COLUMNS.filter((c) => !CredentialSchema.shape[c].safeParse(undefined).success);

/** Fields the changeCredential Update can change; the others identify the credential. */
const CHANGEABLE = Object.keys(CredentialChangeSchema.shape.changes.shape) as (keyof CredentialChange['changes'])[];
const IDENTIFYING: Column[] = CSV_COLUMNS.filter((c) => c !== 'credentialId' && !(CHANGEABLE as string[]).includes(c));

export const MAX_IMPORT_ROWS = 2000;
export const MAX_IMPORT_BYTES = 512 * 1024;
/** Starts and Updates in flight at once while applying. */
const APPLY_CONCURRENCY = 4;
export const IMPORT_REASON = 'CSV import';

export interface CsvRow {
  /** As a spreadsheet numbers it (header = 1). */
  row: number;
  /** Non-blank cells by column (blank cells are absent). */
  cells: Partial<Record<Column, string>>;
  /** Problems found while reading the row (cells under no column). */
  problems: FieldProblem[];
}

const fileProblem = (message: string, path = 'csv'): ServiceError => invalid([{ path, message }]);

/** "Credential ID", "credential_id" and "credentialId" all name the credentialId column. */
const normalise = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, '');
const COLUMN_BY_NAME = new Map(CSV_COLUMNS.map((c) => [normalise(c), c]));

interface CsvParseError extends Error {
  code?: string;
  lines?: number;
}

/** The line (1-based) of the opening quote that is never closed (RFC 4180 quoting), if any. */
function unclosedQuoteLine(text: string): number | undefined {
  let line = 1;
  let inQuotes = false;
  let openedAt = 0;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      } else if (ch === '\n') line++;
      continue;
    }
    if (ch === '"' && fieldStart) {
      inQuotes = true;
      openedAt = line;
    } else if (ch === ',') fieldStart = true;
    else if (ch === '\n') {
      line++;
      fieldStart = true;
    } else if (ch !== '\r' && ch !== ' ' && ch !== '\t') fieldStart = false;
  }
  return inQuotes ? openedAt : undefined;
}

function malformed(text: string, err: CsvParseError): ServiceError {
  const at = err.lines ?? 0;
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      // csv-parse reports where the file ended; the person needs the line where the quote opened.
      return fileProblem(`line ${unclosedQuoteLine(text) ?? at}: a quoted field opens here and is never closed (unbalanced quotes)`);
    case 'INVALID_OPENING_QUOTE':
      return fileProblem(`line ${at}: a quote inside an unquoted field; quote the whole field and double the quotes inside it ("")`);
    case 'CSV_INVALID_CLOSING_QUOTE':
      return fileProblem(`line ${at}: text after a closing quote; double the quotes inside a quoted field ("")`);
    default:
      return fileProblem(`line ${at}: is not valid CSV (${err.message})`);
  }
}

/**
 * Reads the file into rows of cells. The whole file is refused (ValidationError at `csv`) when it
 * is too big, malformed, has no header or an unknown, duplicate or missing column.
 */
export function readCredentialCsv(text: string): CsvRow[] {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_IMPORT_BYTES) {
    throw fileProblem(`is ${bytes} bytes; an import takes at most ${MAX_IMPORT_BYTES} bytes (and ${MAX_IMPORT_ROWS} rows): split the file`);
  }
  let records: { record: string[]; info: { records: number; empty_lines: number } }[];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (err) {
    throw malformed(text, err as CsvParseError);
  }
  const [header, ...body] = records;
  if (!header || header.record.every((c) => c === '')) {
    throw fileProblem(`must start with a header row naming the columns: ${CSV_COLUMNS.join(', ')}`);
  }

  const problems: FieldProblem[] = [];
  const columns: (Column | undefined)[] = header.record.map((name, i) => {
    if (name === '') return undefined;
    const column = COLUMN_BY_NAME.get(normalise(name));
    if (!column) problems.push({ path: 'csv.header', message: `unknown column "${name}" (column ${i + 1}); the columns are ${CSV_COLUMNS.join(', ')}` });
    return column;
  });
  columns.forEach((c, i) => {
    if (c && columns.indexOf(c) !== i) problems.push({ path: 'csv.header', message: `column ${c} appears twice (columns ${columns.indexOf(c) + 1} and ${i + 1})` });
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) problems.push({ path: 'csv.header', message: `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` });
  if (problems.length > 0) throw invalid(problems);

  const rows: CsvRow[] = [];
  for (const { record, info } of body) {
    if (record.every((c) => c === '')) continue; // a blank row, e.g. ",,,," from a spreadsheet
    const row = info.records + info.empty_lines;
    const cells: CsvRow['cells'] = {};
    const rowProblems: FieldProblem[] = [];
    record.forEach((value, i) => {
      if (value === '') return;
      const column = columns[i];
      if (column) cells[column] = value;
      else rowProblems.push({ path: `(column ${i + 1})`, message: i >= columns.length ? `has a value but the header has only ${columns.length} columns` : 'has a value but no column name in the header' });
    });
    rows.push({ row, cells, problems: rowProblems });
  }
  if (rows.length === 0) throw fileProblem('has no credential rows under the header');
  if (rows.length > MAX_IMPORT_ROWS) throw fileProblem(`has ${rows.length} rows; an import takes at most ${MAX_IMPORT_ROWS}: split the file`);
  return rows;
}

export interface CheckedRows {
  valid: { row: number; credential: Credential; cells: CsvRow['cells'] }[];
  rejected: ImportRejection[];
}

/** Each row against CredentialSchema, and against the rows above it (duplicates). */
export function checkRows(rows: CsvRow[]): CheckedRows {
  const valid: CheckedRows['valid'] = [];
  const rejected: ImportRejection[] = [];
  const byId = new Map<string, number>();
  const byIdentity = new Map<string, { row: number; credentialId?: string }>();
  for (const { row, cells, problems } of rows) {
    const reasons: FieldProblem[] = [...problems];
    let credential: Credential | undefined;
    try {
      credential = parseInput(CredentialSchema, cells);
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      reasons.push(...err.problems);
    }
    if (cells.credentialId) {
      const first = byId.get(cells.credentialId);
      if (first !== undefined) reasons.push({ path: 'credentialId', message: `duplicates row ${first} (same credentialId "${cells.credentialId}")` });
      else byId.set(cells.credentialId, row);
    }
    if (cells.providerId && cells.type) {
      const identity = [cells.providerId, cells.type, cells.jurisdiction ?? '', (cells.issuer ?? '').toLowerCase()].join('\u0000');
      const first = byIdentity.get(identity);
      if (first !== undefined && first.credentialId !== cells.credentialId) {
        const what = [cells.type, cells.jurisdiction && `in ${cells.jurisdiction}`, cells.issuer && `from ${cells.issuer}`].filter(Boolean).join(' ');
        reasons.push({ path: 'credentialId', message: `duplicates row ${first.row}: provider ${cells.providerId}'s ${what} is already listed there${first.credentialId ? ` as ${first.credentialId}` : ''}` });
      } else if (first === undefined) byIdentity.set(identity, { row, credentialId: cells.credentialId });
    }
    if (reasons.length > 0) rejected.push(...reasons.map((p) => ({ row, field: p.path, message: p.message })));
    else valid.push({ row, credential: credential!, cells });
  }
  return { valid, rejected };
}

/** A credential as it exists now (its flow's view, or the credential table). */
export interface ExistingCredential {
  credential: Credential;
  status: CredentialStatus;
  cycle: number;
}

export type RowPlan = { kind: 'new' } | { kind: 'unchanged' } | { kind: 'change'; changes: CredentialChange['changes'] } | { kind: 'rejected'; problems: FieldProblem[] };

/**
 * What importing a valid row would do to the credential that exists. A blank cell leaves the
 * existing value as it is (import never clears a field). Fields that identify the credential
 * (provider, type, jurisdiction, issue date) cannot change: that is another credential.
 */
export function planRow(cells: CsvRow['cells'], existing: ExistingCredential | undefined): RowPlan {
  if (!existing) return { kind: 'new' };
  const current = existing.credential;
  if (existing.status === 'retired') {
    return { kind: 'rejected', problems: [{ path: 'credentialId', message: `credential ${current.credentialId} is retired; a renewed or new credential needs a credentialId of its own` }] };
  }
  const problems: FieldProblem[] = [];
  for (const field of IDENTIFYING) {
    const value = cells[field];
    if (value !== undefined && value !== (current[field] ?? undefined)) {
      problems.push({ path: field, message: `is ${current[field] === undefined ? 'not set' : `"${current[field]}"`} for credential ${current.credentialId} and cannot be changed by import (retire it and add the new one)` });
    }
  }
  const changes: Record<string, string> = {};
  for (const field of CHANGEABLE) {
    const value = cells[field];
    if (value !== undefined && value !== current[field]) changes[field] = value;
  }
  if (changes.dueDate && existing.cycle > 1 && changes.dueDate < current.dueDate) {
    problems.push({
      path: 'dueDate',
      message: `credential ${current.credentialId} was renewed and is now due ${current.dueDate}; ${changes.dueDate} looks older than the renewal (update the row, or correct the date with \`practiceflow credential change\`)`,
    });
  }
  if (problems.length === 0 && Object.keys(changes).length > 0) {
    // As the workflow's change validator checks it (e.g. an issueDate after the new dueDate).
    try {
      parseInput(CredentialSchema, { ...current, ...changes });
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) return { kind: 'rejected', problems };
  return Object.keys(changes).length === 0 ? { kind: 'unchanged' } : { kind: 'change', changes };
}

/** What the import needs from the credential service. */
export interface ImportTarget {
  /** The credentials with these ids that exist (in the table or as a running flow). */
  existing(credentialIds: string[]): Promise<Map<string, ExistingCredential>>;
  /** Starts the credential's flow (and links a provider's onboarding); returns warnings. */
  start(credential: Credential, actor: string): Promise<string[]>;
  change(credentialId: string, change: CredentialChange): Promise<void>;
}

/** Runs `work` over items with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/**
 * Imports a CSV file: reads and checks every row, then (only if none is rejected) applies them.
 * `actor` is who imports (recorded as startedBy and as `by` of changes); without it, each row's
 * ownerEmail. `describeError` turns an apply failure into a message.
 */
export async function importCredentialCsv(text: string, actor: string | undefined, target: ImportTarget, describeError: (err: unknown) => string): Promise<ImportResult> {
  const rows = readCredentialCsv(text);
  const { valid, rejected } = checkRows(rows);
  const existing = await target.existing(valid.map((v) => v.credential.credentialId));
  const planned = valid.map((v) => ({ ...v, plan: planRow(v.cells, existing.get(v.credential.credentialId)) }));
  for (const p of planned) if (p.plan.kind === 'rejected') rejected.push(...p.plan.problems.map((problem) => ({ row: p.row, field: problem.path, message: problem.message })));
  // By row, then in the file's column order (problems that are not one column's last).
  const columnIndex = (field: string) => {
    const i = CSV_COLUMNS.indexOf(field as Column);
    return i === -1 ? CSV_COLUMNS.length : i;
  };
  rejected.sort((a, b) => a.row - b.row || columnIndex(a.field) - columnIndex(b.field));

  const result: ImportResult = { applied: false, message: '', rows: rows.length, imported: 0, changed: 0, unchanged: 0, rejected, failed: [], results: [], warnings: [] };
  if (rejected.length > 0) {
    const badRows = new Set(rejected.map((r) => r.row)).size;
    result.message = `nothing was imported: ${badRows} of ${rows.length} row${rows.length === 1 ? '' : 's'} rejected; correct ${badRows === 1 ? 'it' : 'them'} and import the file again`;
    return result;
  }

  result.applied = true;
  const outcomes = new Map<number, ImportResult['results'][number]>();
  await pool(planned, APPLY_CONCURRENCY, async ({ row, credential, plan }) => {
    const id = credential.credentialId;
    const by = actor ?? credential.ownerEmail;
    try {
      if (plan.kind === 'new') {
        result.warnings.push(...(await target.start(credential, by)));
        result.imported += 1;
        outcomes.set(row, { row, credentialId: id, outcome: 'imported' });
      } else if (plan.kind === 'change') {
        await target.change(id, { changes: plan.changes, by, reason: IMPORT_REASON });
        result.changed += 1;
        outcomes.set(row, { row, credentialId: id, outcome: 'changed', changes: Object.keys(plan.changes) });
      } else {
        result.unchanged += 1;
        outcomes.set(row, { row, credentialId: id, outcome: 'unchanged' });
      }
    } catch (err) {
      const message = describeError(err);
      result.failed.push({ row, credentialId: id, message });
      outcomes.set(row, { row, credentialId: id, outcome: 'failed' });
    }
  });
  result.results = [...outcomes.values()].sort((a, b) => a.row - b.row);
  result.failed.sort((a, b) => a.row - b.row);
  const done = `${result.imported} imported, ${result.changed} changed, ${result.unchanged} unchanged`;
  result.message =
    result.failed.length === 0
      ? done
      : `${done}; ${result.failed.length} row${result.failed.length === 1 ? '' : 's'} could not be applied (see failed): import the same file again once that is fixed (rows already applied are then unchanged)`;
  return result;
}
