import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { orderBody } from '../support/orders.ts';

for (const backend of testBackends()) {
  describe(`lookups (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
      // The same marketplace order id in two shops, and one that only shares its prefix.
      for (const [shopId, channelOrderId] of [['flagship', 'TB-1001'], ['outlet', 'TB-1001'], ['flagship', 'TB-10010'], ['outlet', 'TB-2002']]) {
        const res = await api.request('POST', '/api/v1/orders', { body: orderBody({ shopId, channelOrderId }) });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    test('an order is found by its channel order id, in every shop, by exact match', async () => {
      const res = await api.request('GET', '/api/v1/orders?channelOrderId=TB-1001');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.items.map((o: any) => `${o.shopId}/${o.channelOrderId}`).sort(), ['flagship/TB-1001', 'outlet/TB-1001']);
      const none = await api.request('GET', '/api/v1/orders?channelOrderId=TB-100');
      assert.deepEqual(none.body.items, []);
      const inShop = await api.request('GET', '/api/v1/orders?channelOrderId=TB-1001&shopId=outlet');
      assert.deepEqual(inShop.body.items.map((o: any) => o.shopId), ['outlet']);
    });

    test('an unknown query parameter is refused by name, not ignored', async () => {
      const res = await api.request('GET', '/api/v1/orders?channelOrderID=TB-1001&sort=asc');
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'UNKNOWN_PARAMETER');
      assert.deepEqual(res.body.error.details.unknown, ['channelOrderID', 'sort']);
      assert.match(res.body.error.message, /channelOrderID, sort/);
      assert.ok(res.body.error.details.known.includes('channelOrderId'));
    });

    test('every API read refuses an unknown query parameter, lists and single resources alike', async () => {
      const doc = await api.request('GET', '/api/openapi.json');
      const reads = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)
        .filter(([path, methods]) => path.startsWith('/api/v1/') && 'get' in methods)
        .map(([path]) => path.replace(/\{[^}]+\}/g, 'X1'));
      assert.ok(reads.length >= 20, `found ${reads.length} reads`);
      for (const list of ['/api/v1/orders', '/api/v1/delivery-orders', '/api/v1/alerts', '/api/v1/channel-dead-letters', '/api/v1/inventory/levels', '/api/v1/inventory/movements', '/api/v1/inventory/count-tasks', '/api/v1/shops', '/api/v1/keys']) {
        assert.ok(reads.includes(list), `${list} is documented`);
      }
      for (const path of reads) {
        const res = await api.request('GET', `${path}?bogus=1`);
        assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'UNKNOWN_PARAMETER', path);
        assert.deepEqual(res.body.error.details.unknown, ['bogus'], path);
      }
    });

    test('declared parameters still work, and a request without any is untouched', async () => {
      assert.equal((await api.request('GET', '/api/v1/shops')).status, 200);
      assert.equal((await api.request('GET', '/api/v1/inventory/levels?limit=5')).status, 200);
      assert.equal((await api.request('GET', '/api/v1/channel-dead-letters?limit=5')).status, 200);
    });
  });
}
