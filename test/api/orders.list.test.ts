import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { orderBody } from '../support/orders.ts';
import { fastDispatch } from '../support/fulfillment.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { dispatchRound } from '../../src/workflows/wms-dispatch.workflow.ts';

for (const backend of testBackends()) {
  describe(`order lists (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle, '2026-11-11T00:00:00Z');
      // 25 orders, one a minute: every fifth on JD, every third unpaid, the VIP ones urgent.
      for (let i = 0; i < 25; i++) {
        const body = orderBody({
          channelOrderId: `L-${i}`,
          channel: i % 5 === 0 ? 'jd' : 'custom',
          tags: i % 4 === 0 ? ['VIP'] : [],
          status: i % 3 === 0 ? 'created' : 'paid',
          paidAt: i % 3 === 0 ? undefined : '2026-11-11T08:00:00+08:00',
          orderedAt: '2026-11-11T07:59:00+08:00',
        });
        const res = await api.request('POST', '/api/v1/orders', { body });
        assert.equal(res.status, 201);
        api.clock.advance(60_000);
      }
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    test('cursor pagination walks every order once, newest first', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `?limit=7&cursor=${cursor}` : '?limit=7';
        const res = await api.request('GET', `/api/v1/orders${query}`);
        assert.equal(res.status, 200);
        seen.push(...res.body.items.map((o: any) => o.channelOrderId));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 4);
      assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `L-${24 - i}`));
    });

    test('filters by status, channel, priority and creation time', async () => {
      const created = await api.request('GET', '/api/v1/orders?status=created&limit=200');
      assert.equal(created.body.items.length, 9);
      const jdPaid = await api.request('GET', '/api/v1/orders?channel=jd&status=paid,created&limit=200');
      assert.equal(jdPaid.body.items.length, 5);
      const urgent = await api.request('GET', '/api/v1/orders?priority=urgent&limit=200');
      assert.equal(urgent.body.items.length, 7);
      const window = await api.request('GET', '/api/v1/orders?createdFrom=2026-11-11T00:05:00Z&createdTo=2026-11-11T00:10:00Z&limit=200');
      assert.deepEqual(window.body.items.map((o: any) => o.channelOrderId), ['L-9', 'L-8', 'L-7', 'L-6', 'L-5']);
    });

    test('overdue lists orders past their processing deadline and not yet with a warehouse', async () => {
      // Paid at 00:00Z: urgent ones are due at 00:30Z, normal ones at 12:00Z.
      api.clock.set('2026-11-11T01:00:00Z');
      const early = await api.request('GET', '/api/v1/orders?overdue=true&limit=200');
      assert.ok(early.body.items.length > 0);
      assert.ok(early.body.items.every((o: any) => o.priority === 'urgent'));
      api.clock.set('2026-11-12T00:00:00Z');
      const late = await api.request('GET', '/api/v1/orders?overdue=true&limit=200');
      assert.equal(late.body.items.length, 16, 'every paid order, none of the 9 unpaid ones');
      assert.ok(late.body.items.every((o: any) => o.status === 'paid'));
    });
  });

  describe(`overdue orders sent to a WMS that has not taken them (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle, '2026-11-11T00:00:00Z');
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    test('an order pushed to a WMS that never answered is overdue until a warehouse accepts it', async () => {
      // Nothing listens on port 9: every push is a failure to retry, so the order waits at pushed.
      const wms = { protocol: 'qimen', url: 'http://127.0.0.1:9/router/qimen/service', appKey: 'oms-app', appSecret: 'wms-secret-for-tests', customerId: 'OWNER1' };
      const warehouse = { code: 'HZ01', name: '华东杭州仓', timeZone: 'Asia/Shanghai', isDefault: true, priority: 10, location: { divisionCode: '330100' }, coverage: ['CN'], wms };
      assert.equal((await api.request('POST', '/api/v1/warehouses', { body: warehouse })).status, 201);
      const lines = orderBody().lines.map((l: any) => ({ sku: l.sku, quantity: 10 }));
      assert.equal((await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode: 'HZ01', lines } })).status, 201);
      const posted = await api.request('POST', '/api/v1/orders', { body: orderBody({ channelOrderId: 'P-1', paidAt: '2026-11-11T08:00:00+08:00', orderedAt: '2026-11-11T07:59:00+08:00' }) });
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      assert.equal(posted.body.status, 'routed');
      await dispatchRound({ db: database.handle.db, clock: api.clock, secrets: api.app.secrets, logger: createLogger('silent') }, fastDispatch);
      assert.equal((await api.request('GET', `/api/v1/orders/${posted.body.id}`)).body.status, 'pushed');
      api.clock.set('2026-11-12T00:00:00Z');
      const overdue = await api.request('GET', '/api/v1/orders?overdue=true');
      assert.deepEqual(overdue.body.items.map((o: any) => [o.channelOrderId, o.status]), [['P-1', 'pushed']]);
    });
  });
}
