// Start a flow: a form per flow type, the plan preview first, then start.
import { api } from '../lib/api.js';
import { append, choices, facts, h, link, row, table, when } from '../lib/dom.js';
import { body, field, formStatus, showProblems } from '../lib/forms.js';
import { page } from '../lib/page.js';
import { state } from '../lib/state.js';

export const HIRE_ROLES = ['front_desk', 'billing', 'medical_assistant', 'nurse', 'physician', 'nurse_practitioner', 'physician_assistant', 'office_manager'];

export const CREDENTIAL_TYPES = ['state_license', 'dea_registration', 'board_certification', 'caqh_attestation', 'payer_recredentialing', 'medicare_revalidation', 'hospital_privileges', 'malpractice_insurance', 'bls_card', 'acls_card'];
export const PAYER_TYPES = ['medicare_ffs', 'medicare_advantage', 'medicaid_ffs', 'medicaid_managed_care', 'chip', 'ffe_qhp', 'commercial', 'aca_individual'];
export const APPEAL_LEVELS = ['redetermination', 'reconsideration', 'alj', 'internal', 'external'];
export const payerFields = () => row(field({ name: 'payer.type', label: 'Payer type', options: choices(PAYER_TYPES), required: true }), field({ name: 'payer.id', label: 'Payer id', hint: 'Lower-case, e.g. aetna (contract overrides)' }), field({ name: 'payer.name', label: 'Payer name' }));
export const peopleFields = () => row(field({ name: 'staffEmail', label: 'Staff email', type: 'email', required: true, autocomplete: 'off', hint: 'Who works the tasks' }), field({ name: 'managerEmail', label: 'Manager email', type: 'email', required: true, value: state.me?.email }));

/**
 * @typedef {{
 *   title: string, intro: string, legend: string, fields: unknown[], startLabel: string,
 *   plan: { path: string, body?: (b: Record<string, any>) => unknown, aliases?: Record<string, string>, show: (data: any) => { content: unknown[], canStart?: boolean } },
 *   start: { path: string, body?: (b: Record<string, any>) => unknown, flash: (data: any) => string },
 * }} StartSpec
 */

/**
 * A "preview, then start" page: the preview posts the form to the plan route (a read: no side
 * effects) and shows what it computed; Start posts exactly the previewed form to the create route and
 * opens the new flow's page. The API's problems land next to their fields (dotted paths too).
 * @param {StartSpec} spec
 */
export function startFormPage(spec) {
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { novalidate: true, 'aria-labelledby': 'start-legend' },
      formStatus(),
      h('fieldset', null, h('legend', { id: 'start-legend' }, spec.legend), spec.fields),
      h('div', { class: 'actions' }, h('button', { type: 'submit', name: 'action', value: 'preview' }, 'Preview the plan')),
      h('div', { id: 'plan' }),
    )
  );
  const planBox = /** @type {HTMLElement} */ (form.querySelector('#plan'));
  /** The body the preview was made for: Start sends exactly that. */
  let previewed = '';
  form.addEventListener('input', () => {
    if (previewed && JSON.stringify(body(form)) !== previewed) {
      planBox.replaceChildren(h('p', { class: 'info' }, 'The form changed: preview the plan again before starting.'));
      previewed = '';
    }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const submitter = /** @type {SubmitEvent} */ (e).submitter;
    const action = submitter instanceof HTMLButtonElement ? submitter.value : 'preview';
    if (action === 'start' && previewed) {
      const request = JSON.parse(previewed);
      const result = await api('POST', spec.start.path, spec.start.body ? spec.start.body(request) : request);
      if (showProblems(form, result) || !result.ok) return;
      state.flash = spec.start.flash(result.data);
      location.hash = `#/flows/${encodeURIComponent(result.data.flowId)}`;
      return;
    }
    const request = body(form);
    const aliases = spec.plan.aliases ?? {};
    const result = await api('POST', spec.plan.path, spec.plan.body ? spec.plan.body(request) : request);
    if (showProblems(form, result, aliases) || !result.ok) {
      planBox.replaceChildren();
      return;
    }
    previewed = JSON.stringify(request);
    const shown = spec.plan.show(result.data);
    planBox.replaceChildren(h('h2', { id: 'plan-title', tabindex: '-1' }, 'Plan preview'));
    append(planBox, [shown.content, shown.canStart === false ? null : h('div', { class: 'actions' }, h('button', { type: 'submit', name: 'action', value: 'start' }, spec.startLabel))]);
    /** @type {HTMLElement} */ (planBox.querySelector('#plan-title')).focus();
  });
  page(spec.title, h('p', null, spec.intro), form);
}

/** @type {Record<string, { link: string, about: string, spec: () => StartSpec }>} */
export const START_FORMS = {
  onboarding: {
    link: 'New-hire onboarding',
    about: 'preview the checklist and its legal due dates, then start.',
    spec: () => ({
      title: 'Start onboarding',
      intro: 'Due dates are computed from the start date under the rules in force on it. Preview the plan, then start.',
      legend: 'The hire',
      fields: [
        row(field({ name: 'hireId', label: 'Hire id', required: true, hint: 'Letters, digits and dashes, e.g. h-1042' }), field({ name: 'name', label: 'Name', required: true, autocomplete: 'off' }), field({ name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'off' })),
        row(field({ name: 'role', label: 'Role', options: choices(HIRE_ROLES), required: true }), field({ name: 'startDate', label: 'Start date', type: 'date', required: true }), field({ name: 'managerEmail', label: 'Manager email', type: 'email', required: true, value: state.me?.email })),
        row(
          field({ name: 'occupationalExposure', label: 'Occupational exposure', options: [['', 'by role (default)'], ['true', 'yes'], ['false', 'no']], kind: 'boolean' }),
          field({ name: 'provider', label: 'Credentialed provider', options: [['', 'by role (default)'], ['true', 'yes'], ['false', 'no']], kind: 'boolean' }),
          field({ name: 'siteId', label: 'Site', hint: 'Default: practice' }),
        ),
      ],
      startLabel: 'Start onboarding',
      plan: {
        path: '/api/onboarding/plan',
        show: (plan) => ({ content: [h('p', null, `${plan.tasks.length} tasks. Nothing has started yet.`), table('Plan preview', ['Task', 'Who', 'Due', 'Rule'], plan.tasks.map((/** @type {any} */ t) => [t.title, t.assignee, t.dueDate, t.rule]))] }),
      },
      start: { path: '/api/onboarding', flash: (r) => `Onboarding started: ${r.flowId}.` },
    }),
  },
  credential: {
    link: 'Provider credential',
    about: 'a license, DEA registration, certification...: preview its reminders, lapse day and renewal window, then add it.',
    spec: () => ({
      title: 'Add a credential',
      intro: 'Reminders go out on business days before the due date, under the rule for the credential type and state. Preview the plan, then add.',
      legend: 'The credential',
      fields: [
        row(field({ name: 'credentialId', label: 'Credential id', required: true, hint: 'Letters, digits, - or _, e.g. lic-ca-1042' }), field({ name: 'providerId', label: 'Provider id', required: true, hint: 'NPI or the hire id' }), field({ name: 'type', label: 'Credential type', options: choices(CREDENTIAL_TYPES), required: true })),
        row(field({ name: 'jurisdiction', label: 'State', hint: 'Two letters, e.g. CA (licenses, DEA)' }), field({ name: 'issuer', label: 'Issuer', hint: 'Board, payer or hospital (required for payer and hospital)' }), field({ name: 'number', label: 'Number' })),
        row(field({ name: 'issueDate', label: 'Issue date', type: 'date' }), field({ name: 'dueDate', label: 'Due date', type: 'date', required: true, hint: 'Expiry or next due date' }), field({ name: 'evidence', label: 'Evidence', hint: 'Document id or file name' })),
        row(field({ name: 'providerEmail', label: 'Provider email', type: 'email', required: true, autocomplete: 'off' }), field({ name: 'ownerEmail', label: 'Owner email', type: 'email', required: true, value: state.me?.email, hint: 'The credentialing coordinator' }), field({ name: 'managerEmail', label: 'Manager email', type: 'email', required: true, value: state.me?.email })),
      ],
      startLabel: 'Add credential',
      plan: {
        path: '/api/credentials/plan',
        show: (plan) => ({
          content: [
            h('p', null, 'Nothing has been added yet.'),
            facts([
              ['Due date', plan.dueDate],
              ['Reminders', plan.reminders.join(', ')],
              ['Lapses on', plan.lapsesOn],
              ['Grace ends', plan.graceEndsOn],
              ['Renewal opens', plan.renewalOpensOn],
              ['Rule', plan.rule],
            ]),
          ],
        }),
      },
      start: { path: '/api/credentials', flash: (r) => `Credential added: ${r.flowId} (due ${r.plan.dueDate}).${r.warnings?.length ? ` ${r.warnings.join(' ')}` : ''}` },
    }),
  },
  'prior-auth': {
    link: 'Prior authorization',
    about: "preview the payer's decision deadline, then start the eligibility and documentation tasks.",
    spec: () => ({
      title: 'Start a prior authorization',
      intro: "Identifiers only: the patient is a reference (MRN), never a name. The preview shows the payer's decision deadline for a submission at the time given.",
      legend: 'The request',
      fields: [
        row(field({ name: 'authorizationId', label: 'Authorization id', required: true, hint: 'e.g. pa-2027-0042' }), field({ name: 'patientRef', label: 'Patient reference', required: true, autocomplete: 'off', hint: 'An identifier with digits, e.g. mrn-001234' }), field({ name: 'orderingProvider', label: 'Ordering provider', required: true, hint: 'NPI or practice id' })),
        payerFields(),
        row(field({ name: 'service.code', label: 'Service code', required: true, hint: 'CPT or HCPCS, e.g. 72148' }), field({ name: 'service.units', label: 'Units', type: 'number', min: '1', value: '1', required: true, kind: 'number' }), field({ name: 'service.scheduledDate', label: 'Scheduled date', type: 'date', required: true })),
        row(field({ name: 'urgency', label: 'Urgency', options: choices(['standard', 'expedited']), required: true }), field({ name: 'submittedAt', label: 'Submission to the payer', type: 'datetime-local', kind: 'datetime', required: true, hint: 'For the preview only: when the payer receives it' })),
        peopleFields(),
      ],
      startLabel: 'Start prior authorization',
      plan: {
        path: '/api/prior-auth/plan',
        body: (b) => ({ payer: b.payer, urgency: b.urgency, submittedAt: b.submittedAt }),
        show: (plan) => ({
          content: [
            h('p', null, 'Nothing has started yet. The payer clock starts when the submission is recorded.'),
            facts([
              ['Decision due', `${when(plan.decisionDueAt)} (${plan.decisionDueDate}, ${plan.timeZone})`],
              ['Clock', `${plan.amount} ${String(plan.unit).replace(/_/g, ' ')}`],
              ['Rule', plan.rule],
            ]),
          ],
        }),
      },
      start: {
        path: '/api/prior-auth',
        body: ({ submittedAt: _previewOnly, ...rest }) => rest,
        flash: (r) => `Prior authorization started: ${r.flowId}. Submit to the payer by ${r.submissionTarget.date}.`,
      },
    }),
  },
  appeal: {
    link: 'Claim appeal',
    about: 'preview the filing deadline of the appeal level (or why the denial cannot be appealed), then start.',
    spec: () => ({
      title: 'Start a claim appeal',
      intro: 'Identifiers only: the patient is a reference, never a name. The filing deadline counts from the denial notice (or its proven receipt).',
      legend: 'The denial',
      fields: [
        row(field({ name: 'appealId', label: 'Appeal id', required: true, hint: 'e.g. A-1042' }), field({ name: 'claimId', label: 'Claim id', required: true }), field({ name: 'patientRef', label: 'Patient reference', required: true, autocomplete: 'off', hint: 'An identifier, never a name' })),
        payerFields(),
        row(field({ name: 'dateOfService', label: 'Date of service', type: 'date', required: true }), field({ name: 'noticeDate', label: 'Notice date', type: 'date', required: true, hint: 'Date on the denial notice' }), field({ name: 'receivedDate', label: 'Received date', type: 'date', hint: 'If known and provable' })),
        row(
          field({ name: 'denialCodes', label: 'Denial codes', kind: 'list', required: true, hint: 'CARC/RARC, comma-separated, e.g. CO-50, N115' }),
          field({ name: 'billedAmount', label: 'Billed amount', type: 'number', min: '0', step: '0.01', kind: 'number', required: true }),
          field({ name: 'deniedAmount', label: 'Denied amount', type: 'number', min: '0', step: '0.01', kind: 'number', required: true }),
        ),
        row(field({ name: 'level', label: 'Appeal level', options: [['', 'first level for the payer (default)'], ...choices(APPEAL_LEVELS)] }), field({ name: 'priorAuthorizationId', label: 'Prior authorization id', hint: 'For a pre-service denial' })),
        peopleFields(),
      ],
      startLabel: 'Start appeal',
      plan: {
        path: '/api/appeals/plan',
        body: (b) => ({
          payer: b.payer,
          // Left out: the API plans the payer type's first level, the one a start files.
          level: b.level,
          noticeDate: b.noticeDate,
          receivedDate: b.receivedDate,
          dateOfService: b.dateOfService,
          denialCodes: b.denialCodes,
          amountInControversy: b.deniedAmount,
        }),
        aliases: { amountInControversy: 'deniedAmount' },
        show: (plan) => ({
          canStart: plan.appealable,
          content: plan.appealable
            ? [
                h('p', null, 'Nothing has started yet.'),
                facts([
                  ['Level', String(plan.level).replace(/_/g, ' ')],
                  ['Filing deadline', plan.filingDeadline],
                  ['Amount in controversy', plan.amountInControversy ? `${plan.amountInControversy.meets === false ? 'below' : 'meets'} the ${plan.amountInControversy.year} threshold of $${plan.amountInControversy.required}` : undefined],
                  ['Rule', plan.rule],
                ]),
              ]
            : [h('div', { class: 'alert', role: 'alert' }, h('strong', null, 'Not appealable: '), plan.reason ?? '', ' ', `(${plan.rule})`)],
        }),
      },
      start: { path: '/api/appeals', flash: (r) => `Appeal started: ${r.flowId}. File by ${r.plan.filingDeadline}.` },
    }),
  },
};

export function startPage() {
  page(
    'Start a flow',
    h('ul', null, Object.entries(START_FORMS).map(([key, f]) => h('li', null, link(`#/start/${key}`, f.link), ` – ${f.about}`))),
    h('p', null, 'The request fields of each are described in the ', link('/api/openapi.json', 'API document (OpenAPI)'), ' and by ', h('code', null, 'npx practiceflow --help'), '.'),
  );
}
