// The onboarding plan: the tasks and due dates a flow will create for a hire. One pure function
// feeds the workflow, `practiceflow plan onboarding` and the API's preview, so they cannot disagree.
import { BusinessCalendar } from '../calendar/business-calendar';
import type { PracticeProfile } from '../practice/profile';
import type { TaskSpec } from '../tasks/model';
import type { OnboardingRequest } from './request';
import { CLINICAL_ROLES, PROVIDER_ROLES } from './roles';
import { rulesInEffect, type HireFacts } from './rules';

export interface OnboardingPlan {
  facts: Omit<HireFacts, 'practice'>;
  tasks: TaskSpec[];
}

export function hireFacts(request: OnboardingRequest, practice: PracticeProfile, startDate = request.startDate): HireFacts {
  return {
    startDate,
    jobLengthDays: request.jobLengthDays,
    occupationalExposure: request.occupationalExposure ?? CLINICAL_ROLES.has(request.role),
    provider: request.provider ?? PROVIDER_ROLES.has(request.role),
    clinical: CLINICAL_ROLES.has(request.role),
    practice,
  };
}

export function calendarFor(practice: PracticeProfile): BusinessCalendar {
  return new BusinessCalendar({ timeZone: practice.timeZone, closureDays: practice.closureDays, observeInaugurationDay: practice.observeInaugurationDay });
}

export function planOnboarding(request: OnboardingRequest, practice: PracticeProfile, startDate = request.startDate): OnboardingPlan {
  const facts = hireFacts(request, practice, startDate);
  const calendar = calendarFor(practice);
  const tasks = rulesInEffect(startDate)
    .filter((rule) => rule.appliesTo(facts))
    .map((rule): TaskSpec => {
      const due = rule.due(facts, calendar);
      return {
        key: rule.key,
        title: rule.title,
        assignee: rule.assignee === 'hire' ? { email: request.email, label: request.hireId } : { email: request.managerEmail, label: 'manager' },
        due: { date: due.date },
        rule: { citation: due.citation ?? rule.citation, summary: rule.summary },
        required: true,
        outcomes: rule.outcomes,
        reminders: practice.reminders,
      };
    });
  const { practice: _practice, ...rest } = facts;
  return { facts: rest, tasks };
}

/** The plan as `practiceflow plan onboarding` and the API print it. */
export function planView(plan: OnboardingPlan): { tasks: { key: string; title: string; dueDate: string; rule: string; assignee: string }[] } {
  return {
    tasks: plan.tasks.map((t) => ({
      key: t.key,
      title: t.title,
      dueDate: 'date' in t.due ? t.due.date : t.due.at.slice(0, 10),
      rule: t.rule?.citation ?? '',
      assignee: t.assignee.email,
    })),
  };
}
