import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ChannelApiError } from '../../src/modules/channels/connector.ts';
import { callJd } from '../../src/modules/channels/jd/jd.client.ts';
import { jdConnector } from '../../src/modules/channels/jd/jd.connector.ts';
import { signJd } from '../../src/modules/channels/jd/jd.sign.ts';
import type { ShopCredentials } from '../../src/modules/channels/shops.service.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { formatWallClock } from '../../src/platform/time/wall-clock.ts';
import { startJdSandbox, type JdSandbox } from './jd.sandbox.ts';

// Sandbox time is frozen at 2025-06-02 12:00 Beijing time and moved only by `advance`.
const T0 = Date.UTC(2025, 5, 2, 4, 0, 0);
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const APP = { appKey: 'JDSANDBOXAPPKEY0001', appSecret: 'jd-sandbox-secret' };
const VENDER = '10086001';
const TOKEN = 'jd-sandbox-token';

describe('JD sandbox gateway', () => {
  let sandbox: JdSandbox;
  let receiver: Server;
  let receiverUrl = '';
  const received: { url: string; body: string }[] = [];
  let t = T0;
  const clock = new ManualClock(new Date(T0 + 2 * HOUR));
  let shop: ShopCredentials;
  const connector = () => jdConnector({ clock });

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":"0"}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    sandbox = await startJdSandbox({
      seed: 'jd-gateway',
      clock: () => t,
      apps: [{ ...APP, shops: [{ venderId: VENDER, accessToken: TOKEN }] }, { appKey: 'OTHER', appSecret: 'other', shops: [{ venderId: '20001', accessToken: 'tok-2' }] }],
      webhook: { url: receiverUrl, ...APP },
    });
    shop = { tenantId: 't', shopId: 'jd-1', channel: 'jd', channelShopId: VENDER, ...APP, accessToken: TOKEN, apiBaseUrl: sandbox.url };
    sandbox.generateOrders(250, T0, { spreadSeconds: 6 * 3600 });
    sandbox.generateOrders(5, T0, { venderId: '20001' });
    t = T0 + 2 * HOUR;
    sandbox.advance();
  });
  after(async () => {
    await sandbox.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  async function raw(params: Record<string, string>): Promise<any> {
    const res = await fetch(`${sandbox.url}/routerjson`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
    assert.equal(res.status, 200);
    return res.json();
  }
  const signed = (method: string, business: object, secret = APP.appSecret) => {
    const p = { method, app_key: APP.appKey, access_token: TOKEN, timestamp: formatWallClock(new Date(t)), v: '2.0', '360buy_param_json': JSON.stringify(business) };
    return { ...p, sign: signJd(p, secret) };
  };

  test('a bad or missing signature is refused with error_response code 19', async () => {
    const business = { start_date: '2025-06-02 06:00:00', end_date: '2025-06-02 12:00:00' };
    const forged = await raw(signed('jingdong.pop.order.enSearch', business, 'wrong-secret'));
    assert.deepEqual(forged, { error_response: { code: '19', zh_desc: '无效签名', en_desc: 'Invalid signature' } });
    // Changing the business JSON after signing breaks the signature too.
    const good = signed('jingdong.pop.order.enSearch', business);
    const tampered = await raw({ ...good, '360buy_param_json': JSON.stringify({ ...business, page: '2' }) });
    assert.equal(tampered.error_response.code, '19');
    const ok = await raw(good);
    assert.ok(ok.jingdong_pop_order_enSearch_responce.searchorderinfo_result.orderTotal > 0);
    // Parameters in the query string are accepted as well as a form body.
    const viaQuery = await fetch(`${sandbox.url}/routerjson?${new URLSearchParams(good)}`, { method: 'POST' });
    assert.ok(((await viaQuery.json()) as any).jingdong_pop_order_enSearch_responce);
  });

  test('the client reads error_response into ChannelApiError; window over the limit is refused, not retried', async () => {
    await assert.rejects(
      callJd(shop, 'jingdong.pop.order.enSearch', { start_date: '2025-04-01 00:00:00', end_date: '2025-06-02 00:00:00', page: '1', page_size: '10' }, { clock }),
      (err: unknown) => err instanceof ChannelApiError && err.code === '61' && !err.retryable && /30/.test(err.message),
    );
    await assert.rejects(
      callJd(shop, 'jingdong.pop.order.enSearch', { start_date: '2025-06-01 00:00:00', end_date: '2025-06-02 00:00:00', page_size: '101' }, { clock }),
      (err: unknown) => err instanceof ChannelApiError && err.code === '61',
    );
    await assert.rejects(callJd({ ...shop, appSecret: 'nope' }, 'jingdong.pop.order.enGet', { order_id: '1' }, { clock }), (err: unknown) => err instanceof ChannelApiError && err.code === '19' && !err.retryable);
    // A timestamp far from the gateway's clock is refused (sandbox rule: ten minutes).
    await assert.rejects(callJd(shop, 'jingdong.pop.order.enGet', { order_id: '1' }, { clock: new ManualClock(new Date(t + 3600_000)) }), (err: unknown) => err instanceof ChannelApiError && err.code === '16');
    // Exactly 30 days is allowed.
    await callJd(shop, 'jingdong.pop.order.enSearch', { start_date: '2025-05-03 12:00:00', end_date: '2025-06-02 12:00:00' }, { clock });
  });

  test('pullWindow pages from 1 until orderTotal, every paid order once, oldest change first', async () => {
    const visible = sandbox.store.ordersOf(VENDER);
    assert.ok(visible.length > 200 && visible.length < 250, `${visible.length} paid orders (unpaid ones are never listed)`);
    const pages: string[][] = [];
    for await (const page of connector().pullWindow(shop, { from: new Date(T0 - DAY), to: new Date(T0 + 2 * HOUR) })) {
      pages.push(page.map((o) => o.channelOrderId));
      for (const o of page) assert.equal(o.channel, 'jd');
    }
    assert.deepEqual(pages.map((p) => p.length), [100, 100, visible.length - 200]);
    const ids = pages.flat();
    assert.equal(new Set(ids).size, visible.length);
    assert.deepEqual(new Set(ids), new Set(visible.map((o) => o.orderId)));
    const modified = ids.map((id) => sandbox.store.get(id)!.modified);
    assert.ok(modified.every((m, i) => i === 0 || m >= modified[i - 1]!), 'ascending modified time across pages');
    const pageCalls = sandbox.recorded.requests.filter((r) => r.method === 'jingdong.pop.order.enSearch' && r.code === '0');
    assert.ok(pageCalls.length >= 3);
    // The other shop's orders stay out.
    assert.ok(!ids.some((id) => sandbox.store.get(id)?.venderId !== VENDER));
  });

  test('order_state filters; fetchOrder reads enGet; another shop’s order reads as null', async () => {
    const res = await raw(signed('jingdong.pop.order.enSearch', { start_date: '2025-06-01 12:00:00', end_date: '2025-06-02 14:00:00', order_state: 'TRADE_CANCELED', page_size: '100' }));
    const list = res.jingdong_pop_order_enSearch_responce.searchorderinfo_result.orderInfoList as any[];
    assert.ok(list.length > 0 && list.every((o) => o.orderState === 'TRADE_CANCELED'));
    assert.match(list[0].orderPayment, /^\d+\.\d{2}$/);
    assert.match(list[0].consigneeInfo.mobile, /^\d{3}\*{4}\d{4}$/);
    const one = await connector().fetchOrder(shop, list[0].orderId);
    assert.equal(one?.status, 'cancelled');
    const foreign = sandbox.store.ordersOf('20001')[0]!;
    assert.equal(await connector().fetchOrder(shop, foreign.orderId), null);
  });

  test('stock goes to JD’s skuId found by the merchant code; shipment moves the order on', async () => {
    await connector().pushStock(shop, [{ sku: 'CUP500-BL', quantity: 17 }, { sku: 'TS100-WH-M', quantity: 0 }]);
    assert.deepEqual(sandbox.recorded.stockWrites.map((w) => [w.skuId.length, w.stockNum]), [[12, 17], [12, 0]]);
    await assert.rejects(connector().pushStock(shop, [{ sku: 'NOPE', quantity: 1 }]), (err: unknown) => err instanceof ChannelApiError && !err.retryable);

    const order = sandbox.store.ordersOf(VENDER).find((o) => o.state === 'WAIT_SELLER_STOCK_OUT')!;
    await connector().writeBackShipment(shop, { channelOrderId: order.orderId, carrierCode: '463', trackingNumber: 'SF1234567890' });
    assert.equal(sandbox.store.get(order.orderId)?.state, 'WAIT_GOODS_RECEIVE_CONFIRM');
    assert.deepEqual(sandbox.recorded.shipments.at(-1), { at: t, venderId: VENDER, orderId: order.orderId, logiCoprId: '463', logiNo: 'SF1234567890' });
    assert.equal((await connector().fetchOrder(shop, order.orderId))?.status, 'shipped');
    // Shipping twice is refused.
    await assert.rejects(connector().writeBackShipment(shop, { channelOrderId: order.orderId, carrierCode: '463', trackingNumber: 'X' }), ChannelApiError);
  });

  test('push deliveries carry JD’s signature, which the connector verifies and parses', async () => {
    const report = await sandbox.pushEvents();
    assert.equal(report.failedPosts, 0);
    assert.equal(received.length, report.messages);
    assert.ok(received.length >= sandbox.recorded.events.length);
    const c = connector();
    for (const r of received.slice(0, 20)) {
      const url = new URL(r.url, 'http://x');
      const request = { headers: {}, query: Object.fromEntries(url.searchParams), rawBody: r.body };
      assert.ok(c.verifyPush(shop, request));
      assert.ok(!c.verifyPush({ ...shop, appSecret: 'wrong' }, request));
      assert.ok(!c.verifyPush(shop, { ...request, rawBody: r.body.replace('"order_id":"', '"order_id":"9') }));
      const [m] = c.parsePush(shop, request);
      assert.equal(m!.channelShopId, VENDER);
      assert.match(m!.channelOrderId, /^\d{12}$/);
    }
  });
});
