import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ChannelPayloadError } from '../connector.ts';
import { parseDouyinEvents } from './douyin.events.ts';
import { DouyinPayloadError } from './douyin.types.ts';

const fixtures = new URL('../../../../test/fixtures/douyin/', import.meta.url);

/** Every event sample, with the kind its folder implies. */
function eventSamples(): { file: string; kind: 'trade' | 'refund'; text: string }[] {
  const files = readdirSync(new URL('EventSamples/', fixtures), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.map((file) => ({
    file,
    kind: file.startsWith('Refund') ? 'refund' : 'trade',
    text: readFileSync(new URL(`EventSamples/${file}`, fixtures), 'utf8'),
  }));
}

/** The literal a field has in the raw text, quotes removed: what a lossless reader must return. */
function literal(text: string, field: string): string | undefined {
  return new RegExp(`"${field}":\\s*"?([^",\\s}\\]]+)"?`).exec(text)?.[1];
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

test('every event sample parses to one event with its msgId, tag, kind, order and shop', () => {
  const samples = eventSamples();
  assert.equal(samples.filter((s) => s.kind === 'trade').length, 10);
  assert.equal(samples.filter((s) => s.kind === 'refund').length, 11);
  for (const { file, kind, text } of samples) {
    const plain = JSON.parse(text) as { tag: number; msgId: string };
    const events = parseDouyinEvents(text);
    assert.equal(events.length, 1, file);
    const [event] = events;
    assert.equal(event?.messageId, plain.msgId, file);
    assert.equal(event?.tag, plain.tag, file);
    assert.equal(event?.kind, kind, file);
    assert.equal(event?.channelOrderId, literal(text, 'p_id'), file);
    assert.equal(event?.shopId, literal(text, 'shop_id'), file);
    if (kind === 'refund') {
      assert.equal(event?.refund?.refundId, 'xxxxxx', file);
      assert.equal(event?.refund?.channelOrderId, event?.channelOrderId, file);
      assert.deepEqual(event?.refund?.skuOrderIds, [literal(text, 's_id')], file);
      assert.equal(event?.status, undefined, file);
    } else {
      assert.equal(event?.refund, undefined, file);
    }
  }
});

test('order ids beyond 2^53 survive digit for digit where plain JSON.parse loses them', () => {
  let unquoted = 0;
  for (const { file, text } of eventSamples()) {
    const id = literal(text, 'p_id')!;
    if (!/^\d+$/.test(id) || BigInt(id) <= 2n ** 53n) continue;
    assert.equal(parseDouyinEvents(text)[0]?.channelOrderId, id, file);
    // Where the sample writes the id as a bare number, plain JSON.parse gets it wrong.
    if (/"p_id":\s*\d/.test(text)) {
      unquoted += 1;
      assert.notEqual(String((JSON.parse(text) as { data: { p_id: unknown } }).data.p_id), id, `${file}: JSON.parse should lose digits`);
    }
  }
  assert.ok(unquoted >= 10, `only ${unquoted} samples with a bare long p_id`);
  const text = readFileSync(new URL('EventSamples/Trade/TradePartlySellerShipEvent.json', fixtures), 'utf8');
  const [event] = parseDouyinEvents(text);
  assert.equal(event?.channelOrderId, '4705288465508532862');
  // The sample's s_ids literal was already rounded when it was written; it is kept exactly as sent.
  assert.deepEqual(event?.skuOrderIds, ['4705288465508533000']);
});

test('tags imply canonical statuses; the rest imply none', () => {
  const expected: Record<number, string | undefined> = { 100: 'created', 110: 'paid', 106: 'cancelled', 108: 'shipped', 103: 'closed' };
  for (const { file, kind, text } of eventSamples()) {
    if (kind !== 'trade') continue;
    const [event] = parseDouyinEvents(text);
    assert.equal(event?.status, expected[event!.tag], file);
  }
});

test('trade events carry when they happened and the order status Douyin reports', () => {
  const read = (name: string) => parseDouyinEvents(readFileSync(new URL(`EventSamples/Trade/${name}`, fixtures), 'utf8'))[0];
  assert.deepEqual(read('TradeCreateEvent.json'), {
    messageId: '04288XXXXXXX9348874::100:1618990587:68373744XXXXXXX9128',
    tag: 100,
    kind: 'trade',
    channelOrderId: '12345',
    skuOrderIds: ['12345'],
    shopId: '12345',
    status: 'created',
    channelStatus: '1',
    occurredAt: '2021-04-21T07:36:27Z',
  });
  assert.equal(read('TradeCanceledEvent.json')?.occurredAt, '2021-04-21T07:42:05Z');
  assert.equal(read('TradeMemoModifyEvent.json')?.occurredAt, '2021-06-08T02:34:18Z');
  assert.equal(read('TradePartlySellerShipEvent.json')?.occurredAt, '2020-09-09T09:40:08Z');
  // The appointment carries a date, not a time; nothing is invented.
  assert.equal(read('TradeAppointmentEvent.json')?.occurredAt, undefined);
  // The samples' tag 0 "TradePending" is not in the tag table; its data makes it a trade message.
  const pending = read('TradePendingEvent.json');
  assert.deepEqual([pending?.tag, pending?.kind, pending?.status, pending?.channelOrderId], [0, 'trade', undefined, 'xxxxxxx']);
});

test('refund events carry the after-sale request', () => {
  const read = (name: string) => parseDouyinEvents(readFileSync(new URL(`EventSamples/Refund/${name}`, fixtures), 'utf8'))[0];
  assert.deepEqual(read('RefundSuccessEvent.json'), {
    messageId: '04288XXXXXXX9348874::100:1618990587:68373744XXXXXXX9128',
    tag: 206,
    kind: 'refund',
    channelOrderId: '4705288465508532862',
    skuOrderIds: ['4705288465508532862'],
    shopId: '95250',
    occurredAt: '2021-04-21T07:59:19Z',
    refund: {
      refundId: 'xxxxxx',
      channelOrderId: '4705288465508532862',
      skuOrderIds: ['4705288465508532862'],
      amountFen: 13200,
      shippingFen: 0,
      aftersaleType: 1,
      aftersaleStatus: 6,
      reasonCode: 15,
      appliedAt: undefined,
      deadlineAt: undefined,
    },
  });
  const created = read('RefundCreatedEvent.json');
  assert.equal(created?.refund?.appliedAt, '2021-04-21T07:36:27Z');
  const expiry = read('RefundExpirationChangeEvent.json');
  assert.equal(expiry?.refund?.amountFen, undefined);
  assert.equal(expiry?.refund?.deadlineAt, '2021-04-28T08:00:30Z');
  assert.equal(expiry?.occurredAt, undefined);
  assert.equal(read('Return/RefundReturnApplyAgreedEvent.json')?.occurredAt, '2021-04-21T07:36:27Z');
});

test('a webhook batch: an array, msg_id spelling, data as a JSON string, bytes', () => {
  const body =
    '[{"tag":"110","msg_id":"m-1","data":"{\\"p_id\\":4796662193920810353,\\"s_ids\\":[4796662193920810354],\\"shop_id\\":14875103,\\"order_status\\":2,\\"pay_time\\":1618990587}"},' +
    '{"tag":206,"msgId":"m-2","data":{"p_id":"4796662193920810353","s_id":"4796662193920810354","shop_id":14875103,"aftersale_id":7123456789012345678,"refund_amount":500,"success_time":1618991959}}]';
  for (const raw of [body, new TextEncoder().encode(body)]) {
    const events = parseDouyinEvents(raw);
    assert.deepEqual(
      events.map((e) => [e.messageId, e.tag, e.kind, e.channelOrderId, e.skuOrderIds, e.status, e.refund?.refundId, e.refund?.amountFen]),
      [
        ['m-1', 110, 'trade', '4796662193920810353', ['4796662193920810354'], 'paid', undefined, undefined],
        ['m-2', 206, 'refund', '4796662193920810353', ['4796662193920810354'], undefined, '7123456789012345678', 500],
      ],
    );
  }
});

test('malformed messages are refused with a typed error', () => {
  const ok = { tag: 100, msgId: 'm', data: { p_id: '1', shop_id: 2 } };
  const cases: [unknown, string][] = [
    ['not json', 'DOUYIN_BAD_JSON'],
    ['42', 'DOUYIN_MALFORMED_PAYLOAD'],
    [[{ ...ok, msgId: undefined }], 'DOUYIN_MALFORMED_PAYLOAD'],
    [[{ ...ok, msgId: ' ' }], 'DOUYIN_MALFORMED_PAYLOAD'],
    [[{ ...ok, tag: undefined }], 'DOUYIN_MALFORMED_PAYLOAD'],
    [[{ ...ok, tag: 'paid' }], 'DOUYIN_MALFORMED_PAYLOAD'],
    [[{ ...ok, data: undefined }], 'DOUYIN_MALFORMED_PAYLOAD'],
    [[{ ...ok, data: '[1]' }], 'DOUYIN_MALFORMED_PAYLOAD'],
    [[{ ...ok, data: { shop_id: 2 } }], 'DOUYIN_MALFORMED_PAYLOAD'],
    [[{ ...ok, data: { p_id: '1' } }], 'DOUYIN_MALFORMED_PAYLOAD'],
    [[{ ...ok, tag: 206, data: { p_id: '1', shop_id: 2 } }], 'DOUYIN_MALFORMED_PAYLOAD'],
    [[ok, 'x'], 'DOUYIN_MALFORMED_PAYLOAD'],
    [[{ ...ok, tag: 400, data: { product_id: '1', shop_id: 2 } }], 'DOUYIN_UNSUPPORTED_EVENT'],
    // Parsed elsewhere with plain JSON.parse: the id is already wrong, so it is refused.
    [[{ ...ok, data: { p_id: 4705288465508533000, shop_id: 2 } }], 'DOUYIN_ID_PRECISION_LOST'],
  ];
  for (const [body, reason] of cases) {
    assert.equal(reasonOf(() => parseDouyinEvents(body)), reason, JSON.stringify(body));
  }
  assert.throws(
    () => parseDouyinEvents([ok, { ...ok, msgId: undefined }]),
    (error) => error instanceof ChannelPayloadError && error instanceof DouyinPayloadError && error.path === '[1].msgId',
  );
});
