import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

for (const backend of testBackends()) {
  describe(`stock snapshots and count tasks over HTTP (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;

    /** POSTs a CSV file the way a browser upload or curl --data-binary would. */
    async function uploadCsv(code: string, csv: string, key = api.keys.ops, type = 'text/csv') {
      const res = await fetch(`${api.url}/api/v1/warehouses/${code}/stock-snapshots.csv`, {
        method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': type }, body: csv,
      });
      return { status: res.status, body: (await res.json()) as any };
    }

    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle, '2026-11-11T01:00:00Z');
      for (const code of ['HZ01', 'GZ01']) {
        const res = await api.request('POST', '/api/v1/warehouses', { body: { code, name: code, timeZone: 'Asia/Shanghai' } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
      const receipt = await api.request('POST', '/api/v1/inventory/receipts', {
        body: { warehouseCode: 'HZ01', lines: [{ sku: 'SOFA-3S-GREY', quantity: 100 }, { sku: 'LAMP, "Nordic"', quantity: 40 }, { sku: 'RUG', quantity: 10 }] },
      });
      assert.equal(receipt.status, 201, JSON.stringify(receipt.body));
      api.clock.set('2026-11-11T02:00:00Z');
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    test('a bad CSV is refused whole with the line numbers named, and nothing is recorded', async () => {
      const res = await uploadCsv('GZ01', 'sku,quantity\nA,1\nB,-3\nC,2\n,4\nA,5\n');
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.deepEqual(res.body.error.details.map((d: { line: number }) => d.line), [3, 5, 6]);
      assert.match(res.body.error.message, /3, 5, 6/);
      const unclosed = await uploadCsv('GZ01', 'sku,quantity\n"A,1\n');
      assert.equal(unclosed.status, 400);
      const noHeader = await uploadCsv('GZ01', 'A,1\nB,2\n');
      assert.equal(noHeader.body.error.code, 'VALIDATION_FAILED');

      const run = await api.request('POST', '/api/v1/warehouses/GZ01/reconcile', { key: api.keys.ops });
      assert.equal(run.status, 200, JSON.stringify(run.body));
      assert.deepEqual([run.body.outcome, run.body.snapshotId], ['no_snapshot', null]);
    });

    test('a spreadsheet CSV (BOM, CRLF, quoted fields) is recorded and reconciled into count tasks', async () => {
      const csv = '\uFEFFSKU,Quantity,Location\r\nSOFA-3S-GREY,90,B-12\r\n"LAMP, ""Nordic""",40,"A-01\r\nupper"\r\nRUG, 10 ,C\r\n';
      const res = await uploadCsv('HZ01', csv, api.keys.ops, 'text/csv; charset=utf-8');
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual([res.body.source, res.body.lines, res.body.units], ['csv', 3, 140]);

      const run = await api.request('POST', '/api/v1/warehouses/HZ01/reconcile', { key: api.keys.admin });
      assert.deepEqual([run.body.outcome, run.body.skusCompared, run.body.countTasksOpened], ['done', 3, 1]);
      const list = await api.request('GET', '/api/v1/inventory/count-tasks?status=open&warehouseCode=HZ01', { key: api.keys.viewer });
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.items.map((t: any) => [t.sku, t.bookQty, t.physicalQty, t.differenceBp]), [['SOFA-3S-GREY', 100, 90, 1000]]);
      const runs = await api.request('GET', '/api/v1/warehouses/HZ01/reconciliation-runs', { key: api.keys.viewer });
      assert.deepEqual(runs.body.items.map((r: any) => r.businessDate), ['2026-11-11']);
    });

    test('completing a count corrects on-hand; viewers may look but not complete; twice is a conflict', async () => {
      const [task] = (await api.request('GET', '/api/v1/inventory/count-tasks?status=open', { key: api.keys.ops })).body.items;
      const path = `/api/v1/inventory/count-tasks/${task.id}`;
      assert.equal((await api.request('GET', path, { key: api.keys.viewer })).body.sku, 'SOFA-3S-GREY');
      assert.equal((await api.request('GET', path, { key: api.keys.agent })).status, 403);

      const denied = await api.request('POST', `${path}/complete`, { key: api.keys.viewer, body: { countedQty: 91 } });
      assert.equal(denied.status, 403);
      const done = await api.request('POST', `${path}/complete`, { key: api.keys.ops, body: { countedQty: 91, note: 'recounted' } });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.deepEqual([done.body.status, done.body.countedQty], ['completed', 91]);
      const level = await api.request('GET', '/api/v1/inventory/levels?sku=SOFA-3S-GREY&warehouseCode=HZ01');
      assert.equal(level.body.items[0].onHand, 91);
      const ledger = await api.request('GET', `/api/v1/inventory/movements?reference=${task.id}`);
      assert.deepEqual(ledger.body.items.map((m: any) => [m.kind, m.onHandDelta, m.id]), [['count_correction', -9, done.body.correctionMovementId]]);

      const again = await api.request('POST', `${path}/complete`, { key: api.keys.admin, body: { countedQty: 50 } });
      assert.deepEqual([again.status, again.body.error.code], [409, 'ILLEGAL_TRANSITION']);
      const cancel = await api.request('POST', `${path}/cancel`, { key: api.keys.admin });
      assert.equal(cancel.status, 409);
    });

    test('a task can be opened by hand, once per SKU and warehouse, and cancelled', async () => {
      const body = { warehouseCode: 'HZ01', sku: 'RUG', physicalQty: 8, note: 'corner looks short' };
      assert.equal((await api.request('POST', '/api/v1/inventory/count-tasks', { key: api.keys.viewer, body })).status, 403);
      const opened = await api.request('POST', '/api/v1/inventory/count-tasks', { key: api.keys.ops, body });
      assert.equal(opened.status, 201, JSON.stringify(opened.body));
      assert.deepEqual([opened.body.bookQty, opened.body.physicalQty, opened.body.differenceBp], [10, 8, 2000]);
      const twice = await api.request('POST', '/api/v1/inventory/count-tasks', { key: api.keys.ops, body });
      assert.deepEqual([twice.status, twice.body.error.code, twice.body.error.details.taskId], [409, 'CONFLICT', opened.body.id]);
      const missing = await api.request('POST', '/api/v1/inventory/count-tasks', { key: api.keys.ops, body: { ...body, warehouseCode: 'NOPE' } });
      assert.equal(missing.body.error.code, 'WAREHOUSE_NOT_FOUND');
      const cancelled = await api.request('POST', `/api/v1/inventory/count-tasks/${opened.body.id}/cancel`, { key: api.keys.ops, body: { note: 'rug was on display' } });
      assert.deepEqual([cancelled.status, cancelled.body.status], [200, 'cancelled']);
    });

    test('another tenant sees none of it and cannot write to these warehouses', async () => {
      const key = api.otherTenantKey;
      const list = await api.request('GET', '/api/v1/inventory/count-tasks', { key });
      assert.deepEqual(list.body.items, []);
      const [task] = (await api.request('GET', '/api/v1/inventory/count-tasks')).body.items;
      assert.equal((await api.request('GET', `/api/v1/inventory/count-tasks/${task.id}`, { key })).body.error.code, 'COUNT_TASK_NOT_FOUND');
      const json = await api.request('POST', '/api/v1/warehouses/HZ01/stock-snapshots', { key, body: { lines: [{ sku: 'SOFA-3S-GREY', quantity: 1 }] } });
      assert.equal(json.body.error.code, 'WAREHOUSE_NOT_FOUND');
      assert.equal((await uploadCsv('HZ01', 'sku,quantity\nA,1\n', key)).body.error.code, 'WAREHOUSE_NOT_FOUND');
    });

    test('snapshots as JSON: the documented example is accepted and a future count is refused', async () => {
      const ok = await api.request('POST', '/api/v1/warehouses/HZ01/stock-snapshots', {
        key: api.keys.ops, body: { source: 'wms_query', takenAt: '2026-11-11T09:30:00+08:00', lines: [{ sku: 'RUG', quantity: 4 }, { sku: 'RUG', quantity: 6 }] },
      });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.deepEqual([ok.body.takenAt, ok.body.lines, ok.body.units], ['2026-11-11T01:30:00.000Z', 1, 10]);
      const future = await api.request('POST', '/api/v1/warehouses/HZ01/stock-snapshots', {
        key: api.keys.ops, body: { takenAt: '2026-11-12T00:00:00Z', lines: [{ sku: 'RUG', quantity: 1 }] },
      });
      assert.equal(future.status, 400);
      const doc = await api.request('GET', '/api/openapi.json');
      const paths = Object.entries<any>(doc.body.paths).filter(([path]) => /stock-snapshots|count-tasks|reconcil/.test(path));
      for (const [path, ops] of paths) {
        for (const [type, media] of Object.entries<any>(ops.post?.requestBody?.content ?? {})) assert.ok(media.example, `${path} (${type}) has an example`);
      }
      const example = doc.body.paths['/api/v1/warehouses/{code}/stock-snapshots'].post.requestBody.content['application/json'].example;
      const posted = await api.request('POST', '/api/v1/warehouses/HZ01/stock-snapshots', { key: api.keys.ops, body: example });
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      const csvExample = doc.body.paths['/api/v1/warehouses/{code}/stock-snapshots.csv'].post.requestBody.content['text/csv'].example;
      assert.equal((await uploadCsv('HZ01', csvExample)).status, 201);
    });
  });
}
