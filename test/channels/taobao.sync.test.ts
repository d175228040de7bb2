import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTaobaoSandbox, tmcMessageBody, type TaobaoSandbox } from '../../sandbox/taobao/taobao.sandbox.ts';
import type { ConnectorRegistry } from '../../src/modules/channels/channels.pull.ts';
import { pullDueShops, defaultPullSettings } from '../../src/modules/channels/channels.pull.ts';
import { receivePush } from '../../src/modules/channels/channels.webhooks.ts';
import { taobaoConnector } from '../../src/modules/channels/taobao/taobao.connector.ts';
import { taobaoChannelStatus } from '../../src/modules/channels/taobao/taobao.normalise.ts';
import { signTop } from '../../src/modules/channels/taobao/taobao.sign.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

const APP = { appKey: '23456789', appSecret: 'taobao-sandbox-app-secret' };
const SHOP = { sellerId: '2206598765432', session: '6100f9f8e7d6c5b4a3' };
const SHOP_REF = 'default.tb-live';

// channels.connectors.ts does not know taobao yet: this test brings its own registry.
const connector = taobaoConnector({ clock: systemClock });
const connectors: ConnectorRegistry = (channel) => (channel === 'taobao' ? connector : undefined!);

for (const backend of testBackends()) {
  describe(`Taobao orders by pull and TMC push, against the sandbox (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    let sandbox: TaobaoSandbox;
    const settings = { ...defaultPullSettings, intervalMs: 0, lagMs: 0, initialLookbackMs: 3 * 24 * 3600_000 };

    async function allOrders(): Promise<any[]> {
      const items: any[] = [];
      let cursor: string | null = null;
      do {
        const res = await api.request('GET', `/api/v1/orders?channel=taobao&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      return items;
    }

    const deps = () => ({ db: database.handle.db, clock: systemClock, secrets: api.app.secrets, connectors, logger: createLogger('silent'), sink: api.flows.intake });
    const pull = () => pullDueShops(deps(), settings);
    const deliver = async (rawBody: string, shopRef = SHOP_REF) => {
      const outcome = await receivePush(deps(), 'taobao', shopRef, { headers: {}, query: {}, rawBody });
      return { status: outcome.reply.status, body: JSON.stringify(outcome.reply.body) };
    };

    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
      api.clock.set(new Date());
      sandbox = await startTaobaoSandbox({
        apps: [{ ...APP, shops: [SHOP] }],
        seed: 11,
        faults: { duplicateRate: 0.5, reorderRate: 0.5 },
        // TMC delivered in-process to the platform's push receiver (the HTTP route's registry has no taobao yet).
        tmc: { send: deliver, ...APP },
      });
      const shop = await api.request('POST', '/api/v1/shops', {
        body: { id: 'tb-live', channel: 'taobao', name: '淘宝沙箱', channelShopId: SHOP.sellerId, credentials: { ...APP, accessToken: SHOP.session }, apiBaseUrl: sandbox.url },
      });
      assert.equal(shop.status, 201, JSON.stringify(shop.body));
    });
    after(async () => {
      await sandbox.close();
      await api.close();
      await database.drop();
    });

    test('an incremental pull, paging newest-first results backwards, brings in every trade exactly', async () => {
      const generated = sandbox.generateOrders(260, Date.now() - 60_000, { spreadSeconds: 2 * 24 * 3600 });
      const reports = await pull();
      assert.equal(reports.length, 1);
      assert.equal(reports[0]!.error, null, JSON.stringify(reports[0]));
      const orders = await allOrders();
      assert.equal(orders.length, 260);
      const byId = new Map(orders.map((o) => [o.channelOrderId, o]));
      for (const g of generated) assert.ok(byId.get(g.tid), `trade ${g.tid} is there by its exact tid`);
      assert.ok(orders.every((o) => /^\d{19}$/.test(o.channelOrderId)), 'tids stay 19-digit strings');
      assert.ok(orders.every((o) => o.totalFen === o.goodsFen + o.shippingFen - o.discountFen));
      // More than one page in a window, read from the last page back to page 1.
      const pages = sandbox.recorded.requests.filter((r) => r.method === 'taobao.trades.sold.increment.get').map((r) => Number(r.params.page_no));
      assert.ok(pages.some((p) => p > 1), JSON.stringify(pages));
      const i = pages.findIndex((p) => p > 1);
      assert.deepEqual(pages.slice(i - 1, i + 2), [1, 2, 1], 'page 1 for the count, then last page back to page 1');

      await pull();
      assert.equal((await allOrders()).length, 260);
    });

    test('TMC messages, duplicated and out of order, leave every trade as the platform has it', async () => {
      const events = sandbox.recorded.events;
      assert.ok(events.length > 260);
      const report = await sandbox.pushEvents();
      assert.ok(report.duplicates > 0);
      assert.equal(report.failedPosts, 0, JSON.stringify([report, sandbox.recorded.tmcDeliveries.find((d) => !d.accepted)]));
      const ours = new Map((await allOrders()).map((o) => [o.channelOrderId, o]));
      const theirs = sandbox.store.tradesOf(SHOP.sellerId);
      assert.equal(ours.size, theirs.length);
      let cancelled = 0;
      for (const trade of theirs) {
        const mine = ours.get(trade.tid);
        assert.ok(mine, `trade ${trade.tid} is known`);
        assert.equal(mine.channelStatus, taobaoChannelStatus(trade.status), `trade ${trade.tid}`);
        if (mine.status === 'cancelled') cancelled++;
      }
      assert.ok(cancelled > 0, 'closures came through');
    });

    test('a forged or malformed TMC message is refused in TOP’s reply shape and changes nothing', async () => {
      const before = await allOrders();
      const event = { ...sandbox.recorded.events[0]!, status: 'TRADE_CLOSED' as const, topic: 'taobao_trade_TradeClose' };
      const forged = await deliver(tmcMessageBody(event, 'forged-1', APP.appKey, 'wrong-secret'));
      assert.equal(forged.status, 401);
      assert.equal(JSON.parse(forged.body).error_response.code, 25);
      const malformed = await deliver('{"topic":');
      assert.equal(malformed.status, 401, 'unparseable bodies cannot carry a valid signature');
      const odd: Record<string, string> = { topic: 'taobao_item_ItemAdd', message_id: 'odd-1', user_id: SHOP.sellerId, tid: event.tid, sign_method: 'md5' };
      const signedOdd = await deliver(JSON.stringify({ ...odd, sign: signTop(odd, APP.appSecret) }));
      assert.equal(signedOdd.status, 400);
      assert.equal(JSON.parse(signedOdd.body).error_response.code, 41);
      // A message for an unknown shop is answered exactly as a forged one is.
      const unknown = await deliver(tmcMessageBody(event, 'unknown-1', APP.appKey, APP.appSecret), 'default.nope');
      assert.deepEqual([unknown.status, JSON.parse(unknown.body)], [forged.status, JSON.parse(forged.body)]);
      const after = await allOrders();
      assert.deepEqual(after.map((o) => [o.id, o.version]).sort(), before.map((o) => [o.id, o.version]).sort());
      const letters = await api.request('GET', '/api/v1/channel-dead-letters');
      assert.deepEqual(letters.body.items.map((l: any) => l.reason).sort(), ['bad_signature', 'bad_signature', 'malformed', 'unknown_shop']);
      assert.ok(!JSON.stringify(letters.body).includes(APP.appSecret));
    });

    test('stock and shipment write-backs reach the platform', async () => {
      const shop = { tenantId: 'default', shopId: 'tb-live', channel: 'taobao' as const, channelShopId: SHOP.sellerId, ...APP, accessToken: SHOP.session, apiBaseUrl: sandbox.url };
      const sku = sandbox.store.skus[2]!;
      await connector.pushStock(shop, [{ sku: sku.outerSkuId, quantity: 42 }, { sku: 'NOT-SOLD-HERE', quantity: 1 }]);
      assert.equal(sandbox.store.stock.get(sku.skuId), 42);
      const paid = sandbox.store.tradesOf(SHOP.sellerId).find((t) => t.status === 'WAIT_SELLER_SEND_GOODS')!;
      await connector.writeBackShipment(shop, { channelOrderId: paid.tid, carrierCode: 'YTO', trackingNumber: 'YT1234567890' });
      assert.deepEqual(sandbox.recorded.shipments.map((s) => [s.tid, s.companyCode, s.outSid]), [[paid.tid, 'YTO', 'YT1234567890']]);
      await assert.rejects(connector.writeBackShipment(shop, { channelOrderId: paid.tid, carrierCode: 'YTO', trackingNumber: 'YT1234567890' }), /isv\.logistics/);
    });
  });
}
