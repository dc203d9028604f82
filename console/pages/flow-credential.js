// A credential's actions (its page is credentialFlowPage in flow.js): record a renewal, correct it,
// retire it, through POST /api/credentials/:credentialId/renew | change | retire.
import { field } from '../lib/forms.js';
import { actionForm, auditorHint, by, canWrite, isAuditor, seg } from './flow-form.js';

export function credentialActions(/** @type {any} */ detail) {
  if (detail.status === 'retired') return [];
  if (isAuditor()) return [auditorHint(['a renewal', 'a correction', 'retiring the credential'])];
  if (!canWrite()) return [];
  const c = detail.credential;
  const base = `/api/credentials/${seg(c.credentialId)}`;
  return [
    actionForm({
      title: 'Record a renewal',
      intro: `${detail.renewalOpensOn ? `Renewal opens ${detail.renewalOpensOn}. ` : ''}Without a new due date the next one follows from the rule's cycle (${detail.rule}). A lapsed credential renewed within its grace period is reinstated.`,
      fields: [
        field({ name: 'evidence', label: 'Evidence', required: true, hint: 'Document id or file name of the renewal' }),
        field({ name: 'newDueDate', label: 'New due date', type: 'date', hint: 'The expiry on the renewed document' }),
        field({ name: 'renewedOn', label: 'Renewed on', type: 'date', hint: 'Default: today' }),
        field({ name: 'number', label: 'New number', hint: 'If it changed' }),
        field({ name: 'note', label: 'Note', textarea: true }),
      ],
      submitLabel: 'Record renewal',
      post: (b) => [`${base}/renew`, { by: by(), ...b }],
      flash: (_b, r) => `Renewal recorded: due ${r.credential?.dueDate ?? ''}.`,
    }),
    actionForm({
      title: 'Correct the credential',
      intro: 'Only the fields you fill in change; the change is audited with the reason. A new due date restarts the reminders.',
      fields: [
        field({ name: 'changes.dueDate', label: 'Due date', type: 'date' }),
        field({ name: 'changes.issuer', label: 'Issuer' }),
        field({ name: 'changes.number', label: 'Number' }),
        field({ name: 'changes.evidence', label: 'Evidence' }),
        field({ name: 'changes.providerEmail', label: 'Provider email', type: 'email', autocomplete: 'off' }),
        field({ name: 'changes.ownerEmail', label: 'Owner email', type: 'email', autocomplete: 'off' }),
        field({ name: 'changes.managerEmail', label: 'Manager email', type: 'email', autocomplete: 'off' }),
        field({ name: 'reason', label: 'Reason for the correction', textarea: true, required: true }),
      ],
      submitLabel: 'Save correction',
      kind: 'secondary',
      post: (b) => [`${base}/change`, { by: by(), changes: b.changes ?? {}, reason: b.reason }],
      flash: () => 'Credential corrected.',
    }),
    actionForm({
      title: 'Retire the credential',
      intro: 'Its reminders stop and its lapse flags are lifted; its record is kept.',
      fields: [field({ name: 'reason', label: 'Reason for retiring', textarea: true, required: true })],
      submitLabel: 'Retire credential',
      kind: 'danger',
      post: (b) => [`${base}/retire`, { by: by(), reason: b.reason }],
      flash: () => 'Credential retired.',
    }),
  ];
}
