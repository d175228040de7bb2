import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dispatchRound } from '../../src/workflows/wms-dispatch.workflow.ts';
import { expireDueReservations } from '../../src/workflows/order-upkeep.jobs.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { verifyLedger } from '../../src/modules/inventory/stock.service.ts';
import { signQimen } from '../../src/modules/wms/qimen.sign.ts';
import { formatWallClock } from '../../src/platform/time/wall-clock.ts';
import { jsonSignedHeaders } from '../../sandbox/wms/json.gateway.ts';
import { deliveryConfirmXml } from '../../sandbox/wms/qimen.gateway.ts';
import { testBackends } from '../support/databases.ts';
import { fastDispatch, startFulfillmentWorld, wmsAccount, type FulfillmentWorld } from '../support/fulfillment.ts';

/** Delivery when people step in: cancelling, holding, shipping by hand, late payment, refusals, bad reports. */
for (const backend of testBackends()) {
  describe(`delivery when people step in (${backend.kind})`, () => {
    let world: FulfillmentWorld;
    const api = () => world.api;
    const get = async (path: string) => (await world.api.request('GET', path)).body;
    const move = async (orderId: string, to: string) => {
      const res = await world.api.request('POST', `/api/v1/orders/${orderId}/transitions`, { body: { to, reason: 'test' } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const hz = (lines: [string, number][] = [['MUG', 1]]) => world.order(['浙江省', '杭州市', '西湖区'], lines);
    const onHand = async (sku: string, warehouseCode: string) => (await get(`/api/v1/inventory/levels?sku=${sku}&warehouseCode=${warehouseCode}`)).items[0].onHand;
    async function confirm(code: string) {
      const stored = world.qimen.store.orders.get(code)!;
      world.qimen.store.ship(code);
      const body = deliveryConfirmXml(stored, 'Asia/Shanghai');
      const params = { method: 'taobao.qimen.deliveryorder.confirm', timestamp: formatWallClock(world.api.clock.now()), format: 'xml', app_key: wmsAccount.appKey, v: '2.0', sign_method: 'md5', customerId: wmsAccount.customerId };
      const res = await fetch(`${world.api.url}/wms/default?${new URLSearchParams({ ...params, sign: signQimen(params, body, wmsAccount.appSecret) })}`, { method: 'POST', body });
      assert.equal(res.status, 200, await res.text());
    }

    before(async () => {
      world = await startFulfillmentWorld(backend, { errorRate: 0, latencyMs: 300 });
      assert.equal((await api().request('POST', '/api/v1/warehouses', { body: { code: 'LOCAL', name: '本地门店', timeZone: 'Asia/Shanghai', priority: 50, location: { divisionCode: '330100' } } })).status, 201);
      await world.receive('LOCAL', 'DESK', 10);
    });
    after(() => world.close());

    test('goods a WMS ships after their order was cancelled leave the book, the channel is not told, and a person is alerted', async () => {
      const o = await world.post(hz([['MUG', 2]]));
      await world.dispatchAll();
      assert.equal((await get(`/api/v1/orders/${o.id}`)).status, 'accepted_by_wms');
      await move(o.id, 'cancelled');
      const [d] = await world.deliveries(o.id);
      assert.equal(d.status, 'accepted', 'a delivery order its WMS holds is not cancelled here');
      const before = await onHand('MUG', 'HZ01');
      await confirm(d.code);
      assert.equal(await onHand('MUG', 'HZ01'), before - 2);
      const after = (await world.deliveries(o.id))[0];
      assert.equal(after.status, 'shipped');
      assert.equal(after.channelNotice.status, 'skipped');
      assert.ok((await get('/api/v1/alerts')).items.some((a: any) => a.kind === 'shipped_after_cancel' && a.subject === d.code));
      assert.equal((await verifyLedger(world.database.handle.db)).ok, true);
    });

    test('a delivery order its WMS takes while its order is being cancelled is recorded as taken, with an alert', async () => {
      const o = await world.post(hz());
      const round = dispatchRound(world.deps, fastDispatch);
      await new Promise((r) => setTimeout(r, 120));
      await move(o.id, 'cancelled');
      assert.equal((await world.deliveries(o.id))[0].status, 'cancelled');
      await round;
      const [d] = await world.deliveries(o.id);
      assert.equal(d.status, 'accepted');
      assert.ok(d.wmsId);
      assert.ok((await get('/api/v1/alerts')).items.some((a: any) => a.kind === 'accepted_after_cancel' && a.subject === d.code));
      assert.equal((await get(`/api/v1/orders/${o.id}`)).status, 'cancelled');
    });

    test('an order on hold is not sent; released, it is sent at once, or moved on if its goods went meanwhile', async () => {
      const waiting = await world.post(hz());
      await move(waiting.id, 'on_hold');
      await world.dispatchAll();
      const [held] = await world.deliveries(waiting.id);
      assert.equal(held.status, 'pending');
      assert.match(held.lastError, /waiting: order is on_hold/);
      assert.equal(world.qimen.store.orders.has(held.code), false);
      await move(waiting.id, 'routed');
      await world.dispatchAll();
      assert.equal((await get(`/api/v1/orders/${waiting.id}`)).status, 'accepted_by_wms');

      // Sent, then held before the answer was recorded; the warehouse ships it anyway.
      const o = await world.post(hz());
      const round = dispatchRound(world.deps, fastDispatch);
      await new Promise((r) => setTimeout(r, 120));
      await move(o.id, 'on_hold');
      await round;
      const [d] = await world.deliveries(o.id);
      assert.equal(d.status, 'accepted');
      await confirm(d.code);
      assert.equal((await get(`/api/v1/orders/${o.id}`)).status, 'on_hold');
      // Starting over from payment would reserve and send its goods a second time.
      const restart = await api().request('POST', `/api/v1/orders/${o.id}/transitions`, { body: { to: 'paid', reason: 'test' } });
      assert.equal(restart.status, 409);
      assert.equal(restart.body.error.code, 'ORDER_AT_WAREHOUSE');
      const released = await move(o.id, 'routed');
      assert.equal(released.status, 'shipped');
      assert.equal((await world.deliveries(o.id)).length, 1);
    });

    test('goods with their warehouse keep their stock when a paid reservation lifetime runs out', async () => {
      assert.equal((await api().request('PATCH', '/api/v1/inventory/settings', { body: { reservationTtl: { '*': { unpaid: 1800, paid: 600 } } } })).status, 200);
      const o = await world.post(hz());
      await world.dispatchAll();
      assert.equal((await get(`/api/v1/orders/${o.id}`)).status, 'accepted_by_wms');
      world.api.clock.set(new Date('2026-11-11T04:11:00Z'));
      await expireDueReservations({ db: world.database.handle.db, clock: world.api.clock, logger: createLogger('silent') });
      const [held] = (await get(`/api/v1/inventory/reservations?orderId=${o.id}`)).items;
      assert.equal(held.status, 'active');
      assert.equal(held.expiresAt, null);
      assert.equal((await get(`/api/v1/orders/${o.id}`)).status, 'accepted_by_wms');
      world.api.clock.set(new Date('2026-11-11T04:00:00Z'));
      assert.equal((await api().request('PATCH', '/api/v1/inventory/settings', { body: { reservationTtl: { '*': { unpaid: 1800, paid: null } } } })).status, 200);
    });

    test('an order split between a linked warehouse and one without a WMS link ships when people have shipped their part', async () => {
      const o = await world.post(hz([['MUG', 1], ['DESK', 1]]));
      assert.equal(o.status, 'routed');
      const ds = await world.deliveries(o.id);
      const local = ds.find((d: any) => d.warehouseCode === 'LOCAL');
      const linked = ds.find((d: any) => d.warehouseCode !== 'LOCAL');
      assert.equal(local.status, 'manual');
      assert.equal(linked.status, 'pending');
      await world.dispatchAll();
      assert.equal((await get(`/api/v1/orders/${o.id}`)).status, 'pushed');
      const wrong = await api().request('POST', `/api/v1/delivery-orders/${linked.code}/shipment`, { body: { carrier: 'SF', trackingNo: 'SF1' } });
      assert.equal(wrong.status, 409);
      assert.equal(wrong.body.error.code, 'DELIVERY_NOT_MANUAL');
      const byHand = await api().request('POST', `/api/v1/delivery-orders/${local.code}/shipment`, { body: { carrier: 'ZTO', trackingNo: 'ZT900001' } });
      assert.equal(byHand.status, 200, JSON.stringify(byHand.body));
      assert.equal(byHand.body.status, 'shipped');
      assert.equal((await get(`/api/v1/orders/${o.id}`)).status, 'accepted_by_wms');
      await confirm(linked.code);
      assert.equal((await get(`/api/v1/orders/${o.id}`)).status, 'shipped');
      assert.equal((await get(`/api/v1/inventory/reservations?orderId=${o.id}`)).items.every((r: any) => r.status === 'shipped'), true);

      // A manual delivery order of an order cancelled meanwhile is not shipped by hand.
      const gone = await world.post(hz([['DESK', 1]]));
      const [manual] = await world.deliveries(gone.id);
      await move(gone.id, 'cancelled');
      const late = await api().request('POST', `/api/v1/delivery-orders/${manual.code}/shipment`, { body: { carrier: 'ZTO', trackingNo: 'ZT900002' } });
      assert.equal(late.status, 409);
      assert.equal(late.body.error.code, 'DELIVERY_NOT_MANUAL');
    });

    test('an order paid after its warehouse’s cut-off counts toward the next work day', async () => {
      assert.equal((await api().request('PATCH', '/api/v1/warehouses/HZ01', { body: { cutOff: '16:00' } })).status, 200);
      const unpaid = { ...hz(), status: 'created', paidAt: undefined, channelModifiedAt: '2026-11-11T04:00:00Z' };
      const o = await world.post(unpaid);
      assert.equal((await world.deliveries(o.id))[0].status, 'awaiting_payment');
      world.api.clock.set(new Date('2026-11-11T08:30:00Z'));
      await world.post({ ...unpaid, status: 'paid', paidAt: '2026-11-11T08:30:00Z', channelModifiedAt: '2026-11-11T08:30:00Z' });
      const [d] = await world.deliveries(o.id);
      assert.equal(d.status, 'pending');
      assert.equal(d.workDay, '2026-11-12');
      world.api.clock.set(new Date('2026-11-11T04:00:00Z'));
      assert.equal((await api().request('PATCH', '/api/v1/warehouses/HZ01', { body: { cutOff: null } })).status, 200);
    });

    test('a refusal by the WMS alerts a person, and the receiver can be corrected before sending it again', async () => {
      assert.equal((await api().request('POST', '/api/v1/warehouses', { body: {
        code: 'HZ09', name: '不在此 WMS 的仓', timeZone: 'Asia/Shanghai', priority: 0, location: { divisionCode: '330100' },
        wms: { protocol: 'qimen', url: `${world.qimen.url}/router/qimen/service`, ...wmsAccount },
      } })).status, 201);
      await world.receive('HZ09', 'LAMP', 3);
      const o = await world.post(hz([['LAMP', 1]]));
      await world.dispatchAll();
      const stopped = await get(`/api/v1/orders/${o.id}`);
      assert.equal(stopped.status, 'exception');
      assert.equal(stopped.statusReason, 'wms_rejected');
      const [d] = await world.deliveries(o.id);
      assert.ok((await get('/api/v1/alerts')).items.some((a: any) => a.kind === 'wms_rejected' && a.subject === d.code));
      const corrected = await api().request('PUT', `/api/v1/orders/${o.id}/receiver`, { body: { name: '王芳', phone: '13700001111', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路 2 号' } });
      assert.equal(corrected.status, 200, JSON.stringify(corrected.body));
      assert.equal((await api().request('POST', `/api/v1/delivery-orders/${d.code}/retry`)).status, 200);
      assert.equal((await get('/api/v1/alerts')).items.some((a: any) => a.subject === d.code), false, 'sending it again settles its alert');
      assert.equal((await api().request('PATCH', '/api/v1/warehouses/HZ09', { body: { active: false } })).status, 200);
    });

    test('a manual delivery order sent again once its warehouse is linked moves its order from allocated to routed', async () => {
      const o = await world.post(hz([['DESK', 1]]));
      assert.equal(o.status, 'allocated');
      const [d] = await world.deliveries(o.id);
      assert.equal(d.status, 'manual');
      const link = { protocol: 'json', url: world.json.url, ...wmsAccount };
      assert.equal((await api().request('PATCH', '/api/v1/warehouses/LOCAL', { body: { wms: link } })).status, 200);
      const retried = await api().request('POST', `/api/v1/delivery-orders/${d.code}/retry`);
      assert.equal(retried.status, 200, JSON.stringify(retried.body));
      assert.equal((await get(`/api/v1/orders/${o.id}`)).status, 'routed');
      assert.equal((await api().request('PATCH', '/api/v1/warehouses/LOCAL', { body: { wms: null } })).status, 200);
    });

    test('a stock report moving more units than any warehouse holds is refused as malformed, not a server error', async () => {
      const body = JSON.stringify({ event: 'stock_changed', outBizCode: 'HUGE-1', warehouseCode: 'US-LA1', sku: 'MUG', quantity: 1e12, changedAt: '2026-11-10T20:00:00-08:00' });
      const res = await fetch(`${world.api.url}/wms/default`, { method: 'POST', body, headers: jsonSignedHeaders(wmsAccount.appKey, wmsAccount.appSecret, body, world.api.clock.now().getTime(), 'America/Los_Angeles') });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as any).error.code, 'MALFORMED');
    });
  });
}
