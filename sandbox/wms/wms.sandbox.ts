import { createServer } from 'node:http';
import { signQimen } from '../../src/modules/wms/qimen.sign.ts';
import { formatWallClock } from '../../src/platform/wallclock.ts';
import { closeServer, listen, OneAtATime, SandboxClock } from '../common/lifecycle.ts';
import { DateTime } from 'luxon';
import { createJsonGateway, jsonSignedHeaders, shipmentJson, type RecordedJsonRequest } from './json.gateway.ts';
import { createQimenGateway, deliveryConfirmXml, qimenXml, type RecordedQimenRequest } from './qimen.gateway.ts';
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
  /** The warehouses' zone: JSON instants are written in it (Qimen's wall clock is always GMT+8). */
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
  /** Ships the orders due and confirms them (and earlier shipments not yet confirmed) to the OMS. */
  shipDue(): Promise<WmsDeliveryOrder[]>;
  /** Moves the stock and reports it to the OMS; whether the OMS took the report. */
  reportStockChange(warehouseCode: string, itemCode: string, quantity: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startWmsSandbox(options: WmsSandboxOptions): Promise<WmsSandbox> {
  const clock = new SandboxClock(options.clock);
  const now = () => clock.now();
  const store = new WmsStore(new Set(options.warehouses), options.faults ?? {}, options.seed ?? 1, now);
  const json = options.protocol === 'json';
  const zone = options.timeZone ?? 'UTC';
  const recorded = { requests: [] as (RecordedQimenRequest | RecordedJsonRequest)[], callbacks: [] as CallbackDelivery[] };
  const server = createServer(json
    ? createJsonGateway({ store, accounts: options.accounts, now, recorded: recorded.requests as RecordedJsonRequest[] })
    : createQimenGateway({ store, accounts: options.accounts.map((a) => ({ ...a, customerId: a.customerId ?? '' })), now, recorded: recorded.requests as RecordedQimenRequest[] }));
  const { url } = await listen(server, options.port, options.host);
  const unconfirmed = new Set<string>();
  const shipping = new OneAtATime<WmsDeliveryOrder[]>();
  let sequence = 0;

  /** Sends one signed call to the OMS; true when it was taken (2xx, and for Qimen not a failure envelope). */
  async function call(method: string, body: string, deliveryOrderCode: string | null): Promise<boolean> {
    const callback = options.callback;
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
    return status !== null && status >= 200 && status < 300 && !/<flag>\s*failure/.test(answer);
  }

  async function shipDue(): Promise<WmsDeliveryOrder[]> {
    return shipping.run(async () => {
      const shipped = options.shipAfterMs === undefined ? [] : store.dueToShip(options.shipAfterMs).map((o) => store.ship(o.code));
      for (const o of shipped) unconfirmed.add(o.code);
      for (const code of [...unconfirmed]) {
        const order = store.orders.get(code)!;
        const taken = json
          ? await call('shipped', shipmentJson(order, zone), code)
          : await call('taobao.qimen.deliveryorder.confirm', deliveryConfirmXml(order, formatWallClock(new Date(order.shippedAt!))), code);
        if (taken) unconfirmed.delete(code);
      }
      return shipped;
    });
  }

  async function reportStockChange(warehouseCode: string, itemCode: string, quantity: number): Promise<boolean> {
    store.setStock(warehouseCode, itemCode, store.stockOf(warehouseCode, itemCode) + quantity);
    const outBizCode = `SC${String(++sequence).padStart(8, '0')}`;
    if (json) {
      const changedAt = DateTime.fromMillis(now(), { zone }).toISO({ suppressMilliseconds: true });
      return call('stock_changed', JSON.stringify({ event: 'stock_changed', outBizCode, warehouseCode, sku: itemCode, quantity, changedAt }), null);
    }
    const body = qimenXml('request', { outBizCode, warehouseCode, itemCode, inventoryType: 'ZP', quantity, changeTime: formatWallClock(new Date(now())), orderType: 'PDTZ' });
    return call('taobao.qimen.stockchange.report', body, null);
  }

  const timer = options.autoShipEveryMs ? setInterval(() => void shipDue().catch(() => undefined), options.autoShipEveryMs) : undefined;
  timer?.unref();

  return {
    url,
    store,
    recorded,
    outage: (ms) => store.outage(ms),
    advance: (ms) => clock.forward(ms),
    shipDue,
    reportStockChange,
    async close() {
      if (timer) clearInterval(timer);
      await shipping.idle();
      await closeServer(server);
    },
  };
}
