import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { orderInput } from '../../orders/orders.input.ts';
import { ChannelApiError, ChannelPayloadError } from '../connector.ts';
import {
  douyinAftersalesOf,
  douyinShopOrdersOf,
  normaliseDouyinAftersale,
  normaliseDouyinOrder,
  parseDouyinJson,
} from './douyin.normalise.ts';
import { DouyinPayloadError, DouyinUnknownStatusError, type DouyinShopOrder } from './douyin.types.ts';

const fixtures = new URL('../../../../test/fixtures/douyin/', import.meta.url);
const shop = { shopId: 'douyin-flagship' };

function fixtureText(path: string): string {
  return readFileSync(new URL(path, fixtures), 'utf8');
}

function jsonFiles(dir: string): string[] {
  return readdirSync(new URL(dir, fixtures)).filter((f) => f.endsWith('.json')).map((f) => dir + f);
}

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof DouyinPayloadError) return error.reason;
    throw error;
  }
  return undefined;
}

/** A small, consistent order in the shape order.searchList returns, for the rules the samples lack. */
function sampleOrder(overrides: Partial<DouyinShopOrder> = {}): DouyinShopOrder {
  return {
    order_id: '6936476692437472563',
    order_status: 2,
    create_time: 1731916551,
    pay_time: 1731916560,
    update_time: 1731986645,
    pay_amount: 9000,
    post_amount: 800,
    mask_post_receiver: '李*',
    mask_post_tel: '138****5678',
    encrypt_post_receiver: '##qIOpbLPevlQwA6f+yNJ7HgOqMdCcDttVlAympUYfJk9V#1##',
    encrypt_post_tel: '$$KlqdO3S6/9vQsJesewp8R2oBlX+I2/UABgHSm9Oy1SuY$1$$',
    post_addr: {
      province: { name: '福建省', id: '35' },
      city: { name: '厦门市', id: '350200' },
      town: { name: '思明区', id: '350203' },
      street: { name: '莲前街道', id: '350203010' },
      encrypt_detail: '##i688Hg7Kf5y7JCzTAYaUWxswmAx8QnTPvGdsCInjgOIZZ#1##',
    },
    mask_post_addr: { detail: '莲前东路***号' },
    sku_order_list: [
      { order_id: '6936476692437472564', out_sku_id: 'CHAIR-W', sku_id: 3410716076201730, product_name: '办公椅', item_num: 2, origin_amount: 5000, sum_amount: 10000, pay_amount: 9000, post_amount: 800 },
    ],
    ...overrides,
  };
}

test('the fixtures path resolves to the Douyin samples kept in the repository', () => {
  assert.match(fixtures.pathname, /\/test\/fixtures\/douyin\/$/);
  assert.ok(existsSync(new URL('SOURCE.md', fixtures)), `no SOURCE.md under ${fixtures.pathname}`);
});

test('parseDouyinJson keeps integers longer than 15 digits as exact strings', () => {
  const parsed = parseDouyinJson('{"id": 4705288465508532862, "neg": -12345678901234567, "small": 123456789012345, "amount": 13200}') as Record<string, unknown>;
  assert.deepEqual(parsed, { id: '4705288465508532862', neg: '-12345678901234567', small: 123456789012345, amount: 13200 });
  // 16 digits already go to a string, whether or not they would have survived a float.
  assert.deepEqual(parseDouyinJson('[1234567890123456]'), ['1234567890123456']);
});

test('parseDouyinJson leaves digits inside strings, keys, fractions and exponents alone', () => {
  const body = '{"12345678901234567": "a 12345678901234567 b", "q": "say \\"98765432109876543\\"", "f": 1.2345678901234567, "e": 12345678901234567e2, "nested": [[4705288465508532862], {"x": true}]}';
  assert.deepEqual(parseDouyinJson(body), {
    '12345678901234567': 'a 12345678901234567 b',
    q: 'say "98765432109876543"',
    f: 1.2345678901234567,
    e: 12345678901234567e2,
    nested: [['4705288465508532862'], { x: true }],
  });
});

test('parseDouyinJson refuses what JSON refuses, with a typed error', () => {
  assert.equal(reasonOf(() => parseDouyinJson('{"id": 01234567890123456}')), 'DOUYIN_BAD_JSON');
  assert.equal(reasonOf(() => parseDouyinJson('{"id": "unterminated 12345678901234567}')), 'DOUYIN_BAD_JSON');
  assert.equal(reasonOf(() => parseDouyinJson('')), 'DOUYIN_BAD_JSON');
});

test('every order in every order response sample normalises to a valid canonical order', () => {
  const files = jsonFiles('ModelSamples/Order/').filter((f) => f.endsWith('Response.json'));
  assert.ok(files.length >= 2, 'expected the searchList and orderDetail samples');
  for (const file of files) {
    const orders = douyinShopOrdersOf(parseDouyinJson(fixtureText(file)));
    assert.ok(orders.length > 0, `${file} has no orders`);
    for (const raw of orders) {
      const parsed = orderInput.parse(normaliseDouyinOrder(raw, shop));
      assert.equal(parsed.channel, 'douyin', file);
      assert.equal(parsed.totalFen, parsed.lines.reduce((s, l) => s + (l.amountFen ?? 0), 0) + parsed.shippingFen - parsed.discountFen, file);
    }
  }
});

test('order ids beyond 2^53 come through digit for digit', () => {
  for (const file of ['ModelSamples/Order/OrderSearchListResponse.json', 'ModelSamples/Order/OrderDetailResponse.json']) {
    const text = fixtureText(file);
    const literal = /"shop_order_(?:list|detail)"[\s\S]*?"order_id":\s*"?(\d+)"?/.exec(text)?.[1];
    assert.ok(literal && BigInt(literal) > 2n ** 53n, `${file}: expected a shop order id beyond 2^53`);
    const [order] = douyinShopOrdersOf(parseDouyinJson(text)).map((raw) => normaliseDouyinOrder(raw, shop));
    assert.equal(order?.channelOrderId, literal);
    assert.equal(order?.lines[0]?.channelLineId, /"sku_order_list"[\s\S]*?"order_id":\s*"?(\d+)"?/.exec(text)?.[1]);
  }
});

test('the searchList sample: amounts, times, receiver, lines and tags by hand', () => {
  const [raw] = douyinShopOrdersOf(parseDouyinJson(fixtureText('ModelSamples/Order/OrderSearchListResponse.json')));
  const order = orderInput.parse(normaliseDouyinOrder(raw!, shop));
  assert.equal(order.shopId, 'douyin-flagship');
  assert.equal(order.channelOrderId, '4781320682406083640');
  // order_status 3 = shipped in full; the sample's "待支付" description is a placeholder.
  assert.equal(order.status, 'shipped');
  assert.equal(order.channelStatus, '3');
  // SKU pay_amount 500 less its shipping share post_amount 1 = 499; shop post_amount 10, pay_amount 500.
  assert.deepEqual(
    { goods: order.goodsFen, shipping: order.shippingFen, discount: order.discountFen, total: order.totalFen },
    { goods: 499, shipping: 10, discount: 9, total: 500 },
  );
  // create_time = pay_time = update_time = exp_ship_time = 1617355413.
  assert.equal(order.orderedAt, '2021-04-02T09:23:33Z');
  assert.equal(order.paidAt, '2021-04-02T09:23:33Z');
  assert.equal(order.channelModifiedAt, '2021-04-02T09:23:33Z');
  assert.equal(order.shipBy, '2021-04-02T09:23:33Z');
  assert.deepEqual(order.receiver, {
    name: '张三',
    phone: '12345678911',
    country: 'CN',
    province: '北京市',
    city: '市辖区',
    district: '海淀区',
    address: '中关村街道丹棱街1号',
    // Every level's id is "110000" in the sample: only the province's is a plausible code.
    provinceCode: '110000',
    cityCode: undefined,
    districtCode: undefined,
  });
  assert.deepEqual(order.lines, [
    { sku: '43564553', title: '衣服', channelLineId: '4781320682406083640', quantity: 2, unitPriceFen: 100, amountFen: 499 },
  ]);
  // pre_sale_type 1 and a deposit-presale phase list; stage 1 of 2 is not the final payment.
  assert.deepEqual(order.tags, ['presale']);
  assert.equal(order.buyerMessage, '要xxx');
  assert.equal(order.sellerMemo, '注意XX');
  assert.equal(order.buyerRef?.startsWith('#zuLyd4U4J3p'), true);
});

test('the orderDetail sample, all numbers quoted, reads the same way', () => {
  const [raw] = douyinShopOrdersOf(parseDouyinJson(fixtureText('ModelSamples/Order/OrderDetailResponse.json')));
  const order = orderInput.parse(normaliseDouyinOrder(raw!, shop));
  assert.equal(order.channelOrderId, '4781320682406083640');
  // Here the SKU's shipping share is the whole 10: 500 − 10 = 490 and nothing is left for a discount.
  assert.deepEqual([order.goodsFen, order.shippingFen, order.discountFen, order.totalFen], [490, 10, 0, 500]);
  assert.equal(order.paidAt, '2021-04-02T09:23:33Z');
  assert.deepEqual(order.lines.map((l) => [l.sku, l.title, l.quantity, l.unitPriceFen, l.amountFen]), [['43564553', 'XX鞋子', 2, 100, 490]]);
  assert.deepEqual(order.tags, ['presale']);
});

test('masked values stand in for ciphertext, and national division codes are kept', () => {
  const order = orderInput.parse(normaliseDouyinOrder(sampleOrder(), shop));
  assert.equal(order.status, 'paid');
  assert.deepEqual(
    [order.receiver.name, order.receiver.phone, order.receiver.address],
    ['李*', '138****5678', '莲前街道莲前东路***号'],
  );
  assert.deepEqual(
    [order.receiver.provinceCode, order.receiver.cityCode, order.receiver.districtCode],
    ['350000', '350200', '350203'],
  );
  assert.equal(order.lines[0]?.sku, 'CHAIR-W');
  assert.deepEqual([order.goodsFen, order.shippingFen, order.discountFen, order.totalFen], [8200, 800, 0, 9000]);
});

test('ciphertext with no masked value is refused rather than stored', () => {
  const order = sampleOrder({ mask_post_tel: undefined });
  assert.equal(reasonOf(() => normaliseDouyinOrder(order, shop)), 'DOUYIN_RECEIVER_ENCRYPTED');
});

test('every Douyin order status maps, and an unknown one is a typed error carrying the code', () => {
  const expected = { 1: 'created', 105: 'paid', 2: 'paid', 101: 'shipped', 3: 'shipped', 4: 'cancelled', 5: 'closed' } as const;
  for (const [code, status] of Object.entries(expected)) {
    const order = normaliseDouyinOrder(sampleOrder({ order_status: String(code) }), shop);
    assert.equal(order.status, status, `order_status ${code}`);
    assert.equal(order.channelStatus, code);
    // 105: paid, but Douyin's risk check has not released it to the shop.
    assert.equal(order.channelHold, code === '105' ? 'risk_check' : undefined, `order_status ${code}`);
  }
  assert.throws(
    () => normaliseDouyinOrder(sampleOrder({ order_status: 7 }), shop),
    (error) => error instanceof DouyinUnknownStatusError && error instanceof ChannelPayloadError && error.orderStatus === '7',
  );
});

test('unpaid orders have no paidAt; the SKU code falls back to code, then sku_id', () => {
  const sku = { order_id: '1', out_sku_id: '0', code: '', sku_id: 3410716076201730, item_num: '1', origin_amount: '100', pay_amount: '100' };
  const order = orderInput.parse(
    normaliseDouyinOrder(sampleOrder({ order_status: 1, pay_time: 0, pay_amount: 100, post_amount: 0, sku_order_list: [sku] }), shop),
  );
  assert.equal(order.status, 'created');
  assert.equal(order.paidAt, undefined);
  assert.equal(order.lines[0]?.sku, '3410716076201730');
  const coded = normaliseDouyinOrder(sampleOrder({ pay_amount: 100, post_amount: 0, sku_order_list: [{ ...sku, code: '112233' }] }), shop);
  assert.equal(coded.lines[0]?.sku, '112233');
});

test('ids: exact numbers are accepted, inexact ones refused', () => {
  assert.equal(normaliseDouyinOrder(sampleOrder({ order_id: 123456789 }), shop).channelOrderId, '123456789');
  assert.equal(reasonOf(() => normaliseDouyinOrder(sampleOrder({ order_id: 4705288465508533000 }), shop)), 'DOUYIN_ID_PRECISION_LOST');
});

test('amounts that contradict each other are refused', () => {
  assert.equal(reasonOf(() => normaliseDouyinOrder(sampleOrder({ pay_amount: 20000 }), shop)), 'DOUYIN_AMOUNTS_INCONSISTENT');
  assert.equal(reasonOf(() => normaliseDouyinOrder(sampleOrder({ pay_amount: -1 }), shop)), 'DOUYIN_MALFORMED_PAYLOAD');
});

test('tags come from the markers Douyin sets', () => {
  assert.deepEqual(normaliseDouyinOrder(sampleOrder(), shop).tags, []);
  const finalPaid = sampleOrder({
    trade_type: 2,
    order_phase_list: [
      { total_phase: 2, current_phase: 1, pay_success: true },
      { total_phase: 2, current_phase: 2, pay_success: 'true' },
    ],
  });
  assert.deepEqual(normaliseDouyinOrder(finalPaid, shop).tags, ['presale', 'presale_final']);
  const hour = sampleOrder({ trade_type: 18, user_tag_ui: [{ key: 'vip', text: 'VIP会员' }], shop_order_tag_ui: [{ key: 'x', text: '承诺限时达' }] });
  assert.deepEqual(normaliseDouyinOrder(hour, shop).tags, ['time_limited', '限时达', 'VIP']);
});

test('an error envelope or a body without orders is refused', () => {
  assert.throws(
    () => douyinShopOrdersOf({ code: 50002, msg: '业务处理失败', sub_code: 'isv.business-failed:12', data: {} }),
    (error) => error instanceof ChannelApiError && error.code === '50002' && !error.retryable && error.message.includes('isv.business-failed:12'),
  );
  assert.throws(() => douyinShopOrdersOf({ err_no: 20000, message: 'service unavailable' }), (error) => error instanceof ChannelApiError && error.retryable);
  assert.equal(reasonOf(() => douyinShopOrdersOf(parseDouyinJson(fixtureText('ModelSamples/Order/OrderSearchListRequest.json')))), 'DOUYIN_MALFORMED_PAYLOAD');
});

test('after-sale samples: the list yields its refunds, the empty detail none', () => {
  const listText = fixtureText('ModelSamples/Aftersale/AftersaleListResponse.json');
  const refunds = douyinAftersalesOf(parseDouyinJson(listText)).map(normaliseDouyinAftersale);
  // The sample double-quotes its ids inside the strings ("\"6986…\""); the quotes are not part of the id.
  assert.deepEqual(refunds, [
    {
      refundId: '6986853269519810849',
      channelOrderId: '4821780700279174718',
      skuOrderIds: ['4821780700279174718'],
      amountFen: 20,
      shippingFen: 0,
      aftersaleType: 0,
      aftersaleStatus: 11,
      refundStatus: 1,
      appliedAt: '2021-07-20T03:59:52Z',
      deadlineAt: '2021-07-22T04:00:20Z',
    },
  ]);
  assert.ok(listText.includes('\\"6986853269519810849\\"'));
  for (const file of jsonFiles('ModelSamples/Aftersale/')) {
    const items = douyinAftersalesOf(parseDouyinJson(fixtureText(file)));
    assert.equal(items.length, file.endsWith('AftersaleListResponse.json') ? 1 : 0, file);
  }
});

test('long integers are kept as strings, and nothing else is touched', () => {
  const parsed = parseDouyinJson('{"a":4705288465508532862,"b":0.12345678901234567,"c":-4705288465508532862,"d":"x\\"4705288465508532862","f":[1,4705288465508532863]}');
  assert.deepEqual(parsed, { a: '4705288465508532862', b: 0.12345678901234567, c: '-4705288465508532862', d: 'x"4705288465508532862', f: [1, '4705288465508532863'] });
});
