// Messages specific to onboarding flows (the task engine's own are in ../task-engine/definitions).
import { defineUpdate } from '@temporalio/workflow';
import type { ChangeStartDateInput, HepBReversalInput } from '../../domain/onboarding/request';
import type { FlowView, TaskView } from '../../domain/tasks/model';

export const changeStartDateUpdate = defineUpdate<FlowView, [ChangeStartDateInput]>('changeStartDate');

/** 29 CFR 1910.1030(f)(2)(iv): an employee who declined may later accept; the vaccine is then made available. */
export const reverseHepBDeclinationUpdate = defineUpdate<TaskView, [HepBReversalInput]>('reverseHepBDeclination');
