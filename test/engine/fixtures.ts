import type { ChecklistFlowInput } from '../../workflows/checklist/workflow';
import type { ReminderPolicyInput } from '../../domain/tasks';

export const MANAGER = 'manager@clinic.example';
export const ASSIGNEE = 'dana@clinic.example';

export const LADDER: ReminderPolicyInput = {
  sendAt: '09:00',
  before: [
    { amount: 10, unit: 'business_days' },
    { amount: 5, unit: 'business_days' },
    { amount: 1, unit: 'business_days' },
  ],
  onDueDate: true,
  escalateAfter: { amount: 1, unit: 'business_days' },
  overdueEvery: { amount: 2, unit: 'business_days' },
};

export function oneTaskFlow(dueDate: string, overrides: { assignee?: string; reminders?: ReminderPolicyInput } = {}): ChecklistFlowInput {
  return {
    title: 'Annual policy review',
    managerEmail: MANAGER,
    startedBy: MANAGER,
    practice: { timeZone: 'America/New_York' },
    reminders: overrides.reminders ?? LADDER,
    tasks: [
      {
        key: 'policy_review',
        title: 'Review the exposure control plan',
        assignee: { email: overrides.assignee ?? ASSIGNEE },
        due: { date: dueDate },
        rule: { citation: '29 CFR 1910.1030(c)(1)(iv)', summary: 'review at least annually' },
      },
    ],
  };
}
