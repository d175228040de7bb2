import type { RequestContext } from '../../platform/context.ts';
import type { InventorySettings } from '../inventory/inventory.settings.ts';
import { activeHoldings, holdForPaid, recordOversells, releaseOrders, reserveOrders } from '../inventory/reservations.service.ts';
import type { OrderRow } from '../orders/orders.service.ts';
import { noteMany, transitionMany, type PlannedTransition } from '../orders/orders.service.ts';

export interface OrderLineDemand {
  lineNo: number;
  sku: string;
  quantity: number;
}

/** An order that should hold stock for these lines. */
export interface AllocationCandidate {
  order: OrderRow;
  lines: OrderLineDemand[];
  /** First time this order asks: a shortfall is then recorded and noted; a retry stays quiet. */
  firstAttempt: boolean;
  /** Recorded in this very transaction, so it cannot hold anything yet. */
  isNew?: boolean;
}

export interface AllocationContext {
  settings: InventorySettings;
  /** Warehouses to try, preferred first. */
  warehouses: string[];
}

function sameLines(a: OrderLineDemand[] | undefined, b: OrderLineDemand[]): boolean {
  if (!a || a.length !== b.length) return false;
  const key = (l: OrderLineDemand) => `${l.lineNo}|${l.sku}|${l.quantity}`;
  const left = a.map(key).sort();
  return b.map(key).sort().every((k, i) => k === left[i]);
}

/**
 * Makes each candidate hold exactly its lines, in the caller's transaction: an order already
 * holding the same lines keeps them (a payment only lengthens their life), one holding other
 * lines gives them back first, the rest reserve as one batch. Paid orders that now hold stock
 * move to allocated; paid orders that cannot be filled stop as out_of_stock or wait as
 * backorders (tenant setting), and count as oversells. Returns the orders that changed status.
 */
export async function allocate(ctx: RequestContext, candidates: AllocationCandidate[], alloc: AllocationContext): Promise<Map<string, OrderRow>> {
  if (candidates.length === 0) return new Map();
  const holdings = await activeHoldings(ctx, candidates.filter((c) => !c.isNew).map((c) => c.order.id));
  const keep: AllocationCandidate[] = [];
  const reserve: AllocationCandidate[] = [];
  const changed: string[] = [];
  for (const c of candidates) {
    if (sameLines(holdings.get(c.order.id), c.lines)) keep.push(c);
    else {
      if (holdings.has(c.order.id)) changed.push(c.order.id);
      reserve.push(c);
    }
  }
  await releaseOrders(ctx, changed, 'released', 'order lines changed');
  const paidKept = keep.filter((c) => c.order.status === 'paid');
  await holdForPaid(ctx, paidKept.map((c) => c.order.id), alloc.settings);

  const outcomes = await reserveOrders(ctx, reserve.map((c) => ({
    orderId: c.order.id,
    channel: c.order.channel,
    shopId: c.order.shopId,
    paid: c.order.status !== 'created',
    lines: c.lines,
    warehouses: alloc.warehouses,
  })), alloc.settings);

  const planned: PlannedTransition[] = paidKept.map((c) => ({ order: c.order, to: 'allocated', reason: 'stock reserved' }));
  const notes: Parameters<typeof noteMany>[1] = [];
  const oversold: Parameters<typeof recordOversells>[1] = [];
  outcomes.forEach((outcome, i) => {
    const c = reserve[i]!;
    const paid = c.order.status === 'paid';
    if (outcome.status === 'reserved') {
      if (paid) planned.push({ order: c.order, to: 'allocated', reason: `stock reserved at ${outcome.warehouseCode}`, data: { warehouseCode: outcome.warehouseCode } });
      return;
    }
    if (!paid) {
      // Not the merchant's to fill yet: tried again when it is paid.
      if (c.firstAttempt) notes.push({ orderId: c.order.id, type: 'reservation_short', data: { short: outcome.short } });
      return;
    }
    if (c.firstAttempt) oversold.push({ orderId: c.order.id, channel: c.order.channel, shopId: c.order.shopId, short: outcome.short });
    if (alloc.settings.shortagePolicy === 'exception') {
      planned.push({ order: c.order, to: 'exception', reason: 'out_of_stock', data: { short: outcome.short } });
    } else if (c.firstAttempt) {
      notes.push({ orderId: c.order.id, type: 'backordered', reason: 'waiting for stock', data: { short: outcome.short } });
    }
  });
  await recordOversells(ctx, oversold);
  await noteMany(ctx, notes);
  return transitionMany(ctx, planned);
}
