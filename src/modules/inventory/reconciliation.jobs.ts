import type { Clock } from '../../platform/clock.ts';
import { systemActor, type RequestContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { every, type Job } from '../../platform/jobs.ts';
import { loggableError, type Logger } from '../../platform/logger.ts';
import { activeWarehousesAllTenants } from '../warehouses/warehouses.service.ts';
import { settingsFor, type InventorySettings } from './inventory.settings.ts';
import { alreadyReconciled, businessDate, pastReconcileTime, reconcileWarehouse, type ReconciliationRun } from './reconciliation.service.ts';

export interface ReconciliationDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Takes a fresh snapshot of a warehouse before it is reconciled (from its WMS), if it can. */
  takeSnapshot?: (ctx: RequestContext, warehouseCode: string) => Promise<unknown>;
}

const TICK_MS = 30_000;

/**
 * Days already seen reconciled by this process, so a tick does not ask the database again about
 * every warehouse; the database's unique day key stays the real guard across processes.
 */
export type SeenDays = Set<string>;

/**
 * Reconciles every active warehouse whose local clock has passed the tenant's `reconcileAt` and
 * whose local day has no run yet. Each warehouse runs on its own zone's calendar, so a Shanghai
 * warehouse and a Los Angeles one reconcile at their own 02:00. Safe to call from many processes.
 */
export async function reconcileDue(deps: ReconciliationDeps, now: Date = deps.clock.now(), seen: SeenDays = new Set()): Promise<(ReconciliationRun & { tenantId: string })[]> {
  const clock: Clock = { now: () => now };
  const settings = new Map<string, InventorySettings>();
  const runs: (ReconciliationRun & { tenantId: string })[] = [];
  for (const warehouse of await activeWarehousesAllTenants({ db: deps.db })) {
    const ctx: RequestContext = { tenantId: warehouse.tenantId, actor: systemActor('reconciliation'), clock, db: deps.db };
    const day = businessDate(now, warehouse.timeZone);
    const key = `${warehouse.tenantId}\u0000${warehouse.code}\u0000${day}`;
    if (seen.has(key)) continue;
    let tenantSettings = settings.get(warehouse.tenantId);
    if (!tenantSettings) settings.set(warehouse.tenantId, (tenantSettings = await settingsFor(ctx)));
    if (!pastReconcileTime(now, warehouse.timeZone, tenantSettings.reconcileAt)) continue;
    try {
      if (!(await alreadyReconciled(ctx, warehouse.code, day))) {
        // A WMS that does not answer leaves the day to the newest snapshot there is.
        await deps.takeSnapshot?.(ctx, warehouse.code).catch((err: unknown) =>
          deps.logger.warn({ tenantId: warehouse.tenantId, warehouseCode: warehouse.code, error: loggableError(err) }, 'no fresh snapshot from the WMS'));
        const run = await reconcileWarehouse(ctx, warehouse, 'daily');
        if (run) {
          runs.push({ tenantId: warehouse.tenantId, ...run });
          deps.logger.info({ tenantId: warehouse.tenantId, warehouseCode: warehouse.code, businessDate: day, outcome: run.outcome, countTasksOpened: run.countTasksOpened }, 'stock reconciled');
        }
      }
      seen.add(key);
    } catch (err) {
      // One warehouse failing must not hold up the others; it is tried again next tick.
      deps.logger.error({ tenantId: warehouse.tenantId, warehouseCode: warehouse.code, error: loggableError(err) }, 'reconciliation failed');
    }
  }
  return runs;
}

/** The daily reconciliation (每日对账), checked every 30 s. */
export function startReconciliation(deps: ReconciliationDeps): Job {
  const seen: SeenDays = new Set();
  return every(TICK_MS, 'reconciliation', deps.logger, async () => {
    if (seen.size > 100_000) seen.clear();
    await reconcileDue(deps, deps.clock.now(), seen);
  });
}
