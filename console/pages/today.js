// Today: what needs the manager now, their own tasks first (staff's home is My work, ./my-work.js).
import { api, get } from '../lib/api.js';
import { badge, flowLink, h, isoToday, table, when } from '../lib/dom.js';
import { lazySection, page } from '../lib/page.js';
import { state } from '../lib/state.js';
import { myTasksTable, myWork, myWorkPage } from './my-work.js';

/** Open tasks of running flows (their checklists), for "due this week" and escalations. */
export async function openTasksOfRunningFlows() {
  const { flows } = await get('/api/flows?status=running&limit=100');
  const details = [];
  for (let i = 0; i < flows.length; i += 8) {
    const batch = await Promise.all(flows.slice(i, i + 8).map((/** @type {any} */ f) => api('GET', `/api/flows/${encodeURIComponent(f.flowId)}`)));
    for (const r of batch) if (r.ok) details.push(r.data);
  }
  const tasks = [];
  for (const flow of details) {
    for (const task of flow.tasks) {
      if (task.status !== 'open') continue;
      const escalations = flow.history.filter((/** @type {any} */ e) => e.action === 'notice.escalation' && e.task === task.key);
      tasks.push({ flow, task, lastEscalation: escalations.at(-1)?.at });
    }
  }
  return tasks;
}

export function todayPage() {
  if (state.me?.role === 'staff') return myWorkPage();
  const today = isoToday();
  const inAWeek = isoToday(7);
  const tasks = openTasksOfRunningFlows();
  page(
    'Today',
    state.me?.role === 'auditor' ? h('p', { class: 'info' }, 'You are signed in as an auditor: you can read everything; changes are refused.') : null,
    h(
      'div',
      { class: 'grid' },
      // A manager is often an assignee too (the employer's I-9 review, new-hire reports).
      lazySection('Assigned to me', async () => {
        const { tasks } = await myWork();
        return { count: tasks.length, body: myTasksTable(tasks, 'Open tasks assigned to me', 'No open task is assigned to you.') };
      }),
      lazySection('Overdue tasks', async () => {
        const { obligations } = await get('/api/audit/overdue');
        return {
          count: obligations.length,
          body: table('Overdue tasks', ['Task', 'Flow', 'Assignee', 'Due', 'Days over'], obligations.map((/** @type {any} */ o) => [o.title, flowLink(o.flowId), o.assignee, o.dueDate, h('td', { class: 'num' }, o.daysOverdue)]), 'Nothing is overdue.'),
        };
      }),
      lazySection('Due this week', async () => {
        const due = (await tasks).filter((t) => !t.task.overdue && t.task.dueDate >= today && t.task.dueDate <= inAWeek).sort((a, b) => a.task.dueDate.localeCompare(b.task.dueDate));
        return { count: due.length, body: table('Due this week', ['Task', 'Flow', 'Assignee', 'Due'], due.map((t) => [t.task.title, flowLink(t.flow.flowId, t.flow.title), t.task.assignee.email, t.task.dueDate]), 'Nothing is due in the next 7 days.') };
      }),
      lazySection('Escalations', async () => {
        const escalated = (await tasks).filter((t) => t.lastEscalation);
        return { count: escalated.length, body: table('Escalations', ['Task', 'Flow', 'Due', 'Last escalation'], escalated.map((t) => [t.task.title, flowLink(t.flow.flowId, t.flow.title), t.task.dueDate, when(t.lastEscalation)]), 'No open task has been escalated.') };
      }),
      lazySection('Payer clocks past due', async () => {
        const { items } = await get('/api/worklist/prior-auth');
        const past = items.filter((/** @type {any} */ i) => i.pastClock);
        return {
          count: past.length,
          body: [
            table('Payer clocks past due', ['Authorization', 'Payer', 'Decision was due', 'Rule'], past.map((/** @type {any} */ i) => [flowLink(i.flowId, i.title), i.payer?.name ?? '', when(i.decisionDueAt), i.rule ?? '']), 'No payer is past its decision clock.'),
            h('p', { class: 'muted' }, `${items.length} request(s) waiting on payers.`),
          ],
        };
      }),
      lazySection('Credentials expiring within 90 days', async () => {
        const { credentials } = await get('/api/credentials?expiringWithinDays=90');
        return { count: credentials.length, body: credentialTable(credentials, 'No credential is due in the next 90 days.') };
      }),
      lazySection('Upcoming fire drills', async () => {
        const { occurrences } = await get('/api/osha/occurrences?status=upcoming&obligation=fire_drill');
        return {
          count: occurrences.length,
          body: table('Upcoming fire drills', ['Site', 'Period', 'Shift', 'Due', 'Rule'], occurrences.map((/** @type {any} */ o) => [o.flowId ? flowLink(o.flowId, o.siteId) : o.siteId, o.period, o.shift ?? '', o.dueDate, o.rule]), 'No drill is planned in the next 90 days.'),
        };
      }),
    ),
  );
}

/** @param {any[]} credentials @param {string} empty */
export function credentialTable(credentials, empty) {
  return table(
    'Credentials',
    ['Provider', 'Credential', 'Due', 'Days left', 'Status'],
    [...credentials].sort((a, b) => a.dueDate.localeCompare(b.dueDate)).map((c) => [c.providerId, flowLink(c.flowId, `${c.type}${c.jurisdiction ? ` (${c.jurisdiction})` : ''}`), c.dueDate, h('td', { class: 'num' }, c.daysUntilDue), badge(c.status, c.status === 'active' ? 'good' : c.status === 'retired' ? 'neutral' : 'bad')]),
    empty,
  );
}
