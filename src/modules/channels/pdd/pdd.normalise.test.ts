import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { orderInput } from '../../orders/orders.input.ts';
import { ChannelPayloadError } from '../connector.ts';
import { normalisePddOrder, pddChannelStatus } from './pdd.normalise.ts';

const base = {
  order_sn: '241124-123456789012345',
  order_status: 1,
  refund_status: 1,
  trade_type: 0,
  is_pre_sale: 0,
  created_time: '2024-11-24 00:30:00',
  confirm_time: '2024-11-24 00:31:05',
  updated_at: '2024-11-24 00:31:05',
  province: '浙江省',
  city: '杭州市',
  town: '西湖区',
  province_id: 330000,
  receiver_name_mask: '张**',
  receiver_phone_mask: '138****5678',
  address_mask: '文三路****',
  goods_amount: 129.9,
  postage: 8,
  discount_amount: 10.1,
  pay_amount: 127.8,
  item_list: [
    { goods_id: 400000000001, sku_id: 1200000000101, outer_id: 'TEE-WHT-M', goods_name: '白T恤', goods_count: 2, goods_price: 49.95 },
    { goods_id: 400000000002, sku_id: 1200000000201, outer_id: 'CAP-01', goods_count: 1, goods_price: 30 },
  ],
};

describe('PDD order normalisation', () => {
  test('yuan numbers become exact fen; totals agree: total = pay_amount, shipping = postage, discount derived', () => {
    const o = normalisePddOrder(base, { shopId: 'pdd-1' });
    assert.equal(o.channel, 'pdd');
    assert.equal(o.channelOrderId, '241124-123456789012345');
    assert.deepEqual(o.lines.map((l) => [l.sku, l.quantity, l.unitPriceFen, l.channelLineId]), [
      ['TEE-WHT-M', 2, 4995, '1200000000101'],
      ['CAP-01', 1, 3000, '1200000000201'],
    ]);
    assert.equal(o.goodsFen, 12990);
    assert.equal(o.shippingFen, 800);
    assert.equal(o.totalFen, 12780);
    assert.equal(o.discountFen, 1010);
    assert.ok(orderInput.safeParse(o).success, JSON.stringify(orderInput.safeParse(o).error?.issues));
  });

  test('GMT+8 wall-clock times become UTC instants; town is the district; masked receiver kept', () => {
    const o = normalisePddOrder(base, { shopId: 'pdd-1' });
    assert.equal(o.orderedAt, '2024-11-23T16:30:00Z');
    assert.equal(o.paidAt, '2024-11-23T16:31:05Z');
    assert.equal(o.channelModifiedAt, '2024-11-23T16:31:05Z');
    assert.equal(o.receiver.district, '西湖区');
    assert.equal(o.receiver.phone, '138****5678');
    assert.equal(o.receiver.provinceCode, '330000');
  });

  test('status map: awaiting shipment, shipped, received; a full refund cancels or closes', () => {
    assert.equal(pddChannelStatus(1, 1).status, 'paid');
    assert.equal(pddChannelStatus(2, 1).status, 'shipped');
    assert.equal(pddChannelStatus(3, 1).status, 'delivered');
    assert.equal(pddChannelStatus(1, 3).status, 'paid');
    assert.equal(pddChannelStatus(1, 4).status, 'cancelled');
    assert.equal(pddChannelStatus(2, 4).status, 'closed');
    assert.equal(pddChannelStatus(1, 4).channelStatus, 'order_status:1,refund_status:4');
    assert.throws(() => pddChannelStatus(9, 1), ChannelPayloadError);
  });

  test('presale: is_pre_sale and deposit presale (trade_type 1) are tagged', () => {
    assert.deepEqual(normalisePddOrder({ ...base, is_pre_sale: 1, pre_sale_time: '2024-12-01 00:00:00' }, { shopId: 's' }).tags, ['presale']);
    const deposit = normalisePddOrder({ ...base, trade_type: 1, step_order_info: { step_trade_status: 2 } }, { shopId: 's' });
    assert.deepEqual(deposit.tags, ['presale', 'presale_deposit']);
  });

  test('malformed orders are refused with ChannelPayloadError', () => {
    assert.throws(() => normalisePddOrder({ ...base, item_list: [] }, { shopId: 's' }), ChannelPayloadError);
    assert.throws(() => normalisePddOrder({ ...base, pay_amount: 1.234 }, { shopId: 's' }), ChannelPayloadError);
    assert.throws(() => normalisePddOrder({ ...base, created_time: '2024/11/24' }, { shopId: 's' }), ChannelPayloadError);
    assert.throws(() => normalisePddOrder({ ...base, pay_amount: 500 }, { shopId: 's' }), ChannelPayloadError);
  });
  test('risk_control_status 1 (审核中) holds a paid order; 0 or absent does not', () => {
    const held = orderInput.parse(normalisePddOrder({ ...base, risk_control_status: 1 }, { shopId: 'pdd-1' }));
    assert.deepEqual([held.status, held.channelHold], ['paid', 'risk_check']);
    assert.equal(normalisePddOrder({ ...base, risk_control_status: 0 }, { shopId: 'pdd-1' }).channelHold, undefined);
    assert.equal(normalisePddOrder(base, { shopId: 'pdd-1' }).channelHold, undefined);
  });
});
