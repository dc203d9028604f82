// One boundary for text, applied to every input before its schema (services/errors.ts parseInput:
// the API, the CLI through it, CSV rows; workflows/task-engine/failures.ts parseOrThrow: Update
// validators and workflow inputs), so no string field, however its schema was written, lets a
// poison value through:
//   - No control characters: C0 (U+0000-U+001F) and C1 (U+007F-U+009F), the Unicode line and
//     paragraph separators, and unpaired surrogates (not text at all). PostgreSQL refuses U+0000
//     in text and jsonb (22P05), which once wedged a flow's audit write forever; the rest breaks
//     CSV exports, emails and terminals.
//   - Tab and newline (and CR) only in multi-line fields: notes, reasons, findings, a letter, an
//     uploaded CSV or export. Everything else is one line.
//   - A length bound on every string, so a field without its own `max` is still bounded.
//   - A bound on nesting: no input's objects and arrays nest deeper than MAX_DEPTH. A JSON body
//     of a few thousand nested brackets (well under the 1 MiB body limit) otherwise overflowed the
//     stack of this very walk, and the request answered 500 instead of a 400 naming the field.
// Inside a workflow the rule is the lenient one (no control characters other than tab, newline
// and CR anywhere): carried state written by an older run must keep parsing; the strict single-
// line rule is enforced at the edge, before anything reaches Temporal.
import type { FieldProblem } from './errors';

/** Field names whose values may span lines. */
export const MULTI_LINE_FIELDS: ReadonlySet<string> = new Set([
  'note',
  'notes',
  'reason',
  'lateReason',
  'description',
  'findings',
  'infoRequested',
  'correctiveActions',
  'action',
  'letter',
  'template',
  'body',
  'text',
  // Whole documents: a CSV upload, an export handed back for verification.
  'csv',
  'content',
]);

/** Documents (a CSV upload, an export) may be long; any other string at most this many characters. */
const MAX_STRING = 20_000;
const MAX_DOCUMENT = 256 * 1024 * 1024;
const DOCUMENT_FIELDS: ReadonlySet<string> = new Set(['csv', 'content']);
/** Levels of objects and arrays inside an input; PracticeFlow's deepest (a workflow's carried state) use under 10. */
export const MAX_DEPTH = 64;

const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]|\p{Cs}/u;
const MULTI_LINE_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029]|\p{Cs}/u;

const codePoint = (c: string): string => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a string is refused, or undefined. */
export function textProblem(value: string, field: string | undefined, strict: boolean): string | undefined {
  const multiLine = !strict || (field !== undefined && MULTI_LINE_FIELDS.has(field));
  const found = (multiLine ? MULTI_LINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN).exec(value);
  if (found) {
    const c = found[0];
    if (/\p{Cs}/u.test(c)) return `is not valid Unicode text (an unpaired surrogate at character ${found.index + 1})`;
    const allowed = multiLine ? '' : c === '\n' || c === '\t' || c === '\r' ? ' (line breaks and tabs only in notes and reasons)' : '';
    return `must not contain control characters (${codePoint(c)} at character ${found.index + 1})${allowed}`;
  }
  const max = field !== undefined && DOCUMENT_FIELDS.has(field) ? MAX_DOCUMENT : MAX_STRING;
  if (strict && value.length > max) return `must be at most ${max} characters`;
  return undefined;
}

/**
 * Every string in `input` (object keys too) checked, with the dotted path of each problem.
 * `strict`: the edge's rule (single line unless a multi-line field); false: a workflow's.
 */
export function textProblems(input: unknown, options: { prefix?: string; strict?: boolean } = {}): FieldProblem[] {
  const strict = options.strict ?? true;
  const problems: FieldProblem[] = [];
  const seen = new Set<unknown>();
  const start = options.prefix ? [options.prefix] : [];
  const base = start.length;
  const walk = (value: unknown, path: string[], field: string | undefined): void => {
    if (problems.length >= 20) return;
    if (typeof value === 'string') {
      const problem = textProblem(value, field, strict);
      if (problem) problems.push({ path: path.join('.') || '(input)', message: problem });
      return;
    }
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    if (path.length - base >= MAX_DEPTH) {
      problems.push({ path: path.join('.'), message: `is nested too deeply (objects and arrays at most ${MAX_DEPTH} levels deep)` });
      return;
    }
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, [...path, String(i)], field));
      return;
    }
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const keyProblem = textProblem(key, undefined, true);
      if (keyProblem) problems.push({ path: [...path, JSON.stringify(key)].join('.'), message: `field name ${keyProblem}` });
      else walk(v, [...path, key], key);
    }
  };
  walk(input, start, options.prefix);
  return problems;
}
