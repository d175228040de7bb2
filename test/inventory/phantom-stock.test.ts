import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { systemActor } from '../../src/platform/context.ts';
import { ensureListings } from '../../src/modules/inventory/stock-listings.service.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

for (const backend of testBackends()) {
  describe(`stock is kept only at warehouses that exist (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;

    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle, '2026-11-11T01:00:00Z');
      const res = await api.request('POST', '/api/v1/warehouses', { body: { code: 'HZ01', name: 'Hangzhou', timeZone: 'Asia/Shanghai' } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    const levelsOf = async (sku: string) => (await api.request('GET', `/api/v1/inventory/levels?sku=${sku}`)).body.items;
    const movementsOf = async (sku: string) => (await api.request('GET', `/api/v1/inventory/movements?sku=${sku}`)).body.items;

    test('receipts, adjustments and per-warehouse safety stock for an unknown warehouse are 404 and write nothing', async () => {
      const receipt = await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode: 'NOPE', lines: [{ sku: 'GHOST', quantity: 10 }] } });
      assert.deepEqual([receipt.status, receipt.body.error?.code], [404, 'WAREHOUSE_NOT_FOUND']);
      const adjustment = await api.request('POST', '/api/v1/inventory/adjustments', { body: { warehouseCode: 'NOPE', sku: 'GHOST', delta: 5, reason: 'found' } });
      assert.deepEqual([adjustment.status, adjustment.body.error?.code], [404, 'WAREHOUSE_NOT_FOUND']);
      const safety = await api.request('PUT', '/api/v1/inventory/skus/GHOST/safety-stock', { body: { safetyStock: 3, warehouseCode: 'NOPE' } });
      assert.deepEqual([safety.status, safety.body.error?.code], [404, 'WAREHOUSE_NOT_FOUND']);
      assert.deepEqual(await levelsOf('GHOST'), []);
      assert.deepEqual(await movementsOf('GHOST'), []);

      // The same calls at a warehouse that exists still work.
      const ok = await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode: 'HZ01', lines: [{ sku: 'REAL', quantity: 10 }] } });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      const okSafety = await api.request('PUT', '/api/v1/inventory/skus/REAL/safety-stock', { body: { safetyStock: 2, warehouseCode: 'HZ01' } });
      assert.equal(okSafety.status, 200, JSON.stringify(okSafety.body));
      assert.deepEqual((await levelsOf('REAL')).map((l: { warehouseCode: string; onHand: number; safetyStock: number }) => [l.warehouseCode, l.onHand, l.safetyStock]), [['HZ01', 10, 2]]);
    });

    test('snapshots for an unknown warehouse, uploaded or asked of its WMS, are 404', async () => {
      const json = await api.request('POST', '/api/v1/warehouses/NOPE/stock-snapshots', { body: { source: 'stock_report', lines: [{ sku: 'GHOST', quantity: 1 }] } });
      assert.deepEqual([json.status, json.body.error?.code], [404, 'WAREHOUSE_NOT_FOUND']);
      const csv = await fetch(`${api.url}/api/v1/warehouses/NOPE/stock-snapshots.csv`, {
        method: 'POST', headers: { authorization: `Bearer ${api.keys.ops}`, 'content-type': 'text/csv' }, body: 'sku,quantity\nGHOST,1\n',
      });
      assert.deepEqual([csv.status, ((await csv.json()) as { error?: { code?: string } }).error?.code], [404, 'WAREHOUSE_NOT_FOUND']);
      const wms = await api.request('POST', '/api/v1/warehouses/NOPE/stock-snapshots/from-wms', { key: api.keys.ops });
      assert.deepEqual([wms.status, wms.body.error?.code], [404, 'WAREHOUSE_NOT_FOUND']);
      // A warehouse that exists but has no WMS link is still told so.
      const unlinked = await api.request('POST', '/api/v1/warehouses/HZ01/stock-snapshots/from-wms', { key: api.keys.ops });
      assert.deepEqual([unlinked.status, unlinked.body.error?.code], [409, 'WAREHOUSE_NOT_LINKED']);
    });

    test('a level left at a code no warehouse has (written before this check) is offered to no channel', async () => {
      await database.handle.db.execute(sql`
        insert into stock_levels (tenant_id, sku, warehouse_code, on_hand, reserved, updated_at)
        values ('default', 'REAL', 'GONE', 50, 0, now())`);
      await ensureListings({ tenantId: 'default', actor: systemActor('test'), clock: api.clock, db: database.handle.db }, [{ shopId: 'tb-main', channel: 'taobao', sku: 'REAL' }]);
      const preview = await api.request('GET', '/api/v1/inventory/channel-quantities?sku=REAL');
      assert.equal(preview.status, 200, JSON.stringify(preview.body));
      // HZ01's 10 units less its 2 held back; GONE's 50 are not counted.
      assert.deepEqual(preview.body.items.map((i: { quantity: number; available: number }) => [i.quantity, i.available]), [[8, 10]]);
    });
  });
}
