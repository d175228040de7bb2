import type { RequestContext } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { inTransaction } from '../platform/transaction.ts';
import type { Wake } from '../platform/wake.ts';
import { acknowledgeAlertsAbout } from '../modules/fulfillment/alerts.service.ts';
import { deliveryView, getDelivery, retryDelivery, sendPendingNow, type DeliveryOrderRow } from '../modules/fulfillment/delivery-orders.service.ts';
import type { DeliveryActions } from '../modules/fulfillment/fulfillment.routes.ts';
import { lockOrders, transitionMany } from '../modules/orders/orders.service.ts';
import { linkedWarehouses } from '../modules/warehouses/warehouses.service.ts';
import { shipped } from './steps/delivery-progress.ts';

/** People's delivery-order actions: a delivery order sent again, or a manual one shipped by hand. */
export interface DeliveryActionDeps {
  /** Woken when a delivery order sent again by hand is due, so this process's dispatcher sends it at once. */
  deliveriesDue: Wake;
}

export function deliveryActions(deps: DeliveryActionDeps): DeliveryActions {
  return {
    retry: async (ctx, code) => deliveryView(await retryDeliveryByHand(ctx, code, deps.deliveriesDue)),
    shipByHand,
  };
}

/**
 * A delivery order that failed, was refused, or waits by hand, sent again by a person: it is owed
 * to its WMS again from now, and its order, stopped for it, goes back to routed, in one transaction.
 * One still in its retry schedule is made due now; its order, not stopped for it, stays as it is.
 */
async function retryDeliveryByHand(ctx: RequestContext, code: string, deliveriesDue: Wake): Promise<DeliveryOrderRow> {
  const linked = await linkedWarehouses(ctx);
  return inTransaction(ctx, async (c) => {
    // Its order locked first: every writer of its delivery orders holds that lock, so what is read next stays true.
    const [order] = await lockOrders(c, [(await getDelivery(c, code)).orderId]);
    const before = await getDelivery(c, code);
    if (before.status === 'pending') {
      const due = await sendPendingNow(c, code, linked);
      await acknowledgeAlertsAbout(c, code);
      return due;
    }
    const retried = await retryDelivery(c, code, linked);
    await acknowledgeAlertsAbout(c, code);
    // Sent again by this person: the platform moves the order back to routed for them.
    if (order && (order.status === 'exception' || order.status === 'allocated')) await transitionMany(c, [{ order, to: 'routed', reason: `delivery order ${code} sent again by hand` }]);
    return retried;
  }).finally(() => deliveriesDue.notify());
}

/** A manual delivery order (its warehouse has no WMS link) shipped by people, with carrier and tracking number, in one transaction. */
async function shipByHand(ctx: RequestContext, code: string, shipment: { carrier: string; trackingNo: string }) {
  return inTransaction(ctx, async (c) => {
    // Its order locked first: every writer of its delivery orders holds that lock, so what is read next stays true.
    await lockOrders(c, [(await getDelivery(c, code)).orderId]);
    const d = await getDelivery(c, code);
    if (d.status !== 'manual') throw new AppError('DELIVERY_NOT_MANUAL', `delivery order ${code} is ${d.status}; only manual ones are shipped by hand (the others by their WMS)`);
    await shipped(c, d.warehouseCode, code, { wmsId: null, carrier: shipment.carrier, trackingNo: shipment.trackingNo, shippedAt: c.clock.now() });
    return getDelivery(c, code);
  });
}
