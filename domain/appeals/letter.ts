// The draft appeal letter: the practice's template (or the default) filled with the claim's facts.
// Pure, so the workflow, the API preview and the tests produce the same text. Only claim facts and
// identifiers are available as placeholders: no patient name or patient reference can be filled
// in, because the draft travels by email. Staff add the patient's details in the practice's own
// systems before sending the letter to the payer.
import type { IsoDate } from '../calendar/iso-date';
import type { Payer } from '../payers/payer';
import type { AppealLevel } from './filing';

export const LETTER_PLACEHOLDERS = [
  'appealId',
  'claimId',
  'dateOfService',
  'payer',
  'payerType',
  'level',
  'levelName',
  'denialCodes',
  'billedAmount',
  'deniedAmount',
  'noticeDate',
  'receiptDate',
  'filingDeadline',
  'rule',
  'priorAuthorizationId',
  'today',
] as const;
export type LetterPlaceholder = (typeof LETTER_PLACEHOLDERS)[number];

const LEVEL_NAMES: Record<AppealLevel, string> = {
  redetermination: 'Request for Redetermination',
  reconsideration: 'Request for Reconsideration',
  alj: 'Request for an Administrative Law Judge Hearing',
  internal: 'Request for Internal Appeal',
  external: 'Request for External Review',
};

export const DEFAULT_APPEAL_LETTER_TEMPLATE = `{{levelName}}

To: {{payer}}
Date: {{today}}

Claim number: {{claimId}}
Date of service: {{dateOfService}}
Denial notice dated: {{noticeDate}} (received {{receiptDate}})
Denial codes: {{denialCodes}}
Amount billed: {{billedAmount}}; amount denied: {{deniedAmount}}
Prior authorization: {{priorAuthorizationId}}

We request a {{level}} of the claim above. This request is filed on or before {{filingDeadline}} under {{rule}}.

Reason for disagreement: [state why the denial is wrong, citing the enclosed records]

Enclosures: [medical records, prior authorization, itemized bill]

Sincerely,
[provider name, NPI, signature]

Our reference: appeal {{appealId}}
`;

export interface LetterFacts {
  appealId: string;
  claimId: string;
  dateOfService: IsoDate;
  payer: Payer;
  level: AppealLevel;
  denialCodes: string[];
  billedAmount: number;
  deniedAmount: number;
  noticeDate: IsoDate;
  receiptDate: IsoDate;
  filingDeadline: IsoDate;
  rule: string;
  priorAuthorizationId?: string;
  today: IsoDate;
}

export interface FilledLetter {
  text: string;
  /** Placeholders the template uses that PracticeFlow does not fill (left in the text as written). */
  unknown: string[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

const money = (n: number) => `$${n.toFixed(2)}`;

function values(facts: LetterFacts): Record<LetterPlaceholder, string> {
  return {
    appealId: facts.appealId,
    claimId: facts.claimId,
    dateOfService: facts.dateOfService,
    payer: facts.payer.name ?? facts.payer.id ?? facts.payer.type,
    payerType: facts.payer.type,
    level: facts.level,
    levelName: LEVEL_NAMES[facts.level],
    denialCodes: facts.denialCodes.join(', '),
    billedAmount: money(facts.billedAmount),
    deniedAmount: money(facts.deniedAmount),
    noticeDate: facts.noticeDate,
    receiptDate: facts.receiptDate,
    filingDeadline: facts.filingDeadline,
    rule: facts.rule,
    priorAuthorizationId: facts.priorAuthorizationId ?? 'none',
    today: facts.today,
  };
}

/** The placeholders a template uses that are not known (e.g. {{patientName}}), in order of appearance. */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(LETTER_PLACEHOLDERS);
  const unknown: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (!known.has(name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

/**
 * Fills {{placeholders}} with the claim's facts. Unknown placeholders stay in the text as written
 * (staff fill them in outside PracticeFlow) and are listed in `unknown`.
 */
export function fillAppealLetter(template: string, facts: LetterFacts): FilledLetter {
  const v = values(facts);
  const text = template.replace(PLACEHOLDER, (whole, name: string) => ((LETTER_PLACEHOLDERS as readonly string[]).includes(name) ? v[name as LetterPlaceholder] : whole));
  return { text, unknown: unknownPlaceholders(template) };
}
