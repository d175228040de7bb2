import { createServer } from 'node:http';
import { signQimen } from '../../src/modules/wms/qimen.sign.ts';
import { formatWallClock } from '../../src/platform/time/wall-clock.ts';
import { closeServer, listen, OneAtATime, SandboxClock } from '../common/lifecycle.ts';
import { DateTime } from 'luxon';
import { createJsonGateway, jsonSignedHeaders, shipmentJson, type RecordedJsonRequest } from './json.gateway.ts';
import { createQimenGateway, deliveryConfirmXml, parseQimenXml, qimenXml, wallTime, zoneProps, type RecordedQimenRequest } from './qimen.gateway.ts';
import { WmsStore, type WmsDeliveryOrder, type WmsFaults } from './wms.store.ts';

/**
 * A warehouse management system, speaking Qimen (奇门, XML) or the JSON protocol of overseas
 * warehouses: a real HTTP server that checks signatures, accepts delivery orders once each (a code
 * sent again is answered as before and counted as a duplicate), answers inventory queries, ships
 * accepted orders after a delay and tells the OMS (signed, to `callback.url`: Qimen
 * `deliveryorder.confirm`, or a JSON `shipped` message) until the OMS takes it, reports stock
 * changes, and misbehaves on request: refused requests, requests held and dropped, whole outage
 * windows in which every connection is dropped.
 */
export interface WmsCallback {
  /** The OMS's endpoint; for Qimen, the method and signed parameters are added to its query. */
  readonly url: string;
  readonly appKey: string;
  readonly appSecret: string;
  /** Qimen only. */
  readonly customerId?: string;
}

export interface WmsAccount {
  readonly appKey: string;
  readonly appSecret: string;
  /** Qimen: the owner (货主) id the app signs for. */
  readonly customerId?: string;
}

export interface WmsSandboxOptions {
  readonly port?: number;
  readonly host?: string;
  /** qimen (default) or json. */
  readonly protocol?: 'qimen' | 'json';
  /** The warehouses' zone, for the times the WMS writes (Qimen: wall clock with the zone in extendProps). Qimen defaults to Asia/Shanghai, JSON to UTC. */
  readonly timeZone?: string;
  readonly accounts: readonly WmsAccount[];
  /** Warehouse codes this WMS runs. */
  readonly warehouses: readonly string[];
  readonly seed?: number | string;
  readonly clock?: () => number | Date;
  readonly faults?: WmsFaults;
  /** Ship an accepted order this long after acceptance (by `shipDue`, or by the timer below). */
  readonly shipAfterMs?: number;
  /** Runs `shipDue` on a timer of this period; off when unset. */
  readonly autoShipEveryMs?: number;
  readonly callback?: WmsCallback;
}

export interface CallbackDelivery {
  readonly at: number;
  readonly method: string;
  readonly deliveryOrderCode: string | null;
  readonly status: number | null;
  readonly body: string;
}

export interface WmsSandbox {
  readonly url: string;
  readonly store: WmsStore;
  readonly recorded: { readonly requests: (RecordedQimenRequest | RecordedJsonRequest)[]; readonly callbacks: CallbackDelivery[] };
  /** Every connection is dropped for this long from now. */
  outage(ms: number): void;
  advance(ms: number): void;
  /** Ships the orders due and sends the OMS every message it has not taken yet (confirmations, stock reports). */
  shipDue(): Promise<WmsDeliveryOrder[]>;
  /** Where to report from now on, for an OMS whose address is known only once it listens. */
  connect(callback: WmsCallback): void;
  /** Moves the stock once and reports it to the OMS; whether the OMS took the report (if not, shipDue sends it again, same outBizCode). */
  reportStockChange(warehouseCode: string, itemCode: string, quantity: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startWmsSandbox(options: WmsSandboxOptions): Promise<WmsSandbox> {
  const clock = new SandboxClock(options.clock);
  const now = () => clock.now();
  const store = new WmsStore(new Set(options.warehouses), options.faults ?? {}, options.seed ?? 1, now);
  const json = options.protocol === 'json';
  const zone = options.timeZone ?? (json ? 'UTC' : 'Asia/Shanghai');
  let callback = options.callback;
  const recorded = { requests: [] as (RecordedQimenRequest | RecordedJsonRequest)[], callbacks: [] as CallbackDelivery[] };
  const gateway = json
    ? createJsonGateway({ store, accounts: options.accounts, now, recorded: recorded.requests as RecordedJsonRequest[] })
    : createQimenGateway({ store, accounts: options.accounts.map((a) => ({ ...a, customerId: a.customerId ?? '' })), now, recorded: recorded.requests as RecordedQimenRequest[], zone });
  const server = createServer((req, res) => {
    // What this WMS holds, for a person to look at (the demo prints the address); not part of either protocol.
    if (req.method === 'GET' && req.url?.split('?')[0] === '/sandbox/delivery-orders') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ items: heldOrders(store) }, null, 2));
      return;
    }
    void gateway(req, res);
  });
  const { url } = await listen(server, options.port, options.host);
  const shipping = new OneAtATime<WmsDeliveryOrder[]>();
  let sequence = 0;

  /** Sends one signed call to the OMS; true when it was taken (2xx, and for Qimen not a failure envelope). */
  async function call(method: string, body: string, deliveryOrderCode: string | null): Promise<boolean> {
    if (!callback) return true;
    let target = callback.url;
    let headers: Record<string, string>;
    if (json) {
      headers = jsonSignedHeaders(callback.appKey, callback.appSecret, body, now(), zone);
    } else {
      const params = {
        method, timestamp: formatWallClock(new Date(now())), format: 'xml', app_key: callback.appKey, v: '2.0', sign_method: 'md5', customerId: callback.customerId ?? '',
      };
      target = `${callback.url}${callback.url.includes('?') ? '&' : '?'}${new URLSearchParams({ ...params, sign: signQimen(params, body, callback.appSecret) })}`;
      headers = { 'content-type': 'text/xml; charset=utf-8' };
    }
    let status: number | null = null;
    let answer = '';
    try {
      const res = await fetch(target, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) });
      status = res.status;
      answer = await res.text();
    } catch (err) {
      answer = String(err);
    }
    recorded.callbacks.push({ at: now(), method, deliveryOrderCode, status, body: answer });
    if (status === null || status < 200 || status >= 300) return false;
    return json || parseQimenXml(answer)?.flag === 'success';
  }

  /** Messages to the OMS not taken yet, by their key (delivery order code, or outBizCode of a stock report), sent again until taken. */
  const outbox = new Map<string, { method: string; body: string; deliveryOrderCode: string | null }>();

  async function shipDue(): Promise<WmsDeliveryOrder[]> {
    return shipping.run(async () => {
      const shipped = options.shipAfterMs === undefined ? [] : store.dueToShip(options.shipAfterMs).map((o) => store.ship(o.code));
      for (const order of shipped) {
        outbox.set(order.code, json
          ? { method: 'shipped', body: shipmentJson(order, zone), deliveryOrderCode: order.code }
          : { method: 'taobao.qimen.deliveryorder.confirm', body: deliveryConfirmXml(order, zone), deliveryOrderCode: order.code });
      }
      for (const [key, message] of [...outbox]) {
        if (await call(message.method, message.body, message.deliveryOrderCode)) outbox.delete(key);
      }
      return shipped;
    });
  }

  async function reportStockChange(warehouseCode: string, itemCode: string, quantity: number): Promise<boolean> {
    if (!store.warehouses.has(warehouseCode)) throw new Error(`warehouse ${warehouseCode} is not run by this WMS`);
    store.setStock(warehouseCode, itemCode, store.stockOf(warehouseCode, itemCode) + quantity);
    const outBizCode = `SC${String(++sequence).padStart(8, '0')}`;
    const at = now();
    const message = json
      ? { method: 'stock_changed', body: JSON.stringify({ event: 'stock_changed', outBizCode, warehouseCode, sku: itemCode, quantity, changedAt: DateTime.fromMillis(at, { zone }).toISO({ suppressMilliseconds: true }) }), deliveryOrderCode: null }
      : {
          method: 'taobao.qimen.stockchange.report',
          body: qimenXml('request', { outBizCode, warehouseCode, itemCode, inventoryType: 'ZP', quantity, changeTime: wallTime(at, zone), orderType: 'PDTZ', extendProps: zoneProps(at, zone, 'changeTime') }),
          deliveryOrderCode: null,
        };
    outbox.set(outBizCode, message);
    return shipping.run(async () => {
      const taken = await call(message.method, message.body, null);
      if (taken) outbox.delete(outBizCode);
      return [];
    }).then(() => !outbox.has(outBizCode));
  }

  // A tick while a pass is still going is skipped, so passes never pile up behind a slow OMS.
  const timer = options.autoShipEveryMs ? setInterval(() => void (shipping.busy ? undefined : shipDue().catch(() => undefined)), options.autoShipEveryMs) : undefined;
  timer?.unref();

  return {
    url,
    store,
    recorded,
    outage: (ms) => store.outage(ms),
    advance: (ms) => clock.forward(ms),
    shipDue,
    reportStockChange,
    connect: (to) => {
      callback = to;
    },
    async close() {
      if (timer) clearInterval(timer);
      await shipping.idle();
      await closeServer(server);
    },
  };
}

/** The delivery orders a WMS took, newest first: what it was sent, when it took it, whether and how it shipped. */
export function heldOrders(store: WmsStore) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return [...store.orders.values()].sort((a, b) => b.acceptedAt - a.acceptedAt).map((o) => ({
    code: o.code, wmsId: o.wmsId, warehouseCode: o.warehouseCode, acceptedAt: iso(o.acceptedAt), sentTimes: o.sentTimes,
    lines: o.lines, receiver: o.receiver, repeats: o.duplicates, shippedAt: iso(o.shippedAt), carrier: o.carrier, trackingNumber: o.trackingNumber,
  }));
}
