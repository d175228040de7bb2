import { defineLifecycle, type Allowed, type TransitionTable } from '../../platform/lifecycle.ts';

/**
 * The stock-count task (盘点任务) lifecycle as data, run by the platform's lifecycle engine: a
 * task is opened in `open` (checked as an entry) and every later status change goes through
 * `count-tasks.service` `transition()`, which consults this table.
 */
export const countTaskStatuses = [
  'open', // 待盘点 waiting for someone to count the shelf
  'completed', // 已盘点 counted; the book was corrected to the count
  'cancelled', // 已取消 closed without a count (e.g. the difference was explained)
] as const;

export type CountTaskStatus = (typeof countTaskStatuses)[number];

const OPS: Allowed = ['admin', 'ops'];

export const transitions: TransitionTable<CountTaskStatus> = {
  open: { completed: OPS, cancelled: OPS },
  completed: {},
  cancelled: {},
};

/** Roles that may open a task by hand; the daily reconciliation opens them as the platform. */
export const openers: Allowed = OPS;

export const countTaskLifecycle = defineLifecycle<CountTaskStatus, { status: CountTaskStatus }>({
  noun: 'a count task',
  statuses: countTaskStatuses,
  table: transitions,
  entry: { open: openers },
  statusOf: (row) => row.status,
});
