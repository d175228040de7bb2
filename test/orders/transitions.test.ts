import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { systemActor, type RequestContext } from '../../src/platform/context.ts';
import { transition, transitionMany, getOrder, lockOrders } from '../../src/modules/orders/orders.service.ts';
import { ingestOrder } from '../../src/modules/orders/orders.ingest.ts';
import { orderInput } from '../../src/modules/orders/orders.input.ts';
import { orderStatuses, transitions, type OrderStatus } from '../../src/modules/orders/orders.lifecycle.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { orderBody } from '../support/orders.ts';

const flow: OrderStatus[] = ['created', 'paid', 'allocated', 'routed', 'pushed', 'accepted_by_wms', 'shipped', 'delivered', 'closed'];

/** A chain of legal transitions from `created` to `target`; stopped orders are stopped late in the flow. */
function pathTo(target: OrderStatus): OrderStatus[] {
  if (target === 'cancelled') return ['cancelled'];
  if (target === 'on_hold' || target === 'exception') return [...pathTo('routed'), target];
  return flow.slice(1, flow.indexOf(target) + 1);
}

for (const backend of testBackends()) {
  describe(`order transitions (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    let ctx: RequestContext;
    let sequence = 0;
    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
      ctx = { tenantId: 'default', actor: systemActor('pipeline'), clock: new ManualClock('2026-11-11T02:00:00Z'), db: database.handle.db };
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    async function orderAt(status: OrderStatus, path = pathTo(status)): Promise<string> {
      const input = orderInput.parse(orderBody({ channelOrderId: `T-${++sequence}`, status: 'created', paidAt: undefined }));
      const { order } = await ingestOrder(ctx, input);
      for (const step of path) await transition(ctx, order.id, { to: step, reason: `to ${step}` });
      return order.id;
    }

    test('every legal transition in the table is saved with an event', async () => {
      let count = 0;
      for (const from of orderStatuses) {
        for (const to of Object.keys(transitions[from]) as OrderStatus[]) {
          // Only an order held before payment may be released to unpaid.
          const id = from === 'on_hold' && to === 'created' ? await orderAt('created', ['on_hold']) : await orderAt(from);
          const moved = await transition(ctx, id, { to, reason: `test ${from} → ${to}` });
          assert.equal(moved.status, to, `${from} → ${to}`);
          const detail = await getOrder(ctx, id);
          const last = detail.events.at(-1)!;
          assert.deepEqual([last.type, last.from, last.to, last.reason, last.actor], ['transition', from, to, `test ${from} → ${to}`, 'system:pipeline']);
          count++;
        }
      }
      const inTable = orderStatuses.reduce((n, s) => n + Object.keys(transitions[s]).length, 0);
      assert.equal(count, inTable);
      assert.ok(count >= 30);
    });

    test('the platform moving many orders at once skips one that left its status since it was read, and writes it no event', async () => {
      const [stale, fresh] = await Promise.all([orderAt('paid'), orderAt('paid')]);
      const read = await lockOrders(ctx, [stale, fresh]);
      await transition(ctx, stale, { to: 'on_hold', reason: 'a person looked first' });
      const eventsBefore = (await getOrder(ctx, stale)).events.length;
      const moved = await transitionMany(ctx, read.map((order) => ({ order, to: 'exception', reason: 'out_of_stock' })));
      assert.deepEqual([...moved.keys()], [fresh]);
      assert.deepEqual([moved.get(fresh)?.status, moved.get(fresh)?.statusReason, moved.get(fresh)?.heldFrom], ['exception', 'out_of_stock', 'paid']);
      const left = await getOrder(ctx, stale);
      assert.deepEqual([left.status, left.statusReason, left.events.length], ['on_hold', 'a person looked first', eventsBefore]);
      assert.equal((await getOrder(ctx, fresh)).status, 'exception');
    });

    test('on hold and exception keep their reason and where the order stopped', async () => {
      const id = await orderAt('routed');
      const held = await transition(ctx, id, { to: 'exception', reason: 'push_failed' });
      assert.equal(held.statusReason, 'push_failed');
      assert.equal(held.heldFrom, 'routed');
      const resumed = await transition(ctx, id, { to: 'pushed', reason: 'manual retry accepted' });
      assert.equal(resumed.statusReason, null);
      assert.equal(resumed.heldFrom, null);
    });

    test('once stock is reserved, a channel update keeps the recorded lines and amounts together', async () => {
      const body = orderBody({ channelOrderId: `AMT-${++sequence}` });
      const { order } = await ingestOrder(ctx, orderInput.parse(body));
      await transition(ctx, order.id, { to: 'allocated', reason: 'reserved' });
      const changed = orderInput.parse({
        ...body,
        channelModifiedAt: '2026-11-11T03:00:00+08:00',
        totalFen: 2590000 - 1000,
        lines: [{ sku: 'WASHER-10KG', quantity: 10, unitPriceFen: 259000 }],
      });
      const result = await ingestOrder(ctx, changed);
      assert.equal(result.outcome, 'updated');
      assert.equal(result.order.totalFen, 25800);
      assert.equal(result.order.goodsFen, 26800);
      const detail = await getOrder(ctx, order.id);
      assert.equal(detail.lines.reduce((sum, l) => sum + l.amountFen, 0), detail.goodsFen);
      assert.deepEqual(detail.events.at(-1)!.data?.channelAmounts, { goodsFen: 2590000, shippingFen: 0, discountFen: 1000, totalFen: 2589000 });
    });

    test('illegal transitions through the API are 409 and change nothing', async () => {
      for (const [from, to] of [
        ['created', 'shipped'],
        ['paid', 'closed'],
        ['shipped', 'cancelled'],
        ['cancelled', 'paid'],
        ['delivered', 'on_hold'],
      ] as const) {
        const id = await orderAt(from);
        const res = await api.request('POST', `/api/v1/orders/${id}/transitions`, { key: api.keys.ops, body: { to, reason: 'test' } });
        assert.equal(res.status, 409, `${from} → ${to}`);
        assert.equal(res.body.error.code, 'ILLEGAL_TRANSITION');
        const after = await api.request('GET', `/api/v1/orders/${id}`);
        assert.equal(after.body.status, from);
      }
    });

    test('manual actions through the API follow the caller\u2019s role', async () => {
      const id = await orderAt('paid');
      const agent = await api.request('POST', `/api/v1/orders/${id}/transitions`, { key: api.keys.agent, body: { to: 'on_hold', reason: 'address check' } });
      assert.equal(agent.status, 403);
      const supervisor = await api.request('POST', `/api/v1/orders/${id}/transitions`, { key: api.keys.supervisor, body: { to: 'on_hold', reason: 'address check' } });
      assert.equal(supervisor.status, 200);
      assert.equal(supervisor.body.status, 'on_hold');
      const tooFar = await api.request('POST', `/api/v1/orders/${id}/transitions`, { key: api.keys.ops, body: { to: 'routed', reason: 'skip' } });
      assert.equal(tooFar.status, 409);
      const released = await api.request('POST', `/api/v1/orders/${id}/transitions`, { key: api.keys.ops, body: { to: 'paid', reason: 'address confirmed' } });
      assert.equal(released.status, 200);
      assert.equal(released.body.status, 'paid');
      const systemOnly = await api.request('POST', `/api/v1/orders/${id}/transitions`, { key: api.keys.admin, body: { to: 'allocated', reason: 'by hand' } });
      assert.equal(systemOnly.status, 403, 'stock is reserved by the platform, not by a person');
      const missingReason = await api.request('POST', `/api/v1/orders/${id}/transitions`, { key: api.keys.ops, body: { to: 'cancelled' } });
      assert.equal(missingReason.status, 400);
      assert.equal(missingReason.body.error.details[0].path, 'reason');
    });
  });
}
