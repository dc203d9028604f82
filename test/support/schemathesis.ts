// Runs schemathesis (installed by scripts/tools/schemathesis.ts) against a served OpenAPI document
// and reads back what it found. Its configuration is written as a schemathesis.toml: the API token
// goes in through an environment variable (never on the command line, where `ps` shows it), and
// "dictionaries" of known values (the ids of seeded flows, the signed-in person's email) are mixed
// into generated path parameters and body fields, so that part of the cases reach real records
// and real flows instead of stopping at a 404 or at the actor check.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../../scripts/tools/common';
import { ensureSchemathesis } from '../../scripts/tools/schemathesis';

/** [dictionary, probability]: a generated value is replaced by one of the dictionary's that often. */
export type Binding = readonly [dictionary: string, probability: number];

export interface SchemathesisRun {
  /** The OpenAPI document's URL. */
  schemaUrl: string;
  /** Sent as `Authorization: Bearer` to every operation the document secures. */
  bearerToken: string;
  /** Known values by name (`flowId: ['onboarding-h-1', ...]`). */
  dictionaries: Record<string, readonly string[]>;
  /** `path.flowId` (or `body.by`, `header.X-...`) to [dictionary, probability of using it]. */
  bindings: Record<string, Binding>;
  checks: readonly string[];
  /**
   * Operations (by operationId) left out of the coverage phase, whose generator cannot build some
   * schemas (it raises hypothesis' Unsatisfiable on them); the other phases still fuzz them.
   */
  noCoveragePhase?: readonly string[];
  /**
   * Parameters of some operations (by operationId), over the run's bindings: a fixed value, used
   * in every case of every phase (`revokeApiToken: { 'path.id': '...' }`), or a binding of its own.
   */
  operationParameters?: Record<string, Record<string, string | Binding>>;
  /** Test cases per operation and phase. */
  maxExamples: number;
  /** Seconds for the whole run (schemathesis stops generating when it is spent). */
  maxTimeSeconds: number;
  workers: number;
  seed?: number;
  /** Where the configuration, the reports and the output go (kept for a person to read). */
  outDir: string;
}

export interface SchemathesisResult {
  exitCode: number | null;
  output: string;
  /** The JUnit report, by operation: failures with schemathesis' own description and reproducer. */
  cases: JunitCase[];
  outDir: string;
}

/** A TOML basic string: JSON's escapes are TOML's for every character JSON.stringify produces. */
const toml = (value: string): string => JSON.stringify(value);

const tomlValue = (value: string | Binding): string =>
  typeof value === 'string' ? toml(value) : `{ dictionary = ${toml(value[0])}, probability = ${value[1]} }`;

function configToml(opts: SchemathesisRun): string {
  const lines = [
    '# Written by test/support/schemathesis.ts for one run.',
    '[auth.openapi.bearer]',
    // Resolved by schemathesis from its environment.
    'bearer = "${PRACTICEFLOW_FUZZ_TOKEN}"',
    '',
    '[parameters]',
    ...Object.entries(opts.bindings).map(([key, binding]) => `${toml(key)} = ${tomlValue(binding)}`),
    '',
  ];
  if (opts.noCoveragePhase?.length) {
    lines.push('[[operations]]', `include-operation-id = [${opts.noCoveragePhase.map(toml).join(', ')}]`, 'phases.coverage.enabled = false', '');
  }
  for (const [operationId, parameters] of Object.entries(opts.operationParameters ?? {})) {
    const values = Object.entries(parameters).map(([key, value]) => `${toml(key)} = ${tomlValue(value)}`);
    lines.push('[[operations]]', `include-operation-id = ${toml(operationId)}`, `parameters = { ${values.join(', ')} }`, '');
  }
  for (const [name, values] of Object.entries(opts.dictionaries)) {
    lines.push(`[dictionaries.${name}]`, `values = [${values.map(toml).join(', ')}]`, '');
  }
  return `${lines.join('\n')}\n`;
}

export interface JunitCase {
  /** `POST /api/flows/{flowId}/cancel` */
  operation: string;
  /** Check failures (`ST103 ...`): the API answered something the checks refuse. */
  failures: string[];
  /** Errors: schemathesis could not run a case (a network error, or a generator that gave up). */
  errors: string[];
}

const unescapeXml = (text: string): string =>
  text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : e === 'amp' ? '&' : String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1))),
  );

/** The JUnit report by operation (schemathesis writes one testcase per operation and a "Stateful tests" one). */
export function parseJunit(xml: string): JunitCase[] {
  return [...xml.matchAll(/<testcase name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map(([, name, body = '']) => ({
    operation: unescapeXml(name!),
    failures: [...body.matchAll(/<failure\b[^>]*>([\s\S]*?)<\/failure>/g)].map((m) => unescapeXml(m[1]!)),
    errors: [...body.matchAll(/<error\b[^>]*>([\s\S]*?)<\/error>/g)].map((m) => unescapeXml(m[1]!)),
  }));
}

export async function runSchemathesis(opts: SchemathesisRun): Promise<SchemathesisResult> {
  const bin = await ensureSchemathesis({ log: (line) => console.error(`[schemathesis] ${line}`) });
  await mkdir(opts.outDir, { recursive: true });
  const config = path.join(opts.outDir, 'schemathesis.toml');
  await writeFile(config, configToml(opts));
  const junitPath = path.join(opts.outDir, 'junit.xml');
  const args = [
    '--config-file',
    config,
    'run',
    opts.schemaUrl,
    '--checks',
    opts.checks.join(','),
    '--max-examples',
    String(opts.maxExamples),
    '--max-time',
    String(opts.maxTimeSeconds),
    '--workers',
    String(opts.workers),
    '--request-timeout',
    '30',
    // Every failure is worth reading, not only the first of each operation.
    '--continue-on-failure',
    // No example database in the user's folders: each run starts from the seed alone.
    '--generation-database',
    'none',
    '--report',
    'junit',
    '--report-junit-path',
    junitPath,
    '--no-color',
    ...(opts.seed === undefined ? [] : ['--seed', String(opts.seed)]),
  ];
  const result = await run(bin, args, {
    cwd: opts.outDir,
    env: { ...process.env, PRACTICEFLOW_FUZZ_TOKEN: opts.bearerToken, NO_COLOR: '1', COLUMNS: '160' },
    // A hung run must not outlive the test: the budget plus time to write the reports.
    timeoutMs: (opts.maxTimeSeconds + 120) * 1000,
  });
  const output = `${result.stdout}${result.stderr}`;
  await writeFile(path.join(opts.outDir, 'output.txt'), output);
  const junit = await readFile(junitPath, 'utf8').catch(() => '');
  return { exitCode: result.code, output, cases: parseJunit(junit), outDir: opts.outDir };
}
