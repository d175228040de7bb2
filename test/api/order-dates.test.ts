import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ingestFromChannel } from '../../src/modules/channels/channels.ingest.ts';
import type { OrderInput } from '../../src/modules/orders/orders.input.ts';
import { DEFAULT_TENANT } from '../../src/modules/access/access.service.ts';
import { systemActor } from '../../src/platform/context.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { orderBody } from '../support/orders.ts';

// The API's clock stands at 2026-11-11T00:00:00Z (08:00 in Shanghai).
for (const backend of testBackends()) {
  describe(`order dates (${backend.kind})`, () => {
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

    async function refused(overrides: Record<string, unknown>, path: string) {
      const res = await api.request('POST', '/api/v1/orders', { body: orderBody(overrides) });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.ok(res.body.error.details.some((d: any) => d.path === path), JSON.stringify(res.body.error.details));
      return res.body.error;
    }

    test('a payment before the order, beyond five minutes of clock skew, is refused on paidAt', async () => {
      const error = await refused({ channelOrderId: 'D-1', orderedAt: '2026-11-11T07:00:00+08:00', paidAt: '2026-11-11T06:54:59+08:00' }, 'paidAt');
      assert.match(error.message, /paidAt.*before orderedAt/);
    });

    test('a payment a little before the order (clocks differ) is taken', async () => {
      const res = await api.request('POST', '/api/v1/orders', {
        body: orderBody({ channelOrderId: 'D-2', orderedAt: '2026-11-11T07:00:00+08:00', paidAt: '2026-11-11T06:56:00+08:00', channelModifiedAt: undefined }),
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    });

    test('an order, payment or change more than a day ahead of the clock is refused; a ship-by promise may be', async () => {
      await refused({ channelOrderId: 'D-3', orderedAt: '2026-11-12T00:00:01Z', paidAt: '2026-11-12T00:00:02Z', channelModifiedAt: undefined }, 'orderedAt');
      await refused({ channelOrderId: 'D-4', paidAt: '2026-11-13T00:00:00Z', channelModifiedAt: undefined }, 'paidAt');
      await refused({ channelOrderId: 'D-5', channelModifiedAt: '2027-01-01T00:00:00Z' }, 'channelModifiedAt');
      const within = await api.request('POST', '/api/v1/orders', {
        body: orderBody({ channelOrderId: 'D-6', orderedAt: '2026-11-11T23:00:00Z', paidAt: '2026-11-11T23:30:00Z', channelModifiedAt: undefined, shipBy: '2026-11-25T00:00:00Z' }),
      });
      assert.equal(within.status, 201, JSON.stringify(within.body));
      const listed = await api.request('GET', '/api/v1/orders?limit=200');
      assert.deepEqual(listed.body.items.map((o: any) => o.channelOrderId).sort(), ['D-2', 'D-6']);
    });

    test('the future is the request clock’s: when the clock moves on, the same order is taken', async () => {
      api.clock.set('2026-11-12T12:00:00Z');
      const res = await api.request('POST', '/api/v1/orders', {
        body: orderBody({ channelOrderId: 'D-3', orderedAt: '2026-11-12T00:00:01Z', paidAt: '2026-11-12T00:00:02Z', channelModifiedAt: undefined }),
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      api.clock.set('2026-11-11T00:00:00Z');
    });

    test('a channel order with the same breach is set aside as a dead letter, not ingested', async () => {
      const ctx = { tenantId: DEFAULT_TENANT, actor: systemActor('test'), clock: api.clock, db: database.handle.db };
      const shop = { tenantId: DEFAULT_TENANT, shopId: 'tb-main', channel: 'taobao' as const, channelShopId: '1', appKey: 'k', appSecret: 's', accessToken: null, apiBaseUrl: null };
      const order = orderBody({ channel: 'taobao', channelOrderId: 'TB-9', orderedAt: '2026-11-11T07:00:00+08:00', paidAt: '2026-11-10T07:00:00+08:00' }) as OrderInput;
      assert.equal(await ingestFromChannel(ctx, api.flows.intake, shop, order), false);
      const future = orderBody({ channel: 'taobao', channelOrderId: 'TB-10', orderedAt: '2026-11-20T07:00:00+08:00', paidAt: '2026-11-20T07:00:00+08:00', channelModifiedAt: undefined }) as OrderInput;
      assert.equal(await ingestFromChannel(ctx, api.flows.intake, shop, future), false);
      const letters = await api.request('GET', '/api/v1/channel-dead-letters');
      const details = letters.body.items.map((l: any) => `${l.reason} ${l.detail}`).join('\n');
      assert.match(details, /invalid_order order TB-9: paidAt: must not be before orderedAt/);
      assert.match(details, /invalid_order order TB-10: orderedAt: must not be more than a day in the future/);
      const listed = await api.request('GET', '/api/v1/orders?channel=taobao');
      assert.deepEqual(listed.body.items, []);
    });
  });
}
