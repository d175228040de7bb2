import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { deliveryOrderJson, wmsJsonAdapter } from '../../src/modules/wms/json.adapter.ts';
import { deliveryOrderCreateXml, qimenAdapter } from '../../src/modules/wms/qimen.adapter.ts';
import type { DeliveryOrderMessage, PushResult } from '../../src/modules/wms/wms.message.ts';
import { startWmsSandbox, type WmsSandbox } from '../../sandbox/wms/wms.sandbox.ts';

/** The WMS adapters against the WMS sandbox: what the warehouse took, and how each failure is read. */
const T0 = new Date('2026-11-11T02:00:00Z');
const clock = new ManualClock(T0);
const qimenAccount = { appKey: 'oms', appSecret: 'qimen-secret', customerId: 'OWNER1' };
const jsonAccount = { appKey: 'oms-us', appSecret: 'json-secret' };

/** The outcome alone: the conversions written down on the way are another test's. */
const withoutConversions = ({ conversions: _, ...outcome }: PushResult) => outcome;

function message(code: string, warehouseCode: string, timeZone: string): DeliveryOrderMessage {
  return {
    code, warehouseCode, timeZone, sourcePlatformCode: 'DY', sourceOrderCode: '6921000000000000001',
    createdAt: new Date('2026-11-11T01:59:00Z'), paidAt: new Date('2026-11-11T01:59:30Z'), shipBy: new Date('2026-11-11T08:00:00Z'), currency: 'CNY',
    receiver: { name: '李娜', phone: '13912345678', country: 'CN', province: '广东省', city: '广州市', district: '天河区', address: '体育西路 1 号', postcode: null },
    lines: [{ lineNo: 1, sku: 'SOFA', quantity: 2, unitPriceFen: 129900 }],
  };
}

describe('Qimen adapter', () => {
  let wms: WmsSandbox;
  let busy: WmsSandbox;
  before(async () => {
    wms = await startWmsSandbox({ accounts: [qimenAccount], warehouses: ['HZ01', 'LA01'], clock: () => clock.now() });
    busy = await startWmsSandbox({ accounts: [qimenAccount], warehouses: ['HZ01'], clock: () => clock.now(), faults: { errorRate: 1 } });
  });
  after(async () => {
    await wms.close();
    await busy.close();
  });
  const adapter = (url: string, overrides: Partial<typeof qimenAccount> & { timeoutMs?: number } = {}) =>
    qimenAdapter({ url: `${url}/router/qimen/service`, ...qimenAccount, ...overrides }, clock);

  test('a delivery order is taken once; sent again, the WMS answers as before', async () => {
    const first = await adapter(wms.url).pushDeliveryOrder(message('DO-1', 'HZ01', 'Asia/Shanghai'));
    assert.equal(first.kind, 'accepted');
    assert.deepEqual(await adapter(wms.url).pushDeliveryOrder(message('DO-1', 'HZ01', 'Asia/Shanghai')), first);
    assert.equal(wms.store.duplicateCount, 1);
    assert.deepEqual(wms.store.orders.get('DO-1')!.lines, [{ lineNo: '1', itemCode: 'SOFA', quantity: 2 }]);
    assert.deepEqual(wms.store.orders.get('DO-1')!.sentTimes, { createTime: '2026-11-11 09:59:00', payTime: '2026-11-11 09:59:30' });
  });

  test('a warehouse outside GMT+8 gets its own wall clock', async () => {
    assert.equal((await adapter(wms.url).pushDeliveryOrder(message('DO-LA', 'LA01', 'America/Los_Angeles'))).kind, 'accepted');
    assert.deepEqual(wms.store.orders.get('DO-LA')!.sentTimes, { createTime: '2026-11-10 17:59:00', payTime: '2026-11-10 17:59:30' });
  });

  test('an order the WMS refuses is rejected with its words; busy, down, slow or wrongly signed is worth a retry', async () => {
    const bad = await adapter(wms.url).pushDeliveryOrder(message('DO-X', 'TJ01', 'Asia/Shanghai')).then(withoutConversions);
    assert.deepEqual(bad, { kind: 'rejected', code: 'invalid-data:deliveryOrder.warehouseCode', message: 'warehouse TJ01 is not run by this WMS' });
    assert.equal((await adapter(busy.url).pushDeliveryOrder(message('DO-B', 'HZ01', 'Asia/Shanghai'))).kind, 'retry');
    assert.match(JSON.stringify(await adapter(wms.url, { appSecret: 'wrong' }).pushDeliveryOrder(message('DO-S', 'HZ01', 'Asia/Shanghai'))), /retry.*sign-check-failure/);
    wms.outage(60_000);
    assert.match(JSON.stringify(await adapter(wms.url).pushDeliveryOrder(message('DO-D', 'HZ01', 'Asia/Shanghai'))), /retry.*no answer from the WMS/);
    clock.advance(60_001);
    const slow = await startWmsSandbox({ accounts: [qimenAccount], warehouses: ['HZ01'], clock: () => clock.now(), faults: { timeoutRate: 1, timeoutMs: 300 } });
    try {
      assert.deepEqual(await adapter(slow.url, { timeoutMs: 100 }).pushDeliveryOrder(message('DO-T', 'HZ01', 'Asia/Shanghai')).then(withoutConversions), { kind: 'retry', reason: 'no answer from the WMS: timed out' });
    } finally {
      await slow.close();
    }
    assert.deepEqual([...wms.store.orders.keys()].sort(), ['DO-1', 'DO-LA']);
  });
});

describe('Qimen adapter under lost answers, DST and bad data', () => {
  test('retrying until accepted leaves every order once at the WMS, each lost answer answered by one duplicate', async () => {
    const lossy = await startWmsSandbox({ accounts: [qimenAccount], warehouses: ['HZ01'], clock: () => clock.now(), seed: 7, faults: { lostAnswerRate: 0.4, errorRate: 0.2 } });
    try {
      const adapter = qimenAdapter({ url: `${lossy.url}/router/qimen/service`, ...qimenAccount }, clock);
      let sends = 0;
      for (let i = 0; i < 40; i++) {
        for (;;) {
          sends++;
          if ((await adapter.pushDeliveryOrder(message(`L-${i}`, 'HZ01', 'Asia/Shanghai'))).kind === 'accepted') break;
        }
      }
      assert.equal(lossy.store.orders.size, 40);
      assert.ok(lossy.store.lostAnswers > 5, `${lossy.store.lostAnswers} answers lost in ${sends} sends`);
      assert.equal(lossy.store.duplicateCount, lossy.store.lostAnswers);
    } finally {
      await lossy.close();
    }
  });

  test('the wall clock goes with its offset, so the hour a DST change repeats names one instant', async () => {
    const wms = await startWmsSandbox({ accounts: [qimenAccount], warehouses: ['NY01'], clock: () => clock.now() });
    try {
      const adapter = qimenAdapter({ url: `${wms.url}/router/qimen/service`, ...qimenAccount }, clock);
      for (const [code, at] of [['EDT', '2026-11-01T05:30:00Z'], ['EST', '2026-11-01T06:30:00Z']] as const) {
        const sent = { ...message(code, 'NY01', 'America/New_York'), createdAt: new Date(at), paidAt: null };
        assert.equal((await adapter.pushDeliveryOrder(sent)).kind, 'accepted');
        const stored = wms.store.orders.get(code)!;
        assert.equal(stored.sentTimes.createTime, '2026-11-01 01:30:00');
        assert.equal(new Date(stored.sentInstants.createTime!).toISOString(), new Date(at).toISOString());
      }
    } finally {
      await wms.close();
    }
  });

  test('a warehouse zone the runtime does not know is refused before anything is sent; refunds keep their sign', async () => {
    const none = qimenAdapter({ url: 'http://127.0.0.1:1/router/qimen/service', ...qimenAccount }, clock);
    assert.deepEqual(await none.pushDeliveryOrder(message('Z-1', 'HZ01', 'Mars/Olympus')), {
      kind: 'rejected', code: 'INVALID_TIME_ZONE', message: 'warehouse HZ01 has no valid IANA time zone (Mars/Olympus)',
    });
    const xml = deliveryOrderCreateXml({ ...message('Z-2', 'HZ01', 'Asia/Shanghai'), lines: [{ lineNo: 1, sku: 'X', quantity: 1, unitPriceFen: -50 }] });
    assert.match(xml, /<actualPrice>-0\.50<\/actualPrice>/);
  });
});

describe('JSON adapter (overseas)', () => {
  let wms: WmsSandbox;
  before(async () => {
    wms = await startWmsSandbox({ protocol: 'json', timeZone: 'America/Los_Angeles', accounts: [jsonAccount], warehouses: ['US-LA1'], clock: () => clock.now() });
  });
  after(() => wms.close());
  const adapter = (overrides: Partial<typeof jsonAccount> = {}) => wmsJsonAdapter({ url: wms.url, ...jsonAccount, ...overrides }, clock);

  test('a delivery order is taken once, its instants with the warehouse’s offset', async () => {
    const first = await adapter().pushDeliveryOrder(message('US-1', 'US-LA1', 'America/Los_Angeles'));
    assert.equal(first.kind, 'accepted');
    // Each instant written is written down: UTC in, the warehouse's zone out.
    assert.deepEqual(first.conversions?.map((c) => [c.field, c.utc, c.targetZone, c.rendered]), [
      ['createdAt', '2026-11-11T01:59:00Z', 'America/Los_Angeles', '2026-11-10T17:59:00-08:00'],
      ['paidAt', '2026-11-11T01:59:30Z', 'America/Los_Angeles', '2026-11-10T17:59:30-08:00'],
      ['shipBy', '2026-11-11T08:00:00Z', 'America/Los_Angeles', '2026-11-11T00:00:00-08:00'],
    ]);
    assert.deepEqual(await adapter().pushDeliveryOrder(message('US-1', 'US-LA1', 'America/Los_Angeles')), first);
    assert.deepEqual(wms.store.orders.get('US-1')!.sentTimes, { createdAt: '2026-11-10T17:59:00-08:00', paidAt: '2026-11-10T17:59:30-08:00' });
  });

  test('a refused order is rejected with the WMS’s words; refused credentials are worth a retry', async () => {
    assert.deepEqual(await adapter().pushDeliveryOrder(message('US-X', 'US-NY1', 'America/New_York')).then(withoutConversions), { kind: 'rejected', code: 'UNKNOWN_WAREHOUSE', message: 'warehouse US-NY1 is not run by this WMS' });
    assert.match(JSON.stringify(await adapter({ appSecret: 'wrong' }).pushDeliveryOrder(message('US-2', 'US-LA1', 'America/Los_Angeles'))), /retry.*BAD_SIGNATURE/);
  });
});

test('prices go out in the currency\'s own exponent: yen whole, fils to three places', () => {
  const yen = { ...message('JP-1', 'HZ01', 'Asia/Tokyo'), currency: 'JPY', lines: [{ lineNo: 1, sku: 'TEA', quantity: 1, unitPriceFen: 1500 }] };
  assert.match(deliveryOrderCreateXml(yen), /<actualPrice>1500<\/actualPrice>/);
  const fils = { ...yen, currency: 'KWD', lines: [{ lineNo: 1, sku: 'TEA', quantity: 1, unitPriceFen: 1234 }] };
  assert.match(deliveryOrderCreateXml(fils), /<actualPrice>1\.234<\/actualPrice>/);
  assert.match(deliveryOrderCreateXml(message('CN-1', 'HZ01', 'Asia/Shanghai')), /<actualPrice>1299\.00<\/actualPrice>/);
  assert.deepEqual(JSON.parse(deliveryOrderJson(yen)).lines[0].unitPrice, { amountMinor: 1500, currency: 'JPY' });
});
