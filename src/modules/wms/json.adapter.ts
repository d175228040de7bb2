import type { Clock } from '../../platform/clock.ts';
import { ConversionLog } from '../../platform/time/conversions.ts';
import { isoInZone } from '../../platform/time/instants.ts';
import { signWmsJson } from './json.sign.ts';
import { getFromWms, postToWms, unknownZone, type DeliveryOrderMessage, type PushOutcome, type WmsAdapter } from './wms.message.ts';

export interface WmsJsonConfig {
  /** Base URL; delivery orders go to `${url}/api/v1/delivery-orders`. */
  readonly url: string;
  readonly appKey: string;
  readonly appSecret: string;
  readonly timeoutMs?: number;
}

/** The delivery order as the JSON protocol has it; every instant ISO-8601 with the offset of the warehouse's zone, written down in `log`. */
export function deliveryOrderJson(order: DeliveryOrderMessage, log = new ConversionLog('wms_out')): string {
  const r = order.receiver;
  const zone = order.timeZone;
  return JSON.stringify({
    deliveryOrderCode: order.code, warehouseCode: order.warehouseCode, sourcePlatformCode: order.sourcePlatformCode, sourceOrderCode: order.sourceOrderCode,
    createdAt: log.isoOut('createdAt', order.createdAt, zone), ...(order.paidAt ? { paidAt: log.isoOut('paidAt', order.paidAt, zone) } : {}),
    ...(order.shipBy ? { shipBy: log.isoOut('shipBy', order.shipBy, zone) } : {}),
    receiver: { name: r.name, phone: r.phone, country: r.country, region: r.province, city: r.city, district: r.district, postcode: r.postcode, address: r.address },
    lines: order.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity, unitPrice: { amountMinor: l.unitPriceFen, currency: order.currency } })),
  });
}

/** Sends delivery orders to an overseas WMS over its JSON protocol, signed. */
export function wmsJsonAdapter(config: WmsJsonConfig, clock: Clock): WmsAdapter {
  return {
    async pushDeliveryOrder(order) {
      const refused = unknownZone(order);
      if (refused) return refused;
      const log = new ConversionLog('wms_out');
      const body = deliveryOrderJson(order, log);
      const timestamp = isoInZone(clock.now(), order.timeZone);
      const signature = signWmsJson(timestamp, body, config.appSecret);
      const headers = { 'content-type': 'application/json', 'x-app-key': config.appKey, 'x-timestamp': timestamp, 'x-signature': signature };
      const sent = await postToWms(`${config.url}/api/v1/delivery-orders`, headers, body, config.timeoutMs);
      return { ...('kind' in sent ? sent : readAnswer(sent.status, sent.text)), conversions: log.records };
    },
    async queryInventory(warehouseCode, timeZone, skus) {
      const lines: { sku: string; quantity: number }[] = [];
      for (const sku of skus) {
        const timestamp = isoInZone(clock.now(), timeZone);
        const headers = { 'x-app-key': config.appKey, 'x-timestamp': timestamp, 'x-signature': signWmsJson(timestamp, '', config.appSecret) };
        const sent = await getFromWms(`${config.url}/api/v1/inventory?${new URLSearchParams({ warehouseCode, sku })}`, headers, config.timeoutMs);
        if ('kind' in sent) return { kind: 'failed', reason: sent.kind === 'retry' ? sent.reason : sent.kind };
        const answer = parseAnswer(sent.text) as { items?: { sku?: string; available?: number; reserved?: number }[] } | null;
        if (sent.status !== 200 || !Array.isArray(answer?.items)) return { kind: 'failed', reason: `HTTP ${sent.status}: ${sent.text.slice(0, 200)}` };
        for (const item of answer.items) {
          // available is what is free, reserved what waits to ship: both are on the shelf.
          const quantity = Number(item.available ?? 0) + Number(item.reserved ?? 0);
          if (!Number.isInteger(quantity) || quantity < 0) return { kind: 'failed', reason: `quantity of ${String(item.sku)} is not a count` };
          lines.push({ sku: String(item.sku ?? sku), quantity });
        }
      }
      return { kind: 'counted', lines };
    },
  };
}

interface JsonAnswer {
  deliveryOrderId?: string;
  error?: { code?: string; message?: string };
}

function parseAnswer(text: string): JsonAnswer | null {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as JsonAnswer) : null;
  } catch {
    return null;
  }
}

function readAnswer(status: number, text: string): PushOutcome {
  const answer = parseAnswer(text);
  if ((status === 200 || status === 201) && answer?.deliveryOrderId) return { kind: 'accepted', wmsId: answer.deliveryOrderId };
  const code = answer?.error?.code ?? `HTTP_${status}`;
  const message = answer?.error?.message ?? '';
  // 400, 409 (its code taken by other content), 413 and 422 refuse the order itself; 401/403 our
  // credentials, 408/429/5xx the moment: both worth retrying.
  if ([400, 409, 413, 422].includes(status)) return { kind: 'rejected', code, message };
  return { kind: 'retry', reason: `${code}: ${message}` };
}
