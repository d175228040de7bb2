import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DispatchOptions } from '../../src/workflows/wms-dispatch.workflow.ts';
import { verifyLedger } from '../../src/modules/inventory/stock.service.ts';
import type { WmsSandbox } from '../../sandbox/wms/wms.sandbox.ts';
import type { TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { fastDispatch, startFulfillmentWorld, type FulfillmentWorld } from '../support/fulfillment.ts';

/** Routing to the nearest warehouse that can fill an order, splits and capacity, and delivery to a Qimen WMS that fails 30% of requests. */
for (const backend of testBackends()) {
  describe(`routing and WMS delivery (${backend.kind})`, () => {
    let world: FulfillmentWorld;
    let api: TestApi;
    let wms: WmsSandbox;
    let database: TestDatabase;
    const order = (place: [string, string, string], lines: [string, number][], channel = 'taobao') => world.order(place, lines, { channel });
    const post = (body: unknown) => world.post(body);
    const deliveries = (orderId: string) => world.deliveries(orderId);
    const dispatchAll = (options?: DispatchOptions) => world.dispatchAll(options);
    const fast = fastDispatch;

    before(async () => {
      world = await startFulfillmentWorld(backend);
      ({ api, qimen: wms, database } = world);
      for (const code of ['HZ01', 'GZ01', 'TJ01']) assert.equal((await api.request('PATCH', `/api/v1/warehouses/${code}`, { body: { coverage: ['CN'] } })).status, 200);
      await world.receive('HZ01', 'LAMP', 5);
      await world.receive('GZ01', 'DESK', 5);
    });
    after(() => world.close());

    test('each order goes to the warehouse nearest its receiver, with the decision and reasons on its delivery order', async () => {
      const places: [[string, string, string], string][] = [
        [['浙江省', '杭州市', '西湖区'], 'HZ01'], [['上海', '上海市', '浦东新区'], 'HZ01'], [['广东', '深圳市', '南山区'], 'GZ01'],
        [['广西壮族自治区', '南宁市', '青秀区'], 'GZ01'], [['北京市', '市辖区', '朝阳区'], 'TJ01'], [['新疆', '乌鲁木齐市', ''], 'TJ01'], [['辽宁省', '沈阳市', '和平区'], 'TJ01'],
      ];
      for (const [place, expected] of places) {
        const created = await post(order(place, [['MUG', 1]]));
        assert.equal(created.status, 'routed', `${place.join('')}: ${created.statusReason}`);
        const [d] = await deliveries(created.id);
        assert.equal(d.warehouseCode, expected, place.join(''));
        assert.equal(d.status, 'pending');
        assert.equal(d.routing.strategy, 'nearest');
        assert.deepEqual(d.routing.chosen, [expected]);
        assert.equal(d.routing.ranked[0].warehouseCode, expected);
        assert.ok(d.routing.ranked.every((r: any) => typeof r.distanceKm === 'number'));
      }
    });

    test('an order the nearest warehouse cannot fill goes to the next; one no warehouse can fill alone is split across two', async () => {
      const lamp = await post(order(['广东省', '广州市', '天河区'], [['LAMP', 1]]));
      const [d] = await deliveries(lamp.id);
      assert.equal(d.warehouseCode, 'HZ01');
      assert.deepEqual(d.routing.dropped.find((x: any) => x.warehouseCode === 'GZ01'), { warehouseCode: 'GZ01', reason: 'short of LAMP ×1' });

      const both = await post(order(['江苏省', '南京市', '玄武区'], [['LAMP', 1], ['DESK', 1], ['MUG', 2]]));
      assert.equal(both.status, 'routed');
      const split = await deliveries(both.id);
      assert.deepEqual(split.map((x: any) => x.warehouseCode).sort(), ['GZ01', 'HZ01']);
      assert.ok(split.every((x: any) => x.routing.split === true));
      const lines = Object.fromEntries(split.map((x: any) => [x.warehouseCode, x.lines.map((l: any) => l.sku).sort()]));
      assert.deepEqual(lines, { HZ01: ['LAMP', 'MUG'], GZ01: ['DESK'] });
      const held = (await api.request('GET', `/api/v1/inventory/reservations?orderId=${both.id}`)).body.items;
      assert.deepEqual(held.map((r: any) => `${r.sku}@${r.warehouseCode}`).sort(), ['DESK@GZ01', 'LAMP@HZ01', 'MUG@HZ01']);

      assert.equal((await api.request('PATCH', '/api/v1/routing/settings', { body: { allowSplit: false } })).status, 200);
      const refused = await post(order(['江苏省', '南京市', '玄武区'], [['LAMP', 1], ['DESK', 1]]));
      assert.equal(refused.status, 'exception');
      assert.equal(refused.statusReason, 'out_of_stock');
      assert.equal((await api.request('PATCH', '/api/v1/routing/settings', { body: { allowSplit: true } })).status, 200);
    });

    test('coverage, channel and capacity filters drop warehouses with their reasons; none left stops the order as no_warehouse', async () => {
      assert.equal((await api.request('PATCH', '/api/v1/warehouses/GZ01', { body: { dailyCapacity: 0 } })).status, 200);
      const full = await post(order(['广东省', '广州市', '天河区'], [['MUG', 1]]));
      const [d] = await deliveries(full.id);
      assert.equal(d.warehouseCode, 'HZ01');
      assert.match(d.routing.dropped.find((x: any) => x.warehouseCode === 'GZ01').reason, /^daily capacity reached for 2026-11-11$/);
      assert.equal((await api.request('PATCH', '/api/v1/warehouses/GZ01', { body: { dailyCapacity: null } })).status, 200);

      assert.equal((await api.request('PATCH', '/api/v1/warehouses/TJ01', { body: { coverage: ['110000', '120000'], channels: ['jd'] } })).status, 200);
      const tb = await post(order(['北京市', '北京市', '海淀区'], [['MUG', 1]]));
      const [t] = await deliveries(tb.id);
      assert.notEqual(t.warehouseCode, 'TJ01');
      assert.deepEqual(t.routing.dropped.find((x: any) => x.warehouseCode === 'TJ01'), { warehouseCode: 'TJ01', reason: 'does not ship for taobao' });
      const jd = await post(order(['北京市', '北京市', '海淀区'], [['MUG', 1]], 'jd'));
      assert.equal((await deliveries(jd.id))[0].warehouseCode, 'TJ01');

      for (const code of ['HZ01', 'GZ01']) assert.equal((await api.request('PATCH', `/api/v1/warehouses/${code}`, { body: { coverage: ['330000', '440000'] } })).status, 200);
      const nowhere = await post(order(['四川省', '成都市', '武侯区'], [['MUG', 1]]));
      assert.equal(nowhere.status, 'exception');
      assert.equal(nowhere.statusReason, 'no_warehouse');
      const [mug] = (await api.request('GET', '/api/v1/inventory/levels?sku=MUG&warehouseCode=HZ01')).body.items;
      assert.equal((await api.request('GET', `/api/v1/inventory/reservations?orderId=${nowhere.id}`)).body.items.length, 0, `${mug.reserved} reserved`);
      for (const code of ['HZ01', 'GZ01', 'TJ01']) assert.equal((await api.request('PATCH', `/api/v1/warehouses/${code}`, { body: { coverage: ['CN'], channels: [] } })).status, 200);
    });

    test('with 30% of requests failing, every delivery order reaches the WMS once and every order ends accepted_by_wms', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) ids.push((await post(order(i % 2 ? ['广东省', '广州市', '天河区'] : ['浙江省', '杭州市', '西湖区'], [['MUG', 1]]))).id);
      await dispatchAll();
      const routed = (await api.request('GET', '/api/v1/delivery-orders?limit=500')).body.items.filter((d: any) => d.status !== 'cancelled');
      assert.ok(routed.length >= 60);
      assert.ok(routed.every((d: any) => d.status === 'accepted'), JSON.stringify(routed.filter((d: any) => d.status !== 'accepted').slice(0, 3)));
      assert.ok(routed.some((d: any) => d.attempts > 1), 'some needed more than one attempt');
      for (const d of routed) assert.equal(wms.store.orders.get(d.code)?.wmsId, d.wmsId);
      assert.equal(wms.store.duplicateCount, wms.store.lostAnswers);
      for (const id of ids) {
        const o = (await api.request('GET', `/api/v1/orders/${id}`)).body;
        assert.equal(o.status, 'accepted_by_wms');
      }
      assert.equal((await verifyLedger(database.handle.db)).ok, true);
    });

    test('a WMS down past the attempt limit stops the order as push_failed with an alert; sent again by hand, it lands', async () => {
      const o = await post(order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]]));
      wms.outage(60_000);
      await dispatchAll({ ...fast, maxAttempts: 3 });
      const [d] = await deliveries(o.id);
      assert.equal(d.status, 'failed');
      assert.equal(d.attempts, 3);
      const stopped = (await api.request('GET', `/api/v1/orders/${o.id}`)).body;
      assert.equal(stopped.status, 'exception');
      assert.equal(stopped.statusReason, 'push_failed');
      const alerts = (await api.request('GET', '/api/v1/alerts')).body.items;
      assert.ok(alerts.some((a: any) => a.kind === 'push_failed' && a.subject === d.code));
      const failedList = (await api.request('GET', '/api/v1/delivery-orders?status=failed')).body.items;
      assert.deepEqual(failedList.map((x: any) => x.code), [d.code]);

      assert.equal((await api.request('POST', `/api/v1/delivery-orders/${d.code}/retry`, { key: api.keys.viewer })).status, 403);
      wms.advance(61_000);
      const retried = await api.request('POST', `/api/v1/delivery-orders/${d.code}/retry`);
      assert.equal(retried.status, 200, JSON.stringify(retried.body));
      assert.equal(retried.body.status, 'pending');
      assert.equal((await api.request('GET', `/api/v1/orders/${o.id}`)).body.status, 'routed');
      await dispatchAll();
      assert.equal((await deliveries(o.id))[0].status, 'accepted');
      assert.equal((await api.request('GET', `/api/v1/orders/${o.id}`)).body.status, 'accepted_by_wms');
      const again = await api.request('POST', `/api/v1/delivery-orders/${d.code}/retry`);
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'DELIVERY_NOT_RETRYABLE');
    });

    test('a cancelled order’s delivery order is never sent', async () => {
      const o = await post(order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]]));
      assert.equal((await api.request('POST', `/api/v1/orders/${o.id}/transitions`, { body: { to: 'cancelled', reason: 'buyer changed mind' } })).status, 200);
      const [d] = await deliveries(o.id);
      assert.equal(d.status, 'cancelled');
      await dispatchAll();
      assert.equal(wms.store.orders.has(d.code), false);
    });
  });
}
