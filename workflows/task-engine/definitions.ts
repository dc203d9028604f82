// Messages every task-engine flow understands. Clients (API, CLI) import these definitions.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IncidentView, ResolveIncidentInput } from '../../domain/tasks/incidents';
import type { AddTaskInput, CancelFlowInput, ChangeDueInput, CompleteTaskInput, FlowView, TaskView } from '../../domain/tasks/model';

export const completeTaskUpdate = defineUpdate<TaskView, [CompleteTaskInput]>('completeTask');
export const changeDueUpdate = defineUpdate<TaskView, [ChangeDueInput]>('changeDue');
export const addTaskUpdate = defineUpdate<TaskView, [AddTaskInput]>('addTask');
export const cancelFlowUpdate = defineUpdate<FlowView, [CancelFlowInput]>('cancelFlow');
export const checklistQuery = defineQuery<FlowView>('checklist');
/** A flow's open incident (a record the database refused), if any: workflows/task-engine/incidents.ts. */
export const incidentQuery = defineQuery<IncidentView | null>('incident');
export const resolveIncidentUpdate = defineUpdate<IncidentView, [ResolveIncidentInput]>('resolveIncident');
