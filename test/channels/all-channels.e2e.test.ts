import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startDouyinSandbox } from '../../sandbox/douyin/douyin.sandbox.ts';
import { startJdSandbox } from '../../sandbox/jd/jd.sandbox.ts';
import { startPddSandbox } from '../../sandbox/pdd/pdd.sandbox.ts';
import { startTaobaoSandbox } from '../../sandbox/taobao/taobao.sandbox.ts';
import { connectorRegistry } from '../../src/modules/channels/channels.connectors.ts';
import { defaultPullSettings, pullDueShops } from '../../src/modules/channels/channels.pull.ts';
import { credentialsOf } from '../../src/modules/channels/shops.service.ts';
import { systemActor } from '../../src/platform/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { postgresAvailable, testBackends, type TestDatabase } from '../support/databases.ts';

/**
 * The four marketplaces at once, 2,000 orders, by pull and by push through the real webhook route,
 * with every push message liable to arrive twice and out of order. In the end the platform holds
 * exactly the orders the marketplaces list, each as the marketplace has it now.
 */
const PER_CHANNEL = 500;

interface Feed {
  channel: 'douyin' | 'taobao' | 'jd' | 'pdd';
  shopId: string;
  channelShopId: string;
  app: { appKey: string; appSecret: string };
  accessToken: string;
  /** How many orders the marketplace lists for the shop (JD and PDD never list unpaid ones). */
  listed: () => number;
  sandbox: { url: string; generateOrders(n: number, at?: number, o?: { spreadSeconds?: number }): unknown[]; advance(ms?: number): unknown; pushEvents(): Promise<{ failedPosts: number; duplicates: number }>; close(): Promise<void> };
}

// One backend is enough here: this is about the channels, and the database tiers are covered elsewhere.
const backend = testBackends().find((b) => b.kind === (postgresAvailable() ? 'postgres' : 'pglite'))!;

describe(`four marketplaces, ${4 * PER_CHANNEL} orders, pull and push with duplicates and reordering (${backend.kind})`, () => {
  let database: TestDatabase;
  let api: TestApi;
  const feeds: Feed[] = [];
  const faults = { duplicateRate: 0.3, reorderRate: 0.3 };
  // Marketplace time stands still during the test, so "as the marketplace has it now" is one state.
  const frozen = Date.now();
  const clock = () => frozen;

  before(async () => {
    database = await backend.open();
    api = await startTestApi(database.handle);
    api.clock.set(new Date(frozen));
    const hook = (channel: string, shopId: string) => `${api.url}/webhooks/${channel}/default.${shopId}`;

    const dy = { appKey: '7012345678901230001', appSecret: 'e2e-douyin-secret' };
    const dySandbox = await startDouyinSandbox({ apps: [{ ...dy, shops: [{ shopId: '5550001', accessToken: 'dy-token' }] }], seed: 11, clock, faults, webhook: { url: hook('douyin', 'dy-e2e'), ...dy } });
    feeds.push({ channel: 'douyin', shopId: 'dy-e2e', channelShopId: '5550001', app: dy, accessToken: 'dy-token', listed: () => dySandbox.store.ordersOf('5550001').length, sandbox: dySandbox as unknown as Feed['sandbox'] });
    const tb = { appKey: '23450001', appSecret: 'e2e-taobao-secret' };
    const tbSandbox = await startTaobaoSandbox({ apps: [{ ...tb, shops: [{ sellerId: '2206500000001', session: 'tb-session' }] }], seed: 12, clock, faults, tmc: { url: hook('taobao', 'tb-e2e'), ...tb } });
    feeds.push({ channel: 'taobao', shopId: 'tb-e2e', channelShopId: '2206500000001', app: tb, accessToken: 'tb-session', listed: () => tbSandbox.store.tradesOf('2206500000001').length, sandbox: tbSandbox as unknown as Feed['sandbox'] });
    const jd = { appKey: 'JDE2EAPPKEY0001', appSecret: 'e2e-jd-secret' };
    const jdSandbox = await startJdSandbox({ apps: [{ ...jd, shops: [{ venderId: '10080001', accessToken: 'jd-token' }] }], seed: 13, clock, faults, webhook: { url: hook('jd', 'jd-e2e'), ...jd } });
    feeds.push({ channel: 'jd', shopId: 'jd-e2e', channelShopId: '10080001', app: jd, accessToken: 'jd-token', listed: () => jdSandbox.store.ordersOf('10080001').length, sandbox: jdSandbox as unknown as Feed['sandbox'] });
    const pdd = { appKey: 'pdd-e2e-client-id', appSecret: 'e2e-pdd-secret' };
    const pddSandbox = await startPddSandbox({ apps: [{ ...pdd, shops: [{ shopId: '9000101', accessToken: 'pdd-token' }] }], seed: 14, clock, faults, webhook: { url: hook('pdd', 'pdd-e2e'), ...pdd } });
    feeds.push({ channel: 'pdd', shopId: 'pdd-e2e', channelShopId: '9000101', app: pdd, accessToken: 'pdd-token', listed: () => pddSandbox.store.ordersOf('9000101').length, sandbox: pddSandbox as unknown as Feed['sandbox'] });

    for (const f of feeds) {
      const res = await api.request('POST', '/api/v1/shops', {
        body: { id: f.shopId, channel: f.channel, name: `${f.channel} e2e`, channelShopId: f.channelShopId, credentials: { ...f.app, accessToken: f.accessToken }, apiBaseUrl: f.sandbox.url },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
  });
  after(async () => {
    await Promise.all(feeds.map((f) => f.sandbox.close()));
    await api.close();
    await database.drop();
  });

  async function allOrders(): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.request('GET', `/api/v1/orders?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  test('every listed order arrives exactly once and ends as the marketplace has it', async () => {
    // JD and Pinduoduo never list an unpaid order: generate until each marketplace lists exactly 500.
    for (const f of feeds) {
      for (let round = 0; f.listed() < PER_CHANNEL && round < 20; round++) {
        f.sandbox.generateOrders(PER_CHANNEL - f.listed(), frozen - 60_000, { spreadSeconds: 2 * 24 * 3600 });
        f.sandbox.advance(0);
      }
      assert.equal(f.listed(), PER_CHANNEL, `${f.channel} lists ${PER_CHANNEL} orders`);
    }

    // Pull and push race each other, as they do in production.
    const connectors = connectorRegistry({ clock: api.clock });
    const deps = { db: database.handle.db, clock: api.clock, secrets: api.app.secrets, connectors, logger: createLogger('silent'), sink: api.flows.intake };
    const [reports, pushes] = await Promise.all([
      pullDueShops(deps, { ...defaultPullSettings, intervalMs: 0, lagMs: 0, initialLookbackMs: 3 * 24 * 3600_000 }),
      Promise.all(feeds.map((f) => f.sandbox.pushEvents())),
    ]);
    assert.deepEqual(reports.map((r) => r.error), [null, null, null, null]);
    for (const [i, p] of pushes.entries()) assert.equal(p.failedPosts, 0, `${feeds[i]!.channel}: ${JSON.stringify(p)}`);
    assert.ok(pushes.every((p) => p.duplicates > 0), 'duplicates were delivered on every channel');

    const orders = await allOrders();
    const listed = feeds.map((f) => f.listed());
    assert.deepEqual(listed, [PER_CHANNEL, PER_CHANNEL, PER_CHANNEL, PER_CHANNEL]);
    assert.equal(orders.length, 4 * PER_CHANNEL, 'exactly 2,000 canonical orders');
    assert.equal(new Set(orders.map((o) => `${o.channel}:${o.channelOrderId}`)).size, orders.length, 'no order twice');
    for (const f of feeds) assert.equal(orders.filter((o) => o.channel === f.channel).length, PER_CHANNEL, f.channel);
    for (const o of orders) assert.equal(o.totalFen, o.goodsFen + o.shippingFen - o.discountFen, `${o.channel} ${o.channelOrderId}`);

    // Each order as the marketplace describes it now, read fresh through its API.
    const ctx = { tenantId: 'default', actor: systemActor(), clock: api.clock, db: database.handle.db };
    for (const f of feeds) {
      const shop = await credentialsOf(ctx, api.app.secrets, f.shopId);
      const mine = orders.filter((o) => o.channel === f.channel);
      for (const o of mine.filter((_, i) => i % 10 === 0)) {
        const now = await connectors(f.channel).fetchOrder(shop, o.channelOrderId);
        assert.ok(now, `${f.channel} ${o.channelOrderId} exists on the platform`);
        assert.equal(o.channelStatus, now.status, `${f.channel} ${o.channelOrderId} status`);
        assert.equal(o.totalFen, now.totalFen, `${f.channel} ${o.channelOrderId} total`);
        assert.equal(o.orderedAt, new Date(now.orderedAt).toISOString(), `${f.channel} ${o.channelOrderId} order time`);
        assert.equal(o.paidAt, now.paidAt ? new Date(now.paidAt).toISOString() : null, `${f.channel} ${o.channelOrderId} payment time`);
      }
    }
  });
});
