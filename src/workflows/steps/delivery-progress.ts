import type { RequestContext } from '../../platform/context.ts';
import type { Wake } from '../../platform/wake.ts';
import { acknowledgeAlertsAbout, raiseAlerts } from '../../modules/fulfillment/alerts.service.ts';
import { deliveriesDueNow, deliveryShipped, getDelivery, liveDeliveriesOf, retryDelivery, type DeliveryOrderRow, type ShipmentReport } from '../../modules/fulfillment/delivery-orders.service.ts';
import { shipOrder } from '../../modules/inventory/reservations.service.ts';
import { changeStock } from '../../modules/inventory/stock.service.ts';
import { orderProgress, sendingStopped } from '../../modules/fulfillment/delivery-orders.lifecycle.ts';
import { beingSent } from '../../modules/orders/orders.lifecycle.ts';
import { lockOrders, noteMany, transitionPaths, type OrderRow } from '../../modules/orders/orders.service.ts';

/**
 * Moves an order on as far as its live delivery orders have gone (orderProgress), in the caller's
 * transaction, with `data` on every step. Returns it as it ends up.
 */
export async function moveOn(ctx: RequestContext, order: OrderRow, live: DeliveryOrderRow[], data: Record<string, unknown>): Promise<OrderRow> {
  const steps = orderProgress(order, live).map((step) => ({ ...step, data: { ...step.data, ...data } }));
  return (await transitionPaths(ctx, [{ order, steps }])).get(order.id) ?? order;
}

/**
 * A delivery order left its warehouse, as its WMS (or, for a manual one, a person) says, in the
 * caller's transaction: its warehouse's reservations leave the book with it and its order moves on
 * (moveOn); the channel is told later by the dispatcher. Goods that left for an order cancelled
 * meanwhile leave the book all the same, without telling the channel, and an alert asks a person
 * to stop them.
 */
export async function shipped(ctx: RequestContext, warehouseCode: string, code: string, report: ShipmentReport): Promise<void> {
  // The order first, then its delivery order: the order every writer locks them in.
  const { orderId } = await getDelivery(ctx, code);
  const [order] = await lockOrders(ctx, [orderId]);
  const cancelled = order?.status === 'cancelled';
  const { row, effect } = await deliveryShipped(ctx, warehouseCode, code, report, !cancelled);
  if (!order || effect === 'again') return;
  const data = { deliveryOrder: code, carrier: report.carrier, trackingNo: report.trackingNo };
  if (cancelled || effect === 'cancelled') {
    // Its reservations went back when it was cancelled: the units leave the book here.
    await changeStock(ctx, row.lines.map((l) => ({ sku: l.sku, warehouseCode, quantity: -l.quantity })), {
      kind: 'wms_report', reason: `shipped by the warehouse after its order was cancelled (${code})`, reference: code,
    });
    await noteMany(ctx, [{ orderId: order.id, type: 'shipped_after_cancel', reason: `warehouse ${warehouseCode} shipped ${code} after the order was cancelled`, data }]);
    await raiseAlerts(ctx, [{ kind: 'shipped_after_cancel', subject: code, warehouseCode, orderId: order.id, message: `warehouse ${warehouseCode} shipped ${code} (${report.carrier ?? '?'} ${report.trackingNo ?? '?'}) for a cancelled order: intercept it or have it returned` }]);
    return;
  }
  await shipOrder(ctx, order.id, `delivery order ${code}`, warehouseCode);
  const live = (await liveDeliveriesOf(ctx, [order.id])).get(order.id) ?? [row];
  const moved = await moveOn(ctx, order, live, data);
  if (moved.status !== 'shipped') await noteMany(ctx, [{ orderId: order.id, type: 'package_shipped', reason: `warehouse ${warehouseCode} shipped ${code}`, data }]);
}

/**
 * An order released back to allocated, routed or pushed (from a hold or an exception) takes up
 * its delivery where it stands, in the caller's transaction: moved on if its delivery orders got
 * through while it waited; else, released to routed or pushed, its delivery orders are sent at
 * once, those that had failed or been refused too (the person releasing it asks for that).
 */
export async function resumeDelivery(ctx: RequestContext, order: OrderRow, linked: ReadonlySet<string>, deliveriesDue: Wake): Promise<OrderRow> {
  const live = (await liveDeliveriesOf(ctx, [order.id])).get(order.id) ?? [];
  const moved = await moveOn(ctx, order, live, { deliveryOrders: live.map((d) => d.code) });
  if (moved.status !== order.status || !beingSent.includes(order.status)) return moved;
  for (const d of live.filter((x) => sendingStopped.includes(x.status) && linked.has(x.warehouseCode))) {
    await retryDelivery(ctx, d.code, linked);
    await acknowledgeAlertsAbout(ctx, d.code);
  }
  if ((await deliveriesDueNow(ctx, [order.id])) > 0) deliveriesDue.notify();
  return moved;
}
