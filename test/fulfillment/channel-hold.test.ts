import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startDouyinSandbox, type DouyinSandbox } from '../../sandbox/douyin/douyin.sandbox.ts';
import { CATALOGUE } from '../../sandbox/common/catalogue.ts';
import { connectorRegistry } from '../../src/modules/channels/channels.connectors.ts';
import { defaultPullSettings, pullDueShops } from '../../src/modules/channels/channels.pull.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { allocateWaitingOrders } from '../../src/workflows/order-upkeep.jobs.ts';
import { testBackends } from '../support/databases.ts';
import { startFulfillmentWorld, type FulfillmentWorld } from '../support/fulfillment.ts';

const APP = { appKey: '7012345678901234567', appSecret: 'douyin-hold-test-app-secret' };
const SHOP = { shopId: '4463799', accessToken: 'douyin-hold-test-token' };
const RISK_CHECK = 105;

/**
 * Douyin's 105: paid, but under Douyin's risk check and not yet released to the shop. Such an order
 * takes its stock at once, and nothing goes to a warehouse until Douyin releases it (2, 备货中).
 */
for (const backend of testBackends()) {
  describe(`Paid orders the channel does not let ship yet, against the Douyin sandbox (${backend.kind})`, () => {
    let world: FulfillmentWorld;
    let sandbox: DouyinSandbox;
    const settings = { ...defaultPullSettings, intervalMs: 0, lagMs: 0, initialLookbackMs: 24 * 3600_000 };
    const get = async (path: string) => (await world.api.request('GET', path)).body;
    const pull = () =>
      pullDueShops({ db: world.database.handle.db, clock: world.api.clock, secrets: world.api.app.secrets, connectors: connectorRegistry({ clock: world.api.clock }), logger: createLogger('silent'), sink: world.api.flows.intake }, settings);

    async function ours(): Promise<Map<string, any>> {
      const items: any[] = [];
      let cursor: string | null = null;
      do {
        const page = await get(`/api/v1/orders?channel=douyin&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return new Map(items.map((o) => [o.channelOrderId, o]));
    }

    before(async () => {
      world = await startFulfillmentWorld(backend, { errorRate: 0 });
      for (const product of CATALOGUE) for (const sku of product.skus) for (const w of ['HZ01', 'GZ01', 'TJ01']) await world.receive(w, sku.outSkuId, 10_000);
      sandbox = await startDouyinSandbox({ apps: [{ ...APP, shops: [SHOP] }], seed: 21, clock: () => world.api.clock.now() });
      const shop = await world.api.request('POST', '/api/v1/shops', {
        body: { id: 'dy-hold', channel: 'douyin', name: '抖音沙箱', channelShopId: SHOP.shopId, credentials: { ...APP, accessToken: SHOP.accessToken }, apiBaseUrl: sandbox.url },
      });
      assert.equal(shop.status, 201, JSON.stringify(shop.body));
    });
    after(async () => {
      await sandbox.close();
      await world.close();
    });

    test('an order under the risk check holds its stock but reaches no warehouse until Douyin releases it; then it goes at once', async () => {
      sandbox.generateOrders(60, world.api.clock.now().getTime(), { spreadSeconds: 120 });
      // Move on until some orders sit in the risk check while others have been released.
      const statuses = () => sandbox.store.ordersOf(SHOP.shopId).map((o) => o.status);
      for (let i = 0; i < 40 && !(statuses().includes(RISK_CHECK) && statuses().includes(2)); i++) {
        world.api.clock.advance(30_000);
        sandbox.advance();
      }
      const inCheck = sandbox.store.ordersOf(SHOP.shopId).filter((o) => o.status === RISK_CHECK).map((o) => o.orderId);
      const released = sandbox.store.ordersOf(SHOP.shopId).filter((o) => o.status === 2).map((o) => o.orderId);
      assert.ok(inCheck.length > 0 && released.length > 0, `in check ${inCheck.length}, released ${released.length}`);

      assert.equal((await pull())[0]?.error, null);
      await world.dispatchAll();
      let byId = await ours();
      const sentCodes = new Set(world.qimen.store.orders.keys());
      for (const id of inCheck) {
        const o = byId.get(id);
        assert.deepEqual([o.status, o.statusReason, o.channelHold], ['on_hold', 'channel_hold', 'risk_check'], id);
        const reservations = (await get(`/api/v1/inventory/reservations?orderId=${o.id}`)).items;
        assert.ok(reservations.length > 0 && reservations.every((r: any) => r.status === 'active'), JSON.stringify(reservations));
        const deliveries = await world.deliveries(o.id);
        assert.ok(deliveries.length > 0 && deliveries.every((d: any) => d.status === 'pending' && !sentCodes.has(d.code)), JSON.stringify(deliveries));
      }
      for (const id of released) assert.equal(byId.get(id).status, 'accepted_by_wms', id);

      // A person cannot send it past the platform; cancelling stays possible.
      const held = byId.get(inCheck[0]!);
      const forced = await world.api.request('POST', `/api/v1/orders/${held.id}/transitions`, { body: { to: 'routed', reason: 'ship it anyway' } });
      assert.equal(forced.status, 409);
      assert.equal(forced.body.error.code, 'CHANNEL_HOLD');

      // Douyin releases every one within ten minutes.
      world.api.clock.advance(11 * 60_000);
      sandbox.advance();
      assert.ok(inCheck.every((id) => sandbox.store.get(id)!.status !== RISK_CHECK));
      assert.equal((await pull())[0]?.error, null);
      await world.dispatchAll();
      byId = await ours();
      for (const id of inCheck) {
        const o = byId.get(id);
        if (sandbox.store.get(id)!.status === 4) continue; // cancelled by the buyer meanwhile
        assert.deepEqual([o.status, o.channelHold], ['accepted_by_wms', null], id);
        const deliveries = await world.deliveries(o.id);
        assert.ok(deliveries.every((d: any) => d.status === 'accepted' && world.qimen.store.orders.has(d.code)), JSON.stringify(deliveries));
        // The stock it took while held is the stock it ships with: nothing reserved twice.
        const reservations = (await get(`/api/v1/inventory/reservations?orderId=${o.id}`)).items;
        assert.equal(reservations.length, deliveries.flatMap((d: any) => d.lines).length);
      }
    });

    test('an order first seen unpaid and then paid under the risk check takes its stock and is held the same way', async () => {
      const start = world.api.clock.now().getTime();
      const generated = sandbox.generateOrders(40, start, { spreadSeconds: 0 }).map((o) => o.orderId);
      assert.equal((await pull())[0]?.error, null);
      let byId = await ours();
      const unpaid = generated.filter((id) => byId.get(id)?.status === 'created');
      assert.ok(unpaid.length > 0);
      const inCheck = () => unpaid.filter((id) => sandbox.store.get(id)!.status === RISK_CHECK);
      for (let i = 0; i < 120 && inCheck().length === 0; i++) {
        world.api.clock.advance(5_000);
        sandbox.advance();
      }
      const held = inCheck();
      assert.ok(held.length > 0, 'some order went from unpaid to the risk check');
      assert.equal((await pull())[0]?.error, null);
      await world.dispatchAll();
      byId = await ours();
      for (const id of held) {
        const o = byId.get(id);
        assert.deepEqual([o.status, o.statusReason, o.channelHold], ['on_hold', 'channel_hold', 'risk_check'], id);
        assert.ok((await get(`/api/v1/inventory/reservations?orderId=${o.id}`)).items.length > 0, 'it holds its stock');
        assert.ok((await world.deliveries(o.id)).every((d: any) => !world.qimen.store.orders.has(d.code)), 'nothing reached the WMS');
      }
    });

    test('a shipment notice Douyin refuses while the order is in its risk check is retried with backoff, and sent once Douyin releases it', async () => {
      const generated = sandbox.generateOrders(40, world.api.clock.now().getTime(), { spreadSeconds: 0 }).map((o) => o.orderId);
      const inCheck = () => generated.find((id) => sandbox.store.get(id)!.status === RISK_CHECK);
      for (let i = 0; i < 120 && !inCheck(); i++) {
        world.api.clock.advance(5_000);
        sandbox.advance();
      }
      const id = inCheck()!;
      assert.ok(id, 'an order in the risk check');
      // Sent to the warehouse by an integrator that did not say it was held: the warehouse ships it.
      const o = await world.post({ ...world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]], { channel: 'douyin', shopId: 'dy-hold' }), channelOrderId: id });
      await world.dispatchAll();
      await world.qimen.shipDue();
      await world.dispatchAll();
      let [d] = await world.deliveries(o.id);
      assert.equal(d.status, 'shipped');
      assert.equal(d.channelNotice.status, 'due', JSON.stringify(d.channelNotice));
      assert.equal(d.channelNotice.attempts, 1);
      assert.match(d.channelNotice.error, /not-shippable/);
      // Not asked again before its backoff is up (the test clock stands still).
      await world.dispatchAll();
      assert.equal((await world.deliveries(o.id))[0].channelNotice.attempts, 1);

      world.api.clock.advance(11 * 60_000);
      sandbox.advance();
      assert.equal(sandbox.store.get(id)!.status, 2, 'released by Douyin');
      await world.dispatchAll();
      [d] = await world.deliveries(o.id);
      assert.deepEqual(d.channelNotice, { status: 'sent', attempts: 2, error: null });
      assert.deepEqual(sandbox.recorded.shipments.filter((x) => x.orderId === id).map((x) => x.trackingNo), [d.trackingNo]);
    });

    test('a notice the channel refuses for good raises one alert for its order, however many packages it has', async () => {
      await world.receive('HZ01', 'HOLD-A', 5);
      await world.receive('GZ01', 'HOLD-B', 5);
      const o = await world.post({ ...world.order(['浙江省', '杭州市', '西湖区'], [['HOLD-A', 1], ['HOLD-B', 1]], { channel: 'douyin', shopId: 'dy-hold' }), channelOrderId: '9999999999999999999' });
      await world.dispatchAll();
      await world.qimen.shipDue();
      await world.dispatchAll();
      const deliveries = await world.deliveries(o.id);
      assert.equal(deliveries.length, 2, 'split over two warehouses');
      assert.deepEqual(deliveries.map((d: any) => d.channelNotice.status), ['failed', 'failed']);
      const alerts = (await get('/api/v1/alerts')).items.filter((a: any) => a.kind === 'shipment_notice_failed' && [o.id, ...deliveries.map((d: any) => d.code)].includes(a.subject));
      assert.equal(alerts.length, 1, JSON.stringify(alerts));
      assert.equal(alerts[0].subject, o.id);
      for (const d of deliveries) assert.ok(alerts[0].message.includes(d.code));
    });

    test('only a message saying the order is paid and free to ship releases it; news of a shipment made elsewhere leaves it held', async () => {
      const base = { ...world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]], { channel: 'taobao', shopId: 'tb-hold' }), channelOrderId: 'TB-HOLD-1' };
      const held = await world.post({ ...base, channelHold: 'consign_forbidden', channelModifiedAt: '2026-11-11T04:00:00Z' });
      assert.deepEqual([held.status, held.statusReason, held.channelHold], ['on_hold', 'channel_hold', 'consign_forbidden']);
      const shippedElsewhere = await world.post({ ...base, status: 'shipped', channelModifiedAt: '2026-11-11T04:01:00Z' });
      assert.deepEqual([shippedElsewhere.status, shippedElsewhere.statusReason], ['on_hold', 'channel_hold']);
      await world.dispatchAll();
      assert.ok((await world.deliveries(held.id)).every((d: any) => !world.qimen.store.orders.has(d.code)), 'nothing reached the WMS');
      const released = await world.post({ ...base, channelModifiedAt: '2026-11-11T04:02:00Z' });
      assert.equal(released.status, 'routed');
      await world.dispatchAll();
      assert.equal((await get(`/api/v1/orders/${held.id}`)).status, 'accepted_by_wms');
    });

    test('an order its channel holds stops on hold however it takes its stock: as a backorder filled later, or released to paid by a person', async () => {
      assert.equal((await world.api.request('PATCH', '/api/v1/inventory/settings', { body: { shortagePolicy: 'backorder' } })).status, 200);
      try {
        await world.receive('HZ01', 'HOLD-LATE', 1);
        const base = { ...world.order(['浙江省', '杭州市', '西湖区'], [['HOLD-LATE', 2]], { channel: 'taobao', shopId: 'tb-hold' }), channelOrderId: 'TB-HOLD-LATE' };
        const waiting = await world.post({ ...base, channelHold: 'consign_forbidden' });
        assert.deepEqual([waiting.status, waiting.channelHold], ['paid', 'consign_forbidden'], 'a backorder: no stock yet');
        await world.receive('HZ01', 'HOLD-LATE', 5);
        assert.equal(await allocateWaitingOrders({ db: world.database.handle.db, clock: world.api.clock, logger: createLogger('silent') }), 1);
        const filled = await get(`/api/v1/orders/${waiting.id}`);
        assert.deepEqual([filled.status, filled.statusReason], ['on_hold', 'channel_hold']);
        await world.dispatchAll();
        assert.ok((await world.deliveries(waiting.id)).every((d: any) => !world.qimen.store.orders.has(d.code)), 'nothing reached the WMS');
      } finally {
        await world.api.request('PATCH', '/api/v1/inventory/settings', { body: { shortagePolicy: 'exception' } });
      }
    });
  });
}
