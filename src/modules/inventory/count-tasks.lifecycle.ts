import type { Role } from '../../platform/context.ts';

/**
 * The stock-count task (盘点任务) lifecycle as data. Every status change goes through
 * `count-tasks.service` `transition()`, which consults this table.
 */
export const countTaskStatuses = [
  'open', // 待盘点 waiting for someone to count the shelf
  'completed', // 已盘点 counted; the book was corrected to the count
  'cancelled', // 已取消 closed without a count (e.g. the difference was explained)
] as const;

export type CountTaskStatus = (typeof countTaskStatuses)[number];

/** Who may ask for a transition: the platform itself always may; people only with these roles. */
type Allowed = readonly Role[];
const OPS: Allowed = ['admin', 'ops'];

export const transitions: Readonly<Record<CountTaskStatus, Partial<Record<CountTaskStatus, Allowed>>>> = {
  open: { completed: OPS, cancelled: OPS },
  completed: {},
  cancelled: {},
};

/** Roles that may open a task by hand; the daily reconciliation opens them as the platform. */
export const openers: Allowed = OPS;

export type TransitionCheck = { ok: true } | { ok: false; code: 'ILLEGAL_TRANSITION' | 'FORBIDDEN'; message: string };

export function checkTransition(from: CountTaskStatus, to: CountTaskStatus, role: Role | null): TransitionCheck {
  const allowed = transitions[from][to];
  if (!allowed) return { ok: false, code: 'ILLEGAL_TRANSITION', message: `a count task cannot go from ${from} to ${to}` };
  if (role !== null && !allowed.includes(role)) {
    return { ok: false, code: 'FORBIDDEN', message: `role ${role} may not move a count task from ${from} to ${to}` };
  }
  return { ok: true };
}
