import type { Clock } from '../platform/clock.ts';
import { systemActor, type RequestContext } from '../platform/context.ts';
import type { Database } from '../platform/db/index.ts';
import { sqlStateOf } from '../platform/db/index.ts';
import { AppError, isAppError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { raiseAlerts, type Alert } from '../modules/fulfillment/alerts.service.ts';
import { getDelivery, rememberWmsMessage } from '../modules/fulfillment/delivery-orders.service.ts';
import { shipped } from './steps/delivery-progress.ts';
import { changeStock } from '../modules/inventory/stock.service.ts';
import { wmsLinks } from '../modules/warehouses/warehouses.service.ts';
import {
  appKeyOf, digestOf, inboundReply, protocolOf, readJsonInbound, readQimenInbound, subjectOf, type InboundRead, type InboundReply, type WmsMessage, type WmsRequest,
} from '../modules/wms/wms.inbound.ts';
import { inTransaction } from '../platform/transaction.ts';

export interface WmsInboundDeps {
  db: Database;
  clock: Clock;
  secrets: SecretBox;
  logger: Logger;
  signatureMaxSkewMs?: number;
}

async function take(ctx: RequestContext, message: WmsMessage): Promise<void> {
  if (message.kind === 'shipped') return shipped(ctx, message.warehouseCode, message.deliveryOrderCode, message);
  await changeStock(ctx, [{ sku: message.sku, warehouseCode: message.warehouseCode, quantity: message.quantity }], {
    kind: 'wms_report', reason: `stock change reported by the WMS at ${message.changedAt.toISOString()}`, reference: message.outBizCode,
  });
}

/**
 * Why a message was not taken, as the WMS is to hear it, and the alert a person must see when
 * sending it again cannot help (its code reused for other news; a stock figure the book cannot
 * hold); null for a failure of ours, which the WMS is right to retry.
 */
async function refusalOf(ctx: RequestContext, message: WmsMessage, err: unknown): Promise<{ error: AppError; alert: Alert | null } | null> {
  const about = `${message.warehouseCode}/${message.outBizCode}/${subjectOf(message)}`;
  if (isAppError(err) && err.code === 'WMS_MESSAGE_CONFLICT') {
    const orderId = message.kind === 'shipped' ? await getDelivery(ctx, message.deliveryOrderCode).then((d) => d.orderId, () => null) : null;
    return { error: err, alert: { kind: 'wms_message_conflict', subject: about, warehouseCode: message.warehouseCode, orderId, message: err.message } };
  }
  // integer out of range: the change would take a stock level past what its column holds.
  const overflow = message.kind === 'stock_changed' && (sqlStateOf(err) === '22003' || (isAppError(err) && err.code === 'QUANTITY_TOO_LARGE'));
  if (overflow) {
    const error = isAppError(err) ? err : new AppError('QUANTITY_TOO_LARGE', `a change of ${message.quantity} would take the stock of ${message.sku} at ${message.warehouseCode} out of range`);
    return { error, alert: { kind: 'wms_stock_out_of_range', subject: about, warehouseCode: message.warehouseCode, message: `the WMS of ${message.warehouseCode} reported ${message.outBizCode}: ${error.message}; count the SKU and correct the book` } };
  }
  return isAppError(err) ? { error: err, alert: null } : null;
}

/**
 * A message from a WMS to the tenant's endpoint (`/wms/{tenant}`), Qimen or JSON: verified with
 * the secret of a warehouse link under the app key it names, and refused unless the warehouse it
 * is about is linked with that app. It is taken once per outBizCode and subject (the delivery
 * order, or the SKU), its effect and the outBizCode written in one transaction: a repeat with the
 * same content is answered as taken; the same code and subject with other content is refused
 * (409) with an alert, never answered as taken and dropped.
 */
export async function receiveFromWms(deps: WmsInboundDeps, tenantId: string, request: WmsRequest): Promise<InboundReply> {
  const base: RequestContext = { tenantId, actor: systemActor('wms'), clock: deps.clock, db: deps.db };
  const protocol = protocolOf(request.query);
  const appKey = appKeyOf(request.query, request.headers);
  const links = [...(await wmsLinks(base, deps.secrets))].filter(([, l]) => l.protocol === protocol && l.appKey === appKey);
  let read: InboundRead = { ok: false, status: 401, code: 'BAD_SIGNATURE', reason: `no ${protocol} WMS link with app key ${appKey || '(none)'}` };
  let signedBy: Set<string> = new Set();
  const window = { now: deps.clock.now(), maxSkewMs: deps.signatureMaxSkewMs };
  for (const [, link] of links) {
    read = protocol === 'qimen' ? readQimenInbound(request.query, request.rawBody, link, window) : readJsonInbound(request.headers, request.rawBody, link, window);
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
    await inTransaction(base, async (ctx) => {
      const seen = await rememberWmsMessage(ctx, {
        warehouseCode: message.warehouseCode, outBizCode: message.outBizCode, subject: subjectOf(message), digest: digestOf(message), method: message.kind,
      });
      if (seen === 'conflict') {
        throw new AppError('WMS_MESSAGE_CONFLICT', `${message.outBizCode} about ${subjectOf(message)} was taken before with other content: the WMS reused the code for other news`);
      }
      if (seen === 'new') await take(ctx, message);
    });
  } catch (err) {
    const refusal = await refusalOf(base, message, err);
    if (!refusal) throw err;
    const { error, alert } = refusal;
    if (alert) await inTransaction(base, (ctx) => raiseAlerts(ctx, [alert]));
    deps.logger.warn({ tenantId, warehouseCode: message.warehouseCode, outBizCode: message.outBizCode, code: error.code, reason: error.message }, 'WMS message not taken');
    return inboundReply(protocol, { ok: false, status: error.status, code: error.code, reason: error.message });
  }
  return inboundReply(protocol, { ok: true });
}
