import type { IncomingMessage, ServerResponse } from 'node:http';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { DateTime } from 'luxon';
import { qimenSignatureMatches } from '../../src/modules/wms/qimen.sign.ts';
import { parseWallClock, WallClockError } from '../../src/platform/time/wall-clock.ts';
import type { WmsDeliveryOrder, WmsLine, WmsStore } from './wms.store.ts';
import { readBody } from '../common/lifecycle.ts';

/**
 * Qimen (奇门) as a WMS answers it: `POST {url}/router/qimen/service?method=…&timestamp=…&format=xml
 * &app_key=…&v=2.0&sign=…&sign_method=md5&customerId=…` with an XML body, answered by
 * `<response><flag>success|failure</flag><code/><message/>…</response>`. Failures a retry can fix
 * (`service-unavailable`) come with HTTP 503; failures of the request itself with HTTP 200, as
 * Qimen answers them, and a code naming what is wrong.
 */
export interface QimenAccount {
  readonly appKey: string;
  readonly appSecret: string;
  readonly customerId: string;
}

export interface RecordedQimenRequest {
  readonly at: number;
  readonly method: string;
  readonly flag: 'success' | 'failure' | 'dropped';
  readonly code: string;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, isArray: (name) => ['orderLine', 'criteria', 'item', 'package'].includes(name) });
const builder = new XMLBuilder({ format: false, suppressEmptyNode: true });

export function qimenXml(root: 'request' | 'response', body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build({ [root]: body })}`;
}

export function parseQimenXml(xml: string): Record<string, unknown> | null {
  try {
    const doc = parser.parse(xml, true) as Record<string, unknown>;
    const root = (doc.request ?? doc.response) as Record<string, unknown> | undefined;
    return root && typeof root === 'object' ? root : null;
  } catch {
    return null;
  }
}

class QimenFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const str = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const need = (record: Record<string, unknown> | undefined, field: string, path: string): string => {
  const value = str(record?.[field]);
  if (!value) throw new QimenFailure(`invalid-data:${path}${field}`, `${path}${field} is required`);
  return value;
};

const WALL = 'yyyy-MM-dd HH:mm:ss';

/**
 * A Qimen wall-clock time read in the zone the sender named in `extendProps` (`timeZone`, and
 * `<field>Offset` where a DST change makes the wall clock ambiguous); GMT+8 when it named none.
 */
function readWallTime(value: string, extend: Record<string, unknown> | undefined, field: string): number {
  const offset = str(extend?.[`${field}Offset`]);
  const zone = offset ? `UTC${offset}` : str(extend?.timeZone) || 'Asia/Shanghai';
  const at = DateTime.fromFormat(value, WALL, { zone });
  if (!at.isValid) throw new QimenFailure(`invalid-data:deliveryOrder.${field}`, `${field} must be ${WALL} in a known zone (${zone})`);
  return at.toMillis();
}

/** A time as a Qimen WMS writes it: the wall clock of its zone. */
export function wallTime(at: number, zone: string): string {
  return DateTime.fromMillis(at, { zone }).toFormat(WALL);
}

export function createQimenGateway(options: {
  store: WmsStore;
  accounts: readonly QimenAccount[];
  now: () => number;
  recorded: RecordedQimenRequest[];
  /** The warehouses' zone, for the times this WMS writes. */
  zone: string;
}) {
  const { store, accounts, now, recorded, zone } = options;

  function deliveryOrderCreate(body: Record<string, unknown>): Record<string, unknown> {
    const d = body.deliveryOrder as Record<string, unknown> | undefined;
    const code = need(d, 'deliveryOrderCode', 'deliveryOrder.');
    const warehouseCode = need(d, 'warehouseCode', 'deliveryOrder.');
    if (!store.warehouses.has(warehouseCode)) throw new QimenFailure('invalid-data:deliveryOrder.warehouseCode', `warehouse ${warehouseCode} is not run by this WMS`);
    const receiver = (d?.receiverInfo ?? {}) as Record<string, unknown>;
    for (const field of ['name', 'mobile', 'province', 'city', 'detailAddress']) need(receiver, field, 'deliveryOrder.receiverInfo.');
    const rawLines = ((body.orderLines as Record<string, unknown> | undefined)?.orderLine ?? []) as Record<string, unknown>[];
    if (rawLines.length === 0) throw new QimenFailure('invalid-data:orderLines', 'a delivery order needs at least one orderLine');
    const lines: WmsLine[] = rawLines.map((line, i) => {
      const quantity = Number(need(line, 'planQty', `orderLines.orderLine[${i}].`));
      if (!Number.isInteger(quantity) || quantity <= 0) throw new QimenFailure(`invalid-data:orderLines.orderLine[${i}].planQty`, 'planQty must be a positive integer');
      return { lineNo: str(line.orderLineNo) || String(i + 1), itemCode: need(line, 'itemCode', `orderLines.orderLine[${i}].`), quantity };
    });
    need(d, 'createTime', 'deliveryOrder.');
    const extend = d?.extendProps as Record<string, unknown> | undefined;
    const sentTimes: Record<string, string> = {};
    const sentInstants: Record<string, number> = {};
    for (const field of ['createTime', 'payTime']) {
      const value = str(d?.[field]);
      if (!value) continue;
      sentTimes[field] = value;
      sentInstants[field] = readWallTime(value, extend, field);
    }
    const accepted = store.accept({ code, warehouseCode, lines, receiver: Object.fromEntries(Object.entries(receiver).map(([k, v]) => [k, str(v)])), sentTimes, sentInstants });
    if ('conflict' in accepted) throw new QimenFailure('duplicate-code-conflict', `deliveryOrderCode ${code} was accepted before with other content`);
    return { deliveryOrderId: accepted.order.wmsId, createTime: wallTime(accepted.order.acceptedAt, zone) };
  }

  function inventoryQuery(body: Record<string, unknown>): Record<string, unknown> {
    const criteria = ((body.criteriaList as Record<string, unknown> | undefined)?.criteria ?? []) as Record<string, unknown>[];
    if (criteria.length === 0) throw new QimenFailure('invalid-data:criteriaList', 'at least one criteria is required');
    const item = criteria.map((c, i) => {
      const warehouseCode = need(c, 'warehouseCode', `criteriaList.criteria[${i}].`);
      if (!store.warehouses.has(warehouseCode)) throw new QimenFailure(`invalid-data:criteriaList.criteria[${i}].warehouseCode`, `warehouse ${warehouseCode} is not run by this WMS`);
      const itemCode = need(c, 'itemCode', `criteriaList.criteria[${i}].`);
      const locked = store.unshipped(warehouseCode, itemCode);
      return { warehouseCode, itemCode, inventoryType: 'ZP', quantity: store.stockOf(warehouseCode, itemCode) - locked, lockQuantity: locked };
    });
    return { items: { item } };
  }

  const methods: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    'taobao.qimen.deliveryorder.create': deliveryOrderCreate,
    'taobao.qimen.inventory.query': inventoryQuery,
  };

  function check(query: URLSearchParams, raw: string): { method: string; body: Record<string, unknown> } {
    const params = Object.fromEntries(query.entries());
    for (const field of ['method', 'timestamp', 'format', 'app_key', 'v', 'sign', 'sign_method', 'customerId']) {
      if (!params[field]) throw new QimenFailure('missing-parameter', `${field} is required`);
    }
    for (const [field, wanted] of [['format', 'xml'], ['v', '2.0'], ['sign_method', 'md5']] as const) {
      if (params[field] !== wanted) throw new QimenFailure('invalid-parameter', `${field} must be ${wanted}`);
    }
    const account = accounts.find((a) => a.appKey === params.app_key);
    if (!account) throw new QimenFailure('invalid-app-key', `app_key ${params.app_key} is unknown`);
    if (account.customerId !== params.customerId) throw new QimenFailure('invalid-customer-id', `customerId ${params.customerId} is not this app's`);
    try {
      if (Math.abs(parseWallClock(params.timestamp!).getTime() - now()) > 10 * 60_000) throw new QimenFailure('invalid-timestamp', 'timestamp is more than 10 minutes off');
    } catch (err) {
      if (err instanceof WallClockError) throw new QimenFailure('invalid-timestamp', 'timestamp must be yyyy-MM-dd HH:mm:ss (GMT+8)');
      throw err;
    }
    if (!qimenSignatureMatches(params, raw, account.appSecret)) throw new QimenFailure('sign-check-failure', 'the signature does not match');
    if (!methods[params.method!]) throw new QimenFailure('invalid-method', `method ${params.method} is not served here`);
    const body = parseQimenXml(raw);
    if (!body) throw new QimenFailure('invalid-xml', 'the body is not a Qimen XML request');
    return { method: params.method!, body };
  }

  return async function gateway(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const body = await readBody(req).catch(() => null);
    if (body === null) return; // too large or aborted: the connection is gone
    const raw = body.toString('utf8');
    const method = url.searchParams.get('method') ?? '';
    const answer = (status: number, flag: 'success' | 'failure', code: string, message: string, extra: Record<string, unknown> = {}) => {
      recorded.push({ at: now(), method, flag, code });
      res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' }).end(qimenXml('response', { flag, code, message, ...extra }));
    };
    if (req.method !== 'POST' || url.pathname !== '/router/qimen/service') return answer(404, 'failure', 'not-found', 'POST /router/qimen/service');

    const busy = await store.play(req.socket, (dropped) => recorded.push({ at: now(), method, flag: 'dropped', code: dropped }));
    if (busy === null) return;
    if (busy) return answer(503, 'failure', 'service-unavailable', 'the WMS is busy, try again');
    try {
      const { method: m, body } = check(url.searchParams, raw);
      const result = methods[m]!(body);
      if (m === 'taobao.qimen.deliveryorder.create' && store.loseAnswer()) {
        recorded.push({ at: now(), method, flag: 'dropped', code: 'lost-answer' });
        req.socket.destroy();
        return;
      }
      return answer(200, 'success', '0', 'ok', result);
    } catch (err) {
      if (err instanceof QimenFailure) return answer(200, 'failure', err.code, err.message);
      return answer(500, 'failure', 'internal-error', String(err));
    }
  };
}

/** `extendProps` naming the zone of a wall-clock time and its offset then. */
export function zoneProps(at: number, zone: string, field: string): Record<string, string> {
  return { timeZone: zone, [`${field}Offset`]: DateTime.fromMillis(at, { zone }).toFormat('ZZ') };
}

/** The `deliveryorder.confirm` body a WMS sends when it ships, its time in the warehouse's zone. */
export function deliveryConfirmXml(order: WmsDeliveryOrder, zone: string): string {
  return qimenXml('request', {
    deliveryOrder: {
      deliveryOrderCode: order.code, deliveryOrderId: order.wmsId, warehouseCode: order.warehouseCode, orderType: 'JYCK',
      status: 'DELIVERED', outBizCode: `${order.wmsId}-DELIVERED`, confirmType: 0, orderConfirmTime: wallTime(order.shippedAt!, zone),
      extendProps: zoneProps(order.shippedAt!, zone, 'orderConfirmTime'),
    },
    packages: { package: [{ logisticsCode: order.carrier, expressCode: order.trackingNumber, items: { item: order.lines.map((l) => ({ itemCode: l.itemCode, quantity: l.quantity })) } }] },
    orderLines: { orderLine: order.lines.map((l) => ({ orderLineNo: l.lineNo, itemCode: l.itemCode, planQty: l.quantity, actualQty: l.quantity })) },
  });
}
