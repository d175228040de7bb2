import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { oversellCounts } from '../../src/modules/inventory/inventory.repository.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { postTwoWarehouses } from '../support/warehouses.ts';
import { linesOrder, postOrder } from '../support/orders.ts';

/** An order for a SKU no warehouse keeps is a catalogue problem, not a shortage. */
for (const backend of testBackends()) {
  describe(`orders for SKUs in no warehouse's book (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    let n = 0;

    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle, '2026-11-11T04:00:00Z');
      await postTwoWarehouses(api);
      await receive('SOFA', 10);
      // SOLD-OUT is in the book at GZ01, with nothing left.
      await receive('SOLD-OUT', 2, 'GZ01');
      await receive('SOLD-OUT', -2, 'GZ01');
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    async function receive(sku: string, quantity: number, warehouseCode = 'HZ01') {
      const res = quantity > 0
        ? await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode, lines: [{ sku, quantity }] } })
        : await api.request('POST', '/api/v1/inventory/adjustments', { body: { warehouseCode, sku, delta: quantity, reason: 'sold elsewhere' } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    const at = new Date('2026-11-11T04:00:00Z').toISOString();
    const order = (status: 'created' | 'paid', lines: [string, number][], id = `K-${++n}`, modifiedAt = at) => linesOrder(id, status, lines, at, modifiedAt);
    const post = (body: unknown) => postOrder(api, body);
    const oversells = async () => (await oversellCounts(database.handle.db, 'default', new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'))).get('taobao') ?? 0;
    const sofa = async () => (await api.request('GET', '/api/v1/inventory/levels?sku=SOFA')).body.items[0].reserved;

    test('a paid order for a SKU no warehouse keeps stops as unknown_sku and is no oversell; one the book has run out of is out_of_stock', async () => {
      const ghost = await post(order('paid', [['GHOST', 1]]));
      assert.deepEqual([ghost.status, ghost.statusReason], ['exception', 'unknown_sku']);
      assert.equal(await oversells(), 0);

      // Known at some warehouse, even with nothing there: a shortage, counted as an oversell.
      const soldOut = await post(order('paid', [['SOLD-OUT', 1]]));
      assert.deepEqual([soldOut.status, soldOut.statusReason], ['exception', 'out_of_stock']);
      assert.equal(await oversells(), 1);

      // One unknown line stops the whole order, and its known lines take nothing.
      const mixed = await post(order('paid', [['SOFA', 1], ['GHOST-2', 1]]));
      assert.deepEqual([mixed.status, mixed.statusReason], ['exception', 'unknown_sku']);
      assert.equal(await sofa(), 0);
      assert.equal(await oversells(), 1);
      const stop = (await api.request('GET', `/api/v1/orders/${mixed.id}`)).body.events.find((e: { to?: string }) => e.to === 'exception');
      assert.deepEqual(stop.data.unknownSkus, ['GHOST-2']);
    });

    test('the same when the order is paid later (the locked way) as when it arrives paid in a batch of new orders', async () => {
      const [a, b, c] = await Promise.all([order('paid', [['GHOST-3', 1]]), order('paid', [['GHOST-3', 2]]), order('paid', [['SOFA', 1]])].map(post));
      assert.deepEqual([a, b, c].map((o) => `${o.status}/${o.statusReason ?? ''}`), ['exception/unknown_sku', 'exception/unknown_sku', 'allocated/']);

      const unpaid = await post(order('created', [['GHOST-4', 1]], 'K-later'));
      assert.equal(unpaid.status, 'created');
      const events = (await api.request('GET', `/api/v1/orders/${unpaid.id}`)).body.events.map((e: { type: string }) => e.type);
      assert.ok(events.includes('unknown_sku'), JSON.stringify(events));
      const paid = await post(order('paid', [['GHOST-4', 1]], 'K-later', new Date('2026-11-11T04:05:00Z').toISOString()));
      assert.deepEqual([paid.status, paid.statusReason], ['exception', 'unknown_sku']);
      assert.equal(await oversells(), 1, 'still only the sold-out order');
    });

    test('under the backorder policy a known SKU waits for stock, an unknown one still stops', async () => {
      assert.equal((await api.request('PATCH', '/api/v1/inventory/settings', { body: { shortagePolicy: 'backorder' } })).status, 200);
      const waiting = await post(order('paid', [['SOLD-OUT', 1]]));
      assert.equal(waiting.status, 'paid');
      const ghost = await post(order('paid', [['GHOST-5', 1]]));
      assert.deepEqual([ghost.status, ghost.statusReason], ['exception', 'unknown_sku']);
      assert.equal(await oversells(), 2);
    });
  });
}
