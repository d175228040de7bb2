import { pageOf, pageProbe } from '../../platform/paging.ts';
import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getWarehouse } from '../warehouses/warehouses.service.ts';
import { refuse, transition as lifecycleTransition, type Lifecycle, type LifecycleStore } from '../../platform/lifecycle.ts';
import { countTaskLifecycle, type CountTaskStatus } from './count-tasks.lifecycle.ts';
import * as repo from './count-tasks.repository.ts';
import type { CountTaskRow, NewCountTaskRow } from './count-tasks.repository.ts';
import * as inventory from './inventory.repository.ts';
import { correctToCount } from './stock.service.ts';

export type CountTask = ReturnType<typeof countTaskView>;

export function countTaskView(row: CountTaskRow) {
  return {
    id: row.id,
    warehouseCode: row.warehouseCode,
    sku: row.sku,
    status: row.status,
    runId: row.runId === null ? null : String(row.runId),
    bookQty: row.bookQty,
    physicalQty: row.physicalQty,
    differenceBp: row.differenceBp,
    countedQty: row.countedQty,
    correctionMovementId: row.correctionMovementId === null ? null : String(row.correctionMovementId),
    openedAt: row.openedAt.toISOString(),
    closedAt: row.closedAt ? row.closedAt.toISOString() : null,
    closedBy: row.closedBy,
    note: row.note,
  };
}

/** |physical − book| / book in basis points, rounded up so that "above the threshold" reads true. */
export function differenceBp(book: number, physical: number): number {
  if (book <= 0) return physical > 0 ? 10_000 : 0;
  // Capped to stay inside the integer column; anything this large is plainly wrong anyway.
  return Math.min(1_000_000, Math.ceil((Math.abs(physical - book) * 10_000) / book));
}

export interface Discrepancy {
  warehouseCode: string;
  sku: string;
  bookQty: number;
  physicalQty: number;
}

/** Opens a task for each difference, skipping those with one already open; returns those opened. */
export async function openTasks(ctx: RequestContext, found: Discrepancy[], runId: number | null, note: string | null = null): Promise<CountTaskRow[]> {
  const now = ctx.clock.now();
  // Opened by the platform's reconciliation, or by hand (openTaskByHand checks the role).
  refuse(countTaskLifecycle.checkEntry('open', null));
  const rows: NewCountTaskRow[] = found.map((d) => ({
    tenantId: ctx.tenantId, id: newId(), warehouseCode: d.warehouseCode, sku: d.sku, status: 'open', runId,
    bookQty: d.bookQty, physicalQty: d.physicalQty, differenceBp: differenceBp(d.bookQty, d.physicalQty), openedAt: now, note,
  }));
  return repo.insertOpenTasks(ctx.db, rows);
}

/**
 * Opens a task by hand (someone saw a shelf that does not match). Without a reported figure the
 * physical quantity is taken as the book's until the count says otherwise.
 */
export async function openTaskByHand(ctx: RequestContext, input: { warehouseCode: string; sku: string; physicalQty?: number; note?: string }): Promise<CountTask> {
  refuse(countTaskLifecycle.checkEntry('open', ctx.actor.role));
  await getWarehouse(ctx, input.warehouseCode);
  return ctx.db.transaction(async (tx) => {
    const level = await inventory.findLevel(tx, ctx.tenantId, { sku: input.sku, warehouseCode: input.warehouseCode });
    const book = level?.onHand ?? 0;
    const [opened] = await openTasks({ ...ctx, db: tx }, [
      { warehouseCode: input.warehouseCode, sku: input.sku, bookQty: book, physicalQty: input.physicalQty ?? book },
    ], null, input.note ?? null);
    if (!opened) {
      const existing = await repo.findOpenTask(tx, ctx.tenantId, input.warehouseCode, input.sku);
      throw new AppError('CONFLICT', `a count task for ${input.sku} at ${input.warehouseCode} is already open`, { taskId: existing?.id ?? null });
    }
    return countTaskView(opened);
  });
}

/**
 * SKUs someone counted or dismissed after `at`: a snapshot taken before that is older news than
 * the person at the shelf, so it must not reopen what they closed.
 */
export function skusSettledSince(ctx: RequestContext, warehouseCode: string, at: Date): Promise<Set<string>> {
  return repo.skusClosedSince(ctx.db, ctx.tenantId, warehouseCode, at);
}

export async function getTask(ctx: RequestContext, id: string): Promise<CountTask> {
  const row = await repo.findTask(ctx.db, ctx.tenantId, id);
  if (!row) throw new AppError('COUNT_TASK_NOT_FOUND', `count task ${id} not found`);
  return countTaskView(row);
}

export async function listTasks(ctx: RequestContext, filter: repo.TaskFilter) {
  const rows = await repo.listTasks(ctx.db, ctx.tenantId, { ...filter, limit: pageProbe(filter.limit) });
  const page = pageOf(rows, filter.limit, (last) => last.id);
  return { items: page.rows.map(countTaskView), nextBefore: page.next };
}

const lifecycle: Lifecycle<CountTaskStatus, CountTaskRow> = countTaskLifecycle;
const store: LifecycleStore<CountTaskStatus, CountTaskRow, repo.CountTaskPatch> = {
  idOf: (task) => task.id,
  lock: (db, tenantId, id) => repo.findTask(db, tenantId, id, true),
  notFound: (id) => new AppError('COUNT_TASK_NOT_FOUND', `count task ${id} not found`),
  save: repo.saveMoves,
};

/**
 * The one way a task changes status (the lifecycle engine): locks it, checks the transition table
 * and the actor's role, lets `effect` do the work of the step in the same transaction, then saves.
 */
async function transition(
  ctx: RequestContext,
  id: string,
  to: CountTaskStatus,
  effect: (tx: RequestContext, task: CountTaskRow) => Promise<repo.CountTaskPatch>,
): Promise<CountTask> {
  const saved = await lifecycleTransition(ctx, lifecycle, store, id, {
    to,
    effect: async (tx, task) => ({ ...(await effect(tx, task)), closedAt: ctx.clock.now(), closedBy: `${ctx.actor.kind}:${ctx.actor.id}` }),
  });
  return countTaskView(saved);
}

/** Completes a count: the book's on-hand becomes the counted figure, written as a count_correction movement. */
export function completeTask(ctx: RequestContext, id: string, input: { countedQty: number; note?: string }): Promise<CountTask> {
  return transition(ctx, id, 'completed', async (tx, task) => {
    const reason = input.note ? `stock count: ${input.note}` : 'stock count';
    const { movementId } = await correctToCount(tx, task.sku, task.warehouseCode, input.countedQty, reason, task.id);
    return { countedQty: input.countedQty, correctionMovementId: movementId, note: input.note ?? task.note };
  });
}

export function cancelTask(ctx: RequestContext, id: string, input: { note?: string }): Promise<CountTask> {
  return transition(ctx, id, 'cancelled', async (_tx, task) => ({ note: input.note ?? task.note }));
}
