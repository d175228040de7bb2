import type { Clock } from '../../platform/clock.ts';
import { systemActor, type RequestContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { allJobs, every, type Job } from '../../platform/jobs.ts';
import type { Logger } from '../../platform/logger.ts';
import { dueForExpiry, holdUntilShipped } from '../inventory/reservations.service.ts';
import { lockOrders, noteMany, ordersAwaitingStock, transitionMany } from '../orders/orders.service.ts';
import { tenantsWithWarehouses } from '../warehouses/warehouses.service.ts';
import { allocateWaiting } from './pipeline.service.ts';
import { giveBack } from './pipeline.allocation.ts';
import { withRetryOnConflict } from './pipeline.retry.ts';

export interface PipelineJobDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
}

/** Statuses in which an order holds stock it has not shipped. */
const holding = new Set(['allocated', 'routed']);

/** Statuses in which an order's goods are with a warehouse (or stopped there): its stock is no longer a hold that can run out. */
const atWarehouse = new Set(['pushed', 'accepted_by_wms']);

/**
 * Releases reservations past their expiry (unpaid orders after 30 minutes by default), each with
 * a ledger movement. An unpaid order simply stops holding stock and takes it again when paid; a
 * paid order whose hold ran out stops in exception (reservation_expired) for a person to look at;
 * one whose goods are with a warehouse keeps them until they ship.
 * Orders are locked before their reservations, the order every writer follows.
 */
export async function expireDueReservations(deps: PipelineJobDeps, limit = 200): Promise<number> {
  const due = await dueForExpiry(deps, limit);
  const byTenant = new Map<string, string[]>();
  for (const d of due) byTenant.set(d.tenantId, [...(byTenant.get(d.tenantId) ?? []), d.orderId]);
  let released = 0;
  for (const [tenantId, orderIds] of byTenant) {
    released += await withRetryOnConflict(() =>
      deps.db.transaction(async (tx) => {
        const ctx: RequestContext = { tenantId, actor: systemActor('reservation-expiry'), clock: deps.clock, db: tx };
        const locked = await lockOrders(ctx, orderIds);
        const sent = locked.filter((o) => atWarehouse.has(o.status) || atWarehouse.has(o.heldFrom ?? ''));
        await holdUntilShipped(ctx, sent.map((o) => o.id));
        const orders = locked.filter((o) => !sent.includes(o));
        const count = await giveBack(ctx, orders.map((o) => o.id), 'expired', 'reservation expired', true);
        const stopped = orders.filter((o) => holding.has(o.status));
        await transitionMany(ctx, stopped.map((order) => ({ order, to: 'exception', reason: 'reservation_expired' })));
        await noteMany(ctx, orders.filter((o) => !holding.has(o.status)).map((o) => ({ orderId: o.id, type: 'reservation_expired' })));
        return count;
      }),
    );
  }
  return released;
}

/** Gives waiting paid orders (backorders, orders released to paid) their stock, oldest first. */
export async function allocateWaitingOrders(deps: PipelineJobDeps, limit = 200): Promise<number> {
  let moved = 0;
  for (const tenantId of await tenantsWithWarehouses(deps)) {
    const ctx: RequestContext = { tenantId, actor: systemActor('backorders'), clock: deps.clock, db: deps.db };
    moved += await allocateWaiting(ctx, await ordersAwaitingStock(ctx, limit));
  }
  return moved;
}

export function startPipelineJobs(deps: PipelineJobDeps, options: { expiryMs?: number; backorderMs?: number } = {}): Job {
  return allJobs([
    every(options.expiryMs ?? 1_000, 'reservation expiry', deps.logger, () => expireDueReservations(deps)),
    every(options.backorderMs ?? 5_000, 'backorder allocation', deps.logger, () => allocateWaitingOrders(deps)),
  ]);
}
