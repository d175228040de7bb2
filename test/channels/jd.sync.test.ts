import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { signedJdPush, startJdSandbox, type JdSandbox } from '../../sandbox/jd/jd.sandbox.ts';
import { receivePush } from '../../src/modules/channels/channels.webhooks.ts';
import { pullDueShops, defaultPullSettings, type ConnectorRegistry } from '../../src/modules/channels/channels.pull.ts';
import { JD_PUSH_METHOD, jdConnector } from '../../src/modules/channels/jd/jd.connector.ts';
import { signJd } from '../../src/modules/channels/jd/jd.sign.ts';
import { JD_STATUS } from '../../src/modules/channels/jd/jd.normalise.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

const APP = { appKey: 'JDSANDBOXAPPKEY0001', appSecret: 'jd-sandbox-app-secret' };
const SHOP = { venderId: '10086001', accessToken: 'jd-sandbox-access-token' };

// The connector registry (channels.connectors.ts) does not know JD yet, so this test passes its own,
// and serves the push route itself with receivePush (the app's /webhooks route goes through the registry).
const registry: ConnectorRegistry = (channel) => {
  if (channel !== 'jd') throw new Error(`no ${channel} connector in this test`);
  return jdConnector({ clock: systemClock });
};

for (const backend of testBackends()) {
  describe(`JD orders by pull and push, against the sandbox (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    let sandbox: JdSandbox;
    let hook: Server;
    let hookUrl = '';
    let shopRef = '';
    const settings = { ...defaultPullSettings, intervalMs: 0, lagMs: 0, initialLookbackMs: 3 * 24 * 3600_000 };

    async function allOrders(): Promise<any[]> {
      const items: any[] = [];
      let cursor: string | null = null;
      do {
        const res = await api.request('GET', `/api/v1/orders?channel=jd&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      return items;
    }

    const deps = () => ({ db: database.handle.db, clock: systemClock, secrets: api.app.secrets, connectors: registry, logger: createLogger('silent'), sink: api.flows.intake });
    const pull = () => pullDueShops(deps(), settings);

    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
      api.clock.set(new Date());
      // What the channels route does for /webhooks/jd/<shopRef>, with this test's registry.
      hook = createServer((req, res) => {
        let rawBody = '';
        req.setEncoding('utf8');
        req.on('data', (c: string) => (rawBody += c));
        req.on('end', () => {
          const url = new URL(req.url ?? '/', 'http://hook');
          const ref = decodeURIComponent(url.pathname.split('/').pop() ?? '');
          receivePush(deps(), 'jd', ref, { headers: req.headers, query: Object.fromEntries(url.searchParams), rawBody }).then(
            ({ reply }) => res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body)),
            (err: unknown) => res.writeHead(500).end(String(err)),
          );
        });
      });
      await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
      hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
      // Shop ids make the webhook path: /webhooks/jd/<tenant>.<shop id>.
      shopRef = 'default.jd-live';
      sandbox = await startJdSandbox({
        apps: [{ ...APP, shops: [SHOP] }],
        seed: 7,
        // Every other message is delivered twice, and deliveries are shuffled.
        faults: { duplicateRate: 0.5, reorderRate: 0.5 },
        webhook: { url: `${hookUrl}/webhooks/jd/${shopRef}`, ...APP },
      });
      const shop = await api.request('POST', '/api/v1/shops', {
        body: { id: 'jd-live', channel: 'jd', name: '京东沙箱', channelShopId: SHOP.venderId, credentials: { ...APP, accessToken: SHOP.accessToken }, apiBaseUrl: sandbox.url },
      });
      assert.equal(shop.status, 201, JSON.stringify(shop.body));
      assert.equal(shop.body.webhookPath, `/webhooks/jd/${shopRef}`);
    });
    after(async () => {
      await sandbox?.close();
      await new Promise<void>((resolve) => hook.close(() => resolve()));
      await api.close();
      await database.drop();
    });

    test('an incremental pull brings in every paid order, with JD’s amounts, times and ids', async () => {
      sandbox.generateOrders(230, Date.now() - 60_000, { spreadSeconds: 2 * 24 * 3600 });
      const theirs = sandbox.store.ordersOf(SHOP.venderId);
      const reports = await pull();
      assert.equal(reports.length, 1);
      assert.equal(reports[0]!.error, null);
      const orders = await allOrders();
      assert.equal(orders.length, theirs.length);
      assert.ok(theirs.length > 200, `${theirs.length} paid orders (unpaid JD orders are never listed)`);
      const byId = new Map(orders.map((o) => [o.channelOrderId, o]));
      for (const t of theirs.slice(0, 20)) assert.ok(byId.get(t.orderId), 'every order is there by its JD id');
      assert.ok(orders.every((o) => /^\d{12}$/.test(o.channelOrderId)), 'JD ids stay digit strings');
      assert.ok(orders.every((o) => o.totalFen === o.goodsFen + o.shippingFen - o.discountFen));
      const sample = theirs[0]!;
      const mine = byId.get(sample.orderId);
      assert.equal(mine.totalFen, sample.lines.reduce((s, l) => s + l.priceFen * l.quantity, 0) + sample.scenario.postFeeFen - sample.scenario.discountFen);

      await pull();
      assert.equal((await allOrders()).length, theirs.length);
    });

    test('push messages, duplicated and out of order, leave every order as JD has it', async () => {
      const events = sandbox.recorded.events;
      assert.ok(events.length > 200, `${events.length} changes on the platform`);
      const report = await sandbox.pushEvents();
      assert.ok(report.messages >= events.length, JSON.stringify(report));
      assert.ok(report.duplicates > 0, 'some messages were delivered twice');
      assert.equal(report.failedPosts, 0, JSON.stringify([report, sandbox.recorded.webhookDeliveries.filter((d) => d.status !== 200).slice(0, 2)]).slice(0, 3000));

      const ours = new Map((await allOrders()).map((o) => [o.channelOrderId, o]));
      const theirs = sandbox.store.ordersOf(SHOP.venderId);
      assert.equal(ours.size, theirs.length);
      let cancelled = 0;
      for (const order of theirs) {
        const mine = ours.get(order.orderId);
        assert.ok(mine, `order ${order.orderId} is known`);
        assert.equal(mine.channelStatus, JD_STATUS[order.state], `order ${order.orderId} (${order.state})`);
        if (mine.status === 'cancelled') cancelled++;
      }
      assert.ok(cancelled > 0, 'cancellations came through');
    });

    test('bad signature, malformed body and unknown shop are refused in JD’s error shape, and change nothing', async () => {
      const before = await allOrders();
      const message = { order_id: before[0].channelOrderId, order_state: 'TRADE_CANCELED', modified: '2026-01-01 00:00:00', message_id: 'forged-1', vender_id: SHOP.venderId };
      const send = async (ref: string, push: { url: string; body: string }) => fetch(push.url.replace(`/webhooks/jd/${shopRef}`, `/webhooks/jd/${ref}`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: push.body });
      const base = `${hookUrl}/webhooks/jd/${shopRef}`;

      const forged = await send(shopRef, signedJdPush(base, { ...APP, appSecret: 'wrong-secret' }, message, new Date()));
      assert.equal(forged.status, 401);
      assert.deepEqual(await forged.json(), { error_response: { code: '19', zh_desc: '无效签名', en_desc: 'Invalid signature' } });

      const good = signedJdPush(base, APP, message, new Date());
      assert.equal((await send(shopRef, { ...good, body: good.body.replace('forged-1', 'forged-2') })).status, 401);

      const broken = signedJdPush(base, APP, message, new Date());
      const malformed = await fetch(broken.url, { method: 'POST', body: broken.body.slice(0, 20) });
      assert.equal(malformed.status, 401, 'a truncated body no longer matches its signature');
      // A body signed as sent but not a JD message.
      const params = new URL(good.url).searchParams;
      const bodyText = '{"order_id": ';
      const sig = signJd({ app_key: APP.appKey, method: params.get('method')!, timestamp: params.get('timestamp')!, v: '2.0', '360buy_param_json': bodyText }, APP.appSecret);
      params.set('sign', sig);
      const bad = await fetch(`${base}?${params}`, { method: 'POST', body: bodyText });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as any).error_response.code, '400');

      // An unknown shop is answered exactly as a bad signature is.
      const unknown = await send('default.nope', good);
      assert.equal(unknown.status, 401);
      assert.deepEqual(await unknown.json(), { error_response: { code: '19', zh_desc: '无效签名', en_desc: 'Invalid signature' } });

      const after = await allOrders();
      assert.deepEqual(after.map((o) => [o.id, o.version]).sort(), before.map((o) => [o.id, o.version]).sort());
      const letters = await api.request('GET', '/api/v1/channel-dead-letters');
      assert.deepEqual(letters.body.items.map((l: any) => l.reason).sort(), ['bad_signature', 'bad_signature', 'bad_signature', 'malformed', 'unknown_shop']);
      assert.ok(!JSON.stringify(letters.body).includes(APP.appSecret));
    });

    test('a push whose signed timestamp is over ten minutes off or missing is refused as a bad signature; a replay within the window changes nothing', async () => {
      const before = await allOrders();
      const target = before.find((o) => o.status !== 'cancelled')!;
      const base = `${hookUrl}/webhooks/jd/${shopRef}`;
      const send = (push: { url: string; body: string }) => fetch(push.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: push.body });
      const message = (id: string) => ({ order_id: target.channelOrderId, order_state: 'TRADE_CANCELED', modified: '2026-01-01 00:00:00', message_id: id, vender_id: SHOP.venderId });
      const signatureRefusal = { error_response: { code: '19', zh_desc: '无效签名', en_desc: 'Invalid signature' } };

      for (const [i, at] of [Date.now() - 11 * 60_000, Date.now() + 11 * 60_000].entries()) {
        const stale = await send(signedJdPush(base, APP, message(`stale-${i}`), new Date(at)));
        assert.equal(stale.status, 401);
        assert.deepEqual(await stale.json(), signatureRefusal);
      }
      // Signed without a timestamp at all.
      const body = JSON.stringify(message('no-time'));
      const params = { app_key: APP.appKey, method: JD_PUSH_METHOD, v: '2.0' };
      const sign = signJd({ ...params, timestamp: '', '360buy_param_json': body }, APP.appSecret);
      const untimed = await send({ url: `${base}?${new URLSearchParams({ ...params, sign })}`, body });
      assert.equal(untimed.status, 401);
      assert.deepEqual(await untimed.json(), signatureRefusal);
      assert.deepEqual((await allOrders()).map((o) => [o.id, o.version]).sort(), before.map((o) => [o.id, o.version]).sort());

      // Eight minutes old is within the window; the same delivery again is harmless.
      const fresh = signedJdPush(base, APP, message('fresh-1'), new Date(Date.now() - 8 * 60_000));
      assert.equal((await send(fresh)).status, 200);
      const once = await allOrders();
      assert.equal((await send(fresh)).status, 200);
      assert.deepEqual((await allOrders()).map((o) => [o.id, o.version]).sort(), once.map((o) => [o.id, o.version]).sort());
    });
  });
}
