// Every workflow type the worker registers; the workflow bundle is built from this file.
export { checklistFlow } from './checklist/workflow';
export { onboardingFlow } from './onboarding/workflow';
export { credentialFlow } from './credential/workflow';
export { claimAppealFlow } from './appeal/workflow';
export { priorAuthFlow } from './prior-auth/workflow';
export { oshaSiteFlow } from './osha/site';
export { oshaObligationFlow } from './osha/obligation';
export { oshaOccurrenceFlow } from './osha/occurrence';
export { bbpTrainingFlow } from './osha/bbp';
export { historyArchiveFlow } from './audit/archive';
export { ledgerNotaryFlow } from './audit/notary';
