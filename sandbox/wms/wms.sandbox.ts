import { createServer } from 'node:http';
import { signQimen } from '../../src/modules/wms/qimen.sign.ts';
import { formatWallClock } from '../../src/platform/wallclock.ts';
import { closeServer, listen, OneAtATime, SandboxClock } from '../common/lifecycle.ts';
import { createQimenGateway, deliveryConfirmXml, qimenXml, type QimenAccount, type RecordedQimenRequest } from './qimen.gateway.ts';
import { WmsStore, type WmsDeliveryOrder, type WmsFaults } from './wms.store.ts';

/**
 * A warehouse management system that speaks Qimen (奇门): a real HTTP server that checks
 * signatures, accepts delivery orders once each (a code sent again is answered as before and
 * counted as a duplicate), answers inventory queries, ships accepted orders after a delay and tells
 * the OMS (`deliveryorder.confirm`, signed, to `callback.url`), reports stock changes
 * (`stockchange.report`), and misbehaves on request: refused requests, requests held and dropped,
 * whole outage windows in which every connection is dropped.
 */
export interface WmsCallback {
  /** The OMS's Qimen endpoint; method and signed parameters are added to its query. */
  readonly url: string;
  readonly appKey: string;
  readonly appSecret: string;
  readonly customerId: string;
}

export interface WmsSandboxOptions {
  readonly port?: number;
  readonly host?: string;
  readonly accounts: readonly QimenAccount[];
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
  readonly recorded: { readonly requests: RecordedQimenRequest[]; readonly callbacks: CallbackDelivery[] };
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
  const recorded = { requests: [] as RecordedQimenRequest[], callbacks: [] as CallbackDelivery[] };
  const server = createServer(createQimenGateway({ store, accounts: options.accounts, now, recorded: recorded.requests }));
  const { url } = await listen(server, options.port, options.host);
  const unconfirmed = new Set<string>();
  const shipping = new OneAtATime<WmsDeliveryOrder[]>();
  let sequence = 0;

  /** Sends one signed Qimen call to the OMS; true when it was taken (2xx and not a failure envelope). */
  async function call(method: string, body: string, deliveryOrderCode: string | null): Promise<boolean> {
    const callback = options.callback;
    if (!callback) return true;
    const params = {
      method, timestamp: formatWallClock(new Date(now())), format: 'xml', app_key: callback.appKey, v: '2.0', sign_method: 'md5', customerId: callback.customerId,
    };
    const query = new URLSearchParams({ ...params, sign: signQimen(params, body, callback.appSecret) });
    let status: number | null = null;
    let answer = '';
    try {
      const res = await fetch(`${callback.url}${callback.url.includes('?') ? '&' : '?'}${query}`, {
        method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body, signal: AbortSignal.timeout(5_000),
      });
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
        if (await call('taobao.qimen.deliveryorder.confirm', deliveryConfirmXml(order, formatWallClock(new Date(order.shippedAt!))), code)) unconfirmed.delete(code);
      }
      return shipped;
    });
  }

  async function reportStockChange(warehouseCode: string, itemCode: string, quantity: number): Promise<boolean> {
    store.setStock(warehouseCode, itemCode, store.stockOf(warehouseCode, itemCode) + quantity);
    const body = qimenXml('request', {
      outBizCode: `SC${String(++sequence).padStart(8, '0')}`, warehouseCode, itemCode, inventoryType: 'ZP', quantity, changeTime: formatWallClock(new Date(now())), orderType: 'PDTZ',
    });
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
