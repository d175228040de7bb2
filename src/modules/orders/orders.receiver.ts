import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { placeReceiver } from './orders.address.ts';
import { receiverFields } from './orders.ingest.ts';
import type { ReceiverCorrection } from './orders.input.ts';
import { beforeWarehouse, isStopped, WMS_REJECTED } from './orders.lifecycle.ts';
import * as repo from './orders.repository.ts';
import type { OrderRow } from './orders.repository.ts';
import { event } from './orders.service.ts';

/**
 * Until the delivery order has gone to a warehouse (also for an order stopped before that) the
 * receiver can still be corrected; so too when the WMS refused it (wms_rejected), often for its address.
 */
function correctable(order: OrderRow): boolean {
  if (order.status === 'exception' && order.statusReason === WMS_REJECTED) return true;
  const at = isStopped(order.status) ? order.heldFrom : order.status;
  return at !== null && beforeWarehouse.includes(at);
}

/**
 * Replaces an order's receiver (a person fixing an address that could not be placed, or one the
 * buyer asked to change), with an event naming what changed; from then on the channel's receiver
 * no longer replaces it. The country, when not given, stays the order's. A Chinese address that
 * still cannot be placed is refused with the reason and nothing changes. Runs in the caller's
 * transaction when `ctx.db` is one; the order's status is the caller's business.
 */
export async function correctReceiver(ctx: RequestContext, orderId: string, correction: ReceiverCorrection): Promise<OrderRow> {
  return ctx.db.transaction(async (tx) => {
    const order = await repo.findById(tx, ctx.tenantId, orderId, true);
    if (!order) throw new AppError('ORDER_NOT_FOUND', `order ${orderId} not found`);
    if (!correctable(order)) {
      throw new AppError('ORDER_NOT_EDITABLE', `the receiver of an order that is ${order.status} can no longer be changed`, { status: order.status, heldFrom: order.heldFrom });
    }
    const receiver = { ...correction, country: correction.country ?? order.receiverCountry };
    const { unplaced } = placeReceiver(receiver);
    if (unplaced) throw new AppError('ADDRESS_UNRESOLVED', `the address cannot be placed: ${unplaced.reason}`, { code: unplaced.code });
    const fields = receiverFields(receiver);
    const changed = (Object.keys(fields) as (keyof typeof fields)[]).filter((f) => !f.endsWith('Masked') && order[f] !== fields[f]);
    // The same receiver again (a retried request) changes nothing and writes nothing.
    if (changed.length === 0) return order;
    const now = ctx.clock.now();
    const updated = await repo.update(tx, ctx.tenantId, order.id, { ...fields, receiverCorrectedAt: now, updatedAt: now });
    await event(tx, ctx, order.id, { type: 'receiver_corrected', data: { changed } });
    return updated;
  });
}
