import type { RequestContext } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { inTransaction } from '../platform/transaction.ts';
import type { Wake } from '../platform/wake.ts';
import { liveDeliveriesOf } from '../modules/fulfillment/delivery-orders.service.ts';
import type { ReceiverCorrection, TransitionInput } from '../modules/orders/orders.input.ts';
import { ADDRESS_HOLD, beingSent, claimsStock } from '../modules/orders/orders.lifecycle.ts';
import { takenByWarehouse } from '../modules/fulfillment/delivery-orders.lifecycle.ts';
import { correctReceiver } from '../modules/orders/orders.receiver.ts';
import { lockOrders, transition, type OrderRow } from '../modules/orders/orders.service.ts';
import { linkedWarehouses } from '../modules/warehouses/warehouses.service.ts';
import { resumeDelivery } from './steps/delivery-progress.ts';
import { giveBack, takeStock } from './steps/stock-allocation.ts';

/** People's order actions (人工处理): status changes and receiver corrections, each with its stock and delivery consequences in one transaction. */
export interface OrderActions {
  changeStatus(ctx: RequestContext, orderId: string, request: TransitionInput): Promise<OrderRow>;
  correctReceiver(ctx: RequestContext, orderId: string, receiver: ReceiverCorrection): Promise<OrderRow>;
}

export interface OrderActionDeps {
  /** Woken when an order released by a person has delivery orders due again. */
  deliveriesDue: Wake;
}

export function orderActions(deps: OrderActionDeps): OrderActions {
  return {
    changeStatus: (ctx, orderId, request) => changeOrderStatus(ctx, orderId, request, deps.deliveriesDue),
    correctReceiver: correctOrderReceiver,
  };
}

/**
 * A status change asked for by a person, with its stock consequences in the same transaction:
 * a cancelled order gives its stock back; an order released to paid takes stock at once.
 */
async function changeOrderStatus(ctx: RequestContext, orderId: string, request: TransitionInput, deliveriesDue: Wake): Promise<OrderRow> {
  return inTransaction(ctx, async (c) => {
    if (request.to === 'paid' || request.to === 'allocated') await refuseRestartAtWarehouse(c, orderId, request.to);
    const order = await transition(c, orderId, request);
    if (order.status === 'cancelled') await giveBack(c, [order.id], 'released', `order cancelled: ${request.reason}`);
    // Released to a step of its delivery: it takes it up where it stands.
    if (order.status === 'allocated' || beingSent.includes(order.status)) return resumeDelivery(c, order, await linkedWarehouses(c), deliveriesDue);
    return order.status === 'paid' ? takeStock(c, order) : order;
  });
}

/**
 * An order whose goods a warehouse has taken cannot start over from payment or allocation: that
 * would reserve and send them a second time. It is released to routed instead.
 */
async function refuseRestartAtWarehouse(ctx: RequestContext, orderId: string, to: string): Promise<void> {
  await lockOrders(ctx, [orderId]);
  const taken = ((await liveDeliveriesOf(ctx, [orderId])).get(orderId) ?? []).filter((d) => takenByWarehouse.includes(d.status));
  if (taken.length === 0) return;
  throw new AppError('ORDER_AT_WAREHOUSE', `a warehouse has taken this order (${taken.map((d) => `${d.code} ${d.status}`).join(', ')}); release it to routed, not ${to}`, {
    deliveryOrders: taken.map((d) => ({ code: d.code, status: d.status })),
  });
}

/**
 * A receiver corrected by a person (correctReceiver). An order held because its address could not
 * be placed goes back to where it stopped, released by that person, and takes its stock at once
 * as a new order would (a paid one to allocated, an unpaid one holding for its payment), in the
 * same transaction.
 */
async function correctOrderReceiver(ctx: RequestContext, orderId: string, receiver: ReceiverCorrection): Promise<OrderRow> {
  return inTransaction(ctx, async (c) => {
    const order = await correctReceiver(c, orderId, receiver);
    if (order.status !== 'on_hold' || order.statusReason !== ADDRESS_HOLD || !order.heldFrom) return order;
    const released = await transition(c, order.id, { to: order.heldFrom, reason: 'address corrected' });
    return claimsStock.includes(released.status) ? takeStock(c, released) : released;
  });
}
