import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { DateTime } from 'luxon';
import type { Clock } from '../../platform/clock.ts';
import { formatWallClock } from '../../platform/wallclock.ts';
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

function money(fen: number): string {
  const units = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.trunc(units / 100)}.${String(units % 100).padStart(2, '0')}`;
}

/** The UTC offset a zone had at an instant, as +08:00: with it the wall clock is never ambiguous. */
const offsetAt = (at: Date, zone: string) => DateTime.fromJSDate(at, { zone }).toFormat('ZZ');

/**
 * `taobao.qimen.deliveryorder.create` as XML. Qimen times are wall-clock strings without a zone:
 * they are written in the warehouse's zone, and `extendProps` carries the zone and each time's
 * offset (a wall-clock time in the hour a DST change repeats would otherwise name two instants).
 */
export function deliveryOrderCreateXml(order: DeliveryOrderMessage): string {
  const wall = (at: Date | null) => (at ? formatWallClock(at, order.timeZone) : undefined);
  const r = order.receiver;
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build({
    request: {
      deliveryOrder: {
        deliveryOrderCode: order.code, orderType: 'JYCK', warehouseCode: order.warehouseCode, sourcePlatformCode: order.sourcePlatformCode,
        createTime: wall(order.createdAt), payTime: wall(order.paidAt),
        receiverInfo: { name: r.name, mobile: r.phone, countryCode: r.country, province: r.province, city: r.city, area: r.district ?? undefined, zipCode: r.postcode ?? undefined, detailAddress: r.address },
        extendProps: {
          timeZone: order.timeZone,
          createTimeOffset: offsetAt(order.createdAt, order.timeZone),
          payTimeOffset: order.paidAt ? offsetAt(order.paidAt, order.timeZone) : undefined,
        },
      },
      orderLines: {
        orderLine: order.lines.map((l) => ({
          orderLineNo: l.lineNo, sourceOrderCode: order.sourceOrderCode, itemCode: l.sku, inventoryType: 'ZP', planQty: l.quantity, actualPrice: money(l.unitPriceFen),
        })),
      },
    },
  })}`;
}

/** Sends delivery orders to a WMS over Qimen, signed, and reads its answer into a PushOutcome. */
export function qimenAdapter(config: QimenConfig, clock: Clock): WmsAdapter {
  return {
    async pushDeliveryOrder(order) {
      const refused = unknownZone(order);
      if (refused) return refused;
      const body = deliveryOrderCreateXml(order);
      const params = {
        method: 'taobao.qimen.deliveryorder.create', timestamp: formatWallClock(clock.now()), format: 'xml', app_key: config.appKey, v: '2.0', sign_method: 'md5', customerId: config.customerId,
      };
      const query = new URLSearchParams({ ...params, sign: signQimen(params, body, config.appSecret) });
      const sent = await postToWms(`${config.url}${config.url.includes('?') ? '&' : '?'}${query}`, { 'content-type': 'text/xml; charset=utf-8' }, body, config.timeoutMs);
      return 'kind' in sent ? sent : readAnswer(sent.status, sent.text);
    },
  };
}

function readAnswer(status: number, text: string): PushOutcome {
  let response: Record<string, unknown> | undefined;
  try {
    response = (parser.parse(text) as { response?: Record<string, unknown> }).response;
  } catch {
    response = undefined;
  }
  if (!response) return { kind: 'retry', reason: `HTTP ${status} without a Qimen answer` };
  const flag = String(response.flag ?? '');
  const code = String(response.code ?? '');
  const message = String(response.message ?? '');
  if (flag === 'success') return { kind: 'accepted', wmsId: String(response.deliveryOrderId ?? '') };
  if (status < 500 && REJECTS_THE_ORDER.test(code)) return { kind: 'rejected', code, message };
  return { kind: 'retry', reason: `${code || `HTTP ${status}`}: ${message}` };
}
