import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { signWmsJson, wmsJsonSignatureMatches } from '../../src/modules/wms/json.sign.ts';
import { qimenSignatureMatches, signQimen } from '../../src/modules/wms/qimen.sign.ts';
import { formatWallClock } from '../../src/platform/time/wall-clock.ts';
import { listen } from '../common/lifecycle.ts';
import { jsonSignedHeaders } from './json.gateway.ts';
import { parseQimenXml, qimenXml } from './qimen.gateway.ts';
import { startWmsSandbox, type WmsSandbox } from './wms.sandbox.ts';

const account = { appKey: 'oms-app', appSecret: 'wms-secret', customerId: 'C001' };
const T0 = Date.parse('2026-11-11T02:00:00Z');

/** A Qimen call as an OMS makes it: signed query, XML body; the answer's envelope parsed. */
async function qimen(url: string, method: string, body: string, overrides: Record<string, string> = {}, at = T0) {
  const params: Record<string, string> = { method, timestamp: formatWallClock(new Date(at)), format: 'xml', app_key: account.appKey, v: '2.0', sign_method: 'md5', customerId: account.customerId };
  const sign = signQimen(params, body, account.appSecret);
  const query = new URLSearchParams({ ...params, sign, ...overrides });
  const res = await fetch(`${url}/router/qimen/service?${query}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
  return { status: res.status, response: parseQimenXml(await res.text())! };
}

function deliveryOrder(code: string, warehouseCode = 'HZ01', lines: [string, number][] = [['SOFA', 1]]) {
  return qimenXml('request', {
    deliveryOrder: {
      deliveryOrderCode: code, orderType: 'JYCK', warehouseCode, sourcePlatformCode: 'DY', createTime: '2026-11-11 10:00:00', payTime: '2026-11-11 10:00:05',
      receiverInfo: { name: '李娜', mobile: '13912345678', province: '广东省', city: '广州市', area: '天河区', detailAddress: '体育西路 1 号' },
    },
    orderLines: { orderLine: lines.map(([itemCode, planQty], i) => ({ orderLineNo: i + 1, itemCode, inventoryType: 'ZP', planQty, actualPrice: '99.00' })) },
  });
}

describe('WMS sandbox (Qimen)', () => {
  let wms: WmsSandbox;
  let oms: Server;
  let omsUrl: string;
  let now = T0;
  let omsAnswers: number[] = [];
  const received: { query: URLSearchParams; body: string; signed: boolean }[] = [];

  before(async () => {
    oms = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c)).on('end', () => {
        const query = new URL(req.url!, 'http://oms').searchParams;
        received.push({ query, body, signed: qimenSignatureMatches(Object.fromEntries(query), body, 'oms-secret') });
        const status = omsAnswers.shift() ?? 200;
        res.writeHead(status, { 'content-type': 'text/xml' }).end(status === 299 ? '' : qimenXml('response', { flag: status === 200 ? 'success' : 'failure', code: '0', message: '' }));
      });
    });
    omsUrl = `${(await listen(oms)).url}/qimen`;
    wms = await startWmsSandbox({
      accounts: [account], warehouses: ['HZ01', 'GZ01'], clock: () => now, shipAfterMs: 60_000,
      callback: { url: omsUrl, appKey: 'wms-app', appSecret: 'oms-secret', customerId: 'C001' },
    });
  });
  after(async () => {
    await wms.close();
    oms.closeAllConnections();
    await new Promise((resolve) => oms.close(resolve));
  });

  test('a signed delivery order is accepted once; sent again it gets the same answer and counts as a duplicate', async () => {
    const first = await qimen(wms.url, 'taobao.qimen.deliveryorder.create', deliveryOrder('DO-1'));
    assert.equal(first.status, 200);
    assert.equal(first.response.flag, 'success');
    const again = await qimen(wms.url, 'taobao.qimen.deliveryorder.create', deliveryOrder('DO-1'));
    assert.equal(again.response.deliveryOrderId, first.response.deliveryOrderId);
    assert.equal(wms.store.orders.size, 1);
    assert.equal(wms.store.duplicateCount, 1);
    assert.deepEqual(wms.store.orders.get('DO-1')!.sentTimes, { createTime: '2026-11-11 10:00:00', payTime: '2026-11-11 10:00:05' });
  });

  test('a person can see what the WMS took, newest first, with its repeats', async () => {
    const res = await fetch(`${wms.url}/sandbox/delivery-orders`);
    assert.equal(res.status, 200);
    const { items } = (await res.json()) as { items: { code: string; warehouseCode: string; repeats: number; lines: { itemCode?: string; sku?: string }[]; shippedAt: string | null }[] };
    const first = items.find((o) => o.code === 'DO-1');
    assert.ok(first, JSON.stringify(items));
    assert.equal(first.warehouseCode, 'HZ01');
    assert.equal(first.repeats, 1);
    assert.equal(first.shippedAt, null);
  });

  test('requests that are not right are refused with a code naming what is wrong', async () => {
    const code = async (p: Promise<{ response: Record<string, unknown> }>) => (await p).response.code;
    const body = deliveryOrder('DO-X');
    assert.equal(await code(qimen(wms.url, 'taobao.qimen.deliveryorder.create', body, { sign: 'ABC' })), 'sign-check-failure');
    assert.equal(await code(qimen(wms.url, 'taobao.qimen.deliveryorder.create', body, { app_key: 'nobody' })), 'invalid-app-key');
    assert.equal(await code(qimen(wms.url, 'taobao.qimen.deliveryorder.create', body, { customerId: 'C999' })), 'invalid-customer-id');
    assert.equal(await code(qimen(wms.url, 'taobao.qimen.deliveryorder.create', body, {}, T0 - 11 * 60_000)), 'invalid-timestamp');
    assert.equal(await code(qimen(wms.url, 'taobao.qimen.deliveryorder.create', deliveryOrder('DO-X', 'TJ01'))), 'invalid-data:deliveryOrder.warehouseCode');
    assert.equal(await code(qimen(wms.url, 'taobao.qimen.deliveryorder.create', deliveryOrder('DO-X', 'HZ01', [['SOFA', 0]]))), 'invalid-data:orderLines.orderLine[0].planQty');
    assert.equal(await code(qimen(wms.url, 'taobao.qimen.deliveryorder.create', '<request><deliveryOrder>')), 'invalid-xml');
    assert.equal(await code(qimen(wms.url, 'taobao.qimen.returnorder.create', body)), 'invalid-method');
    assert.equal(wms.store.orders.has('DO-X'), false);
  });

  test('inventory answers what is on hand less what accepted orders will take', async () => {
    wms.store.setStock('HZ01', 'SOFA', 10);
    const { response } = await qimen(wms.url, 'taobao.qimen.inventory.query', qimenXml('request', { criteriaList: { criteria: [{ warehouseCode: 'HZ01', itemCode: 'SOFA' }] } }));
    assert.deepEqual((response.items as { item: unknown[] }).item, [{ warehouseCode: 'HZ01', itemCode: 'SOFA', inventoryType: 'ZP', quantity: '9', lockQuantity: '1' }]);
  });

  test('an accepted order ships after the delay and is confirmed, signed, to the OMS until the OMS takes it', async () => {
    assert.deepEqual(await wms.shipDue(), [], 'not due yet');
    now += 61_000;
    omsAnswers = [503];
    const shipped = await wms.shipDue();
    assert.deepEqual(shipped.map((o) => o.code), ['DO-1']);
    assert.equal(wms.store.stockOf('HZ01', 'SOFA'), 9);
    await wms.shipDue();
    const confirms = received.filter((r) => r.query.get('method') === 'taobao.qimen.deliveryorder.confirm');
    assert.equal(confirms.length, 2, 'refused once, sent again');
    assert.ok(confirms.every((c) => c.signed));
    const body = parseQimenXml(confirms[1]!.body)!;
    const d = body.deliveryOrder as Record<string, string>;
    assert.deepEqual([d.deliveryOrderCode, d.status, d.confirmType], ['DO-1', 'DELIVERED', '0']);
    assert.match((body.packages as { package: { expressCode: string }[] }).package[0]!.expressCode, /^SF\d{12}$/);
    await wms.shipDue();
    assert.equal(received.filter((r) => r.query.get('method') === 'taobao.qimen.deliveryorder.confirm').length, 2, 'taken: not sent again');
  });

  test('stock changes are reported to the OMS, signed, and sent again as they were until the OMS takes them', async () => {
    omsAnswers = [503];
    assert.equal(await wms.reportStockChange('GZ01', 'LAMP', 5), false);
    await wms.shipDue();
    const reports = received.filter((r) => r.query.get('method') === 'taobao.qimen.stockchange.report');
    assert.equal(reports.length, 2);
    assert.equal(reports[1]!.body, reports[0]!.body, 'the same report, same outBizCode');
    assert.ok(reports.every((r) => r.signed));
    assert.equal(wms.store.stockOf('GZ01', 'LAMP'), 5, 'the stock moved once');
    const report = parseQimenXml(reports[1]!.body)!;
    assert.deepEqual([report.warehouseCode, report.itemCode, report.quantity, report.changeTime], ['GZ01', 'LAMP', '5', '2026-11-11 10:01:01']);
    assert.deepEqual(report.extendProps, { timeZone: 'Asia/Shanghai', changeTimeOffset: '+08:00' });
  });

  test('an OMS answer that is not a Qimen success does not count as taken', async () => {
    omsAnswers = [299];
    assert.equal(await wms.reportStockChange('GZ01', 'LAMP', 1), false, 'a 2xx without <flag>success</flag>');
    assert.equal(await wms.reportStockChange('GZ01', 'LAMP', 1), true);
    await wms.shipDue();
    assert.equal(wms.store.stockOf('GZ01', 'LAMP'), 7);
  });

  test('the same code with other content is refused as a conflict, not taken as a duplicate', async () => {
    const conflict = await qimen(wms.url, 'taobao.qimen.deliveryorder.create', deliveryOrder('DO-1', 'HZ01', [['LAMP', 3]]), {}, now);
    assert.equal(conflict.response.code, 'duplicate-code-conflict');
    assert.equal(wms.store.conflicts, 1);
    assert.deepEqual(wms.store.orders.get('DO-1')!.lines, [{ lineNo: '1', itemCode: 'SOFA', quantity: 1 }]);
  });

  test('a lost answer: the order is kept, the sender sees the connection drop, and its repeat is a duplicate', async () => {
    const lossy = await startWmsSandbox({ accounts: [account], warehouses: ['HZ01'], clock: () => now, faults: { lostAnswerRate: 1 } });
    try {
      await assert.rejects(qimen(lossy.url, 'taobao.qimen.deliveryorder.create', deliveryOrder('DO-L'), {}, now));
      await assert.rejects(qimen(lossy.url, 'taobao.qimen.deliveryorder.create', deliveryOrder('DO-L'), {}, now));
      assert.deepEqual([lossy.store.orders.size, lossy.store.lostAnswers, lossy.store.duplicateCount], [1, 2, 1]);
    } finally {
      await lossy.close();
    }
  });

  test('faults: refused requests, an outage window that drops every connection, requests held and dropped', async () => {
    const busy = await startWmsSandbox({ accounts: [account], warehouses: ['HZ01'], clock: () => now, faults: { errorRate: 1 } });
    try {
      const refused = await qimen(busy.url, 'taobao.qimen.deliveryorder.create', deliveryOrder('DO-B'), {}, now);
      assert.deepEqual([refused.status, refused.response.code], [503, 'service-unavailable']);
      assert.equal(busy.store.orders.size, 0);
    } finally {
      await busy.close();
    }
    wms.outage(60_000);
    await assert.rejects(qimen(wms.url, 'taobao.qimen.deliveryorder.create', deliveryOrder('DO-2'), {}, now), 'dropped while down');
    wms.advance(60_001);
    const after = await qimen(wms.url, 'taobao.qimen.deliveryorder.create', deliveryOrder('DO-2'), {}, now + 60_001);
    assert.equal(after.response.flag, 'success', 'up again once the window has passed');

    const slow = await startWmsSandbox({ accounts: [account], warehouses: ['HZ01'], clock: () => now, faults: { timeoutRate: 1, timeoutMs: 50 } });
    try {
      const started = performance.now();
      await assert.rejects(qimen(slow.url, 'taobao.qimen.deliveryorder.create', deliveryOrder('DO-S'), {}, now));
      assert.ok(performance.now() - started >= 45, 'held before it was dropped');
    } finally {
      await slow.close();
    }
  });
});

describe('WMS sandbox (JSON, overseas)', () => {
  const jsonAccount = { appKey: 'oms-us', appSecret: 'us-secret' };
  let wms: WmsSandbox;
  let oms: Server;
  const received: { headers: Record<string, string>; body: string; signed: boolean }[] = [];
  const now = T0;

  const signedPost = async (path: string, body: string, overrides: Record<string, string> = {}) => {
    const headers = { ...jsonSignedHeaders(jsonAccount.appKey, jsonAccount.appSecret, body, now, 'America/Los_Angeles'), ...overrides };
    const res = await fetch(`${wms.url}${path}`, { method: 'POST', headers, body });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const order = (code: string, createdAt = '2026-11-10T18:00:00-08:00') => JSON.stringify({
    deliveryOrderCode: code, warehouseCode: 'US-LA1', createdAt,
    receiver: { name: 'Ana Díaz', phone: '+1 213 555 0100', country: 'US', region: 'CA', city: 'Los Angeles', postcode: '90012', address: '200 N Spring St' },
    lines: [{ lineNo: 1, sku: 'SOFA', quantity: 2 }],
  });

  before(async () => {
    oms = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c)).on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        received.push({ headers, body, signed: wmsJsonSignatureMatches(headers['x-timestamp']!, body, 'oms-us-secret', headers['x-signature']!) });
        res.writeHead(200).end('{}');
      });
    });
    const omsUrl = `${(await listen(oms)).url}/wms/us`;
    wms = await startWmsSandbox({
      protocol: 'json', timeZone: 'America/Los_Angeles', accounts: [jsonAccount], warehouses: ['US-LA1'], clock: () => now, shipAfterMs: 0,
      callback: { url: omsUrl, appKey: 'us-wms', appSecret: 'oms-us-secret' },
    });
  });
  after(async () => {
    await wms.close();
    oms.closeAllConnections();
    await new Promise((resolve) => oms.close(resolve));
  });

  test('a signed delivery order is accepted once, with its instants as sent; one without a zone is refused', async () => {
    const first = await signedPost('/api/v1/delivery-orders', order('US-1'));
    assert.equal(first.status, 201);
    const again = await signedPost('/api/v1/delivery-orders', order('US-1'));
    assert.deepEqual([again.status, again.body.deliveryOrderId, again.body.duplicate], [200, first.body.deliveryOrderId, true]);
    assert.deepEqual(wms.store.orders.get('US-1')!.sentTimes, { createdAt: '2026-11-10T18:00:00-08:00' });
    const bare = await signedPost('/api/v1/delivery-orders', order('US-2', '2026-11-10T18:00:00'));
    assert.deepEqual([bare.status, bare.body.error.code], [400, 'INVALID_FIELD']);
    const impossible = await signedPost('/api/v1/delivery-orders', order('US-2', '2026-02-30T10:00:00-08:00'));
    assert.deepEqual([impossible.status, impossible.body.error.code], [400, 'INVALID_FIELD'], 'no 30 February');
    const body = order('US-3');
    const farFuture = { 'x-timestamp': '2099-99-99T99:99:99Z', 'x-signature': signWmsJson('2099-99-99T99:99:99Z', body, jsonAccount.appSecret) };
    assert.deepEqual((await signedPost('/api/v1/delivery-orders', body, farFuture)).body.error.code, 'BAD_TIMESTAMP');
    const forged = await signedPost('/api/v1/delivery-orders', order('US-3'), { 'x-signature': '00' });
    assert.deepEqual([forged.status, forged.body.error.code], [401, 'BAD_SIGNATURE']);
    assert.equal(wms.store.orders.size, 1);
  });

  test('the shipment is sent to the OMS signed, its time in the warehouse’s zone', async () => {
    assert.deepEqual((await wms.shipDue()).map((o) => o.code), ['US-1']);
    const shipped = JSON.parse(received.at(-1)!.body);
    assert.equal(received.at(-1)!.signed, true);
    assert.equal(shipped.event, 'shipped');
    assert.equal(shipped.shippedAt, '2026-11-10T18:00:00-08:00', 'T0 in Los Angeles');
    assert.match(received.at(-1)!.headers['x-timestamp']!, /-08:00$/);
  });
});
