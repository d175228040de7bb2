import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyLedger } from '../../src/modules/inventory/stock.service.ts';
import { signQimen } from '../../src/modules/wms/qimen.sign.ts';
import { formatWallClock } from '../../src/platform/time/wall-clock.ts';
import { deliveryConfirmXml, parseQimenXml } from '../../sandbox/wms/qimen.gateway.ts';
import { jsonSignedHeaders } from '../../sandbox/wms/json.gateway.ts';
import { signWmsJson } from '../../src/modules/wms/json.sign.ts';
import { startTaobaoSandbox } from '../../sandbox/taobao/taobao.sandbox.ts';
import { testBackends } from '../support/databases.ts';
import { startFulfillmentWorld, wmsAccount, type FulfillmentWorld } from '../support/fulfillment.ts';

/** What WMSs report back: shipments (order shipped, stock out of the book) and stock changes, verified and taken once. */
for (const backend of testBackends()) {
  describe(`WMS reports (${backend.kind})`, () => {
    let world: FulfillmentWorld;
    const get = async (path: string) => (await world.api.request('GET', path)).body;
    const level = async (sku: string, warehouseCode: string) => (await get(`/api/v1/inventory/levels?sku=${sku}&warehouseCode=${warehouseCode}`)).items[0];

    before(async () => {
      world = await startFulfillmentWorld(backend, { errorRate: 0 });
      await world.receive('HZ01', 'LAMP', 5);
      await world.receive('GZ01', 'DESK', 5);
    });
    after(() => world.close());

    /** A Qimen call to the OMS as the WMS makes it, signed with `secret`. */
    async function qimenCall(method: string, body: string, secret = wmsAccount.appSecret, at: Date | null = world.api.clock.now()) {
      const params: Record<string, string> = { method, format: 'xml', app_key: wmsAccount.appKey, v: '2.0', sign_method: 'md5', customerId: wmsAccount.customerId };
      if (at) params.timestamp = formatWallClock(at);
      const query = new URLSearchParams({ ...params, sign: signQimen(params, body, secret) });
      const res = await fetch(`${world.api.url}/wms/default?${query}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
      return { status: res.status, response: parseQimenXml(await res.text()) };
    }

    test('a shipment confirmed by the WMS ships the order: carrier and tracking kept, its units leave the book once, a repeat changes nothing', async () => {
      const o = await world.post(world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 2]]));
      await world.dispatchAll();
      assert.equal((await get(`/api/v1/orders/${o.id}`)).status, 'accepted_by_wms');
      const before = await level('MUG', 'HZ01');
      const [shipped] = await world.qimen.shipDue();
      const [d] = await world.deliveries(o.id);
      assert.equal(d.status, 'shipped');
      assert.equal(d.carrier, 'SF');
      assert.equal(d.trackingNo, shipped!.trackingNumber);
      assert.equal(d.shippedAt, new Date(shipped!.shippedAt!).toISOString());
      const order = await get(`/api/v1/orders/${o.id}`);
      assert.equal(order.status, 'shipped');
      const after = await level('MUG', 'HZ01');
      assert.deepEqual([after.onHand, after.reserved], [before.onHand - 2, before.reserved - 2]);
      assert.deepEqual((await get(`/api/v1/inventory/reservations?orderId=${o.id}`)).items.map((r: any) => r.status), ['shipped']);

      // The same confirmation again (the WMS did not see our answer): taken, nothing moves twice.
      const again = await qimenCall('taobao.qimen.deliveryorder.confirm', deliveryConfirmXml(world.qimen.store.orders.get(d.code)!, 'Asia/Shanghai'));
      assert.equal(again.status, 200);
      assert.equal(again.response?.flag, 'success');
      assert.deepEqual(await level('MUG', 'HZ01'), after);
      assert.equal((await get(`/api/v1/inventory/movements?sku=MUG&kind=shipment`)).items.length, 1);
      assert.equal((await verifyLedger(world.database.handle.db)).ok, true);
      // The order was placed for a shop not registered here: no channel to tell.
      assert.deepEqual(d.channelNotice, { status: 'due', attempts: 0, error: null });
      await world.dispatchAll();
      assert.equal((await world.deliveries(o.id))[0].channelNotice.status, 'skipped');
    });

    test('a split order ships when both of its packages have', async () => {
      const o = await world.post(world.order(['江苏省', '南京市', '玄武区'], [['LAMP', 1], ['DESK', 1]]));
      await world.dispatchAll();
      const codes = (await world.deliveries(o.id)).map((d: any) => d.code);
      assert.equal(codes.length, 2);
      const [first, second] = codes.map((c: string) => world.qimen.store.orders.get(c)!);
      world.qimen.store.ship(first!.code);
      assert.equal((await qimenCall('taobao.qimen.deliveryorder.confirm', deliveryConfirmXml(first!, 'Asia/Shanghai'))).status, 200);
      const half = await get(`/api/v1/orders/${o.id}`);
      assert.equal(half.status, 'accepted_by_wms');
      assert.ok(half.events.some((e: any) => e.type === 'package_shipped'));
      world.qimen.store.ship(second!.code);
      assert.equal((await qimenCall('taobao.qimen.deliveryorder.confirm', deliveryConfirmXml(second!, 'Asia/Shanghai'))).status, 200);
      assert.equal((await get(`/api/v1/orders/${o.id}`)).status, 'shipped');
    });

    test('a confirmation whose acceptance answer was lost still moves the order through accepted to shipped', async () => {
      const o = await world.post(world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]]));
      const [d] = await world.deliveries(o.id);
      // The WMS has it (as if our request got there and the answer did not); we still think it pending.
      world.qimen.store.accept({ code: d.code, warehouseCode: 'HZ01', lines: [{ lineNo: '1', itemCode: 'MUG', quantity: 1 }], receiver: {}, sentTimes: {}, sentInstants: {} });
      world.qimen.store.ship(d.code);
      assert.equal((await qimenCall('taobao.qimen.deliveryorder.confirm', deliveryConfirmXml(world.qimen.store.orders.get(d.code)!, 'Asia/Shanghai'))).status, 200);
      const order = await get(`/api/v1/orders/${o.id}`);
      assert.equal(order.status, 'shipped');
      assert.equal((await world.deliveries(o.id))[0].status, 'shipped');
      await world.dispatchAll();
      assert.equal((await world.deliveries(o.id))[0].status, 'shipped', 'the dispatcher does not send a shipped delivery order');
    });

    test('a report signed with another secret, or about a delivery order the warehouse does not have, is refused and changes nothing', async () => {
      const o = await world.post(world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]]));
      await world.dispatchAll();
      const [d] = await world.deliveries(o.id);
      const stored = world.qimen.store.ship(d.code);
      const forged = await qimenCall('taobao.qimen.deliveryorder.confirm', deliveryConfirmXml(stored, 'Asia/Shanghai'), 'not-the-secret');
      assert.equal(forged.status, 401);
      assert.equal(forged.response?.flag, 'failure');
      assert.equal((await world.deliveries(o.id))[0].status, 'accepted');
      const unknown = await qimenCall('taobao.qimen.deliveryorder.confirm', deliveryConfirmXml({ ...stored, code: 'NOPE-1', wmsId: 'WMSX' }, 'Asia/Shanghai'));
      assert.equal(unknown.status, 404);
      assert.equal(unknown.response?.code, 'DELIVERY_ORDER_NOT_FOUND');
      const malformed = await qimenCall('taobao.qimen.deliveryorder.confirm', '<request><deliveryOrder/></request>');
      assert.equal(malformed.status, 400);
    });

    test('a report whose signed timestamp is over ten minutes off, missing or unreadable is refused as a bad signature and changes nothing', async () => {
      const o = await world.post(world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]]));
      await world.dispatchAll();
      const [d] = await world.deliveries(o.id);
      const xml = deliveryConfirmXml(world.qimen.store.ship(d.code), 'Asia/Shanghai');
      const now = world.api.clock.now().getTime();
      const confirm = 'taobao.qimen.deliveryorder.confirm';
      for (const at of [new Date(now - 11 * 60_000), new Date(now + 11 * 60_000), null]) {
        const refused = await qimenCall(confirm, xml, wmsAccount.appSecret, at);
        assert.equal(refused.status, 401, String(at));
        assert.deepEqual([refused.response?.flag, refused.response?.code], ['failure', 'BAD_SIGNATURE']);
      }
      assert.equal((await world.deliveries(o.id))[0].status, 'accepted');

      const onHand = async () => (await level('LAMP', 'US-LA1'))?.onHand ?? 0;
      const la = await onHand();
      const body = JSON.stringify({ event: 'stock_changed', outBizCode: 'SC-STALE-1', warehouseCode: 'US-LA1', sku: 'LAMP', quantity: 4, changedAt: new Date(now).toISOString() });
      const postJson = (headers: Record<string, string>) => fetch(`${world.api.url}/wms/default`, { method: 'POST', headers, body });
      const stale = await postJson(jsonSignedHeaders(wmsAccount.appKey, wmsAccount.appSecret, body, now - 11 * 60_000, 'America/Los_Angeles'));
      assert.equal(stale.status, 401);
      assert.equal(((await stale.json()) as any).error.code, 'BAD_SIGNATURE');
      const unreadable = { 'content-type': 'application/json', 'x-app-key': wmsAccount.appKey, 'x-timestamp': 'yesterday', 'x-signature': signWmsJson('yesterday', body, wmsAccount.appSecret) };
      assert.equal((await postJson(unreadable)).status, 401);
      assert.equal(await onHand(), la);

      // Nine minutes off is within the window: taken.
      const fresh = await qimenCall(confirm, xml, wmsAccount.appSecret, new Date(now - 9 * 60_000));
      assert.deepEqual([fresh.status, fresh.response?.flag], [200, 'success']);
      assert.equal((await world.deliveries(o.id))[0].status, 'shipped');
      const late = await postJson(jsonSignedHeaders(wmsAccount.appKey, wmsAccount.appSecret, body, now + 9 * 60_000, 'America/Los_Angeles'));
      assert.equal(late.status, 200);
      assert.equal(await onHand(), la + 4);
    });

    test('stock changes reported by a WMS (Qimen and JSON) enter the ledger once each', async () => {
      const hz = await level('MUG', 'HZ01');
      assert.equal(await world.qimen.reportStockChange('HZ01', 'MUG', -3), true);
      assert.equal((await level('MUG', 'HZ01')).onHand, hz.onHand - 3);
      const la = await level('MUG', 'US-LA1');
      assert.equal(await world.json.reportStockChange('US-LA1', 'MUG', 7), true);
      assert.equal((await level('MUG', 'US-LA1')).onHand, la.onHand + 7);
      const reports = (await get('/api/v1/inventory/movements?sku=MUG&kind=wms_report')).items;
      assert.deepEqual(reports.map((m: any) => `${m.warehouseCode}:${m.onHandDelta}`).sort(), ['HZ01:-3', 'US-LA1:7']);
      assert.equal((await verifyLedger(world.database.handle.db)).ok, true);
    });

    test('the marketplace is told what shipped: carrier and tracking number, once', async () => {
      const app = { appKey: '23456789', appSecret: 'taobao-sandbox-app-secret' };
      const seller = { sellerId: '2206598765432', session: '6100f9f8e7d6c5b4a3' };
      const taobao = await startTaobaoSandbox({ apps: [{ ...app, shops: [seller] }], seed: 3, clock: () => world.api.clock.now() });
      try {
        const shop = await world.api.request('POST', '/api/v1/shops', {
          body: { id: 'tb-live', channel: 'taobao', name: '淘宝沙箱', channelShopId: seller.sellerId, credentials: { ...app, accessToken: seller.session }, apiBaseUrl: taobao.url },
        });
        assert.equal(shop.status, 201, JSON.stringify(shop.body));
        taobao.generateOrders(20, world.api.clock.now().getTime() - 2 * 3600_000, { spreadSeconds: 600 });
        taobao.advance(0);
        const trade = taobao.store.tradesOf(seller.sellerId).find((t) => t.status === 'WAIT_SELLER_SEND_GOODS')!;
        const o = await world.post({ ...world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]], { shopId: 'tb-live' }), channelOrderId: trade.tid });
        await world.dispatchAll();
        await world.qimen.shipDue();
        const [d] = await world.deliveries(o.id);
        assert.equal(d.channelNotice.status, 'due');
        await world.dispatchAll();
        assert.deepEqual((await world.deliveries(o.id))[0].channelNotice, { status: 'sent', attempts: 1, error: null });
        assert.deepEqual(taobao.recorded.shipments.map((x) => [x.tid, x.companyCode, x.outSid]), [[trade.tid, 'SF', d.trackingNo]]);
        // Every send is kept: the WMS's acceptance, then the marketplace told.
        const history = (await get(`/api/v1/delivery-orders/${d.code}`)).attemptHistory;
        assert.deepEqual(history.map((x: any) => `${x.target}:${x.outcome}`), ['notice:sent', 'wms:accepted']);
      } finally {
        await taobao.close();
      }
    });

    test('asked by hand, a WMS says what it holds and it is recorded as a snapshot to reconcile (Qimen and JSON)', async () => {
      world.qimen.store.setStock('HZ01', 'MUG', 900);
      world.qimen.store.setStock('HZ01', 'LAMP', 4);
      await world.post(world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 5]]));
      await world.dispatchAll();
      const skus = (await get('/api/v1/inventory/levels?warehouseCode=HZ01&limit=500')).items.map((l: any) => l.sku).sort();
      const hz = await world.api.request('POST', '/api/v1/warehouses/HZ01/stock-snapshots/from-wms');
      assert.equal(hz.status, 201, JSON.stringify(hz.body));
      assert.equal(hz.body.source, 'wms_query');
      assert.equal(hz.body.lines, skus.length);
      // What is on the WMS's shelf: its free units and those of orders accepted but not shipped (lockQuantity) together.
      assert.ok([...world.qimen.store.orders.values()].some((o) => o.warehouseCode === 'HZ01' && o.shippedAt === null), 'some units are locked for unshipped orders');
      assert.equal(hz.body.units, world.qimen.store.stockOf('HZ01', 'MUG') + world.qimen.store.stockOf('HZ01', 'LAMP'));
      world.json.store.setStock('US-LA1', 'MUG', 55);
      const la = await world.api.request('POST', '/api/v1/warehouses/US-LA1/stock-snapshots/from-wms');
      assert.equal(la.status, 201, JSON.stringify(la.body));
      assert.equal(la.body.units, world.json.store.stockOf('US-LA1', 'MUG'));
      assert.equal((await world.api.request('POST', '/api/v1/warehouses', { body: { code: 'BJ-LOCAL', name: '北京门店', timeZone: 'Asia/Shanghai' } })).status, 201);
      const unlinked = await world.api.request('POST', '/api/v1/warehouses/BJ-LOCAL/stock-snapshots/from-wms');
      assert.equal(unlinked.status, 409);
      assert.equal(unlinked.body.error.code, 'WAREHOUSE_NOT_LINKED');
      assert.equal((await world.api.request('PATCH', '/api/v1/warehouses/BJ-LOCAL', { body: { active: false } })).status, 200);
    });

    test('an order abroad goes to the overseas warehouse over the JSON protocol and ships from there', async () => {
      const o = await world.post(world.order(['CA', 'Los Angeles', ''], [['MUG', 1]], { country: 'US' }));
      assert.equal(o.status, 'routed');
      await world.dispatchAll();
      const [d] = await world.deliveries(o.id);
      assert.equal(d.warehouseCode, 'US-LA1');
      assert.equal(d.status, 'accepted');
      const sent = world.json.store.orders.get(d.code)!;
      assert.match(sent.sentTimes.paidAt ?? '', /^2026-11-10T20:00:00-08:00$/);
      await world.json.shipDue();
      assert.equal((await get(`/api/v1/orders/${o.id}`)).status, 'shipped');
    });
  });
}
