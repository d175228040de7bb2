import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startDouyinSandbox, type DouyinSandbox } from '../../sandbox/douyin/douyin.sandbox.ts';
import { connectorRegistry } from '../../src/modules/channels/channels.connectors.ts';
import { pullDueShops, defaultPullSettings } from '../../src/modules/channels/channels.pull.ts';
import { signDouyinEvent } from '../../src/modules/channels/douyin/douyin.sign.ts';
import { sql } from 'drizzle-orm';
import { systemClock } from '../../src/platform/clock.ts';
import { rowsOf } from '../../src/platform/db/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

const APP = { appKey: '7012345678901234567', appSecret: 'douyin-sandbox-app-secret' };
const SHOP = { shopId: '4463798', accessToken: 'douyin-sandbox-access-token' };

for (const backend of testBackends()) {
  describe(`Douyin orders by pull and push, against the sandbox (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    let sandbox: DouyinSandbox;
    let webhookPath: string;
    const settings = { ...defaultPullSettings, intervalMs: 0, lagMs: 0, initialLookbackMs: 3 * 24 * 3600_000 };

    async function allOrders(): Promise<any[]> {
      const items: any[] = [];
      let cursor: string | null = null;
      do {
        const res = await api.request('GET', `/api/v1/orders?channel=douyin&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      return items;
    }

    const pull = () =>
      pullDueShops({ db: database.handle.db, clock: systemClock, secrets: api.app.secrets, connectors: connectorRegistry({ clock: systemClock }), logger: createLogger('silent'), sink: api.flows.intake }, settings);

    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
      // The platform checks request timestamps against its own clock.
      api.clock.set(new Date());
      sandbox = await startDouyinSandbox({
        apps: [{ ...APP, shops: [SHOP] }],
        seed: 7,
        // Every other message is delivered twice, and deliveries are shuffled.
        faults: { duplicateRate: 0.5, reorderRate: 0.5 },
        webhook: { url: `${api.url}/webhooks/douyin/default.dy-live`, ...APP },
      });
      const shop = await api.request('POST', '/api/v1/shops', {
        body: { id: 'dy-live', channel: 'douyin', name: '抖音沙箱', channelShopId: SHOP.shopId, credentials: { ...APP, accessToken: SHOP.accessToken }, apiBaseUrl: sandbox.url },
      });
      assert.equal(shop.status, 201);
      webhookPath = shop.body.webhookPath;
    });
    after(async () => {
      await sandbox.close();
      await api.close();
      await database.drop();
    });

    test('an incremental pull brings in every order, with the platform’s amounts, times and ids', async () => {
      const generated = sandbox.generateOrders(230, Date.now() - 60_000, { spreadSeconds: 2 * 24 * 3600 });
      const reports = await pull();
      assert.equal(reports.length, 1);
      assert.equal(reports[0]!.error, null);
      const orders = await allOrders();
      assert.equal(orders.length, 230);
      const byId = new Map(orders.map((o) => [o.channelOrderId, o]));
      for (const g of generated.slice(0, 20)) {
        const o = byId.get(String((g as any).orderId ?? (g as any).shopOrderId ?? (g as any).id));
        assert.ok(o, 'every generated order is there by its Douyin id');
      }
      assert.ok(orders.every((o) => /^\d{16,}$/.test(o.channelOrderId)), 'Douyin ids stay digit strings');
      assert.ok(orders.every((o) => o.totalFen === o.goodsFen + o.shippingFen - o.discountFen));

      // Pulling again finds the same orders: nothing doubles.
      await pull();
      assert.equal((await allOrders()).length, 230);
    });

    test('push messages, duplicated and out of order, leave every order as the platform has it', async () => {
      // The orders' two days of history (payments, cancellations, address edits) are waiting as messages.
      const events = sandbox.recorded.events;
      assert.ok(events.length > 230, `${events.length} changes on the platform`);
      const report = await sandbox.pushEvents();
      assert.ok(report.messages >= events.length, JSON.stringify(report));
      assert.ok(report.duplicates > 0, 'some messages were delivered twice');
      assert.equal(report.failedPosts, 0, JSON.stringify([report, sandbox.recorded.webhookDeliveries.slice(0, 2)]).slice(0, 3000));

      const ours = new Map((await allOrders()).map((o) => [o.channelOrderId, o]));
      const channelStatusOf: Record<number, string> = { 1: 'created', 105: 'paid', 2: 'paid', 101: 'shipped', 3: 'shipped', 4: 'cancelled', 5: 'closed' };
      const theirs = sandbox.store.ordersOf(SHOP.shopId);
      assert.equal(ours.size, theirs.length);
      let cancelled = 0;
      for (const order of theirs) {
        const mine = ours.get(order.orderId);
        assert.ok(mine, `order ${order.orderId} is known`);
        assert.equal(mine.channelStatus, channelStatusOf[order.status], `order ${order.orderId}`);
        if (mine.status === 'cancelled') cancelled++;
      }
      assert.ok(cancelled > 0, 'cancellations came through');
    });

    test('bad signature, malformed body and unknown shop are refused in Douyin’s reply shape, and change nothing', async () => {
      const before = await allOrders();
      const body = JSON.stringify([{ tag: '110', msg_id: 'forged-1', data: JSON.stringify({ p_id: before[0].channelOrderId, shop_id: Number(SHOP.shopId), order_status: 4 }) }]);
      const send = (path: string, raw: string, sign: string) =>
        fetch(api.url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'event-sign': sign }, body: raw });

      const forged = await send(webhookPath, body, signDouyinEvent(APP.appKey, 'wrong-secret', body));
      assert.equal(forged.status, 401);
      assert.deepEqual(await forged.json(), { code: 40004, msg: 'event-sign verification failed' });

      const flipped = body.replace('forged-1', 'forged-2');
      assert.equal((await send(webhookPath, flipped, signDouyinEvent(APP.appKey, APP.appSecret, body))).status, 401);

      const broken = '[{"tag": "110", "msg_id": ';
      const malformed = await send(webhookPath, broken, signDouyinEvent(APP.appKey, APP.appSecret, broken));
      assert.equal(malformed.status, 400);
      assert.equal(((await malformed.json()) as any).code, 40001);

      // An unknown shop or tenant is answered exactly as a bad signature is.
      for (const path of ['/webhooks/douyin/default.nope', '/webhooks/douyin/nobody.dy-live']) {
        const unknown = await send(path, body, signDouyinEvent(APP.appKey, APP.appSecret, body));
        assert.equal(unknown.status, 401, path);
        assert.deepEqual(await unknown.json(), { code: 40004, msg: 'event-sign verification failed' }, path);
      }

      // Signed, but with a message id no database can store: malformed, not a 500.
      const nul = JSON.stringify([{ tag: '110', msg_id: 'nul-\u0000', data: JSON.stringify({ p_id: before[0].channelOrderId, shop_id: Number(SHOP.shopId), order_status: 4 }) }]);
      const unstorable = await send(webhookPath, nul, signDouyinEvent(APP.appKey, APP.appSecret, nul));
      assert.equal(unstorable.status, 400);
      assert.equal(((await unstorable.json()) as any).code, 40001);

      const after = await allOrders();
      assert.deepEqual(after.map((o) => [o.id, o.version]).sort(), before.map((o) => [o.id, o.version]).sort());
      const letters = await api.request('GET', '/api/v1/channel-dead-letters');
      assert.deepEqual(letters.body.items.map((l: any) => l.reason).sort(), ['bad_signature', 'bad_signature', 'malformed', 'malformed', 'unknown_shop']);
      assert.ok(!JSON.stringify(letters.body).includes(APP.appSecret));
    });

    test('a flood of unsigned posts is counted per tenant but leaves a bounded number of dead letters, and shops cannot be told apart by their answers', async () => {
      const send = (path: string, raw: string) =>
        fetch(api.url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'event-sign': signDouyinEvent(APP.appKey, 'guessed', raw) }, body: raw });
      const letters = async () => (await api.request('GET', '/api/v1/channel-dead-letters?limit=500')).body;
      const kept = (body: any, reason: string) => body.items.filter((l: any) => l.reason === reason).length;
      const before = await letters();

      const answers = new Set<string>();
      for (let i = 0; i < 60; i++) {
        const raw = JSON.stringify([{ tag: '110', msg_id: `flood-${i}`, data: '{}' }]);
        // Alternately a real shop with a wrong signature, a shop that does not exist, a tenant that does not.
        const path = ['/webhooks/douyin/default.dy-live', `/webhooks/douyin/default.guess-${i}`, `/webhooks/douyin/t${i}.dy-live`][i % 3]!;
        const res = await send(path, raw);
        answers.add(`${res.status} ${await res.text()}`);
      }
      assert.deepEqual([...answers], ['401 {"code":40004,"msg":"event-sign verification failed"}']);

      const after = await letters();
      // 20 wrong signatures and 20 unknown shops of this tenant, each counted; rows kept up to 20 a window each.
      const count = (body: any, reason: string) => body.refusals.filter((r: any) => r.reason === reason && r.channel === 'douyin').reduce((n: number, r: any) => n + r.count, 0);
      for (const reason of ['bad_signature', 'unknown_shop']) {
        assert.equal(count(after, reason) - count(before, reason), 20, reason);
        // The test clock stands still: every refusal so far is in one window.
        assert.equal(kept(after, reason), Math.min(20, count(after, reason)), reason);
      }

      // The window is full now: more posts are counted, and no more rows are written.
      for (let i = 0; i < 30; i++) await send('/webhooks/douyin/default.dy-live', `[{"tag":"110","msg_id":"more-${i}","data":"{}"}]`);
      const full = await letters();
      assert.equal(count(full, 'bad_signature') - count(after, 'bad_signature'), 30);
      assert.equal(kept(full, 'bad_signature'), 20);
      assert.ok(full.refusals.every((r: any) => r.keptAsDeadLetters === Math.min(20, r.count)), JSON.stringify(full.refusals));
      // The posts for made-up tenants share one bucket of their own, bounded the same way.
      const others = rowsOf(await database.handle.db.execute(sql`SELECT count(*)::int AS n FROM channel_dead_letters WHERE tenant_id <> 'default'`));
      assert.equal(Number(others[0]?.n), 20);
    });
  });
}

