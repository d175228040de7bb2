import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RequestContext } from '../../src/platform/context.ts';
import { defaultSettings } from '../../src/modules/inventory/inventory.settings.ts';
import { planReservations, reserveOrders, takePlannedCtes, type ReservationRequest } from '../../src/modules/inventory/reservations.service.ts';
import { changeStock, listLevels, setSafetyStock } from '../../src/modules/inventory/stock.service.ts';
import { newOrdersWrite } from '../../src/modules/orders/orders.ingest.ts';
import { orderInput } from '../../src/modules/orders/orders.input.ts';
import { recordAllocated } from '../../src/workflows/order-intake.repository.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { postTwoWarehouses, warehousedContext } from '../support/warehouses.ts';
import { linesOrder, orderBody, postOrder } from '../support/orders.ts';

/** Safety stock is never offered to channels, but an order a channel accepted is filled from it, and flagged. */
for (const backend of testBackends()) {
  describe(`orders that reach into safety stock (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    let n = 0;

    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle, '2026-11-11T04:00:00Z');
      await postTwoWarehouses(api);
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    async function receive(sku: string, quantity: number, warehouseCode = 'HZ01') {
      const res = await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode, lines: [{ sku, quantity }] } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    async function safety(sku: string, safetyStock: number, warehouseCode?: string) {
      const res = await api.request('PUT', `/api/v1/inventory/skus/${sku}/safety-stock`, { body: { safetyStock, warehouseCode } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    const at = new Date('2026-11-11T04:00:00Z').toISOString();
    const order = (status: 'created' | 'paid', lines: [string, number][], id = `S-${++n}`, modifiedAt = at) => linesOrder(id, status, lines, at, modifiedAt);
    const post = (body: unknown) => postOrder(api, body);
    const flags = async (orderId: string) =>
      (await api.request('GET', `/api/v1/orders/${orderId}`)).body.events.filter((e: { type: string }) => e.type === 'safety_stock_used').map((e: { data: unknown }) => e.data);

    test('an order within what channels were offered is not flagged; one that takes held-back units is filled and flagged', async () => {
      await receive('LAMP', 10);
      await safety('LAMP', 3);
      const within = await post(order('paid', [['LAMP', 7]]));
      assert.equal(within.status, 'allocated');
      assert.deepEqual(await flags(within.id), []);

      const beyond = await post(order('paid', [['LAMP', 2]]));
      assert.equal(beyond.status, 'allocated', 'reservations ignore safety stock');
      assert.deepEqual(await flags(beyond.id), [{ sku: 'LAMP', warehouseCode: 'HZ01', units: 2 }]);

      // Only the units past what was offered count: 4 available, 1 offered; it takes 2, 1 of them held back.
      await receive('LAMP', 3);
      const straddle = await post(order('paid', [['LAMP', 2]]));
      assert.deepEqual(await flags(straddle.id), [{ sku: 'LAMP', warehouseCode: 'HZ01', units: 1 }]);
      const level = (await api.request('GET', '/api/v1/inventory/levels?sku=LAMP')).body.items[0];
      assert.deepEqual([level.onHand, level.reserved], [13, 11]);
    });

    test('the buffer is counted over every active warehouse, as channels are offered it', async () => {
      await receive('DESK', 5, 'HZ01');
      await receive('DESK', 5, 'GZ01');
      await safety('DESK', 3);
      // 10 available, 3 held back: 7 offered.
      const first = await post(order('paid', [['DESK', 5]]));
      assert.deepEqual(await flags(first.id), [], 'HZ01 runs dry, but GZ01 still has more than the buffer');
      const second = await post(order('paid', [['DESK', 3]]));
      assert.equal(second.status, 'allocated');
      assert.deepEqual(await flags(second.id), [{ sku: 'DESK', warehouseCode: 'GZ01', units: 1 }]);
    });

    test('an unpaid order is flagged too, and paying it later does not flag it again', async () => {
      await receive('RUG', 4);
      await safety('RUG', 2, 'HZ01');
      const unpaid = await post(order('created', [['RUG', 3]], 'S-rug'));
      assert.equal(unpaid.status, 'created');
      assert.deepEqual(await flags(unpaid.id), [{ sku: 'RUG', warehouseCode: 'HZ01', units: 1 }]);
      const paid = await post(order('paid', [['RUG', 3]], 'S-rug', new Date('2026-11-11T04:05:00Z').toISOString()));
      assert.equal(paid.status, 'allocated');
      assert.equal((await flags(paid.id)).length, 1);
    });
  });

  describe(`a planned batch never reaches into safety stock unseen (${backend.kind})`, () => {
    let database: TestDatabase;
    let ctx: RequestContext;
    before(async () => {
      database = await backend.open();
      ctx = await warehousedContext(database);
      await changeStock(ctx, [{ sku: 'DESK', warehouseCode: 'HZ', quantity: 10 }], { kind: 'receipt', reason: 'opening stock' });
      await setSafetyStock(ctx, 'DESK', 4);
    });
    after(() => database.drop());

    const request = (orderId: string, quantity: number): ReservationRequest =>
      ({ orderId, channel: 'custom', shopId: 'flagship', paid: true, warehouses: ['HZ', 'GZ'], lines: [{ lineNo: 1, sku: 'DESK', quantity }] });

    test('a plan that would take safety stock is not made; one that would after a concurrent take writes nothing', async () => {
      assert.equal(await planReservations(ctx, [request('p1', 5), request('p2', 2)], defaultSettings), null, 'p2 would take one held-back unit');

      const plan = await planReservations(ctx, [request('p3', 5)], defaultSettings);
      assert.ok(plan, '5 of the 6 offered');
      // Someone takes 2 at HZ after the plan was made: the 5 are still there, but 2 of them are now held back.
      await ctx.db.transaction((tx) => reserveOrders({ ...ctx, db: tx }, [request('other', 2)]));
      const write = newOrdersWrite(ctx, [{
        input: orderInput.parse(orderBody({ channelOrderId: 'p3', lines: [{ sku: 'DESK', quantity: 5, unitPriceFen: 50000 }], totalFen: 5 * 50000 - 1000 })),
        actor: ctx.actor, id: 'p3', admit: { to: 'allocated', reason: 'stock reserved at HZ', data: { warehouseCode: 'HZ' } },
      }]);
      assert.equal(await recordAllocated(ctx.db, { orders: write.ctes, listings: null, take: takePlannedCtes(ctx, plan) }), false);
      const [level] = (await listLevels(ctx, { sku: 'DESK', limit: 10 })).items;
      assert.deepEqual([level!.onHand, level!.reserved], [10, 2]);
    });
  });
}
