import type { Clock } from '../platform/clock.ts';
import { systemActor, type RequestContext } from '../platform/context.ts';
import type { Database } from '../platform/db/index.ts';
import { isAppError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { rememberWmsMessage } from '../modules/fulfillment/delivery-orders.service.ts';
import { shipped } from './steps/delivery-progress.ts';
import { changeStock } from '../modules/inventory/stock.service.ts';
import { wmsLinks } from '../modules/warehouses/warehouses.service.ts';
import { appKeyOf, inboundReply, protocolOf, readJsonInbound, readQimenInbound, type InboundRead, type InboundReply, type WmsMessage, type WmsRequest } from '../modules/wms/wms.inbound.ts';
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
      if (await rememberWmsMessage(ctx, message.warehouseCode, message.outBizCode, message.kind)) await take(ctx, message);
    });
  } catch (err) {
    if (!isAppError(err)) throw err;
    deps.logger.warn({ tenantId, warehouseCode: message.warehouseCode, outBizCode: message.outBizCode, code: err.code, reason: err.message }, 'WMS message not taken');
    return inboundReply(protocol, { ok: false, status: err.status, code: err.code, reason: err.message });
  }
  return inboundReply(protocol, { ok: true });
}
