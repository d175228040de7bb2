import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { changeStock } from '../../src/modules/inventory/stock.service.ts';
import { signQimen } from '../../src/modules/wms/qimen.sign.ts';
import { systemActor, type RequestContext } from '../../src/platform/context.ts';
import { formatWallClock } from '../../src/platform/time/wall-clock.ts';
import { jsonSignedHeaders, shipmentJson } from '../../sandbox/wms/json.gateway.ts';
import { deliveryConfirmXml, parseQimenXml, qimenXml, wallTime, zoneProps } from '../../sandbox/wms/qimen.gateway.ts';
import { startWmsSandbox } from '../../sandbox/wms/wms.sandbox.ts';
import { testBackends } from '../support/databases.ts';
import { startFulfillmentWorld, wmsAccount, type FulfillmentWorld } from '../support/fulfillment.ts';

/**
 * A WMS message counts as a repeat only when it is about the same delivery order (or SKU) with the
 * same content; nothing with a known code is answered as taken and then dropped.
 */
for (const backend of testBackends()) {
  describe(`WMS report rules (${backend.kind})`, () => {
    let world: FulfillmentWorld;
    const get = async (path: string) => (await world.api.request('GET', path)).body;
    const level = async (sku: string, warehouseCode: string) => (await get(`/api/v1/inventory/levels?sku=${sku}&warehouseCode=${warehouseCode}`)).items[0];

    before(async () => {
      world = await startFulfillmentWorld(backend, { errorRate: 0 });
    });
    after(() => world.close());

    async function qimenCall(method: string, body: string) {
      const params = { method, timestamp: formatWallClock(world.api.clock.now()), format: 'xml', app_key: wmsAccount.appKey, v: '2.0', sign_method: 'md5', customerId: wmsAccount.customerId };
      const query = new URLSearchParams({ ...params, sign: signQimen(params, body, wmsAccount.appSecret) });
      const res = await fetch(`${world.api.url}/wms/default?${query}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
      return { status: res.status, response: parseQimenXml(await res.text()) };
    }

    async function jsonCall(body: string) {
      const headers = jsonSignedHeaders(wmsAccount.appKey, wmsAccount.appSecret, body, world.api.clock.now().getTime(), 'America/Los_Angeles');
      const res = await fetch(`${world.api.url}/wms/default`, { method: 'POST', body, headers });
      return { status: res.status, body: (await res.json()) as any };
    }

    test('a WMS restarted with its numbering from scratch: a shipment of another delivery order under a code seen before is taken, not dropped', async () => {
      const first = await world.post(world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]]));
      await world.dispatchAll();
      await world.qimen.shipDue();
      assert.equal((await get(`/api/v1/orders/${first.id}`)).status, 'shipped');
      const firstConfirm = world.qimen.recorded.callbacks.at(-1)!;

      // The same WMS comes back on the same address with an empty memory: it numbers from 1 again.
      const port = Number(new URL(world.qimen.url).port);
      await world.qimen.close();
      world.qimen = await startWmsSandbox({
        protocol: 'qimen', port, accounts: [wmsAccount], warehouses: ['HZ01', 'GZ01', 'TJ01'], faults: { errorRate: 0 }, seed: 7,
        clock: () => world.api.clock.now(), callback: { url: `${world.api.url}/wms/default`, ...wmsAccount }, shipAfterMs: 0,
      });
      const second = await world.post(world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]]));
      await world.dispatchAll();
      const [d2] = await world.deliveries(second.id);
      const [d1] = await world.deliveries(first.id);
      assert.equal(d2.status, 'accepted');
      assert.equal(d2.wmsId, d1.wmsId, 'the restarted WMS gave the second delivery order the first one’s number');
      const levelBefore = await level('MUG', 'HZ01');
      await world.qimen.shipDue();
      const confirm = world.qimen.recorded.callbacks.at(-1)!;
      assert.equal(confirm.deliveryOrderCode, d2.code);
      assert.notEqual(firstConfirm.deliveryOrderCode, confirm.deliveryOrderCode);
      assert.equal(confirm.status, 200);
      assert.equal((await get(`/api/v1/orders/${second.id}`)).status, 'shipped', 'the second order shipped');
      assert.equal((await world.deliveries(second.id))[0].status, 'shipped');
      const levelAfter = await level('MUG', 'HZ01');
      assert.deepEqual([levelAfter.onHand, levelAfter.reserved], [levelBefore.onHand - 1, levelBefore.reserved - 1], 'its stock left the book');
    });

    test('the same code about the same delivery order with other content is refused with 409 in the protocol’s shape and one alert (Qimen and JSON)', async () => {
      const o = await world.post(world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]]));
      await world.dispatchAll();
      const [d] = await world.deliveries(o.id);
      const stored = world.qimen.store.ship(d.code);
      assert.equal((await qimenCall('taobao.qimen.deliveryorder.confirm', deliveryConfirmXml(stored, 'Asia/Shanghai'))).status, 200);
      const repeat = await qimenCall('taobao.qimen.deliveryorder.confirm', deliveryConfirmXml(stored, 'Asia/Shanghai'));
      assert.equal(repeat.response?.flag, 'success', 'an exact repeat is answered as taken');

      const altered = { ...stored, trackingNumber: 'SF000000000000' };
      for (let i = 0; i < 2; i++) {
        const refused = await qimenCall('taobao.qimen.deliveryorder.confirm', deliveryConfirmXml(altered, 'Asia/Shanghai'));
        assert.equal(refused.status, 409);
        assert.equal(refused.response?.flag, 'failure');
        assert.equal(refused.response?.code, 'WMS_MESSAGE_CONFLICT');
      }
      assert.equal((await world.deliveries(o.id))[0].trackingNo, stored.trackingNumber, 'the first report stands');
      const alerts = (await get(`/api/v1/alerts?kind=wms_message_conflict&orderId=${o.id}`)).items;
      assert.equal(alerts.length, 1, 'one alert, however often the WMS sends it');
      assert.equal(alerts[0].warehouseCode, 'HZ01');

      const us = await world.post(world.order(['CA', 'Los Angeles', ''], [['MUG', 1]], { country: 'US' }));
      await world.dispatchAll();
      const [la] = await world.deliveries(us.id);
      const shippedLa = world.json.store.ship(la.code);
      assert.equal((await jsonCall(shipmentJson(shippedLa, 'America/Los_Angeles'))).status, 200);
      const conflict = await jsonCall(shipmentJson({ ...shippedLa, carrier: 'UPS' }, 'America/Los_Angeles'));
      assert.equal(conflict.status, 409);
      assert.equal(conflict.body.error.code, 'WMS_MESSAGE_CONFLICT');
      assert.equal((await get(`/api/v1/alerts?kind=wms_message_conflict&warehouseCode=US-LA1`)).items.length, 1);
    });

    test('a stock report that would take a level past what it can hold is refused with 422 and an alert, and changes nothing', async () => {
      const ctx: RequestContext = { tenantId: 'default', actor: systemActor('test'), clock: world.api.clock, db: world.database.handle.db };
      await changeStock(ctx, [{ sku: 'HUGE', warehouseCode: 'HZ01', quantity: 2_140_000_000 }], { kind: 'receipt', reason: 'a very large receipt' });
      const before = await level('HUGE', 'HZ01');
      const at = world.api.clock.now().getTime();
      const report = (outBizCode: string) => qimenXml('request', {
        outBizCode, warehouseCode: 'HZ01', itemCode: 'HUGE', inventoryType: 'ZP', quantity: 10_000_000, changeTime: wallTime(at, 'Asia/Shanghai'), extendProps: zoneProps(at, 'Asia/Shanghai', 'changeTime'),
      });
      for (let i = 0; i < 2; i++) {
        const refused = await qimenCall('taobao.qimen.stockchange.report', report('SC-OVERFLOW-1'));
        assert.equal(refused.status, 422);
        assert.equal(refused.response?.flag, 'failure');
        assert.equal(refused.response?.code, 'QUANTITY_TOO_LARGE');
      }
      assert.deepEqual(await level('HUGE', 'HZ01'), before);
      const alerts = (await get('/api/v1/alerts?kind=wms_stock_out_of_range&warehouseCode=HZ01')).items;
      assert.equal(alerts.length, 1);
      assert.match(alerts[0].message, /SC-OVERFLOW-1/);
      const json = JSON.stringify({ event: 'stock_changed', outBizCode: 'SC-OVERFLOW-2', warehouseCode: 'US-LA1', sku: 'MUG', quantity: 10_000_000, changedAt: new Date(at).toISOString() });
      await changeStock(ctx, [{ sku: 'MUG', warehouseCode: 'US-LA1', quantity: 2_140_000_000 }], { kind: 'receipt', reason: 'a very large receipt' });
      const refusedJson = await jsonCall(json);
      assert.equal(refusedJson.status, 422);
      assert.equal(refusedJson.body.error.code, 'QUANTITY_TOO_LARGE');
    });

    test('a signed report whose text could not be stored (an escaped NUL) is refused as malformed, in the protocol’s shape, and not retried as a 500', async () => {
      const at = world.api.clock.now().toISOString();
      const body = JSON.stringify({ event: 'stock_changed', outBizCode: 'SC-NUL\u0000', warehouseCode: 'US-LA1', sku: 'MUG', quantity: 1, changedAt: at });
      assert.ok(body.includes('\\u0000'), 'the NUL travels escaped, as JSON writes it');
      const refused = await jsonCall(body);
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, 'MALFORMED');
      const shipped = JSON.stringify({ event: 'shipped', outBizCode: 'SH-NUL', warehouseCode: 'US-LA1', deliveryOrderCode: 'X-1', trackingNumber: 'TN\u0000', shippedAt: at });
      assert.equal((await jsonCall(shipped)).status, 400);
    });

    test('a stock change under a code kept before reports had subjects is a repeat within a day of it, and new news after', async () => {
      const now = world.api.clock.now();
      // As an earlier version kept them: code only, no subject, no digest.
      for (const [code, hoursAgo] of [['SC-LEGACY-RECENT', 1], ['SC-LEGACY-OLD', 72]] as const) {
        const at = new Date(now.getTime() - hoursAgo * 3600_000).toISOString();
        await world.database.handle.db.execute(sql`insert into wms_inbound (tenant_id, warehouse_code, out_biz_code, subject, digest, method, received_at)
          values ('default', 'US-LA1', ${code}, '', '', 'stock_changed', ${at}::timestamptz)`);
      }
      const before = (await level('MUG', 'US-LA1')).onHand;
      const report = (outBizCode: string) => JSON.stringify({ event: 'stock_changed', outBizCode, warehouseCode: 'US-LA1', sku: 'MUG', quantity: 3, changedAt: now.toISOString() });
      assert.equal((await jsonCall(report('SC-LEGACY-RECENT'))).status, 200);
      assert.equal((await level('MUG', 'US-LA1')).onHand, before, 'the WMS sending again what was taken before the upgrade: not counted twice');
      assert.equal((await jsonCall(report('SC-LEGACY-OLD'))).status, 200);
      assert.equal((await level('MUG', 'US-LA1')).onHand, before + 3, 'a code last seen days ago is a WMS numbering from scratch: taken');
    });
  });
}
