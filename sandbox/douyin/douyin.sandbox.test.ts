import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OrderStatus, TradeTag } from './douyin.lifecycle.ts';
import { startDouyinSandbox, type DouyinSandbox } from './douyin.sandbox.ts';
import { callDouyin, TEST_APP } from './douyin.test-client.ts';

// Sandbox time is frozen at 2025-06-02 12:00 Beijing time and moved only by `advance`.
const T0 = Date.UTC(2025, 5, 2, 4, 0, 0);
const HOUR = 3600_000;
const sec = (ms: number) => Math.floor(ms / 1000);

const apps = [
  { appKey: TEST_APP.appKey, appSecret: TEST_APP.appSecret, shops: [{ shopId: TEST_APP.shopId, accessToken: TEST_APP.accessToken }] },
  { appKey: '7000000000000000002', appSecret: 'other-secret', shops: [{ shopId: '88001', accessToken: 'tok-88001' }] },
];

interface ListedOrder {
  order_id: string;
  order_status: number;
  update_time: number;
  create_time: number;
  shop_id: string | number;
  sku_order_list: { order_id: string; product_id: string; sku_id: number; out_sku_id: string; pay_amount: number }[];
  pay_amount: number;
  post_addr: { province: { id: string }; city: { id: string }; town: { id: string } };
  mask_post_tel: string;
}

describe('Douyin sandbox gateway', () => {
  let sandbox: DouyinSandbox;
  let t = T0;

  before(async () => {
    sandbox = await startDouyinSandbox({ seed: 'gateway', clock: () => t, apps });
    // 250 orders over the six hours before T0, then two hours for payments and edits to land.
    sandbox.generateOrders(250, T0, { spreadSeconds: 6 * 3600 });
    sandbox.generateOrders(5, T0, { shopId: '88001' });
    t = T0 + 2 * HOUR;
    sandbox.advance();
  });
  after(() => sandbox.close());

  const windowed = (extra: Record<string, string | number | boolean> = {}) => ({
    update_time_start: sec(T0 - 7 * HOUR),
    update_time_end: sec(t),
    order_by: 'update_time',
    order_asc: true,
    ...extra,
  });

  test('a signed searchList pages through every order of the shop, and only that shop', async () => {
    const seen = new Set<string>();
    let previous = 0;
    for (let page = 0; ; page++) {
      const { status, json } = await callDouyin(sandbox, 'order.searchList', windowed({ page, size: 100 }));
      assert.equal(status, 200);
      assert.equal(json.code, 10000, json.sub_msg);
      assert.equal(json.data.total, 250);
      assert.equal(json.data.page, page);
      const list = json.data.shop_order_list as ListedOrder[];
      for (const order of list) {
        assert.ok(order.update_time >= previous, 'ascending by update_time');
        previous = order.update_time;
        assert.equal(String(order.shop_id), TEST_APP.shopId);
        assert.match(order.order_id, /^\d{19}$/);
        assert.match(order.mask_post_tel, /^1\d{2}\*{4}\d{4}$/);
        assert.ok(order.post_addr.town.id.startsWith(order.post_addr.city.id.slice(0, 4)), 'district inside its city');
        assert.equal(order.sku_order_list.reduce((sum, line) => sum + line.pay_amount, 0), order.pay_amount);
        seen.add(order.order_id);
      }
      if (list.length < 100) {
        assert.equal(list.length, 50);
        break;
      }
    }
    assert.equal(seen.size, 250);
  });

  test('paging rules: page from 0 and size at most 100; both required', async () => {
    const tooBig = await callDouyin(sandbox, 'order.searchList', windowed({ page: 0, size: 101 }));
    assert.equal(tooBig.status, 200, 'errors are HTTP 200 with a code, as on the platform');
    assert.equal(tooBig.json.code, 40004);
    assert.equal(tooBig.json.sub_code, 'isv.parameter-invalid:size');
    assert.equal((await callDouyin(sandbox, 'order.searchList', windowed({ page: -1, size: 10 }))).json.code, 40004);
    assert.equal((await callDouyin(sandbox, 'order.searchList', windowed({ size: 10 }))).json.sub_code, 'isv.parameter-missing:page');
    const pastEnd = await callDouyin(sandbox, 'order.searchList', windowed({ page: 9, size: 100 }));
    assert.deepEqual(pastEnd.json.data.shop_order_list, []);
  });

  test('time windows are enforced: at most a day, start before end', async () => {
    const wide = await callDouyin(sandbox, 'order.searchList', { page: 0, size: 10, update_time_start: sec(t) - 86_401, update_time_end: sec(t) });
    assert.equal(wide.json.code, 40004);
    assert.equal(wide.json.sub_code, 'isv.parameter-invalid:update_time');
    const backwards = await callDouyin(sandbox, 'order.searchList', { page: 0, size: 10, create_time_start: sec(t), create_time_end: sec(t) - 60 });
    assert.equal(backwards.json.sub_code, 'isv.parameter-invalid:create_time_end');
    // Only the last hour's creations: fewer than all, and each inside the window.
    const recent = await callDouyin(sandbox, 'order.searchList', { page: 0, size: 100, create_time_start: sec(T0 - HOUR), create_time_end: sec(T0) });
    const list = recent.json.data.shop_order_list as ListedOrder[];
    assert.ok(list.length > 30 && list.length < 60, `got ${list.length}`);
    for (const order of list) assert.ok(order.create_time >= sec(T0 - HOUR) && order.create_time <= sec(T0));
  });

  test('a flipped byte in the body or the signature is refused with the platform signature error', async () => {
    const ok = await callDouyin(sandbox, 'order.searchList', windowed({ page: 0, size: 1 }));
    assert.equal(ok.json.code, 10000);
    const flip = (s: string, i: number) => s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ 1) + s.slice(i + 1);
    for (const options of [{ tamperBody: (b: string) => flip(b, b.indexOf('size') + 7) }, { tamperSign: (s: string) => flip(s, 5) }]) {
      const { status, json } = await callDouyin(sandbox, 'order.searchList', windowed({ page: 0, size: 1 }), options);
      assert.equal(status, 200);
      assert.deepEqual([json.code, json.msg, json.sub_code, json.sub_msg], [40003, '非法的参数', 'isv.signature-invalid', '签名校验失败']);
    }
    const hmac = await callDouyin(sandbox, 'order.searchList', windowed({ page: 0, size: 1 }), { signMethod: 'hmac-sha256' });
    assert.equal(hmac.json.code, 10000, 'hmac-sha256 signatures are accepted too');
  });

  test('token, app and timestamp checks answer with the platform codes', async () => {
    const call = (options: Parameters<typeof callDouyin>[3]) => callDouyin(sandbox, 'order.searchList', windowed({ page: 0, size: 1 }), options);
    assert.equal((await call({ accessToken: 'nope' })).json.sub_code, 'isv.access-token-no-existed');
    assert.equal((await call({ accessToken: 'tok-88001' })).json.sub_code, 'isv.access-token-invalid');
    assert.equal((await call({ appKey: '7999999999999999999' })).json.sub_code, 'isv.app-id-missing');
    assert.equal((await call({ timestamp: sec(t) - 3600 })).json.sub_code, 'isv.timestamp-invalid');
    const other = await callDouyin(sandbox, 'order.searchList', { page: 0, size: 10 }, { appKey: apps[1]!.appKey, appSecret: 'other-secret', accessToken: 'tok-88001' });
    assert.equal(other.json.data.total, 5, "a token opens only its own shop's orders");
  });

  test('orderDetail returns the same order as the list; a foreign or unknown id is not found', async () => {
    const listed = (await callDouyin(sandbox, 'order.searchList', windowed({ page: 0, size: 3 }))).json.data.shop_order_list as ListedOrder[];
    for (const order of listed) {
      const detail = await callDouyin(sandbox, 'order.orderDetail', { shop_order_id: order.order_id });
      assert.equal(detail.json.code, 10000);
      assert.deepEqual(detail.json.data.shop_order_detail, order);
    }
    const missing = await callDouyin(sandbox, 'order.orderDetail', { shop_order_id: '6000000000000000000' });
    assert.deepEqual([missing.json.code, missing.json.sub_code], [50002, 'isv.business-failed:order-not-found']);
    const foreign = sandbox.store.ordersOf('88001')[0]!.orderId;
    assert.equal((await callDouyin(sandbox, 'order.orderDetail', { shop_order_id: foreign })).json.code, 50002);
  });

  test('ids beyond 2^53 keep every digit in the raw response text', async () => {
    const { text, json } = await callDouyin(sandbox, 'order.searchList', windowed({ page: 0, size: 1 }));
    const line = (json.data.shop_order_list as ListedOrder[])[0]!.sku_order_list[0]!;
    assert.match(line.product_id, /^\d{19}$/);
    assert.ok(text.includes(`"product_id":${line.product_id},`), 'product_id is a bare integer with all 19 digits');
    assert.notEqual(String(Number(line.product_id)), line.product_id, 'and JSON.parse would have rounded it');
    assert.ok(text.includes(`"order_id":"${line.order_id}"`), 'order ids travel as strings');
  });

  test('sku.syncStock validates and records each push', async () => {
    const sku = sandbox.store.skus[0]!;
    const full = await callDouyin(sandbox, 'sku.syncStock', { product_id: sku.productId, sku_id: sku.skuId, stock_num: 37, incremental: false });
    assert.equal(full.json.code, 10000, full.json.sub_msg);
    const add = await callDouyin(sandbox, 'sku.syncStock', { code: sku.outSkuId, stock_num: 5, incremental: true, idempotent_id: 'wms-1' });
    assert.equal(add.json.code, 10000, add.json.sub_msg);
    assert.equal((await callDouyin(sandbox, 'sku.syncStock', { code: sku.outSkuId, stock_num: 5, incremental: true, idempotent_id: 'wms-1' })).json.sub_code, 'isv.idempotent-id-existed');
    assert.equal((await callDouyin(sandbox, 'sku.syncStock', { code: sku.outSkuId, stock_num: 5, incremental: true })).json.sub_code, 'isv.parameter-missing:idempotent_id');
    assert.equal((await callDouyin(sandbox, 'sku.syncStock', { sku_id: sku.skuId, stock_num: -1 })).json.sub_code, 'isv.parameter-invalid:stock_num');
    assert.equal((await callDouyin(sandbox, 'sku.syncStock', { code: 'NO-SUCH-SKU', stock_num: 1 })).json.code, 50002);
    assert.deepEqual(
      sandbox.recorded.stockPushes.map((p) => [p.outSkuId, p.stockNum, p.incremental, p.stockAfter, p.idempotentId]),
      [[sku.outSkuId, 37, false, 37, undefined], [sku.outSkuId, 5, true, 42, 'wms-1']],
    );
  });

  test('order.logisticsAdd ships a preparing order once and records it', async () => {
    const order = sandbox.store.ordersOf(TEST_APP.shopId).find((o) => o.status === OrderStatus.Preparing)!;
    const params = { order_id: order.orderId, company_code: 'zhongtong', logistics_code: '78512345678901' };
    assert.equal((await callDouyin(sandbox, 'order.logisticsAdd', params)).json.code, 10000);
    const again = await callDouyin(sandbox, 'order.logisticsAdd', params);
    assert.deepEqual([again.json.code, again.json.sub_code], [50002, 'isv.business-failed:order-status-not-shippable']);
    assert.equal((await callDouyin(sandbox, 'order.logisticsAdd', { ...params, logistics_code: 'x' })).json.sub_code, 'isv.parameter-invalid:logistics_code');
    assert.deepEqual(sandbox.recorded.shipments.map((s) => [s.orderId, s.companyCode, s.trackingNo]), [[order.orderId, 'zhongtong', '78512345678901']]);
    const detail = (await callDouyin(sandbox, 'order.orderDetail', { shop_order_id: order.orderId })).json.data.shop_order_detail as ListedOrder & { logistics_info: { tracking_no: string }[] };
    assert.equal(detail.order_status, OrderStatus.Shipped);
    assert.equal(detail.logistics_info[0]!.tracking_no, '78512345678901');
    assert.ok(sandbox.recorded.events.some((e) => e.tag === TradeTag.SellerShipped && e.orderId === order.orderId));
  });
});

describe('Douyin sandbox faults and lifecycle', () => {
  test('rate limit and injected errors use the platform codes', async () => {
    const limited = await startDouyinSandbox({ apps: apps.slice(0, 1), faults: { rateLimitPerSecond: 2 } });
    const failing = await startDouyinSandbox({ apps: apps.slice(0, 1), faults: { errorRate: 1 } });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await callDouyin(limited, 'order.searchList', { page: 0, size: 1 })).json.sub_code);
      assert.deepEqual(codes.slice(0, 2), ['', '']);
      assert.ok(codes.slice(2).includes('isv.traffic-limited'), codes.join());
      const busy = await callDouyin(failing, 'order.searchList', { page: 0, size: 1 });
      assert.deepEqual([busy.json.code, busy.json.sub_code], [20000, 'dop.service-error']);
    } finally {
      await limited.close();
      await failing.close();
    }
  });

  test('orders move through their lifecycle as the clock passes, bumping update_time', async () => {
    let t = T0;
    const scenario = { unpaidCancelRate: 0, paidCancelRate: 1, addressChangeRate: 1 };
    const sandbox = await startDouyinSandbox({ seed: 3, clock: () => t, apps: apps.slice(0, 1), scenario });
    try {
      const [order] = sandbox.generateOrders(1);
      assert.equal(order!.status, OrderStatus.AwaitingPayment);
      const created = order!.updateTime;
      t += 7 * HOUR;
      const events = sandbox.advance();
      const tags = events.map((e) => e.tag);
      // Paid (101 then 110), perhaps re-addressed (111 then 105), then cancelled (106), in time order.
      assert.equal(tags[0], TradeTag.PaidConfirmed);
      assert.ok(tags.includes(TradeTag.PaidPending));
      if (tags.includes(TradeTag.AddressChangeApplied)) {
        assert.equal(tags[tags.indexOf(TradeTag.AddressChangeApplied) + 1], TradeTag.AddressChanged);
      }
      assert.equal(tags[tags.length - 1], TradeTag.Cancelled);
      assert.deepEqual(events.map((e) => e.at), [...events.map((e) => e.at)].sort((a, b) => a - b));
      assert.equal(order!.status, OrderStatus.Cancelled);
      assert.ok(order!.updateTime > created);
      const again = await startDouyinSandbox({ seed: 3, clock: () => T0, apps: apps.slice(0, 1), scenario });
      const replayed = again.generateOrders(1)[0]!;
      await again.close();
      assert.equal(replayed.orderId, order!.orderId, 'the same seed gives the same orders');
      assert.deepEqual(replayed.scenario, order!.scenario);
    } finally {
      await sandbox.close();
    }
  });
});
