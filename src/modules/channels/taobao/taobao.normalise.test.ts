import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { orderInput } from '../../orders/orders.input.ts';
import { ChannelApiError, ChannelPayloadError } from '../connector.ts';
import { parseTopJson, topResponseOf } from './taobao.client.ts';
import { normaliseTaobaoTrade, taobaoChannelStatus, taobaoTradesOf } from './taobao.normalise.ts';

const SHOP = { shopId: 'tb-flagship', channel: 'taobao' as const };

// As TOP sends it: tid/oid bare integers beyond 2^53, money in yuan strings, GMT+8 wall-clock times.
const BODY = `{"trades_sold_increment_get_response":{"total_results":1,"has_next":false,"trades":{"trade":[
{"tid":4312009876543210987,"status":"WAIT_SELLER_SEND_GOODS","type":"fixed","buyer_open_uid":"AAHx1",
"receiver_name":"张**","receiver_state":"浙江省","receiver_city":"杭州市","receiver_district":"西湖区","receiver_town":"文新街道",
"receiver_address":"文三路398号***","receiver_mobile":"138****5678","receiver_zip":"310000",
"created":"2026-11-11 00:03:12","pay_time":"2026-11-11 00:03:40","modified":"2026-11-11 00:03:41",
"total_fee":"268.00","post_fee":"8.00","discount_fee":"10.00","payment":"266.00","buyer_message":"请尽快发货",
"orders":{"order":[
{"oid":4312009876543210988,"num_iid":612345678901,"sku_id":"5123456789012","outer_sku_id":"SOFA-GREY-3S","title":"三人沙发","num":1,"price":"199.00","payment":"199.00","divide_order_fee":"191.58"},
{"oid":4312009876543210989,"num_iid":612345678902,"outer_sku_id":"PILLOW-01","title":"抱枕","num":2,"price":"34.50","payment":"69.00","divide_order_fee":"66.42"}
]}}]}}}`;

function trade(overrides: Record<string, unknown> = {}) {
  const response = topResponseOf(parseTopJson(BODY), 'taobao.trades.sold.increment.get');
  return { ...(taobaoTradesOf(response)[0] as Record<string, unknown>), ...overrides };
}

describe('Taobao trade normalisation', () => {
  test('big tid and oid stay exact; money in fen; GMT+8 times become UTC; totals consistent', () => {
    const order = normaliseTaobaoTrade(trade(), SHOP);
    assert.equal(order.channelOrderId, '4312009876543210987');
    assert.deepEqual(order.lines.map((l) => l.channelLineId), ['4312009876543210988', '4312009876543210989']);
    assert.equal(order.channel, 'taobao');
    assert.equal(order.totalFen, 26600);
    assert.equal(order.shippingFen, 800);
    assert.equal(order.goodsFen, 19158 + 6642);
    assert.equal(order.discountFen, 0, 'the coupon is already inside divide_order_fee');
    assert.equal(order.totalFen, order.goodsFen! + order.shippingFen - order.discountFen);
    assert.deepEqual(order.lines.map((l) => [l.sku, l.unitPriceFen, l.quantity]), [['SOFA-GREY-3S', 19900, 1], ['PILLOW-01', 3450, 2]]);
    assert.equal(order.orderedAt, '2026-11-10T16:03:12Z');
    assert.equal(order.paidAt, '2026-11-10T16:03:40Z');
    assert.equal(order.channelModifiedAt, '2026-11-10T16:03:41Z');
    // Each time as TOP wrote it, with its zone, goes along for the order's audit.
    assert.deepEqual(order.timeConversions?.map((c) => [c.field, c.sourceValue, c.sourceZone, c.utc]), [
      ['orderedAt', '2026-11-11 00:03:12', 'Asia/Shanghai', '2026-11-10T16:03:12Z'],
      ['paidAt', '2026-11-11 00:03:40', 'Asia/Shanghai', '2026-11-10T16:03:40Z'],
      ['channelModifiedAt', '2026-11-11 00:03:41', 'Asia/Shanghai', '2026-11-10T16:03:41Z'],
    ]);
    assert.equal(order.receiver.address, '文新街道文三路398号***');
    assert.equal(order.status, 'paid');
    assert.equal(order.channelStatus, 'WAIT_SELLER_SEND_GOODS');
    assert.ok(orderInput.safeParse(order).success, JSON.stringify(orderInput.safeParse(order).error?.issues));
  });

  test('without divide_order_fee the discount is derived from line payments', () => {
    const t = trade();
    const orders = (t.orders as { order: Record<string, unknown>[] }).order.map(({ divide_order_fee: _d, ...rest }) => rest);
    const order = normaliseTaobaoTrade({ ...t, orders: { order: orders } }, SHOP);
    assert.equal(order.goodsFen, 26800);
    assert.equal(order.discountFen, 1000);
    assert.ok(orderInput.safeParse(order).success);
  });

  test('the channel comes from the shop (tmall)', () => {
    assert.equal(normaliseTaobaoTrade(trade(), { shopId: 'tm', channel: 'tmall' }).channel, 'tmall');
  });

  test('statuses', () => {
    const expected: Record<string, string> = {
      TRADE_NO_CREATE_PAY: 'created', WAIT_BUYER_PAY: 'created', PAY_PENDING: 'created', WAIT_PRE_AUTH_CONFIRM: 'created',
      WAIT_SELLER_SEND_GOODS: 'paid', PAID_FORBID_CONSIGN: 'paid', SELLER_CONSIGNED_PART: 'shipped', WAIT_BUYER_CONFIRM_GOODS: 'shipped',
      TRADE_BUYER_SIGNED: 'delivered', TRADE_FINISHED: 'closed', TRADE_CLOSED: 'cancelled', TRADE_CLOSED_BY_TAOBAO: 'cancelled',
    };
    for (const [code, status] of Object.entries(expected)) assert.equal(taobaoChannelStatus(code), status, code);
    assert.throws(() => taobaoChannelStatus('SOMETHING_NEW'), ChannelPayloadError);
  });

  test('presale step trades are tagged; the final payment adds presale_final', () => {
    const deposit = normaliseTaobaoTrade(trade({ type: 'step', status: 'WAIT_BUYER_PAY', step_trade_status: 'FRONT_PAID_FINAL_NOPAID' }), SHOP);
    assert.deepEqual(deposit.tags, ['presale']);
    assert.equal(deposit.status, 'created');
    const final = normaliseTaobaoTrade(trade({ type: 'step', step_trade_status: 'FRONT_PAID_FINAL_PAID' }), SHOP);
    assert.deepEqual(final.tags, ['presale', 'presale_final']);
    assert.equal(final.status, 'paid');
  });

  test('a tid read as an inexact number, bad money or contradictory amounts are refused', () => {
    assert.throws(() => normaliseTaobaoTrade(trade({ tid: 4312009876543210987 }), SHOP), ChannelPayloadError);
    assert.throws(() => normaliseTaobaoTrade(trade({ payment: '266.005' }), SHOP), ChannelPayloadError);
    assert.throws(() => normaliseTaobaoTrade(trade({ payment: '999.00' }), SHOP), /exceeds/);
    assert.throws(() => normaliseTaobaoTrade(trade({ created: '2026-11-11T00:03:12Z' }), SHOP), ChannelPayloadError);
  });

  test('error_response becomes a ChannelApiError; 7 and isp.* are retryable', () => {
    const call = (body: string) => () => topResponseOf(parseTopJson(body), 'taobao.trade.fullinfo.get');
    assert.throws(call('{"error_response":{"code":25,"msg":"Invalid signature","request_id":"x"}}'), (e: unknown) => e instanceof ChannelApiError && e.code === '25' && !e.retryable);
    assert.throws(call('{"error_response":{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-api-access-count"}}'), (e: unknown) => e instanceof ChannelApiError && e.retryable);
    assert.throws(call('{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isp.remote-service-timeout"}}'), (e: unknown) => e instanceof ChannelApiError && e.retryable);
    assert.throws(call('{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isv.trade-not-exist"}}'), (e: unknown) => e instanceof ChannelApiError && !e.retryable);
  });
  test('PAID_FORBID_CONSIGN is paid and held: the channel does not let it ship yet', () => {
    const held = orderInput.parse(normaliseTaobaoTrade(trade({ status: 'PAID_FORBID_CONSIGN' }), SHOP));
    assert.deepEqual([held.status, held.channelHold], ['paid', 'consign_forbidden']);
    assert.equal(normaliseTaobaoTrade(trade({ status: 'WAIT_SELLER_SEND_GOODS' }), SHOP).channelHold, undefined);
  });
});
