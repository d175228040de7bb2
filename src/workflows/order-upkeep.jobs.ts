import type { Clock } from '../platform/clock.ts';
import { systemActor, type RequestContext } from '../platform/context.ts';
import type { Database } from '../platform/db/index.ts';
import { allJobs, every, type Job } from '../platform/jobs.ts';
import type { Logger } from '../platform/logger.ts';
import { inTransaction } from '../platform/transaction.ts';
import { dueForExpiry, holdUntilShipped } from '../modules/inventory/reservations.service.ts';
import { linesOfOrders, lockOrders, noteMany, ordersAwaitingStock, transitionMany, type OrderRow } from '../modules/orders/orders.service.ts';
import { atWarehouse, holdsStock } from '../modules/orders/orders.lifecycle.ts';
import { tenantsWithWarehouses } from '../modules/warehouses/warehouses.service.ts';
import { allocate, allocationContext, giveBack } from './steps/stock-allocation.ts';

/**
 * Order upkeep (订单维护): the platform's own work on orders that wait, in the background —
 * reservations that run out, and backorders that take stock as it comes.
 */

export interface OrderUpkeepDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
}

/**
 * Releases reservations past their expiry (unpaid orders after 30 minutes by default), each with
 * a ledger movement. An unpaid order simply stops holding stock and takes it again when paid; a
 * paid order whose hold ran out stops in exception (reservation_expired) for a person to look at;
 * one whose goods are with a warehouse keeps them until they ship.
 * Orders are locked before their reservations, the order every writer follows.
 */
export async function expireDueReservations(deps: OrderUpkeepDeps, limit = 200): Promise<number> {
  const due = await dueForExpiry(deps, limit);
  const byTenant = new Map<string, string[]>();
  for (const d of due) byTenant.set(d.tenantId, [...(byTenant.get(d.tenantId) ?? []), d.orderId]);
  let released = 0;
  for (const [tenantId, orderIds] of byTenant) {
    const base: RequestContext = { tenantId, actor: systemActor('reservation-expiry'), clock: deps.clock, db: deps.db };
    released += await inTransaction(base, async (ctx) => {
      const locked = await lockOrders(ctx, orderIds);
      // Goods with a warehouse (or stopped there) are no longer a hold that can run out.
      const sent = locked.filter((o) => atWarehouse.includes(o.status) || (o.heldFrom !== null && atWarehouse.includes(o.heldFrom)));
      await holdUntilShipped(ctx, sent.map((o) => o.id));
      const orders = locked.filter((o) => !sent.includes(o));
      const count = await giveBack(ctx, orders.map((o) => o.id), 'expired', 'reservation expired', true);
      const stopped = orders.filter((o) => holdsStock.includes(o.status));
      await transitionMany(ctx, stopped.map((order) => ({ order, to: 'exception', reason: 'reservation_expired' })));
      await noteMany(ctx, orders.filter((o) => !holdsStock.includes(o.status)).map((o) => ({ orderId: o.id, type: 'reservation_expired' })));
      return count;
    });
  }
  return released;
}

/**
 * Paid orders still without stock (backorders, orders released back to paid), oldest payment
 * first, take stock as it comes. Returns how many moved on.
 */
async function allocateWaiting(ctx: RequestContext, orders: OrderRow[]): Promise<number> {
  if (orders.length === 0) return 0;
  return inTransaction(ctx, async (c) => {
    const alloc = await allocationContext(c);
    if (!alloc) return 0;
    const locked = (await lockOrders(c, orders.map((o) => o.id))).filter((o) => o.status === 'paid');
    const byArrival = locked.sort((a, b) => (a.paidAt?.getTime() ?? 0) - (b.paidAt?.getTime() ?? 0) || (a.id < b.id ? -1 : 1));
    const lines = await linesOfOrders(c, byArrival.map((o) => o.id));
    const candidates = byArrival.map((order) => ({
      order,
      lines: lines.filter((l) => l.orderId === order.id).map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity })),
      firstAttempt: false,
    }));
    return (await allocate(c, candidates, alloc)).size;
  });
}

/** Gives waiting paid orders (backorders, orders released to paid) their stock, oldest first. */
export async function allocateWaitingOrders(deps: OrderUpkeepDeps, limit = 200): Promise<number> {
  let moved = 0;
  for (const tenantId of await tenantsWithWarehouses(deps)) {
    const ctx: RequestContext = { tenantId, actor: systemActor('backorders'), clock: deps.clock, db: deps.db };
    moved += await allocateWaiting(ctx, await ordersAwaitingStock(ctx, limit));
  }
  return moved;
}

export function startOrderUpkeep(deps: OrderUpkeepDeps, options: { expiryMs?: number; backorderMs?: number } = {}): Job {
  return allJobs([
    every(options.expiryMs ?? 1_000, 'reservation expiry', deps.logger, () => expireDueReservations(deps)),
    every(options.backorderMs ?? 5_000, 'backorder allocation', deps.logger, () => allocateWaitingOrders(deps)),
  ]);
}
