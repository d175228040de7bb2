import { systemActor, type RequestContext } from '../../platform/context.ts';
import { anySent, cancelDeliveries, deliveriesPaid, writeDeliveries, type RoutedDelivery } from '../../modules/fulfillment/delivery-orders.service.ts';
import { settingsFor, type InventorySettings } from '../../modules/inventory/inventory.settings.ts';
import { activeHoldings, holdForPaid, recordOversells, releaseOrders, reserveOrders, type ReleaseKind } from '../../modules/inventory/reservations.service.ts';
import type { OrderRow } from '../../modules/orders/orders.service.ts';
import type { DeliveryStatus } from '../../modules/fulfillment/delivery-orders.lifecycle.ts';
import { linesOfOrders, noteMany, transitionMany, type PlannedStep, type PlannedTransition } from '../../modules/orders/orders.service.ts';
import { holdForChannel } from '../../modules/orders/orders.ingest.ts';
import { capacityNow, deliveryContext, routedDelivery, routedRequests, routingConfig, type RoutingConfig } from './warehouse-routing.ts';

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
  routing: RoutingConfig;
}

/** What allocation needs of a tenant; null for a tenant without warehouses, which keeps no stock here (its orders are recorded and left as they are). */
export async function allocationContext(ctx: RequestContext): Promise<AllocationContext | null> {
  const routing = await routingConfig(ctx);
  if (routing.warehouses.length === 0) return null;
  return { routing, settings: await settingsFor(ctx) };
}

/** One order takes stock for its lines now, in the caller's transaction (allocate); returns it as it ends up. */
export async function takeStock(ctx: RequestContext, order: OrderRow): Promise<OrderRow> {
  const alloc = await allocationContext(ctx);
  if (!alloc) return order;
  const lines = (await linesOfOrders(ctx, [order.id])).map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity }));
  const moved = await allocate({ ...ctx, actor: systemActor('pipeline') }, [{ order, lines, firstAttempt: false }], alloc);
  return moved.get(order.id) ?? order;
}

/**
 * Orders give back the stock they hold (cancelled, expired, lines changed), and their delivery
 * orders not yet at a WMS stop with it.
 */
export async function giveBack(ctx: RequestContext, orderIds: string[], kind: ReleaseKind, reason: string, onlyDue = false): Promise<number> {
  const released = await releaseOrders(ctx, orderIds, kind, reason, onlyDue);
  await cancelDeliveries(ctx, orderIds, reason);
  return released;
}

/**
 * Where a paid order that holds stock goes, from its delivery orders: routed when one of them is
 * owed to a WMS, else allocated (people ship it). The one place this is decided, for new orders
 * admitted in a planned batch and for orders that take their stock under lock alike.
 */
export function heldStep(deliveries: { status: DeliveryStatus; code: string; warehouseCode: string }[]): PlannedStep {
  const warehouses = [...new Set(deliveries.map((d) => d.warehouseCode))];
  const data = { warehouseCode: warehouses[0], warehouses, deliveryOrders: deliveries.map((d) => d.code) };
  return anySent(deliveries)
    ? { to: 'routed', reason: `routed to ${warehouses.join(' + ')}`, data }
    : { to: 'allocated', reason: warehouses.length ? `stock reserved at ${warehouses.join(' + ')}` : 'stock reserved', data };
}

const heldTransition = (order: OrderRow, deliveries: Parameters<typeof heldStep>[0]): PlannedTransition => ({ order, ...heldStep(deliveries) });

function sameLines(a: OrderLineDemand[] | undefined, b: OrderLineDemand[]): boolean {
  if (!a || a.length !== b.length) return false;
  const key = (l: OrderLineDemand) => `${l.lineNo}|${l.sku}|${l.quantity}`;
  const left = a.map(key).sort();
  return b.map(key).sort().every((k, i) => k === left[i]);
}

/**
 * Makes each candidate hold exactly its lines, in the caller's transaction: an order already
 * holding the same lines keeps them (a payment only lengthens their life), one holding other
 * lines gives them back first, the rest are routed and reserve as one batch, and their delivery
 * orders are written. Paid orders that now hold stock move to routed (allocated when a warehouse
 * has no WMS link); orders no warehouse may take stop as no_warehouse; paid orders with a SKU in no
 * warehouse's book stop as unknown_sku; paid orders that cannot be filled stop as out_of_stock or wait as
 * backorders (tenant setting), and count as oversells. Orders that took safety stock are noted
 * (safety_stock_used). Paid orders their channel still holds stop on hold there (channel_hold),
 * keeping what they took. Returns the orders that changed status.
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
  await giveBack(ctx, changed, 'released', 'order lines changed');
  const paidKept = keep.filter((c) => c.order.status === 'paid');
  await holdForPaid(ctx, paidKept.map((c) => c.order.id), alloc.settings);
  const capacity = await capacityNow(ctx, alloc.routing);
  const keptDeliveries = await deliveriesPaid(ctx, paidKept.map((c) => c.order.id), deliveryContext(alloc.routing, capacity));

  const { requests, routes } = routedRequests(reserve.map((c) => ({
    orderId: c.order.id, channel: c.order.channel, shopId: c.order.shopId, paid: c.order.status !== 'created', lines: c.lines,
    receiver: { country: c.order.receiverCountry, provinceCode: c.order.provinceCode, cityCode: c.order.cityCode, districtCode: c.order.districtCode },
    steer: c.order.routingSteer,
  })), alloc.routing, capacity);
  const outcomes = await reserveOrders(ctx, requests, alloc.settings);

  const routed: RoutedDelivery[] = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'reserved') routed.push(routedDelivery(outcome, routes.get(outcome.orderId)!, reserve[i]!.order.status === 'paid'));
  });
  const written = await writeDeliveries(ctx, routed, deliveryContext(alloc.routing, capacity));

  const planned: PlannedTransition[] = paidKept.map((c) => heldTransition(c.order, keptDeliveries.get(c.order.id) ?? []));
  const notes: Parameters<typeof noteMany>[1] = [];
  const oversold: Parameters<typeof recordOversells>[1] = [];
  outcomes.forEach((outcome, i) => {
    const c = reserve[i]!;
    const paid = c.order.status === 'paid';
    if (outcome.status === 'reserved') {
      for (const use of outcome.safetyStockUsed) notes.push({ orderId: c.order.id, type: 'safety_stock_used', reason: `took ${use.units} of ${use.sku}'s safety stock at ${use.warehouseCode}`, data: { ...use } });
      if (paid) planned.push(heldTransition(c.order, written.filter((d) => d.orderId === c.order.id)));
      return;
    }
    const route = routes.get(c.order.id)!;
    if (route.unroutable()) {
      // No warehouse may take it at all: not a shortage of stock, so no oversell either.
      const data = { dropped: route.decision().dropped };
      if (paid) planned.push({ order: c.order, to: 'exception', reason: 'no_warehouse', data });
      else if (c.firstAttempt) notes.push({ orderId: c.order.id, type: 'no_warehouse', data });
      return;
    }
    if (outcome.reason === 'unknown_sku') {
      // No warehouse keeps the SKU: no channel was offered it, so not an oversell, and no stock to wait for.
      const data = { unknownSkus: outcome.unknownSkus, short: outcome.short };
      if (paid) planned.push({ order: c.order, to: 'exception', reason: 'unknown_sku', data });
      else if (c.firstAttempt) notes.push({ orderId: c.order.id, type: 'unknown_sku', data });
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
  const moved = await transitionMany(ctx, planned);
  // What its channel still holds stops there, holding its stock, until the channel releases it.
  for (const [id, order] of await holdForChannel(ctx, [...moved.values()])) moved.set(id, order);
  return moved;
}
