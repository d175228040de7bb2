import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startPddSandbox, type PddSandbox } from '../../sandbox/pdd/pdd.sandbox.ts';
import type { ConnectorRegistry } from '../../src/modules/channels/channels.pull.ts';
import { pullDueShops, defaultPullSettings } from '../../src/modules/channels/channels.pull.ts';
import { receivePush } from '../../src/modules/channels/channels.webhooks.ts';
import { pddConnector } from '../../src/modules/channels/pdd/pdd.connector.ts';
import { pddChannelStatus } from '../../src/modules/channels/pdd/pdd.normalise.ts';
import { signPdd } from '../../src/modules/channels/pdd/pdd.sign.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

const APP = { appKey: 'pdd-sandbox-client-id', appSecret: 'pdd-sandbox-client-secret' };
const MALL = { shopId: '9000001', accessToken: 'pdd-sandbox-access-token' };

// channels.connectors.ts does not know pdd yet, so these tests bring their own registry.
const pdd = pddConnector({ clock: systemClock });
const registry: ConnectorRegistry = (channel) => {
  if (channel !== 'pdd') throw new Error(`no connector for ${channel} in this test`);
  return pdd;
};

for (const backend of testBackends()) {
  describe(`Pinduoduo orders by pull and push, against the sandbox (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    let sandbox: PddSandbox;
    // The app's /webhooks route uses the platform registry (no pdd yet), so push deliveries land on
    // this small receiver, which hands them to receivePush with the pdd registry, as the route would.
    let receiver: Server;
    let receiverUrl: string;
    const settings = { ...defaultPullSettings, intervalMs: 0, lagMs: 0, initialLookbackMs: 3 * 24 * 3600_000 };
    const deps = () => ({ db: database.handle.db, clock: systemClock, secrets: api.app.secrets, connectors: registry, logger: createLogger('silent'), sink: api.flows.intake });

    async function allOrders(): Promise<any[]> {
      const items: any[] = [];
      let cursor: string | null = null;
      do {
        const res = await api.request('GET', `/api/v1/orders?channel=pdd&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      return items;
    }

    const pull = () => pullDueShops(deps(), settings);

    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
      api.clock.set(new Date());
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const shopRef = decodeURIComponent((req.url ?? '').split('?')[0]!.split('/').pop() ?? '');
          receivePush(deps(), 'pdd', shopRef, { headers: req.headers, query: {}, rawBody: Buffer.concat(chunks).toString('utf8') })
            .then((outcome) => {
              res.writeHead(outcome.reply.status, { 'content-type': 'application/json' });
              res.end(JSON.stringify(outcome.reply.body));
            })
            .catch((err: unknown) => {
              res.writeHead(500);
              res.end(String(err));
            });
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      sandbox = await startPddSandbox({
        apps: [{ ...APP, shops: [MALL] }],
        seed: 7,
        faults: { duplicateRate: 0.5, reorderRate: 0.5 },
        webhook: { url: `${receiverUrl}/webhooks/pdd/default.pdd-live`, ...APP },
      });
      const shop = await api.request('POST', '/api/v1/shops', {
        body: { id: 'pdd-live', channel: 'pdd', name: '拼多多沙箱', channelShopId: MALL.shopId, credentials: { ...APP, accessToken: MALL.accessToken }, apiBaseUrl: sandbox.url },
      });
      assert.equal(shop.status, 201, JSON.stringify(shop.body));
    });
    after(async () => {
      await sandbox.close();
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      await api.close();
      await database.drop();
    });

    test('an incremental pull in 30-minute windows brings in every paid order, with PDD’s amounts, times and ids', async () => {
      const generated = sandbox.generateOrders(230, Date.now() - 60_000, { spreadSeconds: 2 * 24 * 3600 });
      const visible = sandbox.store.ordersOf(MALL.shopId);
      assert.ok(visible.length > 200 && visible.length < 230, `${visible.length}: unpaid orders never reach PDD’s order APIs`);
      const reports = await pull();
      assert.equal(reports.length, 1);
      assert.equal(reports[0]!.error, null);
      const orders = await allOrders();
      assert.equal(orders.length, visible.length);
      const byId = new Map(orders.map((o) => [o.channelOrderId, o]));
      for (const sn of generated) assert.equal(byId.has(sn), sandbox.store.get(sn) !== undefined, sn);
      assert.ok(orders.every((o) => /^\d{6}-\d{15}$/.test(o.channelOrderId)));
      assert.ok(orders.every((o) => o.totalFen === o.goodsFen + o.shippingFen - o.discountFen));
      const windows = sandbox.recorded.requests.filter((r) => r.type === 'pdd.order.number.list.increment.get');
      assert.ok(windows.length >= 3 * 48, `${windows.length} calls: three days in 30-minute windows`);
      assert.ok(windows.every((r) => r.errorCode === 0));

      await pull();
      assert.equal((await allOrders()).length, visible.length);
    });

    test('push messages over HTTP, duplicated and out of order, leave every order as PDD has it', async () => {
      // A shipment written back now raises one more message.
      const open = sandbox.store.ordersOf(MALL.shopId).find((o) => o.orderStatus === 1 && o.refundStatus === 1)!;
      const shop = { tenantId: 'default', shopId: 'pdd-live', channel: 'pdd' as const, channelShopId: MALL.shopId, ...APP, accessToken: MALL.accessToken, apiBaseUrl: sandbox.url };
      await pdd.writeBackShipment(shop, { channelOrderId: open.orderSn, carrierCode: '115', trackingNumber: 'YT9876543210' });
      await pdd.pushStock(shop, [{ sku: sandbox.store.get(open.orderSn)!.scenario.lines[0]!.sku.outSkuId, quantity: 12 }]);
      assert.equal(sandbox.recorded.stockUpdates.at(-1)!.quantity, 12);

      const report = await sandbox.pushEvents();
      assert.ok(report.messages >= sandbox.recorded.events.length, JSON.stringify(report));
      assert.ok(report.duplicates > 0);
      assert.equal(report.failedPosts, 0, JSON.stringify(sandbox.recorded.webhookDeliveries.filter((d) => d.status !== 200).slice(0, 2)));

      const ours = new Map((await allOrders()).map((o) => [o.channelOrderId, o]));
      const theirs = sandbox.store.ordersOf(MALL.shopId);
      assert.equal(ours.size, theirs.length);
      let cancelled = 0;
      for (const order of theirs) {
        const mine = ours.get(order.orderSn);
        assert.ok(mine, order.orderSn);
        assert.equal(mine.channelStatus, pddChannelStatus(order.orderStatus, order.refundStatus).status, order.orderSn);
        if (mine.status === 'cancelled') cancelled++;
      }
      assert.ok(cancelled > 0, 'cancellations (full refunds) came through');
      assert.equal(ours.get(open.orderSn).channelStatus, 'shipped');
    });

    test('bad signature, malformed message and unknown shop are refused in PDD’s reply shape, and change nothing', async () => {
      const before = await allOrders();
      const fields = { type: 'pdd_trade_TradeClose', client_id: APP.appKey, mall_id: Number(MALL.shopId), order_sn: before[0].channelOrderId, message_id: 'forged-1', timestamp: Math.floor(Date.now() / 1000) };
      const send = (path: string, body: string) => fetch(receiverUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const path = '/webhooks/pdd/default.pdd-live';

      const forged = await send(path, JSON.stringify({ ...fields, sign: signPdd(fields, 'wrong-secret') }));
      assert.equal(forged.status, 401);
      assert.equal(((await forged.json()) as any).error_response.error_code, 10016);

      const flipped = await send(path, JSON.stringify({ ...fields, message_id: 'forged-2', sign: signPdd(fields, APP.appSecret) }));
      assert.equal(flipped.status, 401);

      const odd = { ...fields, type: 'not_a_pdd_type' };
      const malformed = await send(path, JSON.stringify({ ...odd, sign: signPdd(odd, APP.appSecret) }));
      assert.equal(malformed.status, 400);
      assert.equal(((await malformed.json()) as any).error_response.error_code, 10000);

      // An unknown shop is answered exactly as a bad signature is.
      const unknown = await send('/webhooks/pdd/default.nope', JSON.stringify({ ...fields, sign: signPdd(fields, APP.appSecret) }));
      assert.equal(unknown.status, 401);
      assert.deepEqual(await unknown.json(), { error_response: { error_code: 10016, error_msg: 'sign check failed', sub_code: 'sign_invalid' } });

      const after = await allOrders();
      assert.deepEqual(after.map((o) => [o.id, o.version]).sort(), before.map((o) => [o.id, o.version]).sort());
      const letters = await api.request('GET', '/api/v1/channel-dead-letters');
      assert.deepEqual(letters.body.items.map((l: any) => l.reason).sort(), ['bad_signature', 'bad_signature', 'malformed', 'unknown_shop']);
      assert.ok(!JSON.stringify(letters.body).includes(APP.appSecret));
    });

    test('a push whose signed timestamp is over ten minutes off, missing or unreadable is refused as a bad signature; a replay within the window changes nothing', async () => {
      const before = await allOrders();
      const send = (fields: Record<string, string | number>) =>
        fetch(`${receiverUrl}/webhooks/pdd/default.pdd-live`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...fields, sign: signPdd(fields as any, APP.appSecret) }) });
      const message = (id: string, timestamp?: string | number) => ({
        type: 'pdd_trade_TradeModified', client_id: APP.appKey, mall_id: Number(MALL.shopId), order_sn: before[0].channelOrderId, message_id: id,
        ...(timestamp === undefined ? {} : { timestamp }),
      });
      const now = Math.floor(Date.now() / 1000);
      for (const [i, timestamp] of [now - 11 * 60, now + 11 * 60, undefined, 'yesterday', now * 1000].entries()) {
        const refused = await send(message(`stale-${i}`, timestamp));
        assert.equal(refused.status, 401, String(timestamp));
        assert.equal(((await refused.json()) as any).error_response.error_code, 10016);
      }
      assert.deepEqual((await allOrders()).map((o) => [o.id, o.version]).sort(), before.map((o) => [o.id, o.version]).sort());

      const fresh = message('fresh-1', now - 8 * 60);
      assert.equal((await send(fresh)).status, 200);
      const once = await allOrders();
      assert.equal((await send(fresh)).status, 200);
      assert.deepEqual((await allOrders()).map((o) => [o.id, o.version]).sort(), once.map((o) => [o.id, o.version]).sort());
    });
  });
}
