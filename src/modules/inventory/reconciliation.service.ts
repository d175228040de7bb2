import { localDateOf, localTimeOf } from '../../platform/time/wall-clock.ts';
import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { getWarehouse } from '../warehouses/warehouses.service.ts';
import { differenceBp, openTasks, skusSettledSince, type Discrepancy } from './count-tasks.service.ts';
import { settingsFor } from './inventory.settings.ts';
import * as repo from './reconciliation.repository.ts';
import type { RunRow, SnapshotRow } from './reconciliation.repository.ts';

export const snapshotSources = ['wms_query', 'stock_report', 'csv'] as const;
export type SnapshotSource = (typeof snapshotSources)[number];

export interface SnapshotInput {
  warehouseCode: string;
  source: SnapshotSource;
  /** When the WMS counted; defaults to now. */
  takenAt?: Date;
  lines: { sku: string; quantity: number }[];
}

/** A daily run compares the newest snapshot taken this long before it; an older one is stale. */
const SNAPSHOT_WINDOW_MS = 24 * 3600 * 1000;
/** A WMS clock slightly ahead of ours is tolerated; a snapshot from further in the future is refused. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const MAX_QUANTITY = 10_000_000;

export function snapshotView(row: SnapshotRow, lines: number, units: number) {
  return {
    id: String(row.id),
    warehouseCode: row.warehouseCode,
    source: row.source as SnapshotSource,
    takenAt: row.takenAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    lines,
    units,
  };
}

export function runView(row: RunRow) {
  return {
    id: String(row.id),
    warehouseCode: row.warehouseCode,
    businessDate: row.businessDate,
    snapshotId: row.snapshotId === null ? null : String(row.snapshotId),
    outcome: row.outcome as 'done' | 'no_snapshot',
    skusCompared: row.skusCompared,
    countTasksOpened: row.countTasksOpened,
    ranAt: row.ranAt.toISOString(),
  };
}
export type ReconciliationRun = ReturnType<typeof runView>;

/**
 * Records physical stock as a WMS reported it (库存查询 / 库存异动) or an upload gave it. A SKU
 * listed more than once is summed: WMS reports give one line per bin or batch.
 */
export async function recordSnapshot(ctx: RequestContext, input: SnapshotInput) {
  if (!snapshotSources.includes(input.source)) throw new AppError('VALIDATION_FAILED', `unknown snapshot source ${input.source}`);
  const now = ctx.clock.now();
  const takenAt = input.takenAt ?? now;
  if (takenAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new AppError('VALIDATION_FAILED', 'takenAt is in the future', [{ path: 'takenAt', message: 'must not be later than now' }]);
  }
  const bad = input.lines.flatMap((l, i) =>
    Number.isInteger(l.quantity) && l.quantity >= 0 && l.quantity <= MAX_QUANTITY && l.sku.length > 0
      ? []
      : [{ path: `lines.${i}`, message: `quantity must be a whole number from 0 to ${MAX_QUANTITY} and the SKU not empty` }],
  );
  if (bad.length > 0) throw new AppError('VALIDATION_FAILED', `${bad.length} snapshot line(s) are not valid`, bad);
  await getWarehouse(ctx, input.warehouseCode);

  const summed = new Map<string, number>();
  for (const l of input.lines) summed.set(l.sku, (summed.get(l.sku) ?? 0) + l.quantity);
  const lines = [...summed].map(([sku, quantity]) => ({ sku, quantity }));
  const row = await ctx.db.transaction((tx) =>
    repo.insertSnapshot(tx, { tenantId: ctx.tenantId, warehouseCode: input.warehouseCode, source: input.source, takenAt, receivedAt: now }, lines),
  );
  return snapshotView(row, lines.length, lines.reduce((sum, l) => sum + l.quantity, 0));
}

/** The warehouse's local date at `at` (对账日). */
export function businessDate(at: Date, zone: string): string {
  return localDateOf(at, zone);
}

/** Has the warehouse's local clock reached `reconcileAt` (HH:MM) today? */
export function pastReconcileTime(at: Date, zone: string, reconcileAt: string): boolean {
  return localTimeOf(at, zone) >= reconcileAt;
}

/**
 * Compares a snapshot with the book as it stood when the snapshot was taken (so goods shipped
 * after the count are not a difference). SKUs missing on one side count as zero there; SKUs
 * whose count task was closed after the snapshot are left alone.
 */
export async function compareSnapshot(ctx: RequestContext, snapshot: SnapshotRow, thresholdBp: number) {
  const [physical, book, settled] = await Promise.all([
    repo.snapshotLines(ctx.db, ctx.tenantId, snapshot.id),
    repo.bookAsOf(ctx.db, ctx.tenantId, snapshot.warehouseCode, snapshot.takenAt),
    skusSettledSince(ctx, snapshot.warehouseCode, snapshot.takenAt),
  ]);
  const skus = new Set([...physical.keys(), ...book.keys()]);
  const over: Discrepancy[] = [];
  for (const sku of [...skus].sort()) {
    const bookQty = Math.max(0, book.get(sku) ?? 0);
    const physicalQty = physical.get(sku) ?? 0;
    if (differenceBp(bookQty, physicalQty) > thresholdBp && !settled.has(sku)) over.push({ warehouseCode: snapshot.warehouseCode, sku, bookQty, physicalQty });
  }
  return { skusCompared: skus.size, over };
}

/**
 * One reconciliation of a warehouse for a business day. `daily` claims the day and does nothing
 * if the day is already taken (another process, or an earlier tick); `manual` runs again and
 * updates the day's record. Returns null when the day was already reconciled.
 */
export async function reconcileWarehouse(
  ctx: RequestContext,
  warehouse: { code: string; timeZone: string },
  mode: 'daily' | 'manual',
): Promise<ReconciliationRun | null> {
  const now = ctx.clock.now();
  const day = businessDate(now, warehouse.timeZone);
  const settings = await settingsFor(ctx);
  return ctx.db.transaction(async (db) => {
    const tx = { ...ctx, db };
    const claim = { tenantId: ctx.tenantId, warehouseCode: warehouse.code, businessDate: day, outcome: 'no_snapshot', ranAt: now };
    const run = mode === 'daily' ? await repo.claimRun(db, claim) : await repo.claimOrLockRun(db, claim);
    if (!run) return null;
    const snapshot = await repo.latestSnapshot(db, ctx.tenantId, warehouse.code, new Date(now.getTime() - SNAPSHOT_WINDOW_MS), now);
    if (!snapshot) {
      return runView(await repo.finishRun(db, ctx.tenantId, run.id, { snapshotId: null, outcome: 'no_snapshot', skusCompared: 0, countTasksOpened: run.countTasksOpened }));
    }
    const { skusCompared, over } = await compareSnapshot(tx, snapshot, settings.reconcileThresholdBp);
    const opened = await openTasks(tx, over, run.id);
    return runView(await repo.finishRun(db, ctx.tenantId, run.id, {
      snapshotId: snapshot.id, outcome: 'done', skusCompared, countTasksOpened: run.countTasksOpened + opened.length,
    }));
  });
}

/** Runs today's comparison for one warehouse now (a person asked), whatever the daily job did. */
export async function reconcileNow(ctx: RequestContext, warehouseCode: string): Promise<ReconciliationRun> {
  const warehouse = await getWarehouse(ctx, warehouseCode);
  return (await reconcileWarehouse(ctx, warehouse, 'manual'))!;
}

/** Has this warehouse's business day been reconciled already? */
export async function alreadyReconciled(ctx: RequestContext, warehouseCode: string, day: string): Promise<boolean> {
  return (await repo.findRun(ctx.db, ctx.tenantId, warehouseCode, day)) !== null;
}

export async function listRuns(ctx: RequestContext, warehouseCode: string, limit: number): Promise<ReconciliationRun[]> {
  await getWarehouse(ctx, warehouseCode);
  return (await repo.listRuns(ctx.db, ctx.tenantId, warehouseCode, limit)).map(runView);
}
