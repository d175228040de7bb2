import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RequestContext } from '../../src/platform/context.ts';
import { planReservations, releaseOrders, reserveOrders, shipOrder, type ReservationRequest } from '../../src/modules/inventory/reservations.service.ts';
import { defaultSettings } from '../../src/modules/inventory/inventory.settings.ts';
import { changeStock, listLevels, verifyLedger } from '../../src/modules/inventory/stock.service.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { warehousedContext } from '../support/warehouses.ts';

function request(orderId: string, lines: [string, number][], warehouses = ['HZ'], paid = true): ReservationRequest {
  return { orderId, channel: 'douyin', shopId: 'dy', paid, warehouses, lines: lines.map(([sku, quantity], i) => ({ lineNo: i + 1, sku, quantity })) };
}

for (const backend of testBackends()) {
  describe(`reservations (${backend.kind})`, () => {
    let database: TestDatabase;
    let ctx: RequestContext;
    before(async () => {
      database = await backend.open();
      ctx = await warehousedContext(database);
      await changeStock(ctx, [
        { sku: 'SOFA', warehouseCode: 'HZ', quantity: 3 },
        { sku: 'LAMP', warehouseCode: 'HZ', quantity: 1 },
        { sku: 'LAMP', warehouseCode: 'GZ', quantity: 5 },
      ], { kind: 'receipt', reason: 'opening stock' });
    });
    after(() => database.drop());

    const levels = async () => Object.fromEntries((await listLevels(ctx, { limit: 50 })).items.map((l) => [`${l.sku}@${l.warehouseCode}`, [l.onHand, l.reserved]]));

    test('units go to orders in arrival order, each order whole or not at all', async () => {
      const outcomes = await ctx.db.transaction((tx) => reserveOrders({ ...ctx, db: tx }, [
        request('o1', [['SOFA', 2]]),
        request('o2', [['SOFA', 2]]), // only 1 left: short
        request('o3', [['SOFA', 1], ['LAMP', 2]]), // LAMP short at HZ: nothing of o3 held
        request('o4', [['SOFA', 1]]),
        request('o5', [['LAMP', 2]], ['HZ', 'GZ']), // falls to its second warehouse
      ]));
      assert.deepEqual(outcomes.map((o) => (o.status === 'reserved' ? o.warehouseCode : o.short)), ['HZ', { SOFA: 1 }, { LAMP: 1 }, 'HZ', 'GZ']);
      assert.deepEqual(await levels(), { 'LAMP@GZ': [5, 2], 'LAMP@HZ': [1, 0], 'SOFA@HZ': [3, 3] });
      assert.equal((await verifyLedger(ctx.db)).ok, true);
    });

    test('release and shipment move the book and keep it whole', async () => {
      assert.equal(await ctx.db.transaction((tx) => releaseOrders({ ...ctx, db: tx }, ['o1'], 'released', 'cancelled')), 1);
      assert.equal(await ctx.db.transaction((tx) => shipOrder({ ...ctx, db: tx }, 'o4')), 1);
      assert.deepEqual(await levels(), { 'LAMP@GZ': [5, 2], 'LAMP@HZ': [1, 0], 'SOFA@HZ': [2, 0] });
      assert.equal(await ctx.db.transaction((tx) => releaseOrders({ ...ctx, db: tx }, ['o1'], 'released', 'again')), 0);
      const verdict = await verifyLedger(ctx.db);
      assert.deepEqual(verdict.mismatches, []);
    });

    test('a change below zero on hand is refused whole', async () => {
      await assert.rejects(
        changeStock(ctx, [{ sku: 'LAMP', warehouseCode: 'GZ', quantity: 1 }, { sku: 'SOFA', warehouseCode: 'HZ', quantity: -9 }], { kind: 'adjustment', reason: 'breakage' }),
        (err: { code?: string }) => err.code === 'INSUFFICIENT_STOCK',
      );
      assert.deepEqual((await levels())['LAMP@GZ'], [5, 2]);
    });

    test('a plan spreads orders over their warehouses as the levels read, and never plans a shortage', async () => {
      await changeStock(ctx, [{ sku: 'DESK', warehouseCode: 'HZ', quantity: 4 }, { sku: 'DESK', warehouseCode: 'GZ', quantity: 2 }], { kind: 'receipt', reason: 'new line' });
      const plan = await planReservations(ctx, [request('p1', [['DESK', 3]], ['HZ', 'GZ']), request('p2', [['DESK', 2]], ['HZ', 'GZ'])], defaultSettings);
      assert.ok(plan);
      assert.deepEqual(plan.outcomes.map((o) => (o.status === 'reserved' ? o.warehouseCode : o.short)), ['HZ', 'GZ'], 'the second order falls to the warehouse that can fill it');
      assert.deepEqual(plan.held.map((r) => [r.orderId, r.warehouseCode, r.quantity]), [['p1', 'HZ', 3], ['p2', 'GZ', 2]]);
      assert.equal(await planReservations(ctx, [request('p3', [['DESK', 9]], ['HZ', 'GZ'])], defaultSettings), null, 'a shortage is never planned');
      assert.deepEqual([(await levels())['DESK@HZ'], (await levels())['DESK@GZ']], [[4, 0], [2, 0]], 'planning takes nothing');
    });
  });
}
