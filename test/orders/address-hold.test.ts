import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { systemActor, type RequestContext } from '../../src/platform/context.ts';
import { ingestOrder } from '../../src/modules/orders/orders.ingest.ts';
import { orderInput } from '../../src/modules/orders/orders.input.ts';
import { correctReceiver } from '../../src/modules/orders/orders.receiver.ts';
import { transition } from '../../src/modules/orders/orders.service.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { orderBody } from '../support/orders.ts';

/** Orders recorded outside the pipeline's planned way (one by one, updates) follow the same address rules. */
for (const backend of testBackends()) {
  describe(`orders held for their address (${backend.kind})`, () => {
    let database: TestDatabase;
    let ctx: RequestContext;
    let n = 0;
    before(async () => {
      database = await backend.open();
      ctx = { tenantId: 'default', actor: systemActor('test'), clock: new ManualClock('2026-11-11T02:00:00Z'), db: database.handle.db };
    });
    after(() => database.drop());

    const ingest = (overrides: Record<string, unknown>, receiver: Record<string, unknown>) =>
      ingestOrder(ctx, orderInput.parse(orderBody({ channelOrderId: `H-${++n}`, ...overrides, receiver: { ...orderBody().receiver, ...receiver } })));

    test('a new order in China whose city cannot be placed is held from the status it came in', async () => {
      const paid = (await ingest({}, { province: '浙江', city: '杭洲' })).order;
      assert.deepEqual([paid.status, paid.statusReason, paid.heldFrom, paid.cityCode], ['on_hold', 'address_unresolved', 'paid', null]);
      const unpaid = (await ingest({ status: 'created', paidAt: undefined }, { province: '火星省' })).order;
      assert.deepEqual([unpaid.status, unpaid.heldFrom], ['on_hold', 'created']);
    });

    test('orders the channel already closed, and addresses abroad, are recorded as sent', async () => {
      const cancelled = (await ingest({ status: 'cancelled', paidAt: undefined }, { city: '杭洲市' })).order;
      assert.equal(cancelled.status, 'cancelled');
      const abroad = (await ingest({}, { country: 'US', province: 'CA', city: 'Los Angeles', district: undefined, postcode: '90001' })).order;
      assert.deepEqual([abroad.status, abroad.provinceCode], ['paid', null]);
    });

    test('a corrected receiver is placed, keeps the order’s country when none is given, and can no longer change once the order went to a warehouse', async () => {
      const held = (await ingest({}, { city: '杭洲市' })).order;
      const fixed = await correctReceiver(ctx, held.id, { ...orderBody().receiver, city: '杭州市' } as never);
      assert.equal(fixed.receiverCountry, 'CN', 'the country stays the order’s when left out');
      assert.deepEqual([fixed.provinceCode, fixed.cityCode, fixed.districtCode, fixed.status], ['330000', '330100', '330106', 'on_hold']);
      await assert.rejects(correctReceiver(ctx, held.id, { ...orderBody().receiver, country: 'CN', province: '' } as never), (e: { code?: string }) => e.code === 'ADDRESS_UNRESOLVED');

      const placed = (await ingest({}, {})).order;
      for (const to of ['allocated', 'routed', 'pushed'] as const) await transition(ctx, placed.id, { to, reason: 'test' });
      await assert.rejects(correctReceiver(ctx, placed.id, { ...orderBody().receiver, country: 'CN' } as never), (e: { code?: string }) => e.code === 'ORDER_NOT_EDITABLE');
      // Stopped after it left for the warehouse: still too late.
      for (const to of ['accepted_by_wms', 'shipped', 'exception'] as const) await transition(ctx, placed.id, { to, reason: 'test' });
      await assert.rejects(correctReceiver(ctx, placed.id, { ...orderBody().receiver } as never), (e: { code?: string }) => e.code === 'ORDER_NOT_EDITABLE');
    });
  });
}
