import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { Clock } from '../../platform/clock.ts';
import { minorToDecimal } from '../../platform/money.ts';
import { ConversionLog } from '../../platform/time/conversions.ts';
import { currencyExponent } from '../time/time.regions.ts';
import { formatWallClock, offsetOf } from '../../platform/time/wall-clock.ts';
import { signQimen } from './qimen.sign.ts';
import { postToWms, unknownZone, type DeliveryOrderMessage, type PushOutcome, type WmsAdapter } from './wms.message.ts';

export interface QimenConfig {
  /** The WMS's Qimen router, e.g. https://wms.example.com/router/qimen/service. */
  readonly url: string;
  readonly appKey: string;
  readonly appSecret: string;
  /** The owner (货主) id the WMS knows the merchant by. */
  readonly customerId: string;
  readonly timeoutMs?: number;
}

const builder = new XMLBuilder({ format: false, suppressEmptyNode: true });
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

/** Failure codes that name the order itself: sending it again cannot help. */
const REJECTS_THE_ORDER = /^(invalid-data|invalid-xml|duplicate-code-conflict|isv\.invalid-parameter|isv\.missing-parameter)/;

/** Minor units as the decimal amount Qimen writes, in the currency's own exponent (JPY 0, CNY 2, KWD 3). */
const money = (minor: number, currency: string) => minorToDecimal(minor, currencyExponent(currency) ?? 2);

/** The UTC offset a zone had at an instant, as +08:00: with it the wall clock is never ambiguous. */

/**
 * `taobao.qimen.deliveryorder.create` as XML. Qimen times are wall-clock strings without a zone:
 * they are written in the warehouse's zone, and `extendProps` carries the zone and each time's
 * offset (a wall-clock time in the hour a DST change repeats would otherwise name two instants).
 */
export function deliveryOrderCreateXml(order: DeliveryOrderMessage, log = new ConversionLog('wms_out')): string {
  const wall = (field: string, at: Date | null) => (at ? log.wallClockOut(field, at, order.timeZone) : undefined);
  const r = order.receiver;
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build({
    request: {
      deliveryOrder: {
        deliveryOrderCode: order.code, orderType: 'JYCK', warehouseCode: order.warehouseCode, sourcePlatformCode: order.sourcePlatformCode,
        createTime: wall('createTime', order.createdAt), payTime: wall('payTime', order.paidAt),
        receiverInfo: { name: r.name, mobile: r.phone, countryCode: r.country, province: r.province, city: r.city, area: r.district ?? undefined, zipCode: r.postcode ?? undefined, detailAddress: r.address },
        extendProps: {
          timeZone: order.timeZone,
          createTimeOffset: offsetOf(order.createdAt, order.timeZone),
          payTimeOffset: order.paidAt ? offsetOf(order.paidAt, order.timeZone) : undefined,
          // The latest it may ship: its work day's cut-off on the warehouse's wall clock.
          shipBy: wall('shipBy', order.shipBy),
          shipByOffset: order.shipBy ? offsetOf(order.shipBy, order.timeZone) : undefined,
        },
      },
      orderLines: {
        orderLine: order.lines.map((l) => ({
          orderLineNo: l.lineNo, sourceOrderCode: order.sourceOrderCode, itemCode: l.sku, inventoryType: 'ZP', planQty: l.quantity, actualPrice: money(l.unitPriceFen, order.currency),
        })),
      },
    },
  })}`;
}

/** Criteria per inventory.query request. */
const QUERY_CHUNK = 100;

/** Sends delivery orders to a WMS over Qimen, signed, and reads its answer into a PushOutcome; asks it what it holds. */
export function qimenAdapter(config: QimenConfig, clock: Clock): WmsAdapter {
  const call = (method: string, body: string) => {
    const params = { method, timestamp: formatWallClock(clock.now()), format: 'xml', app_key: config.appKey, v: '2.0', sign_method: 'md5', customerId: config.customerId };
    const query = new URLSearchParams({ ...params, sign: signQimen(params, body, config.appSecret) });
    return postToWms(`${config.url}${config.url.includes('?') ? '&' : '?'}${query}`, { 'content-type': 'text/xml; charset=utf-8' }, body, config.timeoutMs);
  };
  return {
    async pushDeliveryOrder(order) {
      const refused = unknownZone(order);
      if (refused) return refused;
      const log = new ConversionLog('wms_out');
      const sent = await call('taobao.qimen.deliveryorder.create', deliveryOrderCreateXml(order, log));
      return { ...('kind' in sent ? sent : readAnswer(sent.status, sent.text)), conversions: log.records };
    },
    async queryInventory(warehouseCode, _timeZone, skus) {
      const lines: { sku: string; quantity: number }[] = [];
      for (let i = 0; i < skus.length; i += QUERY_CHUNK) {
        const criteria = skus.slice(i, i + QUERY_CHUNK).map((itemCode) => ({ warehouseCode, ownerCode: config.customerId, itemCode, inventoryType: 'ZP' }));
        const sent = await call('taobao.qimen.inventory.query', `<?xml version="1.0" encoding="utf-8"?>${builder.build({ request: { criteriaList: { criteria } } })}`);
        if ('kind' in sent) return { kind: 'failed', reason: sent.kind === 'retry' ? sent.reason : `${sent.kind}` };
        const response = parseResponse(sent.text);
        if (!response || String(response.flag ?? '') !== 'success') return { kind: 'failed', reason: `${String(response?.code ?? `HTTP ${sent.status}`)}: ${String(response?.message ?? '')}` };
        const raw = (response.items as { item?: unknown } | undefined)?.item;
        for (const item of (Array.isArray(raw) ? raw : raw ? [raw] : []) as Record<string, unknown>[]) {
          // quantity is what is free; lockQuantity is held for orders not shipped yet: both are on the shelf.
          const quantity = Number(item.quantity ?? 0) + Number(item.lockQuantity ?? 0);
          if (!Number.isInteger(quantity) || quantity < 0) return { kind: 'failed', reason: `quantity of ${String(item.itemCode)} is not a count` };
          lines.push({ sku: String(item.itemCode ?? ''), quantity });
        }
      }
      return { kind: 'counted', lines };
    },
  };
}

function parseResponse(text: string): Record<string, unknown> | undefined {
  try {
    return (parser.parse(text) as { response?: Record<string, unknown> }).response;
  } catch {
    return undefined;
  }
}

function readAnswer(status: number, text: string): PushOutcome {
  const response = parseResponse(text);
  if (!response) return { kind: 'retry', reason: `HTTP ${status} without a Qimen answer` };
  const flag = String(response.flag ?? '');
  const code = String(response.code ?? '');
  const message = String(response.message ?? '');
  if (flag === 'success') return { kind: 'accepted', wmsId: String(response.deliveryOrderId ?? '') };
  if (status < 500 && REJECTS_THE_ORDER.test(code)) return { kind: 'rejected', code, message };
  return { kind: 'retry', reason: `${code || `HTTP ${status}`}: ${message}` };
}
