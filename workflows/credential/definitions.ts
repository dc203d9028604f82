// Messages of the credential workflow. The API and CLI import these, not the workflow module.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Credential, CredentialChange, RenewalInput, RetireInput } from '../../domain/credentialing';

export type CredentialStatus = 'active' | 'lapsed' | 'new_application_required' | 'retired';

export interface CredentialView {
  credential: Credential;
  status: CredentialStatus;
  cycle: number;
  flags: { flag: string; description: string }[];
  rule: string;
  nextNotice?: { key: string; at: string };
}

export const renewCredentialUpdate = defineUpdate<CredentialView, [RenewalInput]>('renewCredential');
export const changeCredentialUpdate = defineUpdate<CredentialView, [CredentialChange]>('changeCredential');
export const retireCredentialUpdate = defineUpdate<CredentialView, [RetireInput]>('retireCredential');
export const credentialQuery = defineQuery<CredentialView>('credential');

