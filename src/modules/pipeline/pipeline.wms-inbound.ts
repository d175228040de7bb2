import type { Clock } from '../../platform/clock.ts';
import { systemActor, withDb, type RequestContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { isAppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { deliveryShipped, getDelivery, liveDeliveriesOf, rememberWmsMessage, type ShipmentReport } from '../fulfillment/delivery-orders.service.ts';
import { shipOrder } from '../inventory/reservations.service.ts';
import { changeStock } from '../inventory/stock.service.ts';
import { lockOrders, noteMany, transitionMany, type OrderRow } from '../orders/orders.service.ts';
import { wmsLinks } from '../warehouses/warehouses.service.ts';
import { appKeyOf, inboundReply, protocolOf, readJsonInbound, readQimenInbound, type InboundRead, type InboundReply, type WmsMessage } from '../wms/wms.inbound.ts';
import { withRetryOnConflict } from './pipeline.retry.ts';

export interface WmsInboundDeps {
  db: Database;
  clock: Clock;
  secrets: SecretBox;
  logger: Logger;
}

export interface WmsRequest {
  query: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

/** Statuses from which a shipped delivery order moves its order on (a push that failed may have arrived after all). */
const beforeAcceptance = new Set(['routed', 'pushed', 'exception']);

/**
 * A delivery order shipped: its warehouse's reservations leave the book, and its order moves to
 * accepted_by_wms (if the acceptance never reached us) and to shipped once every one of its
 * delivery orders has shipped, in the caller's transaction.
 */
async function shipped(ctx: RequestContext, warehouseCode: string, code: string, report: ShipmentReport): Promise<void> {
  // The order first, then its delivery order: the order every writer locks them in.
  const { orderId } = await getDelivery(ctx, code);
  const [order] = await lockOrders(ctx, [orderId]);
  const { row: d, effect } = await deliveryShipped(ctx, warehouseCode, code, report);
  if (!order || effect === 'again') return;
  if (effect === 'cancelled' || order.status === 'cancelled') {
    await noteMany(ctx, [{ orderId: order.id, type: 'shipped_after_cancel', reason: `warehouse ${warehouseCode} shipped ${code} after the order was cancelled`, data: { carrier: report.carrier, trackingNo: report.trackingNo } }]);
    return;
  }
  await shipOrder(ctx, order.id, `delivery order ${code}`, warehouseCode);
  const live = (await liveDeliveriesOf(ctx, [order.id])).get(order.id) ?? [d];
  let current: OrderRow = order;
  const data = { deliveryOrder: code, carrier: report.carrier, trackingNo: report.trackingNo };
  if (beforeAcceptance.has(current.status) && live.every((x) => x.status === 'accepted' || x.status === 'shipped')) {
    current = (await transitionMany(ctx, [{ order: current, to: 'accepted_by_wms', reason: 'shipped by the WMS', data }])).get(order.id) ?? current;
  }
  if (current.status === 'accepted_by_wms' && live.every((x) => x.status === 'shipped')) {
    await transitionMany(ctx, [{ order: current, to: 'shipped', reason: `shipped from ${[...new Set(live.map((x) => x.warehouseCode))].join(' + ')}`, data }]);
  } else {
    await noteMany(ctx, [{ orderId: order.id, type: 'package_shipped', reason: `warehouse ${warehouseCode} shipped ${code}`, data }]);
  }
}

async function take(ctx: RequestContext, message: WmsMessage): Promise<void> {
  if (message.kind === 'shipped') return shipped(ctx, message.warehouseCode, message.deliveryOrderCode, message);
  await changeStock(ctx, [{ sku: message.sku, warehouseCode: message.warehouseCode, quantity: message.quantity }], {
    kind: 'wms_report', reason: `stock change reported by the WMS at ${message.changedAt.toISOString()}`, reference: message.outBizCode,
  });
}

/**
 * A message from a WMS to the tenant's endpoint (`/wms/{tenant}`), Qimen or JSON: verified with
 * the secret of a warehouse link under the app key it names, and refused unless the warehouse it
 * is about is linked with that app; taken once per outBizCode (a repeat is answered as taken),
 * its effect and the outBizCode written in one transaction.
 */
export async function receiveFromWms(deps: WmsInboundDeps, tenantId: string, request: WmsRequest): Promise<InboundReply> {
  const base: RequestContext = { tenantId, actor: systemActor('wms'), clock: deps.clock, db: deps.db };
  const protocol = protocolOf(request.query);
  const appKey = appKeyOf(request.query, request.headers);
  const links = [...(await wmsLinks(base, deps.secrets))].filter(([, l]) => l.protocol === protocol && l.appKey === appKey);
  let read: InboundRead = { ok: false, status: 401, code: 'BAD_SIGNATURE', reason: `no ${protocol} WMS link with app key ${appKey || '(none)'}` };
  let signedBy: Set<string> = new Set();
  for (const [, link] of links) {
    read = protocol === 'qimen' ? readQimenInbound(request.query, request.rawBody, link) : readJsonInbound(request.headers, request.rawBody, link);
    if (read.ok || read.code !== 'BAD_SIGNATURE') {
      signedBy = new Set(links.filter(([, l]) => l.appSecret === link.appSecret).map(([code]) => code));
      break;
    }
  }
  if (read.ok && !signedBy.has(read.message.warehouseCode)) {
    read = { ok: false, status: 401, code: 'BAD_SIGNATURE', reason: `warehouse ${read.message.warehouseCode} is not linked with app ${appKey}` };
  }
  if (!read.ok) {
    deps.logger.warn({ tenantId, code: read.code, reason: read.reason }, 'WMS message refused');
    return inboundReply(protocol, read);
  }
  const message = read.message;
  try {
    await withRetryOnConflict(() =>
      deps.db.transaction(async (tx) => {
        const ctx = withDb(base, tx);
        if (await rememberWmsMessage(ctx, message.warehouseCode, message.outBizCode, message.kind)) await take(ctx, message);
      }),
    );
  } catch (err) {
    if (!isAppError(err)) throw err;
    deps.logger.warn({ tenantId, warehouseCode: message.warehouseCode, outBizCode: message.outBizCode, code: err.code, reason: err.message }, 'WMS message not taken');
    return inboundReply(protocol, { ok: false, status: err.status, code: err.code, reason: err.message });
  }
  return inboundReply(protocol, { ok: true });
}
