import assert from 'node:assert/strict';
import { dispatchRound, defaultDispatch, noticeRound, type DispatchDeps, type DispatchOptions } from '../../src/workflows/wms-dispatch.workflow.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startWmsSandbox, type WmsSandbox } from '../../sandbox/wms/wms.sandbox.ts';
import type { ConnectorRegistry } from '../../src/modules/channels/channels.pull.ts';
import { connectorRegistry } from '../../src/modules/channels/channels.connectors.ts';
import { startTestApi, type TestApi } from './api.ts';
import type { TestBackend, TestDatabase } from './databases.ts';

export const wmsAccount = { appKey: 'oms-app', appSecret: 'wms-secret-for-tests', customerId: 'OWNER1' };

/** Retries at once: the test clock does not move by itself. */
export const fastDispatch: DispatchOptions = { ...defaultDispatch, backoffMs: [0], everyMs: 0, maxAttempts: 40 };

/**
 * The default tenant with three warehouses in China (杭州, 广州, 天津) behind one Qimen sandbox WMS
 * and one in Los Angeles behind a JSON sandbox WMS, both on the test clock and reporting back to
 * the API, plus helpers to place orders and run the dispatcher.
 */
export interface FulfillmentWorld {
  database: TestDatabase;
  api: TestApi;
  qimen: WmsSandbox;
  json: WmsSandbox;
  deps: DispatchDeps;
  order(place: [string, string, string], lines: [string, number][], options?: { channel?: string; shopId?: string; country?: string; status?: 'paid' | 'created' }): Record<string, unknown>;
  post(body: unknown): Promise<any>;
  deliveries(orderId: string): Promise<any[]>;
  receive(warehouseCode: string, sku: string, quantity: number): Promise<void>;
  dispatchAll(options?: DispatchOptions): Promise<void>;
  close(): Promise<void>;
}

export async function startFulfillmentWorld(backend: TestBackend, options: { errorRate?: number; latencyMs?: number; connectors?: ConnectorRegistry } = {}): Promise<FulfillmentWorld> {
  const database = await backend.open();
  const api = await startTestApi(database.handle, '2026-11-11T04:00:00Z');
  const clock = () => api.clock.now();
  const callback = { url: `${api.url}/wms/default`, ...wmsAccount };
  const faults = { errorRate: options.errorRate ?? 0.3, latencyMs: options.latencyMs ?? 0 };
  const qimen = await startWmsSandbox({ protocol: 'qimen', accounts: [wmsAccount], warehouses: ['HZ01', 'GZ01', 'TJ01'], faults, seed: 7, clock, callback, shipAfterMs: 0 });
  const json = await startWmsSandbox({ protocol: 'json', accounts: [wmsAccount], warehouses: ['US-LA1'], faults, seed: 8, clock, callback, shipAfterMs: 0, timeZone: 'America/Los_Angeles' });
  const deps: DispatchDeps = { db: database.handle.db, clock: api.clock, secrets: api.app.secrets, logger: createLogger('silent'), connectors: options.connectors ?? connectorRegistry({ clock: api.clock }) };
  let n = 0;

  async function receive(warehouseCode: string, sku: string, quantity: number) {
    assert.equal((await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode, lines: [{ sku, quantity }] } })).status, 201);
  }
  const qimenLink = { protocol: 'qimen', url: `${qimen.url}/router/qimen/service`, ...wmsAccount };
  const warehouses = [
    { code: 'HZ01', name: '华东杭州仓', timeZone: 'Asia/Shanghai', isDefault: true, location: { divisionCode: '330100' }, coverage: ['CN'], wms: qimenLink },
    { code: 'GZ01', name: '华南广州仓', timeZone: 'Asia/Shanghai', location: { divisionCode: '440100' }, coverage: ['CN'], wms: qimenLink },
    { code: 'TJ01', name: '华北天津仓', timeZone: 'Asia/Shanghai', location: { divisionCode: '120000' }, coverage: ['CN'], wms: qimenLink },
    { code: 'US-LA1', name: 'Los Angeles', timeZone: 'America/Los_Angeles', location: { latitude: 34.05, longitude: -118.24 }, coverage: ['US'], wms: { protocol: 'json', url: json.url, ...wmsAccount } },
  ];
  for (const w of warehouses) {
    const res = await api.request('POST', '/api/v1/warehouses', { body: { priority: 10, ...w } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await receive(w.code, 'MUG', 100_000);
  }

  const world: FulfillmentWorld = {
    database, api, qimen, json, deps, receive,
    order(place, lines, o = {}) {
      const country = o.country ?? 'CN';
      return {
        channel: o.channel ?? 'taobao', shopId: o.shopId ?? 'tb-main', channelOrderId: `R-${++n}`, status: o.status ?? 'paid', currency: 'CNY', shippingFen: 0, discountFen: 0,
        totalFen: lines.reduce((s, [, q]) => s + q * 100, 0),
        receiver: { name: '王芳', phone: '13700001111', country, province: place[0], city: place[1], district: place[2], address: '文三路 1 号' },
        orderedAt: '2026-11-11T03:59:00Z', paidAt: o.status === 'created' ? undefined : '2026-11-11T04:00:00Z', lines: lines.map(([sku, quantity]) => ({ sku, quantity, unitPriceFen: 100 })),
      };
    },
    async post(body) {
      const res = await api.request('POST', '/api/v1/orders', { body });
      assert.ok(res.status < 300, JSON.stringify(res.body));
      return res.body;
    },
    async deliveries(orderId) {
      return (await api.request('GET', `/api/v1/delivery-orders?orderId=${orderId}`)).body.items;
    },
    async dispatchAll(dispatch = fastDispatch) {
      for (let round = 0; round < 200; round++) {
        const leased = (await dispatchRound(deps, dispatch)) + (await noticeRound(deps, dispatch));
        if (leased === 0) return;
      }
    },
    async close() {
      // The world's WMSs as they are now: a test may have replaced one (a WMS restarted).
      await world.qimen.close();
      await world.json.close();
      await api.close();
      await database.drop();
    },
  };
  return world;
}
