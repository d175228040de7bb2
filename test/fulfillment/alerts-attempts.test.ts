import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { raiseAlerts } from '../../src/modules/fulfillment/alerts.service.ts';
import { retrySchedule, readEnv } from '../../src/platform/config.ts';
import { systemActor, type RequestContext } from '../../src/platform/context.ts';
import { defaultDispatch } from '../../src/workflows/wms-dispatch.workflow.ts';
import { testBackends } from '../support/databases.ts';
import { fastDispatch, startFulfillmentWorld, type FulfillmentWorld } from '../support/fulfillment.ts';

/** Alerts people can page through and filter, raised early for a delivery order that keeps failing; every send attempt kept. */
for (const backend of testBackends()) {
  describe(`alerts and attempts (${backend.kind})`, () => {
    let world: FulfillmentWorld;
    const get = async (path: string) => {
      const res = await world.api.request('GET', path);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };

    before(async () => {
      world = await startFulfillmentWorld(backend, { errorRate: 0 });
    });
    after(() => world.close());

    test('alerts page with a cursor (up to 500), filter by kind, status, warehouse and order, and count by kind', async () => {
      const ctx: RequestContext = { tenantId: 'default', actor: systemActor('test'), clock: world.api.clock, db: world.database.handle.db };
      // One kind that would bury every other in a list capped at 100.
      await raiseAlerts(ctx, Array.from({ length: 150 }, (_, i) => ({ kind: 'shipment_notice_failed', subject: `NOISE-${i}`, message: 'noise', warehouseCode: 'GZ01' })));
      world.api.clock.advance(1_000);
      const o = await world.post(world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]]));
      world.qimen.outage(60_000);
      await world.dispatchAll({ ...fastDispatch, maxAttempts: 2 });
      const [d] = await world.deliveries(o.id);
      assert.equal(d.status, 'failed');

      const first = await get('/api/v1/alerts');
      assert.equal(first.items.length, 100);
      assert.ok(first.nextCursor);
      const seen = new Set<string>(first.items.map((a: any) => a.id));
      let cursor: string | null = first.nextCursor;
      while (cursor) {
        const page = await get(`/api/v1/alerts?limit=40&cursor=${encodeURIComponent(cursor)}`);
        for (const a of page.items) seen.add(a.id);
        cursor = page.nextCursor;
      }
      assert.equal(seen.size, 151, 'every alert once across the pages');
      assert.equal((await get('/api/v1/alerts?limit=500')).items.length, 151);
      assert.equal((await world.api.request('GET', '/api/v1/alerts?limit=501')).status, 400);
      assert.equal((await world.api.request('GET', '/api/v1/alerts?cursor=nonsense')).status, 400);

      const failed = (await get('/api/v1/alerts?kind=push_failed')).items;
      assert.deepEqual(failed.map((a: any) => [a.subject, a.warehouseCode, a.orderId]), [[d.code, 'HZ01', o.id]]);
      assert.deepEqual((await get(`/api/v1/alerts?orderId=${o.id}`)).items.map((a: any) => a.kind), ['push_failed']);
      assert.equal((await get('/api/v1/alerts?warehouseCode=HZ01&limit=500')).items.length, 1);
      assert.equal((await get('/api/v1/alerts?warehouseCode=GZ01&limit=500')).items.length, 150);
      assert.deepEqual(await get('/api/v1/alerts/counts'), { counts: { push_failed: 1, shipment_notice_failed: 150 }, total: 151 });

      assert.equal((await world.api.request('POST', `/api/v1/alerts/${failed[0].id}/acknowledge`)).status, 200);
      assert.equal((await get('/api/v1/alerts?kind=push_failed')).items.length, 0);
      assert.deepEqual((await get('/api/v1/alerts?kind=push_failed&status=acknowledged')).items.map((a: any) => a.id), [failed[0].id]);
      assert.deepEqual(await get('/api/v1/alerts/counts?status=acknowledged'), { counts: { push_failed: 1 }, total: 1 });
      assert.deepEqual((await get(`/api/v1/alerts/counts?orderId=${o.id}`)).counts, {});
    });

    test('a delivery order failing for 15 minutes raises one alert then; retried now by hand while in its schedule; every attempt kept', async () => {
      assert.equal(retrySchedule(readEnv({ OMS_PUSH_ALERT_AFTER_MS: '60000' })).pushAlertAfterMs, 60_000);
      const clock = world.api.clock;
      const start = clock.now().getTime();
      const o = await world.post(world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]]));
      // Down for an hour and a half minute: through the alert and some attempts after it.
      world.qimen.outage(3600_000 + 30_000);
      const failing = async () => (await get(`/api/v1/alerts?kind=push_failing&orderId=${o.id}&status=open`)).items;
      const everFailing = async () => [...(await failing()), ...(await get(`/api/v1/alerts?kind=push_failing&orderId=${o.id}&status=acknowledged`)).items];
      /** Runs the dispatcher on the default schedule, then moves the clock to the next attempt. */
      const step = async () => {
        await world.dispatchAll(defaultDispatch);
        const [d] = await world.deliveries(o.id);
        clock.set(d.nextAttemptAt);
        return d;
      };
      let d = await step();
      while (clock.now().getTime() - start < 15 * 60_000) {
        assert.equal((await everFailing()).length, 0, 'no alert before 15 minutes of failing');
        d = await step();
      }
      assert.equal(clock.now().getTime() - start, 15 * 60_000, 'an attempt is made when the alert is due');
      await world.dispatchAll(defaultDispatch);
      const [alert] = await failing();
      assert.ok(alert, 'alerted at 15 minutes, long before the last attempt');
      assert.equal(new Date(alert.raisedAt).getTime() - start, 15 * 60_000);
      assert.equal(alert.warehouseCode, 'HZ01');
      // Acknowledged but still failing: not raised again at every attempt.
      assert.equal((await world.api.request('POST', `/api/v1/alerts/${alert.id}/acknowledge`)).status, 200);
      for (let i = 0; i < 3; i++) d = await step();
      assert.equal((await everFailing()).length, 1, 'one alert per delivery order, not one per attempt');
      assert.equal((await get(`/api/v1/alerts?kind=push_failed&orderId=${o.id}`)).items.length, 0, 'it has not failed for good');

      await world.dispatchAll(defaultDispatch);
      [d] = await world.deliveries(o.id);
      assert.equal(clock.now().getTime() - start, 3600_000);
      assert.equal(d.status, 'pending');
      assert.ok(d.attempts > 10);
      // The WMS is back a minute later; the delivery order waits in its schedule for 14 more.
      clock.advance(60_000);
      assert.ok(new Date(d.nextAttemptAt).getTime() > clock.now().getTime(), 'it waits in its schedule');
      const history = (await get(`/api/v1/delivery-orders/${d.code}`)).attemptHistory;
      assert.equal(history.length, d.attempts);
      assert.ok(history.every((a: any) => a.target === 'wms' && a.outcome === 'retry' && a.error && Number.isInteger(a.latencyMs)));
      assert.deepEqual(history.map((a: any) => a.at), [...history.map((a: any) => a.at)].sort().reverse(), 'newest first');

      // Retried now by hand: due at once, with a fresh count; the history stays.
      const retried = await world.api.request('POST', `/api/v1/delivery-orders/${d.code}/retry`);
      assert.equal(retried.status, 200, JSON.stringify(retried.body));
      assert.equal(retried.body.status, 'pending');
      assert.equal(retried.body.attempts, 0);
      assert.equal(retried.body.nextAttemptAt, clock.now().toISOString());
      assert.equal((await get(`/api/v1/orders/${o.id}`)).status, 'pushed', 'its order, not stopped for it, stays where it is');
      await world.dispatchAll(defaultDispatch);
      const done = await get(`/api/v1/delivery-orders/${d.code}`);
      assert.equal(done.status, 'accepted', JSON.stringify(done.attemptHistory.slice(0, 2)));
      assert.equal(done.attempts, 1);
      assert.equal(done.attemptHistory.length, history.length + 1, 'a success erases nothing');
      assert.equal(done.attemptHistory[0].outcome, 'accepted');
      assert.equal(done.attemptHistory[0].error, null);
      const again = await world.api.request('POST', `/api/v1/delivery-orders/${d.code}/retry`);
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'DELIVERY_NOT_RETRYABLE');
    });
  });
}
