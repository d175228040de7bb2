import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { orderInput } from '../../orders/orders.input.ts';
import { ChannelPayloadError } from '../connector.ts';
import { jdDetailOrder, jdSearchResult, normaliseJdOrder } from './jd.normalise.ts';
import { jdResponseKey, parseJdJson } from './jd.client.ts';

const SHOP = { shopId: 'jd-flagship' };

function order(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: '290000001234',
    venderId: '10086001',
    orderTotalPrice: '207.00',
    orderSellerPrice: '197.00',
    orderPayment: '205.00',
    freightPrice: '8.00',
    sellerDiscount: '10.00',
    orderState: 'WAIT_SELLER_STOCK_OUT',
    orderRemark: '请尽快发货',
    orderStartTime: '2025-06-02 00:30:00',
    paymentConfirmTime: '2025-06-02 00:31:05',
    modified: '2025-06-02 00:31:05',
    venderRemark: '优先',
    consigneeInfo: {
      fullname: '张**', mobile: '138****5678', province: '浙江', provinceId: '15', city: '杭州市', cityId: '1213',
      county: '西湖区', town: '文新街道', fullAddress: '浙江杭州市西湖区文新街道文三路****',
    },
    itemInfoList: [
      { skuId: '100009000101', outerSkuId: 'TS100-WH-M', wareId: '10000800001', jdPrice: '59.00', itemTotal: '1', skuName: 'T恤 白 M' },
      { skuId: '100009000201', outerSkuId: 'CUP500-BL', wareId: '10000800002', jdPrice: '74', itemTotal: '2' },
    ],
    ...overrides,
  };
}

describe('JD order normalisation', () => {
  test('money from yuan strings to fen, consistent totals, GMT+8 times, masked receiver', () => {
    const o = normaliseJdOrder(order(), SHOP);
    assert.equal(o.channel, 'jd');
    assert.equal(o.channelOrderId, '290000001234');
    assert.equal(o.status, 'paid');
    assert.equal(o.channelStatus, 'WAIT_SELLER_STOCK_OUT');
    assert.equal(o.goodsFen, 5900 + 2 * 7400);
    assert.equal(o.shippingFen, 800);
    assert.equal(o.totalFen, 20500);
    assert.equal(o.discountFen, 20700 + 800 - 20500);
    assert.equal(o.orderedAt, '2025-06-01T16:30:00Z');
    assert.equal(o.paidAt, '2025-06-01T16:31:05Z');
    assert.equal(o.channelModifiedAt, '2025-06-01T16:31:05Z');
    assert.deepEqual(o.lines.map((l) => [l.sku, l.channelLineId, l.quantity, l.unitPriceFen]), [
      ['TS100-WH-M', '100009000101', 1, 5900],
      ['CUP500-BL', '100009000201', 2, 7400],
    ]);
    assert.equal(o.receiver.name, '张**');
    assert.equal(o.receiver.provinceCode, '15');
    assert.equal(o.sellerMemo, '优先');
    assert.equal(o.buyerMessage, '请尽快发货');
    assert.deepEqual(o.tags, []);
    // The platform's own validation accepts it as is.
    assert.ok(orderInput.safeParse(o).success, JSON.stringify(orderInput.safeParse(o).error?.issues));
  });

  test('every JD state maps; LOCKED and POP_ORDER_PAUSE are paid and tagged jd_locked', () => {
    const expected: Record<string, [string, string[]]> = {
      WAIT_SELLER_STOCK_OUT: ['paid', []],
      WAIT_SELLER_DELIVERY: ['paid', []],
      WAIT_GOODS_RECEIVE_CONFIRM: ['shipped', []],
      FINISHED_L: ['closed', []],
      TRADE_CANCELED: ['cancelled', []],
      LOCKED: ['paid', ['jd_locked']],
      POP_ORDER_PAUSE: ['paid', ['jd_locked']],
    };
    for (const [state, [status, tags]] of Object.entries(expected)) {
      const o = normaliseJdOrder(order({ orderState: state }), SHOP);
      assert.equal(o.status, status, state);
      assert.deepEqual(o.tags, tags, state);
      assert.ok(orderInput.safeParse(o).success, state);
    }
    assert.throws(() => normaliseJdOrder(order({ orderState: 'WAIT_BUYER_PAY' }), SHOP), ChannelPayloadError);
  });

  test('malformed amounts, ids, times and contradictions are refused, never guessed', () => {
    assert.throws(() => normaliseJdOrder(order({ orderPayment: '205.001' }), SHOP), ChannelPayloadError);
    assert.throws(() => normaliseJdOrder(order({ orderPayment: '1e3' }), SHOP), ChannelPayloadError);
    assert.throws(() => normaliseJdOrder(order({ orderPayment: '300.00' }), SHOP), /exceeds/);
    assert.throws(() => normaliseJdOrder(order({ orderId: 2.9e20 }), SHOP), ChannelPayloadError);
    assert.throws(() => normaliseJdOrder(order({ orderStartTime: '2025-06-02T00:30:00+08:00' }), SHOP), ChannelPayloadError);
    assert.throws(() => normaliseJdOrder(order({ itemInfoList: [] }), SHOP), ChannelPayloadError);
    assert.throws(() => normaliseJdOrder(order({ consigneeInfo: undefined }), SHOP), ChannelPayloadError);
    // No freight field reads as free shipping.
    assert.equal(normaliseJdOrder(order({ freightPrice: undefined, orderPayment: '197.00' }), SHOP).shippingFen, 0);
  });

  test('the same SKU twice gets distinct line ids; a missing payment time falls back to the order time', () => {
    const items = order().itemInfoList as object[];
    const o = normaliseJdOrder(order({ itemInfoList: [items[0], items[0]], orderPayment: '126.00', paymentConfirmTime: '' }), SHOP);
    assert.deepEqual(o.lines.map((l) => l.channelLineId), ['100009000101', '100009000101-2']);
    assert.equal(o.paidAt, o.orderedAt);
    assert.ok(orderInput.safeParse(o).success);
  });

  test('response helpers: the _responce spelling, search list and total, enGet detail, long ids kept', () => {
    assert.equal(jdResponseKey('jingdong.pop.order.enSearch'), 'jingdong_pop_order_enSearch_responce');
    const body = parseJdJson('{"x":{"searchorderinfo_result":{"orderInfoList":[{"orderId":12345678901234567890}],"orderTotal":1}}}') as any;
    const { orders, total } = jdSearchResult(body.x);
    assert.equal(total, 1);
    assert.equal((orders[0] as any).orderId, '12345678901234567890');
    assert.equal(jdDetailOrder({ orderDetailInfo: { apiResult: {} } }), undefined);
    assert.deepEqual(jdDetailOrder({ orderDetailInfo: { orderInfo: { orderId: '1' } } }), { orderId: '1' });
  });
  test('LOCKED and POP_ORDER_PAUSE are paid and held; the other states are not', () => {
    assert.deepEqual([normaliseJdOrder(order({ orderState: 'LOCKED' }), SHOP).channelHold, normaliseJdOrder(order({ orderState: 'POP_ORDER_PAUSE' }), SHOP).channelHold], ['locked', 'paused']);
    assert.equal(orderInput.parse(normaliseJdOrder(order({ orderState: 'LOCKED' }), SHOP)).status, 'paid');
    for (const orderState of ['WAIT_SELLER_STOCK_OUT', 'WAIT_SELLER_DELIVERY', 'TRADE_CANCELED']) {
      assert.equal(normaliseJdOrder(order({ orderState }), SHOP).channelHold, undefined, orderState);
    }
  });
});
