import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signPdd } from '../../src/modules/channels/pdd/pdd.sign.ts';
import { startPddSandbox, type PddSandbox } from './pdd.sandbox.ts';

// Sandbox time frozen at 2025-06-02 12:00 Beijing time, moved only by `advance`.
const T0 = Date.UTC(2025, 5, 2, 4, 0, 0);
const HOUR = 3600_000;
const sec = (ms: number) => Math.floor(ms / 1000);
const APP = { appKey: 'pdd-client-id-0001', appSecret: 'pdd-sandbox-client-secret' };
const MALL = { shopId: '900001', accessToken: 'pdd-token-900001' };

describe('PDD sandbox gateway', () => {
  let sandbox: PddSandbox;
  let now = T0;

  async function call(type: string, business: Record<string, string | number>, opts: { secret?: string; timestamp?: number; json?: boolean } = {}): Promise<any> {
    const params: Record<string, string> = { type, client_id: APP.appKey, access_token: MALL.accessToken, timestamp: String(opts.timestamp ?? sec(sandbox.now())), data_type: 'JSON' };
    for (const [k, v] of Object.entries(business)) params[k] = String(v);
    params.sign = signPdd(params as typeof params & { type: string; client_id: string; timestamp: string }, opts.secret ?? APP.appSecret);
    const res = await fetch(`${sandbox.url}/api/router`, opts.json
      ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) }
      : { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
    return res.json();
  }

  before(async () => {
    sandbox = await startPddSandbox({ apps: [{ ...APP, shops: [MALL] }], seed: 11, clock: () => now });
    sandbox.generateOrders(250, T0 - 60_000, { spreadSeconds: 20 * 60 });
    now = T0 + 2 * HOUR; // everything paid by now
  });
  after(() => sandbox.close());

  const window = () => ({ start_updated_at: sec(T0 - 25 * 60_000), end_updated_at: sec(T0 + 5 * 60_000) });

  test('a bad signature is refused in PDD’s error envelope', async () => {
    const body = await call('pdd.order.number.list.increment.get', { ...window(), page: 1, page_size: 10 }, { secret: 'wrong' });
    assert.equal(body.error_response.error_code, 10016);
    assert.equal(typeof body.error_response.error_msg, 'string');
    assert.ok(body.error_response.request_id);
  });

  test('a stale or millisecond timestamp is refused', async () => {
    const stale = await call('pdd.order.number.list.increment.get', { ...window() }, { timestamp: sec(now) - 3600 });
    assert.equal(stale.error_response.error_code, 10019);
    const millis = await call('pdd.order.number.list.increment.get', { ...window() }, { timestamp: now });
    assert.equal(millis.error_response.error_code, 10019);
  });

  test('a window longer than 30 minutes is refused', async () => {
    const body = await call('pdd.order.number.list.increment.get', { start_updated_at: sec(T0 - 31 * 60_000), end_updated_at: sec(T0), page: 1, page_size: 100 });
    assert.equal(body.error_response.sub_code, 'time_range_too_long');
    const tooBig = await call('pdd.order.number.list.increment.get', { ...window(), page: 1, page_size: 101 });
    assert.equal(tooBig.error_response.sub_code, 'invalid_page_size');
    const zero = await call('pdd.order.number.list.increment.get', { ...window(), page: 0, page_size: 10 });
    assert.equal(zero.error_response.sub_code, 'invalid_page');
  });

  test('paging from 1 while has_next returns every order once, JSON or form body', async () => {
    const seen: string[] = [];
    let total = 0;
    for (let page = 1; ; page++) {
      const body = await call('pdd.order.number.list.increment.get', { ...window(), page, page_size: 40, order_status: 5, refund_status: 5, is_lucky_flag: 0 }, { json: page % 2 === 0 });
      const r = body.order_sn_increment_get_response;
      assert.ok(r, JSON.stringify(body));
      total = r.total_count;
      seen.push(...r.order_sn_list.map((o: any) => o.order_sn));
      if (!r.has_next) break;
    }
    assert.equal(new Set(seen).size, seen.length);
    assert.equal(seen.length, total);
    const { start_updated_at: start, end_updated_at: end } = window();
    const expected = sandbox.store.ordersOf(MALL.shopId).filter((o) => sec(o.updatedAt) >= start && sec(o.updatedAt) <= end);
    assert.deepEqual([...seen].sort(), expected.map((o) => o.orderSn).sort());
    assert.ok(total > 150 && total < 250, `${total}: unpaid orders never appear`);
    assert.ok(seen.every((sn) => /^\d{6}-\d{15}$/.test(sn)));
  });

  test('order detail, stock update and shipment are answered and recorded', async () => {
    const order = sandbox.store.ordersOf(MALL.shopId).find((o) => o.orderStatus === 1 && o.refundStatus === 1)!;
    const info = await call('pdd.order.information.get', { order_sn: order.orderSn });
    const o = info.order_info_get_response.order_info;
    assert.equal(o.order_sn, order.orderSn);
    assert.match(o.created_time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(Math.round(o.pay_amount * 100), Math.round((o.goods_amount + o.postage - o.discount_amount) * 100));

    const stock = await call('pdd.goods.quantity.update', { outer_id: o.item_list[0].outer_id, quantity: 7, update_type: 1 });
    assert.equal(stock.goods_quantity_update_response.is_success, true);
    assert.equal(sandbox.recorded.stockUpdates.at(-1)!.quantity, 7);

    const sent = await call('pdd.logistics.online.send', { order_sn: order.orderSn, logistics_id: '115', tracking_number: 'YT1234567890' });
    assert.equal(sent.logistics_online_send_response.is_success, true);
    assert.equal(sandbox.store.get(order.orderSn)!.orderStatus, 2);
    const again = await call('pdd.logistics.online.send', { order_sn: order.orderSn, logistics_id: '115', tracking_number: 'YT1234567890' });
    assert.equal(again.error_response.sub_code, 'order_not_shippable');
    assert.equal(sandbox.recorded.events.at(-1)!.type, 'pdd_trade_TradeSellerShip');
  });
});
