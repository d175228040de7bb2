import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/platform/logger.ts';
import { allocateWaitingOrders, expireDueReservations } from '../../src/workflows/order-upkeep.jobs.ts';
import { verifyLedger } from '../../src/modules/inventory/stock.service.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

/** Reservations as orders move: unpaid holds that expire, payment, cancellation, backorders, shortages. */
for (const backend of testBackends()) {
  describe(`order pipeline and stock (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    let deps: Parameters<typeof expireDueReservations>[0];
    let n = 0;

    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle, '2026-11-11T04:00:00Z');
      deps = { db: database.handle.db, clock: api.clock, logger: createLogger('silent') };
      assert.equal((await api.request('POST', '/api/v1/warehouses', { body: { code: 'HZ01', name: '华东杭州仓', timeZone: 'Asia/Shanghai', isDefault: true } })).status, 201);
      await receive('SOFA', 10);
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    async function receive(sku: string, quantity: number) {
      assert.equal((await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode: 'HZ01', lines: [{ sku, quantity }] } })).status, 201);
    }
    const at = (minutes: number) => new Date(Date.parse('2026-11-11T04:00:00Z') + minutes * 60_000).toISOString();
    function order(status: 'created' | 'paid' | 'cancelled', lines: [string, number][], id = `P-${++n}`, modifiedMinute = 0) {
      return {
        channel: 'taobao', shopId: 'tb-main', channelOrderId: id, status, currency: 'CNY', shippingFen: 0, discountFen: 0, totalFen: lines.reduce((sum, [, q]) => sum + q * 100, 0),
        receiver: { name: '王芳', phone: '13700001111', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路 1 号' },
        orderedAt: at(0), paidAt: status === 'created' ? undefined : at(modifiedMinute), channelModifiedAt: at(modifiedMinute),
        lines: lines.map(([sku, quantity]) => ({ sku, quantity, unitPriceFen: 100 })),
      };
    }
    const post = async (body: unknown) => (await api.request('POST', '/api/v1/orders', { body })).body;
    const level = async (sku: string) => {
      const l = (await api.request('GET', `/api/v1/inventory/levels?sku=${sku}`)).body.items[0];
      return [l.onHand, l.reserved, l.available];
    };
    const reservations = async (orderId: string) => (await api.request('GET', `/api/v1/inventory/reservations?orderId=${orderId}`)).body.items;
    const events = async (orderId: string) => (await api.request('GET', `/api/v1/orders/${orderId}`)).body.events.map((e: any) => e.type === 'transition' ? `${e.from}>${e.to}` : e.type);

    test('an unpaid order holds stock for 30 minutes; expiry releases it with a ledger movement; payment takes it again', async () => {
      const unpaid = await post(order('created', [['SOFA', 3]], 'U-1'));
      assert.equal(unpaid.status, 'created');
      const [held] = await reservations(unpaid.id);
      assert.equal(held.expiresAt, at(30));
      assert.deepEqual(await level('SOFA'), [10, 3, 7]);

      api.clock.set(new Date(at(29)));
      assert.equal(await expireDueReservations(deps), 0);
      api.clock.set(new Date(at(31)));
      assert.equal(await expireDueReservations(deps), 1);
      assert.deepEqual(await level('SOFA'), [10, 0, 10]);
      assert.equal((await reservations(unpaid.id))[0].status, 'expired');
      const release = (await api.request('GET', `/api/v1/inventory/movements?reference=${unpaid.id}&kind=release`)).body.items;
      assert.equal(release.length, 1);
      assert.equal(release[0].reservedDelta, -3);
      assert.ok((await events(unpaid.id)).includes('reservation_expired'));

      const paid = await post(order('paid', [['SOFA', 3]], 'U-1', 40));
      assert.equal(paid.status, 'allocated');
      const live = (await reservations(unpaid.id)).filter((r: any) => r.status === 'active');
      assert.equal(live.length, 1);
      assert.equal(live[0].expiresAt, null, 'a paid order holds its stock until shipped');
      assert.deepEqual(await level('SOFA'), [10, 3, 7]);
    });

    test('paying an order that holds stock keeps the same reservation and makes it last', async () => {
      const unpaid = await post(order('created', [['SOFA', 2]], 'U-2'));
      const [before] = await reservations(unpaid.id);
      const paid = await post(order('paid', [['SOFA', 2]], 'U-2', 5));
      assert.equal(paid.status, 'allocated');
      const after = await reservations(unpaid.id);
      assert.deepEqual(after.map((r: any) => [r.id, r.status, r.expiresAt]), [[before.id, 'active', null]]);
      assert.deepEqual(await level('SOFA'), [10, 5, 5]);
    });

    test('the channel cancelling, or ops cancelling by hand, gives the stock back at once', async () => {
      const byChannel = await post(order('paid', [['SOFA', 1]], 'C-1'));
      assert.deepEqual(await level('SOFA'), [10, 6, 4]);
      const cancelled = await post(order('cancelled', [['SOFA', 1]], 'C-1', 10));
      assert.equal(cancelled.status, 'cancelled');
      assert.deepEqual(await level('SOFA'), [10, 5, 5]);
      assert.equal((await reservations(byChannel.id))[0].endReason, 'order cancelled');

      const byHand = await post(order('paid', [['SOFA', 1]], 'C-2'));
      const res = await api.request('POST', `/api/v1/orders/${byHand.id}/transitions`, { body: { to: 'cancelled', reason: 'buyer called to cancel' } });
      assert.equal(res.body.status, 'cancelled');
      assert.deepEqual(await level('SOFA'), [10, 5, 5]);
    });

    test('out of stock stops a paid order in exception; released to paid after a receipt, it takes stock at once', async () => {
      const short = await post(order('paid', [['SOFA', 6]], 'X-1'));
      assert.equal(short.status, 'exception');
      assert.equal(short.statusReason, 'out_of_stock');
      assert.deepEqual(await level('SOFA'), [10, 5, 5], 'nothing of a short order is held');
      await receive('SOFA', 1);
      const released = await api.request('POST', `/api/v1/orders/${short.id}/transitions`, { body: { to: 'paid', reason: 'stock arrived' } });
      assert.equal(released.body.status, 'allocated');
      assert.deepEqual(await level('SOFA'), [11, 11, 0]);
    });

    test('under the backorder policy a short order waits as paid and takes stock, oldest first, when it arrives', async () => {
      assert.equal((await api.request('PATCH', '/api/v1/inventory/settings', { body: { shortagePolicy: 'backorder' } })).status, 200);
      const first = await post(order('paid', [['SOFA', 2]], 'B-1', 1));
      const second = await post(order('paid', [['SOFA', 2]], 'B-2', 2));
      assert.deepEqual([first.status, second.status], ['paid', 'paid']);
      assert.ok((await events(first.id)).includes('backordered'));
      await receive('SOFA', 3);
      assert.equal(await allocateWaitingOrders(deps), 1);
      assert.equal((await api.request('GET', `/api/v1/orders/${first.id}`)).body.status, 'allocated');
      assert.equal((await api.request('GET', `/api/v1/orders/${second.id}`)).body.status, 'paid');
      assert.deepEqual(await level('SOFA'), [14, 13, 1]);
      await api.request('PATCH', '/api/v1/inventory/settings', { body: { shortagePolicy: 'exception' } });
    });

    test('an unpaid order whose lines change gives back the old lines and holds the new ones', async () => {
      await receive('LAMP', 5);
      const unpaid = await post(order('created', [['LAMP', 1]], 'L-1'));
      const changed = await post(order('created', [['LAMP', 4]], 'L-1', 3));
      assert.equal(changed.id, unpaid.id);
      const rows = await reservations(unpaid.id);
      assert.deepEqual(rows.map((r: any) => [r.quantity, r.status]).sort(), [[1, 'released'], [4, 'active']]);
      assert.deepEqual(await level('LAMP'), [5, 4, 1]);
    });

    test('a replayed order reserves nothing twice, and the books verify', async () => {
      const once = await post(order('paid', [['LAMP', 1]], 'R-1'));
      const again = await api.request('POST', '/api/v1/orders', { body: order('paid', [['LAMP', 1]], 'R-1') });
      assert.equal(again.status, 200);
      assert.equal(again.body.id, once.id);
      assert.equal((await reservations(once.id)).length, 1);
      assert.deepEqual((await verifyLedger(database.handle.db)).mismatches, []);
    });

    test('an order whose address cannot be placed is held without stock; a corrected address releases it and it takes its stock', async () => {
      await receive('DESK', 2);
      const placed = await post(order('paid', [['DESK', 1]], 'A-1'));
      assert.equal(placed.status, 'allocated');
      assert.deepEqual([placed.receiver.provinceCode, placed.receiver.cityCode, placed.receiver.districtCode], ['330000', '330100', '330106']);

      const misspelt = { ...order('paid', [['DESK', 1]], 'A-2'), receiver: { name: '王芳', phone: '13700001111', province: '浙江省', city: '杭洲市', district: '西湖区', address: '文三路 1 号' } };
      const held = await post(misspelt);
      assert.equal(held.status, 'on_hold');
      assert.equal(held.statusReason, 'address_unresolved');
      assert.equal(held.receiver.cityCode, null);
      assert.deepEqual(await reservations(held.id), [], 'a held order takes no stock');
      assert.deepEqual(await level('DESK'), [2, 1, 1]);
      const timeline = (await api.request('GET', `/api/v1/orders/${held.id}`)).body.events;
      assert.deepEqual(timeline.at(-1), { ...timeline.at(-1), type: 'transition', from: 'paid', to: 'on_hold', reason: 'address_unresolved' });
      assert.equal(timeline.at(-1).data.code, 'CITY_UNKNOWN');
      assert.match(timeline.at(-1).data.detail, /杭洲市/);

      const stillWrong = await api.request('PUT', `/api/v1/orders/${held.id}/receiver`, { body: misspelt.receiver });
      assert.equal(stillWrong.status, 422);
      assert.equal(stillWrong.body.error.code, 'ADDRESS_UNRESOLVED');
      const asAgent = await api.request('PUT', `/api/v1/orders/${held.id}/receiver`, { key: api.keys.agent, body: { ...misspelt.receiver, city: '杭州市' } });
      assert.equal(asAgent.status, 403);
      assert.equal((await api.request('GET', `/api/v1/orders/${held.id}`)).body.status, 'on_hold', 'a refused correction changes nothing');

      const released = await api.request('POST', `/api/v1/orders/${held.id}/transitions`, { body: { to: 'paid', reason: 'try without a correction' } });
      assert.deepEqual([released.status, released.body.error?.code], [409, 'ADDRESS_HOLD'], 'released by hand only once the address can be placed');
      const elsewhere = await api.request('PUT', `/api/v1/orders/${held.id}/receiver`, { body: { ...misspelt.receiver, city: '杭州市', district: '海曙区' } });
      assert.deepEqual([elsewhere.status, elsewhere.body.error.details.code], [422, 'PLACE_MISMATCH'], '海曙区 is in 宁波, not 杭州');

      const fixed = await api.request('PUT', `/api/v1/orders/${held.id}/receiver`, { body: { ...misspelt.receiver, city: '杭州 市' } });
      assert.equal(fixed.status, 200);
      assert.equal(fixed.body.status, 'allocated');
      assert.deepEqual([fixed.body.receiver.provinceCode, fixed.body.receiver.cityCode, fixed.body.receiver.districtCode], ['330000', '330100', '330106']);
      assert.deepEqual(await level('DESK'), [2, 2, 0]);
      assert.deepEqual((await events(held.id)).slice(-3), ['receiver_corrected', 'on_hold>paid', 'paid>allocated']);
      const again = await api.request('PUT', `/api/v1/orders/${held.id}/receiver`, { body: { ...misspelt.receiver, city: '杭州 市' } });
      assert.equal(again.body.version, fixed.body.version, 'the same receiver again writes nothing');
      assert.equal((await events(held.id)).length, timeline.length + 3);
    });

    test('a corrected receiver stays when the channel sends the order again; a channel address that cannot be placed holds an order not yet at a warehouse', async () => {
      await receive('CHAIR', 3);
      const bad = { name: '王芳', phone: '13700001111', province: '浙江省', city: '杭洲市', district: '西湖区', address: '文三路 1 号' };
      const unpaid = await post({ ...order('created', [['CHAIR', 1]], 'AD-1'), receiver: bad });
      assert.equal(unpaid.status, 'on_hold');
      const fixed = await api.request('PUT', `/api/v1/orders/${unpaid.id}/receiver`, { body: { ...bad, city: '杭州市' } });
      assert.equal(fixed.body.status, 'created', 'an unpaid order goes back to created');
      assert.equal((await reservations(unpaid.id)).length, 1, 'and holds its stock for its payment');

      const paidAgain = await post({ ...order('paid', [['CHAIR', 1]], 'AD-1', 5), receiver: bad });
      assert.equal(paidAgain.status, 'allocated');
      assert.deepEqual([paidAgain.receiver.city, paidAgain.receiver.cityCode], ['杭州市', '330100'], 'the corrected receiver stays');
      const updated = (await api.request('GET', `/api/v1/orders/${unpaid.id}`)).body.events.find((e: any) => e.type === 'updated');
      assert.equal(updated.data.receiverKept, 'corrected by a person');

      const placed = await post(order('paid', [['CHAIR', 1]], 'AD-2'));
      assert.equal(placed.status, 'allocated');
      const moved = await post({ ...order('paid', [['CHAIR', 1]], 'AD-2', 5), receiver: bad });
      assert.deepEqual([moved.status, moved.statusReason], ['on_hold', 'address_unresolved']);
      assert.equal((await reservations(placed.id)).filter((r: any) => r.status === 'active').length, 1, 'what it holds stays held');
      assert.deepEqual(await level('CHAIR'), [3, 2, 1]);
    });

    test('inventory endpoints check roles and refuse bad input with a field path', async () => {
      const asAgent = await api.request('POST', '/api/v1/inventory/receipts', { key: api.keys.agent, body: { warehouseCode: 'HZ01', lines: [{ sku: 'SOFA', quantity: 1 }] } });
      assert.equal(asAgent.status, 403);
      const negative = await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode: 'HZ01', lines: [{ sku: 'SOFA', quantity: -1 }] } });
      assert.equal(negative.status, 400);
      assert.equal(negative.body.error.code, 'VALIDATION_FAILED');
      const tooMuch = await api.request('POST', '/api/v1/inventory/adjustments', { body: { warehouseCode: 'HZ01', sku: 'SOFA', delta: -100, reason: 'count' } });
      assert.equal(tooMuch.status, 409);
      assert.equal(tooMuch.body.error.code, 'INSUFFICIENT_STOCK');
      const viewerLevels = await api.request('GET', '/api/v1/inventory/levels', { key: api.keys.viewer });
      assert.equal(viewerLevels.status, 200);
      const otherTenant = await api.request('GET', '/api/v1/inventory/levels', { key: api.otherTenantKey });
      assert.deepEqual(otherTenant.body.items, []);
    });
  });
}
